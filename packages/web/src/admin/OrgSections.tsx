import { adminResources } from '@wachsam/protocol';
import { useTranslation } from 'react-i18next';
import type { Lookups } from './lookups.js';
import { ResourceSection } from './ResourceSection.js';

export function DepartmentsSection({ canEdit }: { canEdit: boolean }) {
  const { t } = useTranslation();
  return (
    <ResourceSection
      title={t('admin.sections.departments')}
      resource={adminResources.departments}
      canEdit={canEdit}
      columns={[{ header: t('admin.fields.name'), cell: (d) => d.name }]}
      fields={[{ name: 'name', label: t('admin.fields.name'), kind: 'text' }]}
      empty={{ name: '' }}
      toDraft={(d) => ({ name: d.name })}
    />
  );
}

export function BuildingsSection({ canEdit }: { canEdit: boolean }) {
  const { t } = useTranslation();
  return (
    <ResourceSection
      title={t('admin.sections.buildings')}
      resource={adminResources.buildings}
      canEdit={canEdit}
      columns={[
        { header: t('admin.fields.name'), cell: (b) => b.name },
        { header: t('admin.fields.address'), cell: (b) => b.address },
      ]}
      fields={[
        { name: 'name', label: t('admin.fields.name'), kind: 'text' },
        { name: 'address', label: t('admin.fields.address'), kind: 'text' },
        { name: 'latitude', label: t('admin.fields.latitude'), kind: 'decimal', nullable: true },
        { name: 'longitude', label: t('admin.fields.longitude'), kind: 'decimal', nullable: true },
      ]}
      empty={{ name: '', address: '', latitude: '', longitude: '' }}
      toDraft={(b) => ({
        name: b.name,
        address: b.address,
        latitude: b.latitude === null ? '' : String(b.latitude),
        longitude: b.longitude === null ? '' : String(b.longitude),
      })}
    />
  );
}

export function FloorsSection({ canEdit, lookups }: { canEdit: boolean; lookups: Lookups }) {
  const { t } = useTranslation();
  return (
    <ResourceSection
      title={t('admin.sections.floors')}
      resource={adminResources.floors}
      canEdit={canEdit}
      columns={[
        { header: t('admin.fields.building'), cell: (f) => lookups.buildingName(f.buildingId) },
        { header: t('admin.fields.name'), cell: (f) => f.name },
        { header: t('admin.fields.level'), cell: (f) => f.level },
      ]}
      fields={[
        { name: 'buildingId', label: t('admin.fields.building'), kind: 'select', options: lookups.options.buildings },
        { name: 'name', label: t('admin.fields.name'), kind: 'text' },
        { name: 'level', label: t('admin.fields.level'), kind: 'number' },
      ]}
      empty={{ buildingId: '', name: '', level: '0' }}
      toDraft={(f) => ({ buildingId: f.buildingId, name: f.name, level: String(f.level) })}
    />
  );
}

export function RoomsSection({ canEdit, lookups }: { canEdit: boolean; lookups: Lookups }) {
  const { t } = useTranslation();
  return (
    <ResourceSection
      title={t('admin.sections.rooms')}
      resource={adminResources.rooms}
      canEdit={canEdit}
      columns={[
        { header: t('admin.fields.floor'), cell: (r) => lookups.floorLabel(r.floorId) },
        { header: t('admin.fields.name'), cell: (r) => r.name },
        { header: t('admin.fields.department'), cell: (r) => lookups.departmentName(r.departmentId) },
      ]}
      fields={[
        { name: 'floorId', label: t('admin.fields.floor'), kind: 'select', options: lookups.options.floors },
        { name: 'name', label: t('admin.fields.name'), kind: 'text' },
        {
          name: 'departmentId',
          label: t('admin.fields.department'),
          kind: 'select',
          nullable: true,
          options: lookups.options.departments,
        },
      ]}
      empty={{ floorId: '', name: '', departmentId: '' }}
      toDraft={(r) => ({ floorId: r.floorId, name: r.name, departmentId: r.departmentId ?? '' })}
    />
  );
}

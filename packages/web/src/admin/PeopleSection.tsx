import { adminResources, routes, type Person, type Role } from '@wachsam/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call } from '../api/http.js';
import type { Lookups } from './lookups.js';
import { useRoleLabel, useRoleOptions } from './lookups.js';
import { ResourceForm } from './ResourceForm.js';
import { ResourceSection } from './ResourceSection.js';

function SetPassword({ person }: { person: Person }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  if (!person.login) return null;
  if (!open)
    return (
      <button type="button" onClick={() => setOpen(true)}>
        {t('admin.people.setPassword')}
      </button>
    );
  return (
    <ResourceForm
      title={t('admin.people.passwordFor', { name: `${person.firstName} ${person.lastName}` })}
      fields={[
        { name: 'password', label: t('admin.people.newPassword'), kind: 'password', autoComplete: 'new-password' },
      ]}
      initial={{ password: '' }}
      submitLabel={t('admin.people.setPassword')}
      onCancel={() => setOpen(false)}
      onSubmit={async (draft) => {
        await call(routes.setPassword, { params: { id: person.id }, body: { password: String(draft.password ?? '') } });
      }}
    />
  );
}

export function PeopleSection({ canEdit, lookups }: { canEdit: boolean; lookups: Lookups }) {
  const { t } = useTranslation();
  const roleLabel = useRoleLabel();
  const roleOptions = useRoleOptions();
  return (
    <ResourceSection
      title={t('admin.sections.people')}
      resource={adminResources.people}
      canEdit={canEdit}
      columns={[
        { header: t('admin.fields.name'), cell: (p) => `${p.firstName} ${p.lastName}` },
        { header: t('admin.fields.login'), cell: (p) => p.login ?? '–' },
        { header: t('admin.fields.phone'), cell: (p) => p.phone || '–' },
        { header: t('admin.fields.department'), cell: (p) => lookups.departmentName(p.departmentId) },
        { header: t('admin.fields.usualRoom'), cell: (p) => (p.roomId ? lookups.roomLabel(p.roomId) : '–') },
        { header: t('admin.fields.roles'), cell: (p) => p.roles.map((r) => roleLabel(r)).join(', ') },
      ]}
      fields={[
        { name: 'firstName', label: t('admin.fields.firstName'), kind: 'text' },
        { name: 'lastName', label: t('admin.fields.lastName'), kind: 'text' },
        { name: 'phone', label: t('admin.fields.phone'), kind: 'text' },
        {
          name: 'departmentId',
          label: t('admin.fields.department'),
          kind: 'select',
          nullable: true,
          options: lookups.options.departments,
        },
        {
          name: 'roomId',
          label: t('admin.fields.usualRoom'),
          kind: 'select',
          nullable: true,
          options: lookups.options.rooms,
        },
        { name: 'login', label: t('admin.fields.login'), kind: 'text', nullable: true },
        { name: 'roles', label: t('admin.fields.roles'), kind: 'checkboxes', options: roleOptions },
      ]}
      empty={{
        firstName: '',
        lastName: '',
        phone: '',
        departmentId: '',
        roomId: '',
        login: '',
        roles: ['employee'] satisfies Role[],
      }}
      toDraft={(p) => ({
        firstName: p.firstName,
        lastName: p.lastName,
        phone: p.phone,
        departmentId: p.departmentId ?? '',
        roomId: p.roomId ?? '',
        login: p.login ?? '',
        roles: p.roles,
      })}
      rowActions={(p) => (canEdit ? <SetPassword person={p} /> : null)}
    />
  );
}

export function GroupsSection({ canEdit, lookups }: { canEdit: boolean; lookups: Lookups }) {
  const { t } = useTranslation();
  return (
    <ResourceSection
      title={t('admin.sections.groups')}
      resource={adminResources.groups}
      canEdit={canEdit}
      columns={[
        { header: t('admin.fields.name'), cell: (g) => g.name },
        { header: t('admin.fields.members'), cell: (g) => g.memberIds.map(lookups.personLabel).join(', ') || '–' },
      ]}
      fields={[
        { name: 'name', label: t('admin.fields.name'), kind: 'text' },
        { name: 'memberIds', label: t('admin.fields.members'), kind: 'checkboxes', options: lookups.options.people },
      ]}
      empty={{ name: '', memberIds: [] }}
      toDraft={(g) => ({ name: g.name, memberIds: g.memberIds })}
    />
  );
}

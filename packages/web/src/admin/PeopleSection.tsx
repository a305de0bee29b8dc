import { adminResources, needsFourEyes, routes, type Person, type Role } from '@wachsam/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call } from '../api/http.js';
import { useMe } from '../app/me.js';
import type { Lookups } from './lookups.js';
import { useRoleLabel, useRoleOptions } from './lookups.js';
import { ResourceForm } from './ResourceForm.js';
import { ResourceSection } from './ResourceSection.js';
import { useList } from './useList.js';

function SetPassword({ person }: { person: Person }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const me = useMe();
  // Not one's own (that is "Mein Konto", with the current password), and not for a person with a
  // four-eyes role: whoever knew that password could act in their place (the server refuses both).
  if (!person.login || person.id === me.personId || person.roles.some(needsFourEyes)) return null;
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
  // Four-eyes roles an administrator asked for wait for a second person: shown beside the roles held.
  const pending = useList(routes.listRoleRequests);
  const rolesOf = (p: Person) => [
    ...p.roles.map((r) => roleLabel(r)),
    ...(pending.data ?? [])
      .filter((r) => r.personId === p.id)
      .map((r) => t('roleRequests.pendingRole', { role: roleLabel(r.role) })),
  ];
  return (
    <ResourceSection
      title={t('admin.sections.people')}
      resource={adminResources.people}
      canEdit={canEdit}
      intro={<p className="muted">{t('roleRequests.peopleHint')}</p>}
      onSaved={pending.reload}
      columns={[
        { header: t('admin.fields.name'), cell: (p) => `${p.firstName} ${p.lastName}` },
        { header: t('admin.fields.login'), cell: (p) => p.login ?? '–' },
        { header: t('admin.fields.phone'), cell: (p) => p.phone || '–' },
        { header: t('admin.fields.department'), cell: (p) => lookups.departmentName(p.departmentId) },
        { header: t('admin.fields.usualRoom'), cell: (p) => (p.roomId ? lookups.roomLabel(p.roomId) : '–') },
        { header: t('admin.fields.roles'), cell: (p) => rolesOf(p).join(', ') },
        {
          header: t('directory.person.header'),
          cell: (p) => (
            <>
              {t(`directory.person.${p.managedBy ?? 'manual'}`)}
              {!p.active && (
                <>
                  , <span className="state-bad">{t('directory.person.deactivated')}</span>
                </>
              )}
            </>
          ),
        },
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

import type { directoryDe } from './directory.de.js';

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };

export const directoryEn: Widen<typeof directoryDe> = {
  directory: {
    person: {
      header: 'Source',
      manual: 'by hand / CSV',
      ldap: 'LDAP / Active Directory',
      scim: 'SCIM (Entra ID)',
      deactivated: 'deactivated',
    },
    intro:
      'People from the directory: members of the chosen groups become people; groups give roles and alarm groups. Whoever is disabled in the directory or leaves the groups is deactivated (never deleted). A dry run first shows what would change.',
    none: 'No directory source yet.',
    add: 'Add directory source',
    new: 'New directory source',
    form: 'Directory source',
    url: 'Server (ldap:// or ldaps://)',
    bindDn: 'Service account (bind DN)',
    bindPassword: 'Service account password',
    passwordKept: 'stored; leave empty to keep it',
    baseDn: 'Base DN (search from here)',
    userFilter: 'Filter for people',
    groupDns: 'Groups whose members become people (one DN per line)',
    attributes: 'Attributes',
    attr: {
      login: 'Login',
      firstName: 'First name',
      lastName: 'Last name',
      email: 'E-mail',
      phone: 'Phone',
      externalId: 'Unique id (AD: objectGUID)',
      department: 'Department (empty: from the OU)',
    },
    roleMapping: 'Groups → roles',
    roleMappingHint:
      'one line each “group DN = role, role”; administration, security management and data protection are requested for confirmation (four eyes)',
    groupMapping: 'Groups → alarm groups',
    groupMappingHint: 'one line each “group DN = alarm group name”; members follow the directory',
    everyMinutes: 'Automatically every … minutes',
    everyMinutesHint: 'empty: only by hand; an automatic run with warnings is held, not applied',
    save: 'Save',
    dryRun: 'Dry run',
    apply: 'Apply',
    applyDespite: 'Apply despite warnings',
    running: 'Reading the directory …',
    history: 'Earlier runs',
    status: {
      dry: 'Dry run (nothing changed)',
      done: 'Applied',
      held: 'Held (nothing changed): check the warnings first',
      failed: 'Failed (nothing changed)',
    },
    counts:
      '{{read}} read: {{added}} new, {{changed}} changed, {{deactivated}} deactivated, {{reactivated}} active again, {{refused}} refused.',
    warnings: 'Warnings',
    lists: {
      added: 'New',
      changed: 'Changed',
      deactivated: 'Deactivated',
      reactivated: 'Active again',
      refused: 'Refused',
      roleRequests: 'Roles requested for confirmation',
    },
    scim: {
      title: 'SCIM provisioning (Microsoft Entra ID)',
      intro:
        'In Entra ID under “Enterprise applications → Provisioning” enter the SCIM URL and a secret token. Users become people, groups become alarm groups; “active = false” and deletion deactivate.',
      create: 'Create token',
      once: 'Shown only now; enter it in Entra ID as “Secret token”.',
      url: 'Tenant URL:',
      token: 'Secret token:',
      lastUsed: 'last used {{time}}',
      unused: 'not used yet',
      revokedAt: 'revoked {{time}}',
      revoke: 'Revoke',
      confirmRevoke: 'Revoke SCIM access “{{name}}”? Entra ID can then provision nothing more.',
    },
  },
};

import type { accessDe } from './access.de.js';

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };

export const accessEn: Widen<typeof accessDe> = {
  setup: {
    title: 'Set up Wachsam',
    intro:
      'This installation has no organisation yet. Create it here, once, together with its first administrator. Afterwards this form is gone.',
    codeHint:
      'The setup code is in the server’s output at start (after “Einrichtungscode”). It keeps anyone else on the network from taking over the new installation first.',
    codeLegend: 'Protecting the new installation',
    code: 'Setup code',
    organisation: 'Organisation',
    orgName: 'Name (e.g. Stadt Musterstadt)',
    orgSlug: 'Short name (a–z, 0–9, hyphen)',
    admin: 'First administrator',
    dpo: 'Data-protection officer (recommended)',
    dpoHint:
      'Public bodies must designate one (Art. 37 GDPR). Together with the administration they confirm register roles (four eyes). Without a second person nobody can confirm such roles. Leave empty to add them later.',
    firstName: 'First name',
    lastName: 'Last name',
    login: 'Login (e-mail)',
    password: 'Password (at least 10 characters)',
    repeat: 'Repeat password',
    mismatch: 'The passwords do not match',
    submit: 'Set up',
    done: 'Wachsam is set up: {{name}}. Please log in.',
  },
  account: {
    menu: 'My account: {{name}}',
    title: 'My account',
    password: 'Change password',
    hint: 'After the change every other login of this account ends (other browsers, phone); this one stays.',
    current: 'Current password',
    new: 'New password (at least 10 characters)',
    repeat: 'Repeat new password',
    mismatch: 'The new passwords do not match',
    submit: 'Change password',
    changed: 'Password changed. Every other login of this account has ended.',
  },
  roleRequests: {
    intro:
      'Administration, security management, register lookup and data protection open the register or hand out roles. They take effect only when a second person with administration or data protection confirms – never the requester, never the person themselves. Taking a role away needs no confirmation.',
    caption: 'Open role requests',
    person: 'Person',
    role: 'Role',
    requestedBy: 'Requested by',
    requestedAt: 'On',
    state: 'Note',
    approve: 'Confirm',
    reject: 'Reject',
    approveFor: 'Confirm {{role}} for {{name}}',
    rejectFor: 'Reject {{role}} for {{name}}',
    none: 'No open requests.',
    yours: 'Your own request or one for you: a second person decides.',
    noApprover:
      'Nobody else can confirm: there is no second person with administration or data protection. Add one (that needs a confirmation too) – or the server’s operator grants the role with “wachsam grant-role”.',
    waitsForPassword:
      'Waiting until {{name}} has changed the password themselves (My account): it was set by the administration, who know it.',
    approved: 'Confirmed: {{role}} for {{name}}.',
    rejected: 'Rejected: {{role}} for {{name}}.',
    pendingRole: '{{role}} (waiting for confirmation)',
    peopleHint:
      'Administration, security management, register lookup and data protection take effect only when a second person confirms them under “Confirmations”.',
  },
};

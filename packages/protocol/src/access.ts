import { z } from 'zod';
import {
  Id,
  isSafeText,
  Name,
  Role,
  safeString,
  text,
  Timestamp,
  unsafeTextMessage,
  type Role as RoleT,
} from './common.js';
import { Organisation } from './org.js';

/** The one strength rule for every new password: set by an administrator, changed by its owner, set up. */
export const NewPassword = safeString().min(10, 'mindestens 10 Zeichen').max(200, 'höchstens 200 Zeichen');

export const PasswordSet = z.object({ password: NewPassword }).strict();

/** A person changes their own password: the current one proves it is them, not a borrowed session. */
export const ChangePasswordRequest = z
  .object({
    currentPassword: safeString().min(1, 'bisheriges Passwort fehlt').max(200),
    newPassword: NewPassword,
  })
  .strict();
export type ChangePasswordRequest = z.infer<typeof ChangePasswordRequest>;

/**
 * Roles granted only with a second person's consent (four eyes): the register roles, which open
 * the register of dangerous persons or its access log, and the administration, which hands out
 * roles (without it, one administrator could create a second administrator account and confirm
 * their own request with it). Taking such a role away needs nobody: it reduces access.
 */
export const fourEyesRoles = [
  'admin',
  'security_management',
  'data_protection',
  'lookup',
] as const satisfies readonly RoleT[];
export const needsFourEyes = (role: RoleT): boolean => (fourEyesRoles as readonly RoleT[]).includes(role);

/**
 * Who may confirm or reject such a request: another administrator, or the data-protection
 * officer (the control over who may process the register's data, Art. 39 GDPR). Never the
 * person who asked, never the person it is for.
 */
export const approverRoles: readonly RoleT[] = ['admin', 'data_protection'];

export const RoleRequest = z.object({
  id: Id,
  personId: Id,
  personName: z.string(),
  role: Role,
  requestedById: Id.nullable(),
  requestedByName: z.string(),
  requestedAt: Timestamp,
  /** The caller may confirm it (neither their own request nor for themselves). */
  mayApprove: z.boolean(),
  /**
   * How many people other than the requester and the person could confirm it (with a login and
   * the administration or data-protection role). 0: it waits until there is one.
   */
  otherApprovers: z.number().int(),
  /**
   * The person's password was set by someone else (who knows it): it can be confirmed only after
   * the person changed it themselves.
   */
  waitsForOwnPassword: z.boolean(),
});
export type RoleRequest = z.infer<typeof RoleRequest>;

/** The short name of an organisation: in logins and file names, never changed later. */
export const OrgSlug = z
  .string()
  .trim()
  .toLowerCase()
  .max(40, 'höchstens 40 Zeichen')
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/, 'nur a–z, 0–9 und Bindestrich (höchstens 40 Zeichen)');

export const EmailLogin = z
  .string()
  .trim()
  .toLowerCase()
  .max(200, 'höchstens 200 Zeichen')
  .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'muss eine E-Mail-Adresse sein')
  .refine(isSafeText, unsafeTextMessage);

export const SetupAccount = z
  .object({ firstName: Name, lastName: Name, login: EmailLogin, password: NewPassword })
  .strict();
export type SetupAccount = z.infer<typeof SetupAccount>;

const setupFields = {
  organisation: z.object({ name: Name, slug: OrgSlug }).strict(),
  admin: SetupAccount,
  /** The data-protection officer (optional, recommended: public bodies must have one, Art. 37 GDPR). */
  dataProtection: SetupAccount.nullable().default(null),
};
const distinctLogins = (s: { admin: SetupAccount; dataProtection: SetupAccount | null }) =>
  s.dataProtection === null || s.dataProtection.login !== s.admin.login;
const distinctIssue = { message: 'zwei verschiedene Anmeldenamen angeben', path: ['dataProtection', 'login'] };

/** What the first-run setup creates (CLI `wachsam setup` and the one-time web form alike). */
export const SetupInput = z.object(setupFields).strict().refine(distinctLogins, distinctIssue);
export type SetupInput = z.infer<typeof SetupInput>;

/** The one-time web form: the same, with the setup code the server printed at start. */
export const SetupRequest = z
  .object({ token: text(200).min(1, 'Einrichtungscode fehlt'), ...setupFields })
  .strict()
  .refine(distinctLogins, distinctIssue);
export type SetupRequest = z.infer<typeof SetupRequest>;

export const SetupStatus = z.object({
  /** No organisation yet and this server holds an open setup code: the form may be shown. */
  needed: z.boolean(),
});
export type SetupStatus = z.infer<typeof SetupStatus>;

export const SetupResult = z.object({
  organisation: Organisation,
  adminLogin: z.string(),
  dataProtectionLogin: z.string().nullable(),
});
export type SetupResult = z.infer<typeof SetupResult>;

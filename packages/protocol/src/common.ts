import { z } from 'zod';

export const Id = z.uuid();
export type Id = z.infer<typeof Id>;

/** Realtime event ids: a monotonic bigint per installation, sent as a decimal string. */
export const EventId = z.string().regex(/^\d{1,19}$/, 'Ereignis-ID muss eine Zahl sein');
export type EventId = z.infer<typeof EventId>;

export const Timestamp = z.iso.datetime({ offset: true });

/** Short human text: names, labels. Trimmed, never empty. */
export const Name = z.string().trim().min(1, 'darf nicht leer sein').max(200, 'höchstens 200 Zeichen');
export const Phone = z
  .string()
  .trim()
  .max(40, 'höchstens 40 Zeichen')
  .regex(/^[+0-9 ()/-]*$/, 'nur Ziffern, Leerzeichen und + ( ) / -');

export const roles = [
  'employee',
  'helper',
  'security_desk',
  'control_centre',
  'admin',
  // ZeMAG (reports and register)
  'supervisor',
  'hr',
  'security_management',
  'lookup',
  'data_protection',
] as const;
export const Role = z.enum(roles);
export type Role = z.infer<typeof Role>;
/** Every role: routes any logged-in person may call. */
export const everyRole: readonly Role[] = roles;

/** German labels of the roles, as the UI shows them. */
export const roleLabels: Record<Role, string> = {
  employee: 'Beschäftigte/r',
  helper: 'Helfer/in',
  security_desk: 'Sicherheitsdienst / Pforte',
  control_centre: 'Leitstelle',
  admin: 'Administration',
  supervisor: 'Vorgesetzte/r',
  hr: 'Personalmanagement',
  security_management: 'Sicherheitsmanagement (zentrale Stelle)',
  lookup: 'Abfragende Stelle',
  data_protection: 'Datenschutz',
};

export const IdParams = z.object({ id: Id }).strict();
export type IdParams = z.infer<typeof IdParams>;

/**
 * Opaque position in a list that pages (`?cursor=`); the answer's `nextCursor` fetches the next
 * page, null when there is none. Clients never build or read one.
 */
export const Cursor = z.string().regex(/^[A-Za-z0-9_-]{1,300}$/, 'ungültige Listenposition');
export type Cursor = z.infer<typeof Cursor>;

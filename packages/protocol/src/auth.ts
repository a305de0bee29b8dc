import { z } from 'zod';
import { Id, Role, safeString, text } from './common.js';
import { Organisation } from './org.js';

export const LoginRequest = z
  .object({
    login: text(200).toLowerCase().min(1, 'Anmeldename fehlt'),
    password: safeString().min(1, 'Passwort fehlt').max(200),
  })
  .strict();
export type LoginRequest = z.infer<typeof LoginRequest>;

export const Me = z.object({
  personId: Id,
  firstName: z.string(),
  lastName: z.string(),
  login: z.string(),
  roles: z.array(Role),
  organisation: Organisation,
});
export type Me = z.infer<typeof Me>;

/** Name of the httpOnly session cookie. */
export const sessionCookie = 'wachsam_session';

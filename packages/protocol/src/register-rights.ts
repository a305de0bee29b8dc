import { z } from 'zod';
import { Phone, text } from './common.js';
import { Level } from './reports.js';

// Data-subject rights on the register (Art. 14 and 15 GDPR): the organisation's contact details
// every letter must carry, and the Art. 15 answer as it leaves the server. Routes: register.ts.

const Email = text(200).refine((v) => v === '' || z.email().safeParse(v).success, 'keine gültige E-Mail-Adresse');

/** A name or function with postal address (lines separated by line breaks), e-mail and phone. */
export const ContactDetails = z
  .object({
    name: text(300).default(''),
    address: text(500).default(''),
    email: Email.default(''),
    phone: Phone.default(''),
  })
  .strict();
export type ContactDetails = z.infer<typeof ContactDetails>;

const noContact: ContactDetails = { name: '', address: '', email: '', phone: '' };

/** The supervisory authority of public bodies in North Rhine-Westphalia (Art. 77 GDPR), as published by it. */
export const ldiNrw: ContactDetails = {
  name: 'Landesbeauftragte für Datenschutz und Informationsfreiheit Nordrhein-Westfalen (LDI NRW)',
  address: 'Kavalleriestraße 2–4\n40213 Düsseldorf',
  email: 'poststelle@ldi.nrw.de',
  phone: '0211 38424-0',
};

/**
 * Who the Art. 14 and Art. 15 letters name: the controller (Art. 14 (1) a GDPR), its
 * data-protection officer (Art. 14 (1) b) and the supervisory authority for complaints
 * (Art. 14 (2) e, default the LDI NRW). Edited by data protection only.
 */
export const PrivacyContacts = z
  .object({
    controller: ContactDetails.default(noContact),
    dataProtectionOfficer: ContactDetails.default(noContact),
    supervisoryAuthority: ContactDetails.default(ldiNrw),
    /** Start of every letter's Aktenzeichen: "DS" gives "DS-14-1234" and "DS-15-1235". */
    referencePrefix: text(20)
      .min(1, 'darf nicht leer sein')
      .regex(/^[\p{L}\p{N}][\p{L}\p{N} ./-]*$/u, 'nur Buchstaben, Ziffern, Leerzeichen und . / -')
      .default('DS'),
  })
  .strict();
export type PrivacyContacts = z.infer<typeof PrivacyContacts>;

/** What a letter cannot go without, by field path, in the words the settings page and the error use. */
export const requiredPrivacyContacts = [
  { path: 'controller.name', label: 'Name der verantwortlichen Stelle' },
  { path: 'controller.address', label: 'Postanschrift der verantwortlichen Stelle' },
  { path: 'controller.contact', label: 'E-Mail-Adresse oder Telefonnummer der verantwortlichen Stelle' },
  { path: 'dataProtectionOfficer.name', label: 'Name oder Funktion der/des Datenschutzbeauftragten' },
  {
    path: 'dataProtectionOfficer.contact',
    label: 'E-Mail-Adresse oder Postanschrift der/des Datenschutzbeauftragten',
  },
  { path: 'supervisoryAuthority.name', label: 'Name der Aufsichtsbehörde' },
  { path: 'supervisoryAuthority.address', label: 'Anschrift der Aufsichtsbehörde' },
] as const;

/** The required contact details still empty: a letter without them would break Art. 14 (1) a, b / (2) e GDPR. */
export function missingPrivacyContacts(c: PrivacyContacts): Array<{ path: string; label: string }> {
  const present: Record<(typeof requiredPrivacyContacts)[number]['path'], boolean> = {
    'controller.name': c.controller.name !== '',
    'controller.address': c.controller.address !== '',
    'controller.contact': c.controller.email !== '' || c.controller.phone !== '',
    'dataProtectionOfficer.name': c.dataProtectionOfficer.name !== '',
    'dataProtectionOfficer.contact': c.dataProtectionOfficer.email !== '' || c.dataProtectionOfficer.address !== '',
    'supervisoryAuthority.name': c.supervisoryAuthority.name !== '',
    'supervisoryAuthority.address': c.supervisoryAuthority.address !== '',
  };
  return requiredPrivacyContacts.filter((r) => !present[r.path]).map((r) => ({ path: r.path, label: r.label }));
}

// --- Art. 15 GDPR: the answer to the person ---
// Built from an allow-list: what is meant for the person (their own name, birth date, address, the
// level, the measures, the legal basis with its date), with free text blacked out where it names or
// locates an employee. Never in it: the central unit's notes and review comments, the reporter,
// witnesses, injuries, rooms, phone lines, internal ids. Dates are German (TT.MM.JJJJ).

export const GermanDate = z.string().regex(/^\d{2}\.\d{2}\.\d{4}$/, 'Datum im Format TT.MM.JJJJ');

export const SubjectLegalBasis = z.object({
  /** "Hausverbot", "Strafanzeige", "Strafantrag". */
  kind: z.string(),
  date: GermanDate,
  reference: z.string(),
});
export type SubjectLegalBasis = z.infer<typeof SubjectLegalBasis>;

export const SubjectEntry = z.object({
  lastName: z.string(),
  firstName: z.string(),
  birthDate: GermanDate.nullable(),
  aliases: z.array(z.string()),
  address: z.string(),
  /** Appearance and behaviour, for recognising the person. */
  description: z.string(),
  level: Level,
  levelText: z.string(),
  measures: z.array(z.string()),
  legalBases: z.array(SubjectLegalBasis),
  storedOn: GermanDate,
  reviewDue: GermanDate,
  deletionDue: GermanDate,
  reviewedOn: z.array(GermanDate),
  /** Art. 14 GDPR: "offen", "versandt" or "zurückgestellt", and when it was sent. */
  notification: z.object({ status: z.string(), sentOn: GermanDate.nullable() }),
});
export type SubjectEntry = z.infer<typeof SubjectEntry>;

export const SubjectIncident = z.object({
  occurredOn: GermanDate,
  /** Local time of the incident, "HH:MM". */
  time: z.string(),
  place: z.string(),
  categories: z.array(z.string()),
  level: Level,
  levelText: z.string(),
  description: z.string(),
  /** What the report says about the person. */
  causer: z.object({
    lastName: z.string(),
    firstName: z.string(),
    birthDate: GermanDate.nullable(),
    address: z.string(),
    description: z.string(),
  }),
  policeInvolved: z.boolean(),
  legalSteps: z.array(SubjectLegalBasis),
  evidence: z.object({
    threatCall: z
      .object({
        on: GermanDate,
        callerNumber: z.string(),
        voice: z.string(),
        background: z.string(),
        wording: z.string(),
      })
      .nullable(),
    letter: z.object({ receivedOn: GermanDate, sender: z.string(), content: z.string() }).nullable(),
    online: z
      .object({ on: GermanDate, url: z.string(), platform: z.string(), account: z.string(), content: z.string() })
      .nullable(),
  }),
  attachments: z.array(z.object({ type: z.string(), bytes: z.number(), sha256: z.string(), uploadedOn: GermanDate })),
  /** The warning to the employees built from this report, when one was published. */
  warning: z.object({ publishedOn: GermanDate, summary: z.string(), measures: z.array(z.string()) }).nullable(),
});
export type SubjectIncident = z.infer<typeof SubjectIncident>;

export const AccessReport = z.object({
  /** Aktenzeichen: the prefix from the settings and the number of the access-log row recording this answer. */
  reference: z.string(),
  date: GermanDate,
  controller: ContactDetails,
  dataProtectionOfficer: ContactDetails,
  supervisoryAuthority: ContactDetails,
  subject: z.object({
    lastName: z.string(),
    firstName: z.string(),
    birthDate: GermanDate.nullable(),
    /** Where the letter goes: the address of the person's entry, '' when none is known. */
    address: z.string(),
  }),
  registerEntries: z.array(SubjectEntry),
  incidentReports: z.array(SubjectIncident),
  /** Lookups within the organisation that were told of a hint about the person. */
  disclosures: z.array(z.object({ on: GermanDate, purpose: z.string() })),
  purposes: z.array(z.string()),
  legalBasis: z.string(),
  categories: z.array(z.string()),
  recipients: z.string(),
  thirdCountries: z.string(),
  retention: z.string(),
  origin: z.string(),
  automatedDecisions: z.string(),
  rights: z.string(),
  complaint: z.string(),
  withheld: z.string(),
});
export type AccessReport = z.infer<typeof AccessReport>;

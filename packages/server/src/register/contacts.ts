import { ldiNrw, missingPrivacyContacts, PrivacyContacts } from '@wachsam/protocol';
import { appendAudit } from '../audit/repository.js';
import type { Actor } from '../auth/actor.js';
import type { Clock } from '../clock.js';
import type { Db, Executor } from '../db/client.js';
import { AppError } from '../http/errors.js';
import { privacyContactsValue, storePrivacyContacts } from './repository.js';

/**
 * The organisation's contact details for the Art. 14/15 letters. Nothing stored yet, or a value an
 * older version wrote that no longer fits: the protocol's defaults (empty controller and DPO, the
 * LDI NRW), so the letters are refused until data protection has entered them — never sent with a
 * half-read address.
 */
export async function loadPrivacyContacts(ex: Executor, orgId: string): Promise<PrivacyContacts> {
  const parsed = PrivacyContacts.safeParse((await privacyContactsValue(ex, orgId)) ?? {});
  return parsed.success ? parsed.data : PrivacyContacts.parse({});
}

/**
 * The contacts a letter must carry, or a refusal naming each gap: a letter without the controller's
 * address or the DPO's contact would itself break Art. 14 (1) a, b GDPR.
 */
export async function requirePrivacyContacts(ex: Executor, orgId: string): Promise<PrivacyContacts> {
  const contacts = await loadPrivacyContacts(ex, orgId);
  const missing = missingPrivacyContacts(contacts);
  if (missing.length === 0) return contacts;
  throw new AppError(
    'privacy_contacts_missing',
    `Das Schreiben kann nicht erstellt werden: Es fehlen Angaben, die Art. 14 und 15 DSGVO verlangen (${missing
      .map((m) => m.label)
      .join(', ')}). Der Datenschutz trägt sie unter „Einstellungen“ → „Angaben für Betroffenenschreiben“ ein.`,
    missing.map((m) => ({ path: m.path, message: `${m.label} fehlt` })),
  );
}

/**
 * Read by those who write the letters, changed by data protection only: the central unit, whose
 * register the letters disclose, cannot alter the DPO's contact or the supervisory authority.
 */
export class PrivacyContactsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  get(actor: Actor): Promise<PrivacyContacts> {
    return loadPrivacyContacts(this.db, actor.orgId);
  }

  put(actor: Actor, value: PrivacyContacts): Promise<PrivacyContacts> {
    return this.db.transaction(async (tx) => {
      const before = await loadPrivacyContacts(tx, actor.orgId);
      await storePrivacyContacts(tx, actor.orgId, value);
      await appendAudit(tx, {
        orgId: actor.orgId,
        at: this.clock.now(),
        actor,
        action: 'register.privacy_contacts_changed',
        subject: `org:${actor.orgId}`,
        detail: { before, after: value },
      });
      return value;
    });
  }
}

/** The demo town's contacts: plausible, so its letters can be tried at once. */
export async function seedPrivacyContacts(ex: Executor, orgId: string, org: { name: string; domain: string }) {
  const contacts: PrivacyContacts = {
    controller: {
      name: `${org.name} – Der Bürgermeister`,
      address: 'Marktplatz 1\n12345 Musterstadt',
      email: `poststelle@${org.domain}`,
      phone: '0221 555-0',
    },
    dataProtectionOfficer: {
      name: 'Behördliche Datenschutzbeauftragte',
      address: 'Marktplatz 1\n12345 Musterstadt',
      email: `datenschutz@${org.domain}`,
      phone: '0221 555-122',
    },
    supervisoryAuthority: ldiNrw,
    referencePrefix: 'DS',
  };
  await storePrivacyContacts(ex, orgId, contacts);
}

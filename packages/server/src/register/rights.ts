import {
  accessPurposeLabels,
  type AccessPurpose,
  type AccessReport,
  type AccessReportRequest,
  type EntryNotification,
  type NotificationTask,
} from '@wachsam/protocol';
import type { Actor } from '../auth/actor.js';
import { germanDate } from '../dates.js';
import type { Tx } from '../db/client.js';
import { AppError, notFound } from '../http/errors.js';
import type { Blackout, BlackoutSubject } from './blackout.js';
import { requirePrivacyContacts } from './contacts.js';
import {
  automatedDecisionsText,
  complaintText,
  legalBasisText,
  originText,
  purposeText,
  recipientsText,
  reportsPurposeText,
  retentionText,
  rightsText,
  subjectBasis,
  thirdCountriesText,
  withheldText,
} from './legal-texts.js';
import { disclosuresOf } from './log-repository.js';
import { nameKey } from './names.js';
import { renderInWorker } from '../http/file-workers.js';
import { entryData, parseNotification, presentTask } from './presenter.js';
import * as repo from './repository.js';
import type { RegisterService } from './service.js';
import { dataCategories, presentSubjectEntry, presentSubjectIncident } from './subject-presenter.js';

const art14 = 'Art. 14 DSGVO i. V. m. § 3 BSchG NRW';
const art15 = 'Art. 15 DSGVO i. V. m. § 12 DSG NRW';

/** Aktenzeichen of a letter: the prefix from the settings, the article, the access-log row that records it. */
const letterReference = (prefix: string, article: 14 | 15, logSeq: string) => `${prefix}-${article}-${logSeq}`;

/**
 * `present` with the staff blacked out, the blackout made in a file worker (with a city's staff it
 * takes the CPU for a while). The presenters are pure: a first run learns which texts they black
 * out, the worker blacks those out, a second run gets the answers. A text the first run did not
 * ask for is never let through unblacked: it stops the answer.
 */
async function blackedOut<T>(
  staff: repo.StaffAndPlaces,
  subject: BlackoutSubject,
  present: (blackout: Blackout) => T,
): Promise<T> {
  const asked = { names: new Set<string>(), text: new Set<string>() };
  present({ names: (s) => (asked.names.add(s), s), text: (s) => (asked.text.add(s), s) });
  const names = [...asked.names];
  const text = [...asked.text];
  const done = JSON.parse((await renderInWorker('blackout', { ...staff, subject, names, text })).toString('utf8')) as {
    names: string[];
    text: string[];
  };
  const answers = (asks: string[], got: string[]) => {
    const map = new Map(asks.map((a, i) => [a, got[i]!]));
    return (s: string) => {
      const out = map.get(s);
      if (out === undefined) throw new Error('blackout: a text the presenters did not ask for before');
      return out;
    };
  };
  return present({ names: answers(names, done.names), text: answers(text, done.text) });
}

/**
 * Data-subject rights on the register: the Art. 14 notification task of every entry, and the
 * Art. 15 access report. Both read register content, so both go through the logged read path.
 */
export class RightsService {
  constructor(private readonly register: RegisterService) {}

  async tasks(actor: Actor): Promise<NotificationTask[]> {
    const { tasks } = await this.register.readLogged(
      actor,
      { action: 'list_entries', purpose: 'data_subject_rights', legalBasis: art14, query: { notificationTasks: true } },
      async (tx) => {
        const rows = await repo.unnotifiedEntries(tx, actor.orgId, this.register.today());
        return {
          answer: { tasks: rows.map(presentTask) },
          logged: { count: rows.length, entryIds: rows.map((r) => r.id) },
        };
      },
    );
    return tasks;
  }

  /** The Art. 14 letter of an entry; refused while the controller's or the DPO's contact is missing. */
  async letter(actor: Actor, id: string): Promise<Buffer> {
    const { read, logSeq } = await this.register.readLogged(
      actor,
      { action: 'art14_letter', purpose: 'data_subject_rights', legalBasis: art14, query: { entryId: id } },
      async (tx) => {
        const contacts = await requirePrivacyContacts(tx, actor.orgId);
        const row = await repo.entryById(tx, actor.orgId, id, this.register.today());
        if (!row) throw notFound('Registereintrag');
        const read = {
          contacts,
          row,
          settings: await repo.settingsOf(tx, actor.orgId),
          staff: await repo.staffAndPlaces(tx, actor.orgId),
        };
        return { answer: { read }, logged: { entryIds: [row.id] } };
      },
    );
    const { contacts, row, settings, staff } = read;
    const d = entryData(row);
    const subject = { lastName: row.lastName, firstName: row.firstName, aliases: d.aliases };
    const letter = await blackedOut(staff, subject, (blackout) => ({
      date: germanDate(this.register.today()),
      contacts,
      person: { lastName: row.lastName, firstName: row.firstName, address: d.address },
      categories: dataCategories([row], { reports: row.sourceReportId !== null, lookups: true }),
      legalBases: d.legalBases.map((b) => subjectBasis(b, blackout.names)),
      retention: retentionText(settings),
      reviewDue: germanDate(row.reviewAt),
      deletionDue: germanDate(row.deleteAt),
    }));
    return renderInWorker('notificationLetter', {
      ...letter,
      reference: letterReference(contacts.referencePrefix, 14, logSeq),
    });
  }

  async markSent(actor: Actor, id: string, sentAt: string): Promise<EntryNotification> {
    if (sentAt > this.register.today())
      throw new AppError('validation_failed', 'Das Versanddatum liegt in der Zukunft');
    return this.setNotification(actor, id, { status: 'sent', sentAt, deferral: null }, { sentAt });
  }

  /** Art. 14 (5) GDPR: the notification may wait while it would defeat the protection; a review date is required. */
  async defer(actor: Actor, id: string, reason: string, reviewAt: string): Promise<EntryNotification> {
    if (reviewAt <= this.register.today())
      throw new AppError('validation_failed', 'Die Wiedervorlage muss in der Zukunft liegen');
    return this.setNotification(
      actor,
      id,
      { status: 'deferred', sentAt: null, deferral: { reason, reviewAt } },
      { reviewAt },
    );
  }

  private async setNotification(
    actor: Actor,
    id: string,
    notification: EntryNotification,
    detail: Record<string, unknown>,
  ): Promise<EntryNotification> {
    return this.register.db.transaction(async (tx) => {
      const row = await repo.updateEntry(tx, actor.orgId, id, this.register.today(), { notification });
      if (!row) throw notFound('Registereintrag');
      await this.register.audit(tx, actor, `register.notification_${notification.status}`, id, detail);
      return parseNotification(row);
    });
  }

  async accessReport(actor: Actor, req: AccessReportRequest): Promise<AccessReport> {
    const { held, logSeq } = await this.register.readLogged(
      actor,
      {
        action: 'art15_report',
        purpose: 'data_subject_rights',
        legalBasis: art15,
        query: {
          entryId: req.entryId ?? null,
          lastName: req.lastName ?? null,
          firstName: req.firstName ?? null,
          birthDate: req.birthDate,
          nameKey: req.lastName && req.firstName ? nameKey(req.lastName, req.firstName) : '',
        },
      },
      async (tx) => {
        const held = await this.gather(tx, actor, req);
        const logged = { entryIds: held.entries.map((e) => e.id), reportIds: held.reports.map((r) => r.id) };
        return { answer: { held }, logged };
      },
    );
    // The transaction (and on PGlite the one connection) is free again: the blackout and the
    // presenters run after it, the blackout in a file worker.
    const report = await this.compose(held);
    return { reference: letterReference(held.contacts.referencePrefix, 15, logSeq), ...report };
  }

  async accessReportPdf(actor: Actor, req: AccessReportRequest): Promise<Buffer> {
    return renderInWorker('accessReport', await this.accessReport(actor, req));
  }

  /** Everything held about the person, as read in the logged transaction (presented by `compose`). */
  private async gather(tx: Tx, actor: Actor, req: AccessReportRequest) {
    const orgId = actor.orgId;
    const contacts = await requirePrivacyContacts(tx, orgId);
    let subject = { lastName: req.lastName ?? '', firstName: req.firstName ?? '', birthDate: req.birthDate };
    const today = this.register.today();
    const asked = req.entryId ? await repo.entryById(tx, orgId, req.entryId, today) : null;
    if (req.entryId && !asked) throw notFound('Registereintrag');
    if (asked) subject = { lastName: asked.lastName, firstName: asked.firstName, birthDate: asked.birthDate };

    // Only what is certainly this person: with a known birth date, entries with another or no
    // birth date belong to a namesake and stay out (the entry asked for by id is always in).
    const key = nameKey(subject.lastName, subject.firstName);
    const byName = (await repo.liveEntriesByKey(tx, orgId, key, today)).filter(
      (e) => !subject.birthDate || e.birthDate === subject.birthDate || e.id === asked?.id,
    );
    const entries = asked && !byName.some((e) => e.id === asked.id) ? [asked, ...byName] : byName;
    const sources = entries.map((e) => e.sourceReportId).filter((x): x is string => x !== null);
    const kept = await this.register.keptReports(tx, orgId);
    const named = (await repo.submittedReports(tx, orgId, kept)).filter((r) => {
      const c = (r.data.causer ?? {}) as Record<string, unknown>;
      if (nameKey(String(c.lastName ?? ''), String(c.firstName ?? '')) !== key) return false;
      return !subject.birthDate || c.birthDate === subject.birthDate;
    });
    const reports = [...named];
    for (const r of await repo.reportsByIds(tx, orgId, sources, kept))
      if (!reports.some((x) => x.id === r.id)) reports.push(r);
    const attachments = await repo.attachmentsOf(
      tx,
      reports.map((r) => r.id),
    );
    const disclosures = await disclosuresOf(
      tx,
      orgId,
      entries.map((e) => e.id),
    );
    const settings = await repo.settingsOf(tx, orgId);
    const staff = await repo.staffAndPlaces(tx, orgId);
    return { contacts, subject, asked, entries, reports, attachments, disclosures, settings, staff };
  }

  /** The answer, through the allow-list presenters, with the staff blacked out. */
  private async compose(held: Awaited<ReturnType<RightsService['gather']>>): Promise<Omit<AccessReport, 'reference'>> {
    const { contacts, subject, asked, entries, reports, attachments, disclosures, settings, staff } = held;
    const data = entries.map(entryData);
    const controller = contacts.controller.name;
    const askedAddress = asked ? entryData(asked).address : '';
    const own = { lastName: subject.lastName, firstName: subject.firstName, aliases: data.flatMap((d) => d.aliases) };
    return blackedOut(staff, own, (blackout) => ({
      date: germanDate(this.register.today()),
      controller: contacts.controller,
      dataProtectionOfficer: contacts.dataProtectionOfficer,
      supervisoryAuthority: contacts.supervisoryAuthority,
      subject: {
        lastName: subject.lastName,
        firstName: subject.firstName,
        birthDate: subject.birthDate ? germanDate(subject.birthDate) : null,
        address: askedAddress || (data.find((d) => d.address)?.address ?? ''),
      },
      registerEntries: entries.map((row) => presentSubjectEntry(row, blackout)),
      incidentReports: reports.map((r) =>
        presentSubjectIncident(
          r,
          attachments.filter((a) => a.reportId === r.id),
          blackout,
        ),
      ),
      disclosures: disclosures.map((d) => ({
        on: germanDate(d.at),
        purpose: accessPurposeLabels[d.purpose as AccessPurpose] ?? d.purpose,
      })),
      purposes: [purposeText, reportsPurposeText],
      legalBasis: legalBasisText,
      categories: dataCategories(entries, { reports: reports.length > 0, lookups: disclosures.length > 0 }),
      recipients: recipientsText(controller),
      thirdCountries: thirdCountriesText,
      retention: retentionText(settings),
      origin: originText(controller),
      automatedDecisions: automatedDecisionsText,
      rights: rightsText,
      complaint: complaintText(contacts.supervisoryAuthority),
      withheld: withheldText,
    }));
  }
}

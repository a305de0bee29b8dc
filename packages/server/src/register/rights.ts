import type {
  AccessReport,
  AccessReportRequest,
  EntryNotification,
  NotificationTask,
  SubjectIncident,
} from '@wachsam/protocol';
import type { Actor } from '../auth/actor.js';
import type { Tx } from '../db/client.js';
import { AppError, notFound } from '../http/errors.js';
import { disclosuresOf } from './log-repository.js';
import { nameKey, normaliseName } from './names.js';
import {
  accessReportPdf,
  legalBasisText,
  notificationLetterPdf,
  originText,
  purposeText,
  recipientsText,
  type NotificationLetter,
} from './pdf.js';
import { entryData, parseNotification, presentEntry, presentTask } from './presenter.js';
import * as repo from './repository.js';
import { accessLogRetentionMonths } from './retention.js';
import type { RegisterService } from './service.js';

const art14 = 'Art. 14 DSGVO i. V. m. § 3 BSchG NRW';
const art15 = 'Art. 15 DSGVO i. V. m. § 12 DSG NRW';

export const withheldText =
  'Angaben zur meldenden beschäftigten Person, zu Zeuginnen und Zeugen, zu Verletzungen der Beschäftigten sowie zu Raum, Dienststelle und Telefonanschluss werden nicht mitgeteilt, weil ihre Offenlegung die Sicherheit dieser Personen gefährden würde (§ 12 DSG NRW). Die Namen von Beschäftigten der Organisation sind in Freitexten geschwärzt.';

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

  async letter(actor: Actor, id: string): Promise<Buffer> {
    const { letter } = await this.register.readLogged(
      actor,
      { action: 'art14_letter', purpose: 'data_subject_rights', legalBasis: art14, query: { entryId: id } },
      async (tx) => {
        const row = await repo.entryById(tx, actor.orgId, id, this.register.today());
        if (!row) throw notFound('Registereintrag');
        const d = entryData(row);
        const s = await repo.settingsOf(tx, actor.orgId);
        const categories = ['Name und Vorname'];
        if (row.birthDate) categories.push('Geburtsdatum');
        if (d.aliases.length) categories.push('weitere Namen');
        if (d.address) categories.push('Anschrift');
        if (d.description) categories.push('Beschreibung von Erscheinungsbild und Verhalten');
        categories.push('Gefährdungsstufe nach dem Aachener Modell', 'empfohlene Schutzmaßnahmen');
        if (d.details) categories.push('Vermerke der zentralen Stelle');
        categories.push(
          'Anlass der Speicherung (Hausverbot, Strafanzeige oder Strafantrag) mit Datum und Aktenzeichen',
        );
        const letter: NotificationLetter = {
          controller: await repo.orgName(tx, actor.orgId),
          date: this.register.today(),
          person: { lastName: row.lastName, firstName: row.firstName, birthDate: row.birthDate, address: d.address },
          categories,
          legalBases: d.legalBases,
          reviewMonths: s.registerReviewMonths,
          deleteAt: row.deleteAt,
        };
        return { answer: { letter }, logged: { entryIds: [row.id] } };
      },
    );
    return notificationLetterPdf(letter);
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
    const { report } = await this.register.readLogged(
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
        const report = await this.gather(tx, actor, req);
        return {
          answer: { report },
          logged: {
            entryIds: report.registerEntries.map((e) => e.id),
            reportIds: report.incidentReports.map((i) => i.id),
          },
        };
      },
    );
    return report;
  }

  async accessReportPdf(actor: Actor, req: AccessReportRequest): Promise<Buffer> {
    return accessReportPdf(await this.accessReport(actor, req));
  }

  private async gather(tx: Tx, actor: Actor, req: AccessReportRequest): Promise<AccessReport> {
    const orgId = actor.orgId;
    let subject = { lastName: req.lastName ?? '', firstName: req.firstName ?? '', birthDate: req.birthDate };
    const today = this.register.today();
    const asked = req.entryId ? await repo.entryById(tx, orgId, req.entryId, today) : null;
    if (req.entryId && !asked) throw notFound('Registereintrag');
    if (asked) subject = { lastName: asked.lastName, firstName: asked.firstName, birthDate: asked.birthDate };

    // Only what is certainly this person: with a known birth date, entries with another or no
    // birth date belong to a namesake and stay out (the entry asked for by id is always in).
    const key = nameKey(subject.lastName, subject.firstName);
    const byName = (await repo.entriesByName(tx, orgId, key, subject.birthDate, today)).filter(
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
    const blackout = redactor(await repo.peopleNames(tx, orgId), subject);
    const disclosures = await disclosuresOf(
      tx,
      orgId,
      entries.map((e) => e.id),
    );
    const s = await repo.settingsOf(tx, orgId);
    const w = await this.register.window(tx, orgId);
    const controller = await repo.orgName(tx, orgId);

    return {
      generatedAt: this.register.clock.now().toISOString(),
      controller,
      subject,
      registerEntries: entries.map((row) => {
        const { due: _due, reviews, ...e } = presentEntry(row, w);
        return { ...e, reviews: reviews.map((r) => ({ at: r.at, comment: r.comment })) };
      }),
      incidentReports: reports.map((r) =>
        subjectIncident(
          r,
          attachments.filter((a) => a.reportId === r.id),
          blackout,
        ),
      ),
      disclosures: disclosures.map((d) => ({ at: d.at.toISOString(), purpose: d.purpose })),
      purposes: [purposeText, 'Dokumentation von Vorfällen, Strafanzeige und Warnung der Beschäftigten (Meldesystem)'],
      legalBasis: legalBasisText,
      recipients: recipientsText(controller),
      retention: `Registereinträge werden spätestens nach ${s.registerReviewMonths} Monaten überprüft und spätestens ${s.registerRetentionMonths} Monate nach Aufnahme oder letzter Überprüfung gelöscht. Protokolle von Abfragen werden nach ${accessLogRetentionMonths} Monaten gelöscht, sofern sie nicht für eine Datenschutzkontrolle aufbewahrt werden. Vorfallsmeldungen mit ihren Beweismitteln werden ${s.reportRetentionMonths} Monate nach dem letzten Bearbeitungsschritt gelöscht; ein veröffentlichter Warnhinweis wird nach ${s.registerRetentionMonths} Monaten archiviert und läuft ab dann.`,
      origin: originText(controller),
      withheld: withheldText,
    };
  }
}

type Redact = (s: string) => string;

/**
 * Black out the names of everybody in the organisation — reporters, witnesses, colleagues — in
 * free text: "First Last", "Last, First", and a last name of three or more letters as a whole word,
 * case-insensitive. Never the subject's own name: a person with the subject's full name is skipped,
 * and a last name shared with the subject stays (only the colleague's full name is blacked out).
 */
function redactor(
  people: Array<{ firstName: string; lastName: string }>,
  subject: { lastName: string; firstName: string },
): Redact {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');
  const own = nameKey(subject.lastName, subject.firstName);
  const ownLast = normaliseName(subject.lastName);
  const patterns = new Set<string>();
  for (const p of people) {
    const first = p.firstName.trim();
    const last = p.lastName.trim();
    if (!last || nameKey(last, first) === own) continue;
    if (first) {
      patterns.add(`${first} ${last}`);
      patterns.add(`${last}, ${first}`);
    }
    if ([...last].length >= 3 && normaliseName(last) !== ownLast) patterns.add(last);
  }
  if (patterns.size === 0) return (s) => s;
  const re = new RegExp(
    `(?<![\\p{L}\\p{N}])(?:${[...patterns]
      .sort((a, b) => b.length - a.length)
      .map(escape)
      .join('|')})(?![\\p{L}\\p{N}])`,
    'giu',
  );
  return (s) => s.replace(re, '[geschwärzt]');
}

/** Every string inside a value blacked out, the shape kept. */
function blackoutDeep(v: unknown, blackout: Redact): unknown {
  if (typeof v === 'string') return blackout(v);
  if (Array.isArray(v)) return v.map((x) => blackoutDeep(x, blackout));
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, blackoutDeep(x, blackout)]));
  return v;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const rec = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
function without(v: unknown, drop: string, blackout: Redact): Record<string, unknown> | null {
  if (v === null || v === undefined) return null;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(rec(v))) if (k !== drop) out[k] = blackoutDeep(x, blackout);
  return out;
}

/** A report as far as it concerns its causer: built from an allow-list, the reporter's side left out. */
function subjectIncident(
  r: repo.ReportRow,
  attachments: Array<{ mime: string; size: number; sha256: string; uploadedAt: Date }>,
  blackout: Redact,
): SubjectIncident {
  const d = r.data;
  const ev = rec(d.evidence);
  const warning = r.warning ? rec(r.warning) : null;
  return {
    id: r.id,
    status: r.status,
    occurredAt: r.occurredAt.toISOString(),
    address: blackout(str(d.address)),
    categories: r.categories,
    otherCategory: blackout(str(d.otherCategory)),
    level: r.level,
    description: blackout(str(d.description)),
    causer: rec(blackoutDeep(rec(d.causer), blackout)),
    policeInvolved: d.policeInvolved === true,
    legal: rec(blackoutDeep(rec(d.legal), blackout)),
    evidence: {
      threatCall: without(ev.threatCall, 'line', blackout),
      letter: without(ev.letter, 'deliveredBy', blackout),
      online: without(ev.online, '', blackout),
    },
    attachments: attachments.map((a) => ({
      mime: a.mime,
      size: a.size,
      sha256: a.sha256,
      uploadedAt: a.uploadedAt.toISOString(),
    })),
    publishedAt: r.publishedAt?.toISOString() ?? null,
    warning: warning
      ? {
          summary: blackout(str(warning.summary)),
          measures: Array.isArray(warning.measures) ? warning.measures.map((m) => blackout(String(m))) : [],
        }
      : null,
  };
}

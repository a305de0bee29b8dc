import { eq } from 'drizzle-orm';
import type { PrivacyContacts } from '@wachsam/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../clock.js';
import { auditLog, registerAccessLog } from '../db/schema.js';
import { api, backends, startTestServer, type TestServer } from '../testing.js';
import { createEntry, login, pdfText, post } from './testing.js';

/** The organisation's contacts as data protection enters them; the letters must print them as they are. */
const contacts: PrivacyContacts = {
  controller: {
    name: 'Stadt Prüfstadt – Die Oberbürgermeisterin',
    address: 'Rathausplatz 7\n54321 Prüfstadt',
    email: 'post@pruefstadt.example',
    phone: '0211 1234-0',
  },
  dataProtectionOfficer: {
    name: 'Ayşe Yılmaz, behördliche Datenschutzbeauftragte',
    address: 'Postfach 10 20 30\n54300 Prüfstadt',
    email: 'dsb@pruefstadt.example',
    phone: '0211 1234-567',
  },
  supervisoryAuthority: {
    name: 'Landesbeauftragte für Datenschutz und Informationsfreiheit Nordrhein-Westfalen (LDI NRW)',
    address: 'Kavalleriestraße 2–4\n40213 Düsseldorf',
    email: 'poststelle@ldi.nrw.de',
    phone: '0211 38424-0',
  },
  referencePrefix: 'DSB/REG',
};

/** Names outside Western European letters that the letters must print exactly. */
const person = { firstName: 'Łukasz', lastName: 'Đorđević', address: 'Šťastný-Gasse 3, 12345 Ærøskøbing' };

/** PDF text without any whitespace: a line break inside an address must not hide it. */
const compact = (s: string) => s.replace(/\s+/g, '');

/**
 * Art. 14 (1)–(2) and Art. 15 (1)–(2) GDPR, element by element: what each letter must say, with the
 * values that come from the settings (contacts, review and retention periods) and from the entry.
 */
function checklist(letter: 14 | 15): Array<[element: string, mustSay: string[]]> {
  const both: Array<[string, string[]]> = [
    [
      'controller: identity and contact (Art. 14 (1) a)',
      [contacts.controller.name, 'Rathausplatz 7', '54321 Prüfstadt', 'post@pruefstadt.example', '0211 1234-0'],
    ],
    [
      'data-protection officer: contact (Art. 14 (1) b)',
      [contacts.dataProtectionOfficer.name, 'Postfach 10 20 30', 'dsb@pruefstadt.example', '0211 1234-567'],
    ],
    [
      'purposes (Art. 14 (1) c, Art. 15 (1) a)',
      ['Schutz der Beschäftigten vor Gewalt und Sicherung der Funktionsfähigkeit der Verwaltung'],
    ],
    [
      'legal basis (Art. 14 (1) c)',
      [
        '§ 3 des Beschäftigtenschutzgesetzes NRW (BSchG NRW) in Verbindung mit Art. 6 Abs. 1 Buchstabe e DSGVO',
        'Hausverbot vom 01.10.2026 (Aktenzeichen HV-2026-17)',
      ],
    ],
    [
      'categories of data (Art. 14 (1) d, Art. 15 (1) b)',
      ['Name und Vorname', 'Geburtsdatum', 'Anschrift', 'Gefährdungsstufe nach dem Aachener Modell'],
    ],
    [
      'recipients (Art. 14 (1) e, Art. 15 (1) c)',
      ['Empfänger', 'Eine Übermittlung an andere Stellen findet nicht statt'],
    ],
    ['third countries (Art. 14 (1) f, Art. 15 (2))', ['Übermittlung in ein Drittland', 'findet nicht statt']],
    [
      'storage period from the register settings (Art. 14 (2) a, Art. 15 (1) d)',
      ['spätestens 6 Monate nach der Aufnahme', 'spätestens 18 Monate nach der Aufnahme', 'nach 12 Monaten gelöscht'],
    ],
    [
      'rights (Art. 14 (2) c, Art. 15 (1) e)',
      ['Auskunft', 'Berichtigung', 'Löschung', 'Einschränkung der Verarbeitung', 'Widerspruch'],
    ],
    ['no consent to withdraw (Art. 14 (2) d)', ['nicht auf einer Einwilligung']],
    [
      'complaint to the LDI NRW (Art. 14 (2) e, Art. 15 (1) f)',
      [
        'Beschwerde',
        'Landesbeauftragte für Datenschutz und Informationsfreiheit Nordrhein-Westfalen',
        'Kavalleriestraße 2–4',
        '40213 Düsseldorf',
        'poststelle@ldi.nrw.de',
      ],
    ],
    [
      'source of the data (Art. 14 (2) f, Art. 15 (1) g)',
      ['Herkunft der Daten', 'Meldungen von Beschäftigten', 'nicht aus öffentlich zugänglichen Quellen'],
    ],
    [
      'automated decision-making (Art. 14 (2) g, Art. 15 (1) h)',
      ['automatisierte Entscheidungsfindung einschließlich Profiling', 'findet nicht statt'],
    ],
    [
      'formal letter: return line, address block, Aktenzeichen, date, salutation, closing',
      [
        'Stadt Prüfstadt – Die Oberbürgermeisterin · Rathausplatz 7 · 54321 Prüfstadt',
        'Persönlich – vertraulich',
        'Łukasz Đorđević',
        'Šťastný-Gasse 3',
        '12345 Ærøskøbing',
        'Aktenzeichen',
        `DSB/REG-${letter}-`,
        'Datum',
        '23.11.2026',
        'Sehr geehrte(r) Łukasz Đorđević,',
        'Mit freundlichen Grüßen',
      ],
    ],
  ];
  return letter === 14
    ? [
        ...both,
        [
          'subject line (Betreff)',
          ['Information über die Speicherung Ihrer Daten im Melde- und Auskunftsregister (Art. 14 DSGVO)'],
        ],
        [
          'this entry’s review and deletion dates',
          ['spätestens am 23.05.2027 überprüft', 'spätestens am 23.05.2028 gelöscht'],
        ],
      ]
    : [
        ...both,
        ['subject line (Betreff)', ['Auskunft über Ihre personenbezogenen Daten (Art. 15 DSGVO)']],
        [
          'whether data are processed, and a copy of them (Art. 15 (1), (3))',
          ['Wir verarbeiten Daten zu Ihrer Person: 1 Eintrag', 'Eintrag 1', 'Löschung spätestens am', '23.05.2028'],
        ],
        ['restriction of the answer (§ 12 DSG NRW)', ['Einschränkung der Auskunft', '§ 12 DSG NRW']],
      ];
}

describe.each(backends)('Art. 14 and Art. 15 letters on %s', (backend) => {
  let server: TestServer;
  let central = '';
  let dp = '';
  let entryId = '';
  const clock = new FakeClock(new Date('2026-11-23T09:00:00Z').getTime());
  const letter14 = () =>
    fetch(`${server.url}/api/register/entries/${entryId}/notification/letter.pdf`, { headers: { cookie: dp } });
  const letter15 = () => post(server, '/api/register/access-report/pdf', dp, { entryId });
  const putContacts = (cookie: string, body: unknown) =>
    api(server.url, 'PUT', '/api/register/privacy-contacts', { cookie, body });

  beforeAll(async () => {
    server = await startTestServer({ backend, clock });
    [central, dp] = await Promise.all([server.login(login('sicherheit')), server.login(login('datenschutz'))]);
    const periods = { registerReviewMonths: 6, registerRetentionMonths: 18, deletionWarningDays: 30 };
    const settings = (await api(server.url, 'GET', '/api/zemag/settings', { cookie: central })).body;
    expect(
      (await api(server.url, 'PUT', '/api/zemag/settings', { cookie: central, body: { ...settings, ...periods } }))
        .status,
    ).toBe(200);
    expect((await putContacts(dp, contacts)).status).toBe(200);
    entryId = (await createEntry(server, central, person)).id;
  });
  afterAll(() => server?.close());

  it('both letters carry every element Art. 14 (1)–(2) and Art. 15 (1)–(2) GDPR require, from the settings', async () => {
    for (const [article, res] of [
      [14, await letter14()],
      [15, await letter15()],
    ] as const) {
      const text = compact(await pdfText(res));
      for (const [element, mustSay] of checklist(article)) {
        const missing = mustSay.filter((s) => !text.includes(compact(s)));
        expect({ article, element, missing }).toEqual({ article, element, missing: [] });
      }
    }
  });

  it('prints Yılmaz, Łukasz, Đorđević, Ærøskøbing and Šťastný exactly in both letters', async () => {
    for (const res of [await letter14(), await letter15()]) {
      const text = await pdfText(res);
      for (const name of ['Yılmaz', 'Łukasz', 'Đorđević', 'Ærøskøbing', 'Šťastný', 'Ayşe'])
        expect(text.includes(name), name).toBe(true);
      expect(text).toContain('Ayşe Yılmaz, behördliche Datenschutzbeauftragte');
    }
  });

  it('says "for handing over" instead of an address block when no address is known', async () => {
    const bare = await createEntry(server, central, { ...person, firstName: 'Olena', address: '' });
    const res = await fetch(`${server.url}/api/register/entries/${bare.id}/notification/letter.pdf`, {
      headers: { cookie: dp },
    });
    const text = await pdfText(res);
    expect(text).toContain('Zur persönlichen Aushändigung');
    expect(text).not.toContain('Persönlich – vertraulich');
    expect(text).toContain('Sehr geehrte(r) Olena Đorđević,');
  });

  it('refuses both letters, naming what is missing, while the controller or DPO contact is missing', async () => {
    const incomplete = {
      ...contacts,
      controller: { ...contacts.controller, address: '' },
      dataProtectionOfficer: { ...contacts.dataProtectionOfficer, email: '', address: '' },
    };
    expect((await putContacts(dp, incomplete)).status).toBe(200);
    try {
      const logged = (await server.database.db.select().from(registerAccessLog)).length;
      for (const res of [
        await letter14(),
        await letter15(),
        await post(server, '/api/register/access-report', dp, { entryId }),
      ]) {
        expect(res.status).toBe(422);
        const { error } = (await res.json()) as {
          error: { code: string; message: string; issues: Array<{ path: string }> };
        };
        expect(error.code).toBe('privacy_contacts_missing');
        expect(error.message).toContain('Postanschrift der verantwortlichen Stelle');
        expect(error.message).toContain('E-Mail-Adresse oder Postanschrift der/des Datenschutzbeauftragten');
        expect(error.issues.map((i) => i.path)).toEqual(['controller.address', 'dataProtectionOfficer.contact']);
      }
      // Refused before anything was read: no access-log row.
      expect((await server.database.db.select().from(registerAccessLog)).length).toBe(logged);
    } finally {
      expect((await putContacts(dp, contacts)).status).toBe(200);
    }
    // The PDF is read to the end: a response left unread holds its connection, and the server's
    // close waited for it (70 s here).
    const again = await letter14();
    expect(again.status).toBe(200);
    expect((await again.arrayBuffer()).byteLength).toBeGreaterThan(0);
  });

  it('lets data protection alone change the contacts, audited; the letter writers read them', async () => {
    for (const who of ['sicherheit', 'it', 'anna.schmidt']) {
      const cookie = await server.login(login(who));
      expect({ who, status: (await putContacts(cookie, contacts)).status }).toEqual({ who, status: 403 });
    }
    const read = await api(server.url, 'GET', '/api/register/privacy-contacts', { cookie: central });
    expect(read.body).toEqual(contacts);
    const anna = await server.login(login('anna.schmidt'));
    expect((await api(server.url, 'GET', '/api/register/privacy-contacts', { cookie: anna })).status).toBe(403);
    const bad = await putContacts(dp, {
      ...contacts,
      dataProtectionOfficer: { ...contacts.dataProtectionOfficer, email: 'kein' },
    });
    expect(bad.status).toBe(400);
    const audits = await server.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'register.privacy_contacts_changed'));
    expect(audits.length).toBeGreaterThanOrEqual(3);
  });

  it('the demo organisation starts with plausible contacts and the LDI NRW as supervisory authority', async () => {
    const fresh = await startTestServer({ backend });
    try {
      const cookie = await fresh.login(login('datenschutz'));
      const demo = (await api(fresh.url, 'GET', '/api/register/privacy-contacts', { cookie })).body as PrivacyContacts;
      expect(demo.controller.address).toContain('12345 Musterstadt');
      expect(demo.dataProtectionOfficer.email).toBe('datenschutz@musterstadt.example');
      expect(demo.supervisoryAuthority).toEqual(contacts.supervisoryAuthority);
    } finally {
      await fresh.close();
    }
  });
});

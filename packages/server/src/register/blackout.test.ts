import { describe, expect, it } from 'vitest';
import { blackoutFor, type BlackoutSources } from './blackout.js';

const staff: BlackoutSources['staff'] = [
  { firstName: 'Anna', lastName: 'Schmidt', login: 'anna.schmidt@musterstadt.example', phone: '+49 221 555-100' },
  { firstName: 'Mehmet', lastName: 'Yılmaz', login: 'mehmet.yilmaz@musterstadt.example', phone: '+49 221 555-101' },
  { firstName: 'Daniel', lastName: 'Krüger', login: null, phone: '' },
  { firstName: 'Petra', lastName: 'Hoffmann', login: 'pforte@musterstadt.example', phone: '' },
];
const rooms = ['E.01 Bürgerbüro Schalter 1', 'E.02 Bürgerbüro Schalter 2', '1.12 Sozialamt Leistungen'];
const { names, text } = blackoutFor({ staff, rooms, subject: { lastName: 'Krawallo', firstName: 'Kurt' } });

describe('blackout of the staff in free text', () => {
  it.each([
    ['Vorfall mit Anna Schmidt', 'Vorfall mit [geschwärzt]'],
    ['Schmidt, Anna rief an', '[geschwärzt] rief an'],
    ['Frau Schmidt und Herr Yılmaz', 'Frau [geschwärzt] und Herr [geschwärzt]'],
    ['Anna rief Mehmet', '[geschwärzt] rief [geschwärzt]'],
    ['Herr Yilmaz, Herr Krueger, Herr Kruger', 'Herr [geschwärzt], Herr [geschwärzt], Herr [geschwärzt]'],
    ['MEHMET YILMAZ', '[geschwärzt]'],
    ['Mail an anna.schmidt@musterstadt.example, Kürzel anna.schmidt', 'Mail an [geschwärzt], Kürzel [geschwärzt]'],
    ['Bedrohung am Schalter E.01', 'Bedrohung am Schalter [geschwärzt]'],
    ['in E.02 Bürgerbüro Schalter 2', 'in [geschwärzt]'],
    ['vor 1.12 gewartet', 'vor [geschwärzt] gewartet'],
    ['rief 0221 555-100 an, dann +49 221 555101', 'rief [geschwärzt] an, dann [geschwärzt]'],
  ])('names: %s', (input, expected) => {
    expect(names(input)).toBe(expected);
  });

  it.each([
    ['Bedrohung am Schalter 7', 'Bedrohung am [geschwärzt]'],
    ['Bedrohung am Schalter E.01 (Anna)', 'Bedrohung am [geschwärzt] ([geschwärzt])'],
    ['im Raum 2.14 und Zimmer 204', 'im [geschwärzt] und [geschwärzt]'],
    ['Durchwahl 122 und Telefon 0221 555-199', '[geschwärzt] und [geschwärzt]'],
    ['Rückruf unter 0171 2345678', 'Rückruf unter [geschwärzt]'],
  ])('text: %s', (input, expected) => {
    expect(text(input)).toBe(expected);
  });

  it.each([
    'Am 01.10.2026 um 10:00 Uhr im Rathaus, Marktplatz 1',
    'Hausverbot HV-2026-17, StA Köln 123 Js 456/26',
    'Annahme verweigert; Hoffmannstropfen; Schmidtstraße 3',
    'Termine nur zu zweit; Pforte informieren',
  ])('leaves what names nobody: %s', (input) => {
    expect(text(input)).toBe(input);
  });

  it("keeps the subject's own name, aliases and a last name shared with a colleague", () => {
    const own = blackoutFor({
      staff,
      rooms,
      subject: { lastName: 'Schmidt', firstName: 'Kurt', aliases: ['Anna K.'] },
    });
    expect(own.text('Kurt Schmidt drohte Anna Schmidt; nennt sich Anna K.')).toBe(
      'Kurt Schmidt drohte [geschwärzt]; nennt sich Anna K.',
    );
  });

  it('never blacks out the subject who is on the staff list themselves', () => {
    const self = blackoutFor({ staff, rooms, subject: { lastName: 'Schmidt', firstName: 'Anna' } });
    expect(self.names('Anna Schmidt, Frau Schmidt')).toBe('Anna Schmidt, Frau Schmidt');
  });
});

describe("blackout with a city's staff", () => {
  const first = ['Anna', 'Jürgen', 'Ayşe', 'Łukasz', 'Zoë', 'Björn', 'Đorđe', 'Søren', 'Marie-Luise', 'Ömer'];
  const last = [
    'Schmidt',
    'Müller',
    'Yılmaz',
    'Đorđević',
    'Weiß',
    'Groß-Böhm',
    'de la Cruz',
    'Ærø',
    "O'Brien",
    'Krüger',
  ];
  const city: BlackoutSources['staff'] = Array.from({ length: 20_000 }, (_, i) => ({
    firstName: `${first[i % 10]}${i % 7 === 0 ? '' : String.fromCharCode(97 + (i % 26))}`,
    lastName: `${last[(i * 7) % 10]}${i}`,
    login: i % 3 === 0 ? null : `p.${i}@stadt.example`,
    phone: i % 5 === 0 ? '' : `+49 221 ${String(100000 + i)}`,
  }));
  const subject = { lastName: 'Krawallo', firstName: 'Kurt' };

  it('blacks out whom a text names among 20,000 and nothing else', () => {
    const b = blackoutFor({ staff: city, rooms, subject });
    const p = (i: number) => city[i]!;
    expect(b.text(`Frau ${p(17).lastName} rief ${p(17).firstName} ${p(17).lastName}; Kurt Krawallo blieb.`)).toBe(
      'Frau [geschwärzt] rief [geschwärzt]; Kurt Krawallo blieb.',
    );
    expect(b.names(`Mail von p.500@stadt.example, Kürzel p.19999, Ruf 0221 / 11 23 46`)).toBe(
      'Mail von [geschwärzt], Kürzel [geschwärzt], Ruf [geschwärzt]',
    );
    expect(b.names('Termin im Rathaus, Aktenzeichen 4711')).toBe('Termin im Rathaus, Aktenzeichen 4711');
  }, 60_000);

  it('gives the same text as looking for everyone in every text', () => {
    const staff = city.slice(0, 150);
    const fast = blackoutFor({ staff, rooms, subject });
    const slow = blackoutFor({ staff, rooms, subject }, { prefilter: false });
    // Texts from pieces of names in every spelling and case, logins, phones with separators, rooms, noise.
    const pieces = staff.flatMap((s) => [
      s.firstName,
      s.lastName,
      s.lastName.toUpperCase(),
      `${s.lastName}, ${s.firstName}`,
      `${s.firstName}  ${s.lastName}`,
      s.lastName.replace(/ü/g, 'ue').replace(/ö/g, 'oe').replace(/ß/g, 'ss'),
      s.lastName.normalize('NFKD').replace(/\p{M}/gu, ''),
      s.login ?? 'niemand',
      s.phone.replace(/ /g, '-'),
      s.phone.replace('+49 ', '0'),
    ]);
    let seed = 7;
    const next = () => (seed = (seed * 48271) % 2147483647);
    const noise = ['am Schalter E.01', 'Raum', '2026', 'und', '(', ')', ';', 'Herr', 'Frau', '0221', 'x'];
    for (let t = 0; t < 120; t++) {
      const words = Array.from({ length: 8 }, () =>
        next() % 3 === 0 ? noise[next() % noise.length]! : pieces[next() % pieces.length]!,
      );
      const text = words.join(next() % 2 ? ' ' : ', ');
      expect(fast.text(text), text).toBe(slow.text(text));
      expect(fast.names(text), text).toBe(slow.names(text));
    }
  }, 60_000);
});

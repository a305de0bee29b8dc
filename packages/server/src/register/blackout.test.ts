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

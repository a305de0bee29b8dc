import { describe, expect, it } from 'vitest';
import { decodeCsv, levelOf, mapColumns, maxRows, readCsv } from './import.js';

/** What German Excel writes for "Speichern unter → CSV (Trennzeichen-getrennt)": Windows-1252. */
const cp1252 = (s: string) =>
  Uint8Array.from(
    [...s].map((c) => ({ ä: 0xe4, ö: 0xf6, ü: 0xfc, ß: 0xdf, Ä: 0xc4, Ö: 0xd6, Ü: 0xdc })[c] ?? c.charCodeAt(0)),
  );

describe('reading CSV files as IT departments export them', () => {
  it('reads Windows-1252 (Excel-DE) and UTF-8 with or without a BOM', () => {
    expect(decodeCsv(cp1252('Gebäude;Straße'))).toEqual({ text: 'Gebäude;Straße', encoding: 'windows-1252' });
    expect(decodeCsv(new TextEncoder().encode('Gebäude;Straße'))).toEqual({
      text: 'Gebäude;Straße',
      encoding: 'utf-8',
    });
    const bom = readCsv(
      new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('Vorname;Nachname\r\nJürgen;Öz\r\n')]),
    );
    expect(bom.header).toEqual(['Vorname', 'Nachname']);
    expect(bom.rows).toEqual([{ line: 2, cells: ['Jürgen', 'Öz'] }]);
  });

  it('finds the separator, keeps quoted separators and line breaks, counts lines as the file has them', () => {
    const t = readCsv(new TextEncoder().encode('a,b\n1,"x, y"\n\n2,"zwei\nZeilen"\n3,z\n'));
    expect(t.delimiter).toBe(',');
    expect(t.rows).toEqual([
      { line: 2, cells: ['1', 'x, y'] },
      { line: 5, cells: ['2', 'zwei\nZeilen'] },
      { line: 6, cells: ['3', 'z'] },
    ]);
    expect(readCsv(new TextEncoder().encode('a\tb\n1\t2')).delimiter).toBe('\t');
  });

  it('refuses more lines than one import may have, before it reads them into a plan', () => {
    const many = 'Raum\n' + 'R\n'.repeat(maxRows + 1);
    expect(() => readCsv(new TextEncoder().encode(many))).toThrow(/höchstens 50\.000 je Import/);
    expect(readCsv(new TextEncoder().encode('Raum\n' + 'R\n'.repeat(maxRows))).rows).toHaveLength(maxRows);
  });

  it('names a broken file in German instead of guessing', () => {
    expect(() => readCsv(new TextEncoder().encode('a;b\n1;"offen\n'))).toThrow(/Anführungszeichen/);
    expect(() => readCsv(new Uint8Array())).toThrow(/leer/);
  });

  it('maps columns by their usual German, English and Active Directory headers, and says which are missing', () => {
    expect(
      mapColumns('people', ['sAMAccountName', 'Vorname', 'Name', 'Telefon', 'Abteilung', 'Sonstiges'], {}),
    ).toEqual({
      login: 'sAMAccountName',
      firstName: 'Vorname',
      lastName: 'Name',
      phone: 'Telefon',
      department: 'Abteilung',
      building: null,
      room: null,
      groups: null,
    });
    // A column chosen by hand wins and is not used twice.
    expect(mapColumns('hosts', ['PC', 'Raum', 'Nutzer'], { person: 'Nutzer' })).toMatchObject({
      hostname: 'PC',
      room: 'Raum',
      person: 'Nutzer',
    });
    expect(() => mapColumns('rooms', ['Gebäude', 'Raum'], {})).toThrow(/Spalte nicht gefunden: Etage/);
    expect(() => mapColumns('rooms', ['Gebäude', 'Etage', 'Raum'], { room: 'Zimmer' })).toThrow(/„Zimmer“/);
  });

  it('reads a floor level from the usual German floor names', () => {
    expect(levelOf('EG')).toBe(0);
    expect(levelOf('Erdgeschoss')).toBe(0);
    expect(levelOf('2. OG')).toBe(2);
    expect(levelOf('1. UG')).toBe(-1);
    expect(levelOf('UG')).toBe(-1);
    expect(levelOf('Dach')).toBe(0);
  });
});

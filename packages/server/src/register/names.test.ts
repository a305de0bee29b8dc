import { describe, expect, it } from 'vitest';
import { canonicalJson, genesisHash, prunedRuns } from './chain.js';
import { addDays, addMonths, dayOf } from '../dates.js';
import { aliasKey, bestMatch, entryKeys, keyMatch, nameKey, sameAddress, typoTolerance } from './names.js';

describe('register names and dates', () => {
  it('finds a name however the counter spells it', () => {
    const key = nameKey('Müller', 'Jürgen');
    expect(nameKey('Mueller', 'Juergen')).toBe(key);
    expect(nameKey('  MÜLLER ', 'jürgen')).toBe(key);
    expect(nameKey('Müller-Lüdenscheidt', 'Jürgen')).toBe(nameKey('Mueller Luedenscheidt', 'Juergen'));
    expect(nameKey('Çelik', 'José')).toBe(nameKey('Celik', 'Jose'));
    expect(nameKey('Muller', 'Jurgen')).toBe(key);
    expect(nameKey('Mül-ler', 'Jür gen')).toBe(key);
    expect(nameKey('Strauß', 'Manuel')).toBe(nameKey('Strauss', 'Manuel'));
    expect(nameKey('Müller', 'Jürgen')).not.toBe(nameKey('Müller', 'Jörg'));
    expect(nameKey('Müller', 'Jürgen')).not.toBe(nameKey('Möller', 'Jürgen'));
  });

  it('keys aliases as "Last, First" or with the last word as the last name', () => {
    expect(aliasKey('Krawall, Kalle')).toBe(nameKey('Krawall', 'Kalle'));
    expect(aliasKey('Kalle  Krawall')).toBe(nameKey('Krawall', 'Kalle'));
    expect(entryKeys('Müller', 'Jürgen', ['Kalle Krawall', 'Mueller, Juergen'])).toEqual([
      nameKey('Müller', 'Jürgen'),
      nameKey('Krawall', 'Kalle'),
    ]);
  });

  it('counts months and days on calendar days in Berlin', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2028-01-31', 1)).toBe('2028-02-29');
    expect(addMonths('2026-11-23', 12)).toBe('2027-11-23');
    expect(addMonths('2026-03-15', -12)).toBe('2025-03-15');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    // 23:30 UTC on 31 Dec is already New Year in Berlin.
    expect(dayOf(new Date('2026-12-31T23:30:00Z'))).toBe('2027-01-01');
  });
});

describe('access-log chain helpers', () => {
  it('hashes the same content the same, whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { y: 1, x: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"x":2,"y":1}]},"b":1}',
    );
  });

  it('groups deleted rows into the runs that were consecutive in the chain', () => {
    const row = (seq: number, prevSeq: number | null) => ({
      seq: BigInt(seq),
      prevSeq: prevSeq === null ? null : BigInt(prevSeq),
      prevHash: prevSeq === null ? genesisHash : `h${prevSeq}`,
      hash: `h${seq}`,
    });
    // Rows 1, 2 deleted; 5 held (kept); 7, 9 deleted; 9's predecessor was 7 (8 is another organisation's).
    expect(prunedRuns([row(1, null), row(2, 1), row(7, 5), row(9, 7)])).toEqual([
      { firstPrevSeq: null, firstPrevHash: genesisHash, lastSeq: '2', lastHash: 'h2', count: 2 },
      { firstPrevSeq: '5', firstPrevHash: 'h5', lastSeq: '9', lastHash: 'h9', count: 2 },
    ]);
  });
});

describe('spelling-tolerant name matching', () => {
  const q = (last: string, first: string) => nameKey(last, first);
  it('tells exact, phonetic (Kölner Phonetik) and typo matches apart', () => {
    expect(keyMatch(q('Mustermann', 'Max'), q('Mustermann', 'Max'))).toBe('exact');
    expect(keyMatch(q('Musterman', 'Max'), q('Mustermann', 'Max'))).toBe('phonetic');
    expect(keyMatch(q('Meier', 'Max'), q('Mayer', 'Max'))).toBe('phonetic');
    expect(keyMatch(q('Schmitt', 'Kurt'), q('Schmidt', 'Curt'))).toBe('phonetic');
    expect(keyMatch(q('Mustwrmann', 'Max'), q('Mustermann', 'Max'))).toBe('typo');
    // A missing first name on either side does not exclude; a different one does.
    expect(keyMatch(q('Mustermann', ''), q('Mustermann', 'Max'))).toBe('exact');
    expect(keyMatch(q('Mustermann', 'Erika'), q('Mustermann', 'Max'))).toBeNull();
    expect(keyMatch(q('Meyer', 'Max'), q('Mustermann', 'Max'))).toBeNull();
  });

  it('allows more typos in longer names, none in very short ones', () => {
    expect([3, 4, 7, 8, 12].map(typoTolerance)).toEqual([0, 1, 1, 2, 2]);
    expect(keyMatch(q('Ott', ''), q('Otz', ''))).toBeNull();
    expect(keyMatch(q('Krawallxy', ''), q('Krawallo', ''))).toBe('typo');
    expect(bestMatch(q('Krawall', 'Kalle'), [q('Krawallo', 'Kurt'), aliasKey('Kalle Krawall')])).toBe('exact');
  });

  it('compares addresses by street and number, whatever the spelling of "Straße"', () => {
    expect(sameAddress('Hafenstr. 9', 'Hafenstraße 9, 12345 Musterstadt')).toBe(true);
    expect(sameAddress('Hafenstrasse 9', 'Hafenstraße 9')).toBe(true);
    expect(sameAddress('Hafenstraße 19', 'Hafenstraße 9, 12345 Musterstadt')).toBe(false);
    expect(sameAddress('Hafenstraße 1', 'Hafenstraße 12')).toBe(false);
    expect(sameAddress('9', 'Hafenstraße 9')).toBe(false);
  });
});

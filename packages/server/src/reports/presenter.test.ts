import { describe, expect, it } from 'vitest';
import { strafantragDeadline } from './presenter.js';

describe('Strafantragsfrist (§ 77b StGB)', () => {
  it('ends three months after the day of the incident, on the day of the same number', () => {
    expect(strafantragDeadline(new Date('2026-12-12T10:15:00+01:00'))).toBe('2027-03-12');
  });

  it('ends on the last day of the month where that month has no such day (§ 188 (3) BGB)', () => {
    expect(strafantragDeadline(new Date('2026-11-30T12:00:00+01:00'))).toBe('2027-02-28');
    expect(strafantragDeadline(new Date('2027-11-30T12:00:00+01:00'))).toBe('2028-02-29');
  });

  it('counts the day in Germany, not in UTC', () => {
    // 23:30 UTC on 11 December is already 12 December in Germany.
    expect(strafantragDeadline(new Date('2026-12-11T23:30:00Z'))).toBe('2027-03-12');
  });
});

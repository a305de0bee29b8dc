import { CompleteReport, defaultLevelMapping, ReportInput } from '@wachsam/protocol';
import { describe, expect, it } from 'vitest';
import { effectiveLevel, emptyForm, needsLevelReason, toInput } from './formState.js';

const mapping = { ...defaultLevelMapping, property_damage: 2 as const };

describe('report form → request body', () => {
  it('follows the suggestion until a different level is chosen, which then needs a reason', () => {
    const f = emptyForm();
    f.categories = ['insult', 'property_damage'];
    expect(effectiveLevel(f, defaultLevelMapping)).toBe(1);
    // Cologne's mapping files property damage under level 2.
    expect(effectiveLevel(f, mapping)).toBe(2);
    expect(needsLevelReason(f, mapping)).toBe(false);
    expect(toInput(f, mapping).level).toBeNull();

    f.level = '3';
    f.levelReason = 'Werkzeug in der Hand';
    expect(needsLevelReason(f, mapping)).toBe(true);
    expect(toInput(f, mapping)).toMatchObject({ level: 3, levelReason: 'Werkzeug in der Hand' });
    // Choosing the suggested level again is no deviation: no level, no reason sent.
    f.level = '2';
    expect(toInput(f, mapping)).toMatchObject({ level: null, levelReason: '' });
  });

  it('builds a body the protocol accepts, with only the facts that apply', () => {
    const f = emptyForm(new Date('2026-03-02T09:15:00Z'));
    f.categories = ['threat'];
    f.description = 'Drohung am Schalter';
    f.causer = {
      known: false,
      lastName: 'bleibt weg',
      firstName: '',
      birthDate: '1990-01-01',
      address: 'x',
      description: 'groß',
    };
    f.legal.hausverbot = { done: true, date: '2026-03-03', reference: 'HV-7' };
    f.legal.strafantrag = { done: false, date: '2026-03-04', reference: 'unused' };
    f.evidence.letter.sender = 'anonym';
    f.evidence.letter.receivedAt = '2026-03-01T08:00';
    const body = ReportInput.parse(toInput(f, defaultLevelMapping));
    expect(body.occurredAt).toBe(new Date(f.occurredAt).toISOString());
    expect(body.causer).toEqual({
      known: false,
      lastName: '',
      firstName: '',
      birthDate: null,
      address: '',
      description: 'groß',
    });
    expect(body.legal).toEqual({
      strafanzeige: null,
      strafantrag: null,
      hausverbot: { date: '2026-03-03', reference: 'HV-7' },
    });
    expect(body.evidence.threatCall).toBeNull();
    expect(body.evidence.online).toBeNull();
    expect(body.evidence.letter).toMatchObject({
      sender: 'anonym',
      receivedAt: new Date('2026-03-01T08:00').toISOString(),
    });
  });

  it('sends an unfinished date or legal step as typed: the draft keeps it, the submission names the field', () => {
    const f = emptyForm();
    f.occurredAt = '2026-13';
    f.categories = ['insult'];
    f.legal.strafantrag = { done: true, date: '2026-03', reference: '' };
    f.wantsComplaint = true;
    const body = toInput(f, defaultLevelMapping);
    expect(body.occurredAt).toBe('2026-13');
    expect(body.wantsComplaint).toBe(true);
    expect(ReportInput.parse(body).legal.strafantrag).toEqual({ date: '2026-03', reference: '' });
    const complete = CompleteReport.safeParse(ReportInput.parse(body));
    expect(complete.success).toBe(false);
    expect(complete.error!.issues.map((i) => i.path.join('.')).sort()).toEqual([
      'legal.strafantrag.date',
      'legal.strafantrag.reference',
      'occurredAt',
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import type { KeyValueStore } from '../alarms/outbox.js';
import { clearDraft, draftKey, loadDraft, promoteDraft, restoreForm, saveDraft } from './draftStore.js';
import { emptyForm, type ReportForm } from './formState.js';

function memoryStore(): KeyValueStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
  };
}

const anna = '00000000-0000-4000-8000-0000000000aa';
const jonas = '00000000-0000-4000-8000-0000000000bb';
const reportId = '00000000-0000-4000-8000-000000000123';
const key = '7d3f2c1e-5b4a-4c3d-9e8f-0a1b2c3d4e5f';

function typed(): ReportForm {
  const f = emptyForm(new Date('2026-03-02T09:15:00Z'));
  f.categories = ['threat', 'insult'];
  f.level = '3';
  f.levelReason = 'Messer gezeigt';
  f.description = 'Drohte mit einem Messer am Schalter';
  f.causer = { ...f.causer, known: true, lastName: 'Muster', firstName: 'Max', birthDate: '1980-05-01' };
  f.legal.strafanzeige = { done: true, date: '2026-03-03', reference: 'AZ 1/26' };
  f.evidence.threatCall.wording = 'Ich komme wieder';
  return f;
}

describe('report draft store', () => {
  it('keeps every typed field per person and restores it unchanged', () => {
    const store = memoryStore();
    const form = typed();
    const draft = { reportId: null, form, dirty: true, savedLocallyAt: '2026-03-02T09:16:00Z', createKey: key };
    saveDraft(store, anna, draft);
    expect(loadDraft(store, anna, null)).toEqual(draft);
    // Another person on the same device sees nothing of it.
    expect(loadDraft(store, jonas, null)).toBeNull();
  });

  it('moves a draft to its id once the server created it, freeing the slot for a new report', () => {
    const store = memoryStore();
    const form = typed();
    saveDraft(store, anna, { reportId: null, form, dirty: true, savedLocallyAt: '', createKey: key });
    // Until the server confirmed the create, the key stays with the draft, across reloads.
    expect(loadDraft(store, anna, null)?.createKey).toBe(key);
    promoteDraft(store, anna, reportId, form);
    expect(loadDraft(store, anna, null)).toBeNull();
    const moved = loadDraft(store, anna, reportId);
    expect(moved?.reportId).toBe(reportId);
    expect(moved?.form).toEqual(form);
    expect(moved?.dirty).toBe(false);
    // Confirmed: the key has done its job and is gone with the `new` slot.
    expect(moved?.createKey).toBeNull();
    clearDraft(store, anna, reportId);
    expect(store.data.size).toBe(0);
  });

  it('restores what it can from a damaged or older copy and never throws', () => {
    const store = memoryStore();
    store.setItem(draftKey(anna, null), '{not json');
    expect(loadDraft(store, anna, null)).toBeNull();
    store.setItem(
      draftKey(anna, null),
      JSON.stringify({
        form: {
          description: 'alt',
          categories: ['threat', 'no-such-category', 7],
          level: '9',
          causer: { known: true, lastName: 42, firstName: 'Max' },
          legal: { strafanzeige: { done: true, date: '2026-01-01' } },
          evidence: null,
        },
        createKey: 'bad key with spaces',
      }),
    );
    const restored = loadDraft(store, anna, null)!;
    expect(restored.dirty).toBe(false);
    expect(restored.createKey).toBeNull();
    expect(restored.form.description).toBe('alt');
    expect(restored.form.categories).toEqual(['threat']);
    expect(restored.form.level).toBe('');
    expect(restored.form.causer).toMatchObject({ known: true, lastName: '', firstName: 'Max' });
    expect(restored.form.legal.strafanzeige).toEqual({ done: true, date: '2026-01-01', reference: '' });
    expect(restored.form.evidence).toEqual(emptyForm().evidence);
    expect(restoreForm(null).categories).toEqual([]);
  });
});

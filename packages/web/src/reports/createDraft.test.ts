import { describe, expect, it } from 'vitest';
import type { Report, ReportInputDraft } from '@wachsam/protocol';
import { createDraft, type DraftApi, type PendingCreate } from './createDraft.js';
import { newCreateKey } from './draftStore.js';

const lost = new Error('network_error');

/** A server that keeps one draft per key, as the API does, and can lose its answers. */
function server() {
  const drafts = new Map<string, { id: string; body: ReportInputDraft }>();
  const byId = new Map<string, { id: string; body: ReportInputDraft }>();
  const keys: string[] = [];
  let loseNext = false;
  const report = (d: { id: string; body: ReportInputDraft }) =>
    ({ ...d.body, id: d.id, actions: ['edit', 'submit'] }) as unknown as Report;
  const api: DraftApi = {
    async create(body, key) {
      keys.push(key);
      let d = drafts.get(key);
      if (!d) {
        d = { id: `r${drafts.size + 1}`, body };
        drafts.set(key, d);
        byId.set(d.id, d);
      }
      if (loseNext) {
        loseNext = false;
        throw lost;
      }
      return report(d);
    },
    async update(id, body) {
      const d = byId.get(id)!;
      d.body = body;
      return report(d);
    },
  };
  return { api, drafts, keys, loseAnswer: () => (loseNext = true) };
}

const body = (description: string) => ({ description }) as unknown as ReportInputDraft;

describe('creating a draft under its key', () => {
  it('a retry after a lost answer sends the same key: one draft, with the text typed since', async () => {
    const s = server();
    const pending: PendingCreate = { key: newCreateKey(), maybeSent: false };
    s.loseAnswer();
    await expect(createDraft(s.api, body('erste Fassung'), pending)).rejects.toBe(lost);
    const report = await createDraft(s.api, body('weiter geschrieben'), pending);
    expect(s.drafts.size).toBe(1);
    expect(s.keys).toEqual([pending.key, pending.key]);
    expect(report.description).toBe('weiter geschrieben');
    expect(s.drafts.get(pending.key)!.body.description).toBe('weiter geschrieben');
  });

  it('a key restored from this device counts as maybe sent; a fresh key creates without an extra update', async () => {
    const s = server();
    const fresh = await createDraft(s.api, body('neu'), { key: newCreateKey(), maybeSent: false });
    expect(fresh.description).toBe('neu');
    const restored: PendingCreate = { key: newCreateKey(), maybeSent: true };
    await createDraft(s.api, body('nach dem Neuladen'), restored);
    expect(s.drafts.size).toBe(2);
    expect(new Set(s.keys).size).toBe(2);
  });
});

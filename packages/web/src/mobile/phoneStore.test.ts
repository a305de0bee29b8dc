import type { PhoneEnrolment } from '@wachsam/protocol';
import { describe, expect, it } from 'vitest';
import type { KeyValueStore } from '../alarms/outbox.js';
import {
  loadHandsFreeKey,
  loadOutbox,
  loadPhone,
  newTrigger,
  nextCounter,
  removeTrigger,
  renumberTrigger,
  savePhone,
  saveTrigger,
  startTrigger,
} from './phoneStore.js';

function memoryStore(): KeyValueStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
  };
}

const enrolment: PhoneEnrolment = {
  deviceId: '00000000-0000-4000-8000-000000000001',
  token: 'tok',
  sms: { number: '+49221000', deviceCode: 'AB12CD', key: 'a2V5' },
  holdMs: 1500,
};

describe('phone store', () => {
  it('keeps the enrolment per person and persists the counter before use', () => {
    const store = memoryStore();
    savePhone(store, { personId: 'p1', enrolment, counter: 0 });
    expect(loadPhone(store, 'p2')).toBeNull();
    const phone = loadPhone(store, 'p1')!;
    // Even the first key meets the API's minimum key length (a clock at the epoch gives firstCounter).
    const next = nextCounter(store, phone, 0);
    expect(next.counter).toBe(1);
    expect(newTrigger(next.counter, null).key).toBe('sms-00000001');
    expect(loadPhone(store, 'p1')!.counter).toBe(1);
    expect(nextCounter(store, next, 0).counter).toBe(2);
  });

  it('never repeats a number after the storage was lost: the counter is at least the Unix time in seconds', () => {
    const now = Date.parse('2026-12-01T10:03:12Z');
    const seconds = now / 1000;
    const store = memoryStore();
    const before = nextCounter(store, { personId: 'p1', enrolment, counter: 0 }, now);
    expect(before.counter).toBe(seconds);
    // Two presses in the same second still get two numbers.
    expect(nextCounter(store, before, now).counter).toBe(seconds + 1);
    // Storage lost (or restored from an old backup): the counter starts from 0 again, the clock did not.
    const lost = memoryStore();
    const after = nextCounter(lost, { personId: 'p1', enrolment, counter: 0 }, now + 60_000);
    expect(after.counter).toBe(seconds + 60);
    expect(newTrigger(after.counter, null).key).toBe(`sms-${seconds + 60}`);
    // Fits the SMS format (at most 12 digits).
    expect(String(after.counter)).toMatch(/^\d{1,12}$/);
    // A key the server knows from another press: above that one, whatever the clock says.
    expect(nextCounter(lost, after, 0, seconds + 500).counter).toBe(seconds + 500);
  });

  it('a new press replaces the outbox; a renumbered press keeps its time and position but not its SMS', () => {
    const store = memoryStore();
    const old = { ...newTrigger(5, null, new Date('2026-01-01T09:00:00Z')), smsText: 'WACHSAM X 5 m' };
    saveTrigger(store, old);
    const press = newTrigger(6, null, new Date('2026-01-01T10:00:00Z'));
    startTrigger(store, { ...press, smsText: 'WACHSAM X 6 m' });
    expect(loadOutbox(store).map((t) => t.key)).toEqual([press.key]);
    const renumbered = renumberTrigger(store, { ...press, smsText: 'WACHSAM X 6 m' }, 9);
    expect(renumbered).toEqual({ ...press, counter: 9, key: 'sms-00000009', smsText: null });
    expect(loadOutbox(store)).toEqual([renumbered]);
  });

  it('keeps triggers in the outbox with the SMS idempotency key until removed', () => {
    const store = memoryStore();
    const t = newTrigger(3, null, new Date('2026-01-01T10:00:00Z'));
    expect(t.key).toBe('sms-00000003');
    saveTrigger(store, t);
    saveTrigger(store, { ...t, smsText: 'WACHSAM X' });
    expect(loadOutbox(store)).toEqual([{ ...t, smsText: 'WACHSAM X' }]);
    removeTrigger(store, t.key);
    expect(loadOutbox(store)).toEqual([]);
  });

  it('defaults the hands-free key to F9', () => {
    expect(loadHandsFreeKey(memoryStore())).toBe('F9');
  });
});

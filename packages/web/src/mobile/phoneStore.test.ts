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
  savePhone,
  saveTrigger,
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
    const next = nextCounter(store, phone);
    // Even the first key meets the API's minimum key length.
    expect(next.counter).toBe(1);
    expect(newTrigger(next.counter, null).key).toBe('sms-00000001');
    expect(loadPhone(store, 'p1')!.counter).toBe(1);
    expect(nextCounter(store, next).counter).toBe(2);
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

import type { Alarm } from '@wachsam/protocol';
import { formatTime } from '../app/format.js';

/**
 * A press that reached the server more than this after it was made waited somewhere (the
 * sender's outbox, a lost network): receivers then see both times. Below it, clock drift
 * between the sender's device and the server would only add noise.
 */
export const queuedAfterMs = 10_000;

type Translate = (key: 'alarm.raisedAt' | 'alarm.pressedAndArrived', values: Record<string, string>) => string;

/** How long the press waited before it arrived, when that matters (else null). */
export function pressDelayMs(alarm: Pick<Alarm, 'triggeredAt' | 'raisedAt'>): number | null {
  if (!alarm.triggeredAt) return null;
  const delay = Date.parse(alarm.raisedAt) - Date.parse(alarm.triggeredAt);
  return delay > queuedAfterMs ? delay : null;
}

/**
 * "Ausgelöst 10:03:12 · eingegangen 10:05:40" for a press that waited, else just the arrival
 * time: a receiver must not mistake a press from minutes ago for one that just happened.
 */
export function raiseTimesText(alarm: Pick<Alarm, 'triggeredAt' | 'raisedAt'>, lang: string, t: Translate): string {
  const arrived = formatTime(alarm.raisedAt, lang);
  if (pressDelayMs(alarm) === null || !alarm.triggeredAt) return t('alarm.raisedAt', { time: arrived });
  return t('alarm.pressedAndArrived', { pressed: formatTime(alarm.triggeredAt, lang), arrived });
}

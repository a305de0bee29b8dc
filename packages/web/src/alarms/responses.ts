import type { Alarm } from '@wachsam/protocol';
import { fullName } from '../app/format.js';

/**
 * Who answered what, as it is: "Polizei verständigt" means nobody said they are on the way.
 * Names in the order the answers came.
 */
export function responsesOf(alarm: Pick<Alarm, 'responders'>): { coming: string[]; policeCalled: string[] } {
  const byTime = [...alarm.responders].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const names = (response: 'coming' | 'police_called'): string[] =>
    byTime.filter((r) => r.response === response).map((r) => fullName(r));
  return { coming: names('coming'), policeCalled: names('police_called') };
}

type Translate = (key: string, values?: Record<string, unknown>) => string;

/**
 * The answers in one line: "2 unterwegs (Petra Hoffmann, Jonas Becker) · Polizei verständigt
 * (Petra Hoffmann)", or "noch keine Rückmeldung".
 */
export function responsesText(alarm: Pick<Alarm, 'responders'>, t: Translate): string {
  const { coming, policeCalled } = responsesOf(alarm);
  const parts: string[] = [];
  if (coming.length > 0) parts.push(t('alarm.answers.coming', { count: coming.length, names: coming.join(', ') }));
  if (policeCalled.length > 0) parts.push(t('alarm.answers.policeCalled', { names: policeCalled.join(', ') }));
  return parts.length > 0 ? parts.join(' · ') : t('alarm.answers.none');
}

/** The status word a receiver reads: "Hilfe unterwegs" only when someone is. */
export function statusKey(alarm: Pick<Alarm, 'status' | 'responders'>): string {
  if (alarm.status !== 'acknowledged') return `alarm.status.${alarm.status}`;
  return responsesOf(alarm).coming.length > 0 ? 'alarm.status.acknowledged' : 'alarm.status.policeOnly';
}

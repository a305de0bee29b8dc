import type { Alarm } from '@wachsam/protocol';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { formatTime, fullName } from '../app/format.js';
import { useRealtime } from '../realtime/RealtimeProvider.js';
import { AlarmActions } from './AlarmActions.js';
import { AlarmFacts, AlarmNotices } from './AlarmFacts.js';
import { sound } from './sound.js';

/**
 * The full-screen alert. It stays, with the alarm tone repeating, until this receiver has
 * answered ("Ich komme" / "Polizei verständigt") or someone gave the all-clear. Several open
 * alarms: the oldest is shown first and every other one is listed below it and can be opened
 * at once, so an alarm that fails to answer (server error) never hides the next one.
 */
export function AlarmAlert({ alerting }: { alerting: Alarm[] }) {
  const { t } = useTranslation();
  const { sendReceipt } = useRealtime();
  const dialogRef = useRef<HTMLDivElement>(null);
  const [chosenId, setChosenId] = useState<string | null>(null);
  const alarm = alerting.find((a) => a.id === chosenId) ?? alerting[0];
  const alarmId = alarm?.id;
  const active = alerting.length > 0;

  useEffect(() => {
    for (const a of alerting) sendReceipt(a.id);
  }, [alerting, sendReceipt]);

  // Sound while any alarm waits for my answer, and the tab title for a console in a background tab.
  useEffect(() => {
    if (!active) return;
    sound.startAlarm();
    const title = document.title;
    document.title = `${t('alarm.alertTitle')} – ${title}`;
    return () => {
      sound.stopAlarm();
      document.title = title;
    };
  }, [active, t]);

  // Focus moves into the alert whenever a (new) alarm takes over the screen.
  useEffect(() => {
    if (alarmId) dialogRef.current?.focus();
  }, [alarmId]);

  if (!alarm) return null;

  // Keep keyboard focus inside the alert while it is shown.
  const trapFocus = (e: KeyboardEvent<HTMLDivElement>): void => {
    if (e.key !== 'Tab' || !dialogRef.current) return;
    const focusable = dialogRef.current.querySelectorAll<HTMLElement>(
      'button:not([disabled]), a[href], input:not([disabled]), textarea:not([disabled]), [tabindex="0"]',
    );
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (!first || !last) return;
    if (e.shiftKey && (document.activeElement === first || document.activeElement === dialogRef.current)) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };

  return (
    <div className="alert-backdrop">
      <div
        ref={dialogRef}
        className={alarm.test ? 'alert-dialog test' : 'alert-dialog'}
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="alarm-alert-title"
        aria-describedby="alarm-alert-summary"
        tabIndex={-1}
        onKeyDown={trapFocus}
      >
        <h2 id="alarm-alert-title">{alarm.test ? t('alarm.alertTitleTest') : t('alarm.alertTitle')}</h2>
        <p id="alarm-alert-summary" className="summary">
          {t('alarm.summary', {
            name: `${alarm.sender.firstName} ${alarm.sender.lastName}`.trim() || t('alarm.unknownSender'),
            room: alarm.location.room || '–',
            building: alarm.location.building || '–',
          })}
        </p>
        <AlarmNotices alarm={alarm} />
        <AlarmFacts alarm={alarm} />
        <AlarmActions alarm={alarm} />
        <WaitingAlarms waiting={alerting.filter((a) => a.id !== alarm.id)} onOpen={setChosenId} />
      </div>
    </div>
  );
}

/** The other alarms waiting for my answer, each one click away. */
function WaitingAlarms({ waiting, onOpen }: { waiting: Alarm[]; onOpen: (id: string) => void }) {
  const { t, i18n } = useTranslation();
  if (waiting.length === 0) return null;
  return (
    <section className="waiting-alarms" aria-labelledby="waiting-alarms-title">
      <h3 id="waiting-alarms-title">{t('alarm.moreAlarms', { count: waiting.length })}</h3>
      <ul>
        {waiting.map((a) => (
          <li key={a.id}>
            <button type="button" onClick={() => onOpen(a.id)}>
              {t('alarm.openWaiting', {
                name: fullName(a.sender) || t('alarm.unknownSender'),
                place: [a.location.room, a.location.building].filter(Boolean).join(', ') || '–',
                time: formatTime(a.raisedAt, i18n.language),
              })}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

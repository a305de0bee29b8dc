import type { Alarm } from '@wachsam/protocol';
import { useEffect, useRef, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useRealtime } from '../realtime/RealtimeProvider.js';
import { AlarmActions } from './AlarmActions.js';
import { AlarmFacts, AlarmNotices } from './AlarmFacts.js';
import { sound } from './sound.js';

/**
 * The full-screen alert. It stays, with the alarm tone repeating, until this receiver has
 * answered ("Ich komme" / "Polizei verständigt") or someone gave the all-clear; several open
 * alarms are shown one after the other, oldest first.
 */
export function AlarmAlert({ alerting }: { alerting: Alarm[] }) {
  const { t } = useTranslation();
  const { sendReceipt } = useRealtime();
  const dialogRef = useRef<HTMLDivElement>(null);
  const alarm = alerting[0];
  const alarmId = alarm?.id;

  useEffect(() => {
    for (const a of alerting) sendReceipt(a.id);
  }, [alerting, sendReceipt]);

  // Sound, and the tab title for a console that sits in a background tab.
  useEffect(() => {
    if (!alarmId) return;
    sound.startAlarm();
    const title = document.title;
    document.title = `${t('alarm.alertTitle')} – ${title}`;
    return () => {
      sound.stopAlarm();
      document.title = title;
    };
  }, [alarmId, t]);

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
        <AlarmActions alarm={alarm} onResponded={() => sound.stopAlarm()} />
        {alerting.length > 1 && <p className="muted">{t('alarm.moreAlarms', { count: alerting.length - 1 })}</p>}
      </div>
    </div>
  );
}

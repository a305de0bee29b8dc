import { routes, type Alarm } from '@wachsam/protocol';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, RequestError } from '../api/http.js';
import { MessageThread } from '../alarms/MessageThread.js';
import { HelpStatus } from '../alarms/HelpStatus.js';
import { AlreadyClosedNotice, TooOldNotice } from '../alarms/OutboxNotices.js';
import { mobileReportBase } from '../reports/ZemagArea.js';
import { useOnline } from '../realtime/online.js';
import { useRealtime } from '../realtime/RealtimeProvider.js';
import { AlarmButton } from './AlarmButton.js';
import { PhoneEndedNotice } from '../realtime/EndedNotices.js';
import { HandsFreeSettings, useHandsFreeKey } from './HandsFreeKey.js';
import { watchPosition } from './position.js';
import type { PendingTrigger, StoredPhone } from './phoneStore.js';
import { smsLink } from './sms.js';
import { bearer, useMobileRaise } from './useMobileRaise.js';

/** The server no longer accepts this phone's token: neither online nor by SMS (same device). */
const phoneRefused = (code: string): boolean => code === 'token_revoked' || code === 'invalid_token';

/** The server takes a position at most every 5 s; the phone does not send more often. */
const positionIntervalMs = 5_000;

/** The SMS path: a web app cannot send an SMS itself, so it prepares one to send with one tap. */
function SmsPath({ phone, trigger }: { phone: StoredPhone; trigger: PendingTrigger }) {
  const { t } = useTranslation();
  const number = phone.enrolment.sms.number;
  if (!number) return <p className="notice warning">{t('mobile.sms.notConfigured')}</p>;
  if (!trigger.smsText) return <p className="muted">{t('mobile.sms.preparing')}</p>;
  return (
    <div className="notice warning sms-path">
      <p>{t('mobile.sms.explain')}</p>
      <a className="button-link primary" href={smsLink(number, trigger.smsText)}>
        {t('mobile.sms.send', { number })}
      </a>
    </div>
  );
}

/** The server keeps a person's last known position at most every 30 s; the phone matches it. */
const lastPositionIntervalMs = 30_000;

/**
 * While the app is open and no alarm runs, the phone tells the server where its person is
 * (only the newest fix is kept there). A personal alarm button of this person then raises with
 * it: a button has no GPS. Failures are quiet; the next fix tries again.
 */
function LastPositionReporter({ token }: { token: string }) {
  useEffect(
    () =>
      watchPosition((position) => {
        call(routes.reportPosition, { headers: bearer(token), body: { position } }).catch(() => undefined);
      }, lastPositionIntervalMs),
    [token],
  );
  return null;
}

/**
 * While the alarm is open the phone reports where it is (rate-limited). It stops when the
 * alarm leaves the live store (all-clear) or the server says the alarm is closed.
 */
function PositionReporter({ alarmId, token }: { alarmId: string; token: string }) {
  const { alarms } = useRealtime();
  const live = alarms.alarms.has(alarmId);
  const [seen, setSeen] = useState(false);
  const [closed, setClosed] = useState(false);
  if (live && !seen) setSeen(true);
  const open = !closed && !(seen && !live);
  useEffect(() => {
    if (!open) return;
    return watchPosition((position) => {
      call(routes.updatePosition, { params: { id: alarmId }, headers: bearer(token), body: { position } }).catch(
        (err: unknown) => {
          if (err instanceof RequestError && (err.status === 409 || err.status === 404)) setClosed(true);
          // anything else: the next position goes out in 5 s
        },
      );
    }, positionIntervalMs);
  }, [alarmId, token, open]);
  return null;
}

function OpenAlarm({
  alarm,
  receiversOnline,
  phone,
  onDone,
}: {
  alarm: Alarm;
  receiversOnline: number | null;
  phone: StoredPhone;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  return (
    <>
      <HelpStatus
        initial={alarm}
        receiversOnline={receiversOnline}
        onDone={onDone}
        sentText={t('mobile.sent')}
        reportBase={mobileReportBase}
      />
      <PositionReporter alarmId={alarm.id} token={phone.enrolment.token} />
      <MessageThread alarmId={alarm.id} />
    </>
  );
}

export function TriggerScreen({
  personId,
  phone,
  myOpenAlarm,
  onPhoneEnded,
}: {
  personId: string;
  phone: StoredPhone;
  /** An open alarm of this person from before a reload: its status and thread are shown. */
  myOpenAlarm: Alarm | undefined;
  /** The server refused the phone's token for good: set it up anew. */
  onPhoneEnded: () => void;
}) {
  const { t } = useTranslation();
  const { state, trigger, discard, reset } = useMobileRaise(personId);
  const online = useOnline();
  const [settingsVersion, setSettingsVersion] = useState(0);
  const [dismissed, setDismissed] = useState<string | null>(null);
  const onSettingsChanged = useCallback(() => setSettingsVersion((v) => v + 1), []);
  // Raising is never blocked by a notice about an earlier press.
  const ready = state.kind !== 'sending' && state.kind !== 'sent';
  useHandsFreeKey(trigger, ready, settingsVersion);

  let body;
  if (state.kind === 'sending') {
    body = (
      <>
        <p role="status" className="raise-state">
          <strong>{t('mobile.sending')}</strong>
          {state.lastError && ` ${t('mobile.retrying', { attempt: state.attempt })}`}
        </p>
        {(!online || state.lastError) && <SmsPath phone={phone} trigger={state.trigger} />}
      </>
    );
  } else if (state.kind === 'sent') {
    body = <OpenAlarm alarm={state.alarm} receiversOnline={state.receiversOnline} phone={phone} onDone={reset} />;
  } else if (state.kind === 'already_closed') {
    body = <AlreadyClosedNotice alarm={state.alarm} onRaiseAgain={trigger} onClose={reset} />;
  } else if (myOpenAlarm && dismissed !== myOpenAlarm.id && state.kind !== 'too_old') {
    body = (
      <OpenAlarm alarm={myOpenAlarm} receiversOnline={null} phone={phone} onDone={() => setDismissed(myOpenAlarm.id)} />
    );
  } else {
    body = (
      <>
        {state.kind === 'too_old' && (
          <TooOldNotice triggeredAt={state.trigger.triggeredAt} onRaiseAgain={trigger} onDiscard={discard} />
        )}
        {state.kind === 'failed' && (
          <>
            <p role="alert" className="error">
              {t('mobile.failed', { error: state.message })}
            </p>
            {phoneRefused(state.code) ? (
              <PhoneEndedNotice reason="token_revoked" onSetUpAgain={onPhoneEnded} />
            ) : (
              <SmsPath phone={phone} trigger={state.trigger} />
            )}
          </>
        )}
        <AlarmButton holdMs={phone.enrolment.holdMs || 1500} onTrigger={trigger} />
        <LastPositionReporter token={phone.enrolment.token} />
        <p className="muted small">{t('mobile.lastPositionNote')}</p>
        {!online && <p className="notice warning">{t('mobile.offline')}</p>}
        <HandsFreeSettings onChanged={onSettingsChanged} />
      </>
    );
  }

  return (
    <section aria-labelledby="trigger-title" className="trigger">
      <h1 id="trigger-title">{t('mobile.title')}</h1>
      {body}
    </section>
  );
}

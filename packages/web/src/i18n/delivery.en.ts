import type { deliveryDe } from './delivery.de.js';

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };

export const deliveryEn: Widen<typeof deliveryDe> = {
  outbox: {
    tooOld:
      'Your alarm from {{time}} could not be sent and will no longer be sent automatically (older than {{minutes}} minutes). If you still need help: raise it again or call 110.',
    alreadyClosed:
      'This alarm from {{time}} was already handled and closed. No new alarm was raised now. If you need help: raise a new one or call 110.',
    raiseAgain: 'Raise again now',
    discard: 'Discard',
    close: 'Close',
  },
  history: {
    nav: 'Alarm history',
    title: 'Alarm history',
    caption: 'All alarms, newest first',
    time: 'Time',
    sender: 'Raised by',
    place: 'Place',
    status: 'State',
    answers: 'Answers',
    outcome: 'Outcome',
    resolvedBy: 'All-clear by {{name}}, {{time}}',
    open: 'open',
    test: 'Test',
    cancelled: 'cancelled',
    retry: 'Try again',
    more: 'Load older alarms',
    end: 'No older alarms.',
    none: 'No alarms yet.',
    failed: 'Alarms could not be loaded: {{error}}',
  },
  ended: {
    session_ended: 'You were logged out: the session was ended (logout in another window or by the administration).',
    session_expired: 'You were logged out: the session expired. Please log in again.',
    password_changed: 'Your password was changed – please log in again.',
    person_removed: 'You were logged out: your access was removed.',
    roles_changed: 'Your rights were changed. The view was reloaded.',
    token_revoked:
      'This phone is blocked. It can no longer send or receive alarms. Please contact the administration or set up the phone again. In an emergency: call 110.',
    device_removed:
      'This phone was removed. It can no longer send or receive alarms. Please set up the phone again. In an emergency: call 110.',
    setUpAgain: 'Set up this phone again',
  },
  insecure: {
    title: 'Insecure connection (HTTP without encryption)',
    text: 'This page is not served over HTTPS. Receiving and raising alarms works, but without HTTPS these do not: notifications (push), the position of a mobile alarm, the offline phone app, the SMS path without internet and secure login cookies. Please ask the administration to serve Wachsam over HTTPS (reverse proxy, see the manual "TLS via a reverse proxy").',
  },
};

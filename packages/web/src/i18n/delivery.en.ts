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
};

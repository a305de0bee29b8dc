import { routes, type Me } from '@wachsam/protocol';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, messageOf } from '../api/http.js';
import { savePhone, type StoredPhone } from './phoneStore.js';

/** First use: the logged-in person binds this phone; the enrolment is kept on the phone. */
export function EnrolScreen({ me, onEnrolled }: { me: Me; onEnrolled: (phone: StoredPhone) => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState(t('mobile.enrol.defaultName', { name: me.firstName }));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const nameId = useId();

  async function enrol(): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      const enrolment = await call(routes.enrolPhone, { body: { name } });
      const phone: StoredPhone = { personId: me.personId, enrolment, counter: 0 };
      savePhone(localStorage, phone);
      onEnrolled(phone);
    } catch (err) {
      setError(messageOf(err));
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="enrol-title">
      <h1 id="enrol-title">{t('mobile.enrol.title')}</h1>
      <p>{t('mobile.enrol.explain')}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void enrol();
        }}
      >
        <label htmlFor={nameId}>{t('mobile.enrol.name')}</label>
        <input id={nameId} value={name} required maxLength={100} onChange={(e) => setName(e.target.value)} />
        <button type="submit" className="primary" disabled={busy}>
          {t('mobile.enrol.submit')}
        </button>
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </section>
  );
}

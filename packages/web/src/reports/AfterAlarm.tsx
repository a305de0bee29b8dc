import { routes } from '@wachsam/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, messageOf } from '../api/http.js';
import { navigate } from '../app/router.js';
import { HelpOffersLoaded } from './HelpOffers.js';

/** "Vorfall melden" on a resolved alarm: the server makes a draft with the alarm's facts, the form opens it. */
export function ReportFromAlarmButton({ alarmId, base }: { alarmId: string; base: string }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function open(): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      const report = await call(routes.reportFromAlarm, { params: { id: alarmId } });
      navigate(`${base}/${report.id}/bearbeiten`);
    } catch (err) {
      setError(messageOf(err));
      setBusy(false);
    }
  }

  return (
    <>
      <button type="button" disabled={busy} onClick={() => void open()}>
        {t('reports.fromAlarm')}
      </button>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </>
  );
}

/** For the person who raised the alarm, once it is resolved: report it, and where to find help. */
export function AfterAlarm({ alarmId, base }: { alarmId: string; base: string }) {
  return (
    <div className="after-alarm">
      <ReportFromAlarmButton alarmId={alarmId} base={base} />
      <HelpOffersLoaded headingLevel={3} />
    </div>
  );
}

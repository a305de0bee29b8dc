import { routes, type NotificationTask } from '@wachsam/protocol';
import { ListBody } from '../admin/ListBody.js';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ResourceForm } from '../admin/ResourceForm.js';
import { useList } from '../admin/useList.js';
import { call, fetchFile, messageOf, saveFile } from '../api/http.js';
import { formatTime } from '../app/format.js';
import { Field } from '../reports/Field.js';
import { MissingContactsNotice, usePrivacyContacts } from './PrivacyContactsSection.js';

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

function TaskRow({ task, onChanged }: { task: NotificationTask; onChanged: () => void }) {
  const { t, i18n } = useTranslation();
  const [open, setOpen] = useState<'sent' | 'defer' | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const n = task.notification;
  const name = `${task.firstName} ${task.lastName}`;
  const headingId = `task-${task.entryId}`;

  /** Fetched rather than linked: a refusal (contacts missing) is shown here, not saved as a file. */
  async function downloadLetter(): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      const blob = await fetchFile(routes.notificationLetter, { params: { id: task.entryId } });
      saveFile(blob, `Benachrichtigung-Art14-${task.lastName}.pdf`);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <li>
      <article className="task-card" aria-labelledby={headingId}>
        <h3 id={headingId}>{name}</h3>
        <p>
          {[task.birthDate, task.address].filter((x) => x).join(', ') || '–'} ·{' '}
          {t('register.art14.created', { time: formatTime(task.createdAt, i18n.language) })}
        </p>
        <p>
          <strong>{t(`register.notificationStatus.${n.status}`)}</strong>
          {n.sentAt && ` ${t('register.art14.sentAt', { date: n.sentAt })}`}
          {n.deferral &&
            ` ${t('register.art14.deferredUntil', { date: n.deferral.reviewAt, reason: n.deferral.reason })}`}
        </p>
        <div className="button-row">
          <button
            type="button"
            disabled={busy}
            aria-label={t('register.art14.letterFor', { name })}
            onClick={() => void downloadLetter()}
          >
            {t('register.art14.letter')}
          </button>
          <button type="button" aria-expanded={open === 'sent'} onClick={() => setOpen('sent')}>
            {t('register.art14.markSent')}
          </button>
          <button type="button" aria-expanded={open === 'defer'} onClick={() => setOpen('defer')}>
            {t('register.art14.defer')}
          </button>
        </div>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        {open === 'sent' && (
          <ResourceForm
            title={t('register.art14.markSentFor', { name })}
            fields={[{ name: 'sentAt', label: t('register.art14.sentOn'), kind: 'date' }]}
            initial={{ sentAt: new Date().toISOString().slice(0, 10) }}
            submitLabel={t('register.art14.markSent')}
            onCancel={() => setOpen(null)}
            onSubmit={async (d) => {
              await call(routes.recordNotificationSent, {
                params: { id: task.entryId },
                body: { sentAt: text(d.sentAt) },
              });
              onChanged();
            }}
          />
        )}
        {open === 'defer' && (
          <ResourceForm
            title={t('register.art14.deferFor', { name })}
            fields={[
              { name: 'reason', label: t('register.art14.reason'), kind: 'textarea' },
              { name: 'reviewAt', label: t('register.art14.reviewAt'), kind: 'date' },
            ]}
            initial={{ reason: '', reviewAt: '' }}
            submitLabel={t('register.art14.defer')}
            onCancel={() => setOpen(null)}
            onSubmit={async (d) => {
              await call(routes.recordNotificationDeferred, {
                params: { id: task.entryId },
                body: { reason: text(d.reason), reviewAt: text(d.reviewAt) },
              });
              onChanged();
            }}
          />
        )}
      </article>
    </li>
  );
}

/** Art. 14 GDPR: every entry's notification, with the letter, "sent" or a deferral with reason. */
export function NotificationsSection() {
  const { t } = useTranslation();
  const list = useList(routes.listNotificationTasks);
  const contacts = usePrivacyContacts();
  const [saved, setSaved] = useState(false);
  return (
    <section aria-labelledby="register-art14-title">
      <h2 id="register-art14-title">{t('register.sections.notifications')}</h2>
      <p className="muted">{t('register.art14.intro')}</p>
      <MissingContactsNotice contacts={contacts.data} />
      <div role="status">{saved && <p>{t('admin.saved')}</p>}</div>
      <ListBody list={list} empty={t('register.art14.none')}>
        {(items) => (
          <ul className="task-list">
            {items.map((task) => (
              <TaskRow
                key={task.entryId}
                task={task}
                onChanged={() => {
                  setSaved(true);
                  list.reload();
                }}
              />
            ))}
          </ul>
        )}
      </ListBody>
    </section>
  );
}

/** Art. 15 GDPR: the access report for a person, as PDF or JSON (the reporter withheld by the server). */
export function AccessReportSection() {
  const { t } = useTranslation();
  const contacts = usePrivacyContacts();
  const [person, setPerson] = useState({ lastName: '', firstName: '', birthDate: '' });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const body = {
    lastName: person.lastName,
    firstName: person.firstName,
    birthDate: person.birthDate === '' ? null : person.birthDate,
  };
  const fileName = `Auskunft-Art15-${person.lastName || 'Person'}`;

  async function download(kind: 'pdf' | 'json'): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      const blob =
        kind === 'pdf'
          ? await fetchFile(routes.accessReportPdf, { body })
          : await fetchFile(routes.accessReport, { body });
      saveFile(blob, `${fileName}.${kind}`);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="register-art15-title">
      <h2 id="register-art15-title">{t('register.sections.accessReport')}</h2>
      <p className="muted">{t('register.art15.intro')}</p>
      <MissingContactsNotice contacts={contacts.data} />
      <form
        className="resource-form"
        aria-label={t('register.sections.accessReport')}
        onSubmit={(e) => e.preventDefault()}
      >
        <Field
          label={t('reports.form.lastName')}
          value={person.lastName}
          onChange={(v) => setPerson({ ...person, lastName: v })}
        />
        <Field
          label={t('reports.form.firstName')}
          value={person.firstName}
          onChange={(v) => setPerson({ ...person, firstName: v })}
        />
        <Field
          kind="date"
          label={t('reports.form.birthDate')}
          value={person.birthDate}
          onChange={(v) => setPerson({ ...person, birthDate: v })}
        />
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <div className="button-row">
          <button type="button" className="primary" disabled={busy} onClick={() => void download('pdf')}>
            {t('register.art15.pdf')}
          </button>
          <button type="button" disabled={busy} onClick={() => void download('json')}>
            {t('register.art15.json')}
          </button>
        </div>
      </form>
    </section>
  );
}

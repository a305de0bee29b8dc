import { routes, type RegisterEntryInput, type RegisterEntrySummary } from '@wachsam/protocol';
import { ListBody } from '../admin/ListBody.js';
import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ResourceForm } from '../admin/ResourceForm.js';
import { useList } from '../admin/useList.js';
import { call, messageOf } from '../api/http.js';
import { replacePath } from '../app/router.js';
import { Field } from '../reports/Field.js';
import { EntryForm, entryDraft, type EntryDraft } from './EntryForm.js';

/** Name, level, dates and the Art. 14 state: the columns both entry lists share. */
export function EntryTable({
  rows,
  caption,
  actions,
}: {
  rows: readonly RegisterEntrySummary[];
  caption: string;
  actions: (row: RegisterEntrySummary) => ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('register.entry.name')}</th>
            <th scope="col">{t('reports.form.birthDate')}</th>
            <th scope="col">{t('reports.list.level')}</th>
            <th scope="col">{t('register.entry.reviewAt')}</th>
            <th scope="col">{t('register.entry.deleteAt')}</th>
            <th scope="col">{t('register.entry.notification')}</th>
            <th scope="col">{t('admin.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              <th scope="row">
                {r.lastName}, {r.firstName}
              </th>
              <td>{r.birthDate ?? '–'}</td>
              <td>{t('reports.levelShort', { level: r.level })}</td>
              <td>
                {r.reviewAt}
                {r.due.review && <strong> {t('register.due.reviewDue')}</strong>}
              </td>
              <td>
                {r.deleteAt}
                {r.due.deletion && <strong> {t('register.due.deletionSoon')}</strong>}
              </td>
              <td>{t(`register.notificationStatus.${r.notificationStatus}`)}</td>
              <td>
                <div className="actions">{actions(r)}</div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

type Editing = { id: string | null; draft: EntryDraft; key: number } | null;

/** Entries of the register: search, create (also prefilled from a published report), edit, delete. */
export function EntriesSection({ prefillReportId }: { prefillReportId: string | null }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const list = useList(routes.listRegisterEntries, { query: name.trim() ? { name: name.trim() } : {} });
  const [editing, setEditing] = useState<Editing>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!prefillReportId) return;
    call(routes.registerPrefill, { params: { id: prefillReportId } }).then(
      (input: RegisterEntryInput) => setEditing({ id: null, draft: entryDraft(input), key: Date.now() }),
      (err: unknown) => setError(messageOf(err)),
    );
  }, [prefillReportId]);

  async function edit(id: string): Promise<void> {
    setError(null);
    try {
      setEditing({ id, draft: entryDraft(await call(routes.getRegisterEntry, { params: { id } })), key: Date.now() });
    } catch (err) {
      setError(messageOf(err));
    }
  }

  async function remove(row: RegisterEntrySummary): Promise<void> {
    if (!window.confirm(t('register.entry.confirmDelete', { name: `${row.firstName} ${row.lastName}` }))) return;
    try {
      await call(routes.deleteRegisterEntry, { params: { id: row.id } });
      setMessage(t('register.entry.deleted'));
      list.reload();
    } catch (err) {
      setError(messageOf(err));
    }
  }

  return (
    <section aria-labelledby="register-entries-title">
      <h2 id="register-entries-title">{t('register.sections.entries')}</h2>
      <div className="inline-fields">
        <Field label={t('register.entry.search')} value={name} onChange={setName} />
      </div>
      <p>
        <button type="button" onClick={() => setEditing({ id: null, draft: entryDraft(), key: Date.now() })}>
          {t('register.entry.new')}
        </button>
      </p>
      {message && <p role="status">{message}</p>}
      {(error ?? list.error) && (
        <p role="alert" className="error">
          {error ?? list.error}
        </p>
      )}
      {editing && (
        <EntryForm
          key={editing.key}
          entryId={editing.id}
          initial={editing.draft}
          onCancel={() => setEditing(null)}
          onSaved={() => {
            // A saved prefill is done: a reload must not prepare the same entry again.
            if (prefillReportId) replacePath('/register/eintraege');
            setEditing(null);
            setMessage(t('admin.saved'));
            list.reload();
          }}
        />
      )}
      {!list.data ? (
        <p>{t('common.loading')}</p>
      ) : list.data.entries.length === 0 ? (
        <p>{t('register.entry.none')}</p>
      ) : (
        <EntryTable
          rows={list.data.entries}
          caption={t('register.sections.entries')}
          actions={(r) => (
            <>
              <button type="button" onClick={() => void edit(r.id)}>
                {t('admin.edit')}
              </button>
              <button type="button" onClick={() => void remove(r)}>
                {t('admin.delete')}
              </button>
            </>
          )}
        />
      )}
      {list.data?.more && <p className="muted">{t('register.entry.more')}</p>}
    </section>
  );
}

/** Entries due for review or close to deletion; "keep" records the review and sets new dates. */
export function DueSection() {
  const { t } = useTranslation();
  const list = useList(routes.listDueRegisterEntries);
  const [reviewing, setReviewing] = useState<string | null>(null);
  return (
    <section aria-labelledby="register-due-title">
      <h2 id="register-due-title">{t('register.sections.due')}</h2>
      <ListBody list={list} empty={t('register.due.none')}>
        {(items) => (
          <EntryTable
            rows={items}
            caption={t('register.sections.due')}
            actions={(r) => (
              <button type="button" aria-expanded={reviewing === r.id} onClick={() => setReviewing(r.id)}>
                {t('register.due.keep')}
              </button>
            )}
          />
        )}
      </ListBody>
      {reviewing && (
        <ResourceForm
          key={reviewing}
          title={t('register.due.keep')}
          fields={[{ name: 'comment', label: t('register.due.comment'), kind: 'textarea' }]}
          initial={{ comment: '' }}
          submitLabel={t('register.due.keep')}
          onCancel={() => setReviewing(null)}
          onSubmit={async (d) => {
            await call(routes.reviewRegisterEntry, {
              params: { id: reviewing },
              body: { comment: typeof d.comment === 'string' ? d.comment : '' },
            });
            setReviewing(null);
            list.reload();
          }}
        />
      )}
    </section>
  );
}

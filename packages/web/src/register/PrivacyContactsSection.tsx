import { missingPrivacyContacts, routes, type ContactDetails, type Me, type PrivacyContacts } from '@wachsam/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FieldInput, issuePath } from '../admin/fields.js';
import { useList } from '../admin/useList.js';
import { call, messageOf, RequestError } from '../api/http.js';
import { followLink } from '../app/router.js';

const groups = ['controller', 'dataProtectionOfficer', 'supervisoryAuthority'] as const;
const parts = ['name', 'address', 'email', 'phone'] as const;
export const privacySettingsPath = '/zemag-einstellungen';

/** Data protection changes the contacts; the central unit reads them (it writes letters, but they disclose its register). */
export const mayEditContacts = (me: Me): boolean => me.roles.includes('data_protection');

/** The organisation's contact details for the letters: loaded once per page. */
export const usePrivacyContacts = () => useList(routes.getPrivacyContacts);

/**
 * Says, before anyone tries, that the Art. 14/15 letters are refused and what is missing; with a
 * link to where data protection enters it. Nothing when everything is there.
 */
export function MissingContactsNotice({ contacts, link = true }: { contacts: PrivacyContacts | null; link?: boolean }) {
  const { t } = useTranslation();
  if (!contacts) return null;
  const missing = missingPrivacyContacts(contacts);
  if (missing.length === 0) return null;
  return (
    <div role="status" className="notice" aria-labelledby="contacts-missing-title">
      <p id="contacts-missing-title">
        <strong>{t('privacyContacts.missingTitle')}</strong>
      </p>
      <ul>
        {missing.map((m) => (
          <li key={m.path}>{t(`privacyContacts.missing.${m.path.replace('.', '_')}`)}</li>
        ))}
      </ul>
      {link && (
        <p>
          <a href={privacySettingsPath} onClick={(e) => followLink(e, privacySettingsPath)}>
            {t('privacyContacts.missingLink')}
          </a>
        </p>
      )}
    </div>
  );
}

function ContactsForm({
  initial,
  canEdit,
  onSaved,
}: {
  initial: PrivacyContacts;
  canEdit: boolean;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<PrivacyContacts>(initial);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const setPart = (group: (typeof groups)[number], part: keyof ContactDetails, value: string) =>
    setDraft((d) => ({ ...d, [group]: { ...d[group], [part]: value } }));

  async function save(): Promise<void> {
    setBusy(true);
    setError(null);
    setFieldErrors({});
    setSaved(false);
    try {
      await call(routes.putPrivacyContacts, { body: draft });
      setSaved(true);
      onSaved();
    } catch (err) {
      setError(messageOf(err));
      if (err instanceof RequestError)
        setFieldErrors(Object.fromEntries(err.issues.map((i) => [issuePath(i.path), i.message])));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      className="resource-form contacts-form"
      aria-label={t('privacyContacts.title')}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      {!canEdit && <p className="muted">{t('privacyContacts.readOnly')}</p>}
      <fieldset disabled={!canEdit} className="plain">
        {groups.map((g) => (
          <fieldset key={g}>
            <legend>{t(`privacyContacts.${g}`)}</legend>
            {parts.map((p) => (
              <FieldInput
                key={p}
                field={{
                  name: `${g}.${p}`,
                  label: t(`privacyContacts.${p}`),
                  kind: p === 'address' ? 'textarea' : 'text',
                }}
                value={draft[g][p]}
                error={fieldErrors[`${g}.${p}`]}
                onChange={(v) => setPart(g, p, typeof v === 'string' ? v : '')}
              />
            ))}
          </fieldset>
        ))}
        <FieldInput
          field={{ name: 'referencePrefix', label: t('privacyContacts.referencePrefix'), kind: 'text' }}
          value={draft.referencePrefix}
          error={fieldErrors.referencePrefix}
          onChange={(v) => setDraft((d) => ({ ...d, referencePrefix: typeof v === 'string' ? v : '' }))}
        />
      </fieldset>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div role="status">{saved && <p>{t('admin.saved')}</p>}</div>
      {canEdit && (
        <div className="button-row">
          <button type="submit" className="primary" disabled={busy}>
            {t('admin.save')}
          </button>
        </div>
      )}
    </form>
  );
}

/** "Angaben für Betroffenenschreiben": controller, DPO, supervisory authority, Aktenzeichen prefix. */
export function PrivacyContactsSection({ me }: { me: Me }) {
  const { t } = useTranslation();
  const { data, error, reload } = usePrivacyContacts();
  return (
    <section aria-labelledby="privacy-contacts-title">
      <h2 id="privacy-contacts-title">{t('privacyContacts.title')}</h2>
      <p className="muted">{t('privacyContacts.hint')}</p>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {!data && !error && <p>{t('common.loading')}</p>}
      {data && (
        <>
          <MissingContactsNotice contacts={data} link={false} />
          <ContactsForm initial={data} canEdit={mayEditContacts(me)} onSaved={reload} />
        </>
      )}
    </section>
  );
}

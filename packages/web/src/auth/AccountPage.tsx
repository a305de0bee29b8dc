import { routes, type Me } from '@wachsam/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, RequestError } from '../api/http.js';
import type { FieldSpec } from '../admin/fields.js';
import { ResourceForm } from '../admin/ResourceForm.js';

/**
 * The person's own account: change the password with the current one. The server ends every
 * other session of the person (and their realtime connections); this one stays.
 */
export function AccountPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const [done, setDone] = useState(false);
  // A new form after a change: nothing typed stays on the screen.
  const [formKey, setFormKey] = useState(0);
  const fields: FieldSpec[] = [
    { name: 'currentPassword', label: t('account.current'), kind: 'password', autoComplete: 'current-password' },
    { name: 'newPassword', label: t('account.new'), kind: 'password', autoComplete: 'new-password' },
    { name: 'repeat', label: t('account.repeat'), kind: 'password', autoComplete: 'new-password' },
  ];

  return (
    <section aria-labelledby="account-title" className="account">
      <h1 id="account-title">{t('account.title')}</h1>
      <p>
        {me.firstName} {me.lastName} · {me.login} · {me.organisation.name}
      </p>
      {done && <p role="status">{t('account.changed')}</p>}
      <ResourceForm
        key={formKey}
        title={t('account.password')}
        fields={fields}
        initial={{ currentPassword: '', newPassword: '', repeat: '' }}
        submitLabel={t('account.submit')}
        onSubmit={async (draft) => {
          setDone(false);
          const text = (name: string) => String(draft[name] ?? '');
          if (text('newPassword') !== text('repeat'))
            throw new RequestError(400, 'validation_failed', t('account.mismatch'), [
              { path: 'repeat', message: t('account.mismatch') },
            ]);
          await call(routes.changePassword, {
            body: { currentPassword: text('currentPassword'), newPassword: text('newPassword') },
          });
          setDone(true);
          setFormKey((k) => k + 1);
        }}
      >
        <p className="muted">{t('account.hint')}</p>
        {/* For password managers: which account this is. */}
        <input type="text" name="username" autoComplete="username" value={me.login} readOnly hidden />
      </ResourceForm>
    </section>
  );
}

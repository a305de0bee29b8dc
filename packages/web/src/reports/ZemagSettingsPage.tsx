import { incidentCategories, routes, type Me, type ZemagSettings } from '@wachsam/protocol';
import { useTranslation } from 'react-i18next';
import type { Draft, FieldSpec } from '../admin/fields.js';
import { ResourceForm } from '../admin/ResourceForm.js';
import { ResourceSection } from '../admin/ResourceSection.js';
import { useList } from '../admin/useList.js';
import { call } from '../api/http.js';
import { PrivacyContactsSection } from '../register/PrivacyContactsSection.js';
import { RetentionSection } from './RetentionSection.js';

const helpOffers = {
  list: routes.listHelpOffers,
  create: routes.createHelpOffer,
  update: routes.updateHelpOffer,
  remove: routes.deleteHelpOffer,
};

/** Sent as typed: a level "4" is refused by the server with the field named. */
function withLevels(s: ZemagSettings, d: Draft): unknown {
  const num = (v: Draft[string] | undefined) => (typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : v);
  return { ...s, levelMapping: Object.fromEntries(incidentCategories.map((c) => [c, num(d[`level.${c}`])])) };
}

function LevelsForm({ settings, onSaved }: { settings: ZemagSettings; onSaved: () => void }) {
  const { t } = useTranslation();
  const levelOptions = [0, 1, 2, 3].map((l) => ({ value: String(l), label: t('reports.levelShort', { level: l }) }));
  const fields = incidentCategories.map((c): FieldSpec => ({
    name: `level.${c}`,
    label: t('zemagSettings.levelFor', { category: t(`reports.categories.${c}`) }),
    kind: 'select',
    options: levelOptions,
  }));
  return (
    <ResourceForm
      title={t('zemagSettings.formTitle')}
      fields={fields}
      initial={Object.fromEntries(
        incidentCategories.map((c) => [`level.${c}`, String(settings.levelMapping[c] ?? '')]),
      )}
      submitLabel={t('admin.save')}
      onSubmit={async (d) => {
        await call(routes.putSettings, { body: withLevels(settings, d) as never });
        onSaved();
      }}
    />
  );
}

/**
 * For the central unit: the category → level mapping, retention periods, help offers.
 * For data protection (and read by the central unit): the contacts every Art. 14/15 letter carries.
 */
export function ZemagSettingsPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const central = me.roles.includes('security_management');
  return (
    <div>
      <h1>{t('zemagSettings.title')}</h1>
      {central && <CentralSettings />}
      <PrivacyContactsSection me={me} />
    </div>
  );
}

function CentralSettings() {
  const { t } = useTranslation();
  const { data, error, reload } = useList(routes.getSettings);
  return (
    <>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {!data && !error && <p>{t('common.loading')}</p>}
      {data && (
        <>
          <section aria-labelledby="zemag-settings-title">
            <h2 id="zemag-settings-title">{t('zemagSettings.levelsAndPeriods')}</h2>
            <p className="muted">{t('zemagSettings.levelsHint')}</p>
            <LevelsForm settings={data} onSaved={reload} />
          </section>
          <RetentionSection settings={data} onSaved={reload} />
        </>
      )}
      <ResourceSection
        title={t('zemagSettings.helpOffers')}
        resource={helpOffers}
        canEdit
        columns={[
          { header: t('zemagSettings.offer.title'), cell: (o) => o.title },
          { header: t('zemagSettings.offer.contact'), cell: (o) => o.contact },
          { header: t('zemagSettings.offer.active'), cell: (o) => (o.active ? t('common.yes') : t('common.no')) },
        ]}
        fields={[
          { name: 'title', label: t('zemagSettings.offer.title'), kind: 'text' },
          { name: 'description', label: t('zemagSettings.offer.description'), kind: 'textarea' },
          { name: 'contact', label: t('zemagSettings.offer.contact'), kind: 'text' },
          { name: 'sortOrder', label: t('zemagSettings.offer.sortOrder'), kind: 'number' },
          {
            name: 'active',
            label: t('zemagSettings.offer.active'),
            kind: 'select',
            options: [
              { value: 'true', label: t('common.yes') },
              { value: 'false', label: t('common.no') },
            ],
          },
        ]}
        empty={{ title: '', description: '', contact: '', sortOrder: '0', active: 'true' }}
        toDraft={(o) => ({
          title: o.title,
          description: o.description,
          contact: o.contact,
          sortOrder: String(o.sortOrder),
          active: String(o.active),
        })}
        toBody={(d) => ({
          title: d.title,
          description: d.description,
          contact: d.contact,
          sortOrder: /^\d+$/.test(String(d.sortOrder)) ? Number(d.sortOrder) : d.sortOrder,
          active: d.active === 'true',
        })}
      />
    </>
  );
}

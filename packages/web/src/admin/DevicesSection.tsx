import {
  adminResources,
  administeredDeviceKinds,
  routes,
  type DeskPhoneUrl,
  type Device,
  type EnrolmentCode,
} from '@wachsam/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, messageOf } from '../api/http.js';
import { formatTime } from '../app/format.js';
import type { Lookups } from './lookups.js';
import { ResourceSection } from './ResourceSection.js';

function DeviceActions({ device, isAdmin, reload }: { device: Device; isAdmin: boolean; reload: () => void }) {
  const { t, i18n } = useTranslation();
  const [code, setCode] = useState<EnrolmentCode | null>(null);
  const [actionUrl, setActionUrl] = useState<DeskPhoneUrl | null>(null);
  const deskPhone = device.kind === 'desk_phone';
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function run(action: () => Promise<void>): Promise<void> {
    setError(null);
    setMessage(null);
    try {
      await action();
    } catch (err) {
      setError(messageOf(err));
    }
  }

  return (
    <>
      {isAdmin && deskPhone && (
        <button
          type="button"
          onClick={() =>
            (!device.enrolled || window.confirm(t('admin.devices.confirmNewUrl', { name: device.name }))) &&
            void run(async () => {
              setActionUrl(await call(routes.deskPhoneUrl, { params: { id: device.id } }));
              reload();
            })
          }
        >
          {t('admin.devices.actionUrl')}
        </button>
      )}
      {isAdmin && !device.revokedAt && (
        <>
          {!deskPhone && (
            <button
              type="button"
              onClick={() =>
                void run(async () => setCode(await call(routes.enrolmentCode, { params: { id: device.id } })))
              }
            >
              {t('admin.devices.enrolmentCode')}
            </button>
          )}
          <button
            type="button"
            onClick={() =>
              window.confirm(t('admin.devices.confirmRevoke', { name: device.name })) &&
              void run(async () => {
                await call(routes.revokeDevice, { params: { id: device.id } });
                reload();
              })
            }
          >
            {t('admin.devices.revoke')}
          </button>
        </>
      )}
      {!device.revokedAt && device.enrolled && !deskPhone && (
        <button
          type="button"
          onClick={() =>
            void run(async () => {
              await call(routes.requestFunctionTest, { params: { id: device.id } });
              setMessage(t('admin.devices.testRequested'));
              reload();
            })
          }
        >
          {t('admin.devices.requestTest')}
        </button>
      )}
      {code && (
        <div role="status" className="notice code">
          {t('admin.devices.codeOnce')} <code>{code.code}</code>{' '}
          {t('admin.devices.codeExpires', { time: formatTime(code.expiresAt, i18n.language) })}
        </div>
      )}
      {actionUrl && (
        <div role="status" className="notice action-url">
          <label>
            {t('admin.devices.urlOnce')}
            <input readOnly value={actionUrl.url} onFocus={(e) => e.currentTarget.select()} />
          </label>
          <p>{t('admin.devices.urlHint')}</p>
        </div>
      )}
      {message && <p role="status">{message}</p>}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </>
  );
}

export function DevicesSection({ isAdmin, lookups }: { isAdmin: boolean; lookups: Lookups }) {
  const { t, i18n } = useTranslation();
  const state = (d: Device): string =>
    d.revokedAt
      ? t('admin.devices.revoked')
      : d.kind === 'desk_phone'
        ? d.enrolled
          ? t('admin.devices.ready')
          : t('admin.devices.noUrl')
        : d.unassigned
          ? t('admin.devices.unassigned')
          : !d.enrolled
            ? t('admin.devices.notEnrolled')
            : d.online
              ? t('admin.devices.online')
              : t('admin.devices.offline');
  return (
    <ResourceSection
      title={t('admin.sections.devices')}
      resource={adminResources.devices}
      canEdit={isAdmin}
      columns={[
        { header: t('admin.fields.name'), cell: (d) => d.name },
        { header: t('admin.devices.kind'), cell: (d) => t(`admin.devices.kinds.${d.kind}`) },
        { header: t('admin.devices.hostname'), cell: (d) => d.hostname ?? '–' },
        { header: t('admin.fields.room'), cell: (d) => (d.roomId ? lookups.roomLabel(d.roomId) : '–') },
        { header: t('admin.devices.person'), cell: (d) => (d.personId ? lookups.personLabel(d.personId) : '–') },
        {
          header: t('admin.devices.state'),
          cell: (d) => (
            <span
              className={
                !d.revokedAt && !d.unassigned && (d.kind === 'desk_phone' ? d.enrolled : d.online)
                  ? 'state-ok'
                  : 'state-bad'
              }
            >
              {state(d)}
            </span>
          ),
        },
        { header: t('admin.devices.lastSeen'), cell: (d) => formatTime(d.lastSeenAt, i18n.language) },
        {
          header: t('admin.devices.lastTest'),
          cell: (d) =>
            d.lastFunctionTest
              ? `${t(`admin.tests.results.${d.lastFunctionTest.result}`)} (${formatTime(d.lastFunctionTest.at, i18n.language)})`
              : '–',
        },
      ]}
      fields={[
        {
          name: 'kind',
          label: t('admin.devices.kind'),
          kind: 'select',
          options: administeredDeviceKinds.map((k) => ({ value: k, label: t(`admin.devices.kinds.${k}`) })),
        },
        { name: 'name', label: t('admin.fields.name'), kind: 'text' },
        {
          name: 'roomId',
          label: t('admin.devices.room'),
          kind: 'select',
          nullable: true,
          emptyLabel: t('admin.devices.noRoom'),
          options: lookups.options.rooms,
        },
        {
          name: 'personId',
          label: t('admin.devices.person'),
          kind: 'select',
          nullable: true,
          options: lookups.options.people,
        },
        { name: 'externalId', label: t('admin.devices.externalId'), kind: 'text', nullable: true },
        { name: 'allowedSources', label: t('admin.devices.allowedSources'), kind: 'text', nullable: true },
        { name: 'functionTestHours', label: t('admin.devices.testHours'), kind: 'number' },
      ]}
      empty={{
        kind: 'workstation',
        name: '',
        roomId: '',
        personId: '',
        externalId: '',
        allowedSources: '',
        functionTestHours: '24',
      }}
      toDraft={(d) => ({
        kind: d.kind,
        name: d.name,
        roomId: d.roomId ?? '',
        personId: d.personId ?? '',
        externalId: d.externalId ?? '',
        allowedSources: d.allowedSources ?? '',
        functionTestHours: String(d.functionTestHours),
      })}
      rowActions={(d, reload) => <DeviceActions device={d} isAdmin={isAdmin} reload={reload} />}
    />
  );
}

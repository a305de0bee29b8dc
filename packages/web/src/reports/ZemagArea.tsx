import { reviewerRoles, type Me, type Role } from '@wachsam/protocol';
import type { ReactNode } from 'react';
import { AccessLogPage } from '../register/AccessLogPage.js';
import { LookupPage } from '../register/LookupPage.js';
import { RegisterPage } from '../register/RegisterPage.js';
import { StatsPage } from '../stats/StatsPage.js';
import { AftercarePage } from './AftercarePage.js';
import { ReportDetail } from './ReportDetail.js';
import { ReportEditorPage } from './ReportEditorPage.js';
import { ReportListPage } from './ReportList.js';
import { WarningsPage } from './WarningsPage.js';
import { ZemagSettingsPage } from './ZemagSettingsPage.js';

/** The report pages inside the phone app. */
export const mobileReportBase = '/mobil/meldungen';

export interface NavItem {
  to: string;
  /** i18n key of the link text. */
  label: string;
  /** Roles that see the link; null: everyone. */
  roles: readonly Role[] | null;
}

/** The reporting system's places in the console, each shown to the roles that work there. */
export const zemagNav: readonly NavItem[] = [
  { to: '/meldungen/neu', label: 'nav.newReport', roles: null },
  { to: '/meldungen', label: 'nav.myReports', roles: null },
  { to: '/eingang', label: 'nav.inbox', roles: reviewerRoles },
  { to: '/warnhinweise', label: 'nav.warnings', roles: null },
  { to: '/nachsorge', label: 'nav.aftercare', roles: reviewerRoles },
  { to: '/register', label: 'nav.register', roles: ['security_management', 'data_protection'] },
  { to: '/auskunft', label: 'nav.lookup', roles: ['lookup', 'security_management'] },
  { to: '/auskunftsprotokoll', label: 'nav.accessLog', roles: ['data_protection'] },
  { to: '/lagebild', label: 'nav.stats', roles: ['security_management', 'data_protection'] },
  { to: '/zemag-einstellungen', label: 'nav.zemagSettings', roles: ['security_management', 'data_protection'] },
];

export const mayUse = (me: Me, item: NavItem): boolean =>
  item.roles === null || me.roles.some((r) => item.roles!.includes(r));

/** Whether a nav link is the current place (`/meldungen` is not current on `/meldungen/neu`). */
export function isCurrent(to: string, path: string): boolean {
  if (to === '/') return path === '/';
  if (to === '/meldungen') return path === to || (path.startsWith('/meldungen/') && !path.startsWith('/meldungen/neu'));
  return path === to || path.startsWith(`${to}/`);
}

/**
 * The report pages under `base` (`/meldungen` in the console, `/mobil/meldungen` on the phone):
 * list, new, edit draft, detail.
 */
export function reportPage(me: Me, path: string, base: string): ReactNode | null {
  if (path === base) return <ReportListPage scope="mine" base={base} />;
  if (!path.startsWith(`${base}/`)) return null;
  const [id, sub] = path.slice(base.length + 1).split('/');
  if (id === 'neu') return <ReportEditorPage me={me} reportId={null} base={base} />;
  if (!id) return null;
  if (sub === 'bearbeiten') return <ReportEditorPage me={me} reportId={id} base={base} />;
  return <ReportDetail key={id} id={id} base={base} />;
}

/** The console page for a ZeMAG path, or null when the path is not one (or not for this person). */
export function zemagPage(me: Me, path: string): ReactNode | null {
  const item = zemagNav.find((n) => n.to !== '/meldungen/neu' && isCurrent(n.to, path));
  if (item && !mayUse(me, item)) return null;
  if (path === '/eingang') return <ReportListPage scope="inbox" base="/meldungen" />;
  if (path === '/warnhinweise') return <WarningsPage />;
  if (path === '/nachsorge') return <AftercarePage />;
  if (path === '/zemag-einstellungen') return <ZemagSettingsPage me={me} />;
  if (path === '/register' || path.startsWith('/register/')) return <RegisterPage me={me} />;
  if (path === '/auskunft') return <LookupPage />;
  if (path === '/auskunftsprotokoll') return <AccessLogPage />;
  if (path === '/lagebild') return <StatsPage me={me} />;
  return reportPage(me, path, '/meldungen');
}

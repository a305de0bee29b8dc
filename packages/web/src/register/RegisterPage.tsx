import type { Me, Role } from '@wachsam/protocol';
import { useTranslation } from 'react-i18next';
import { followLink, usePath } from '../app/router.js';
import { DueSection, EntriesSection } from './EntriesSection.js';
import { AccessReportSection, NotificationsSection } from './RightsSections.js';

const sections = [
  { key: 'entries', slug: 'eintraege', roles: ['security_management'] },
  { key: 'due', slug: 'faellig', roles: ['security_management'] },
  { key: 'notifications', slug: 'art14', roles: ['security_management', 'data_protection'] },
  { key: 'accessReport', slug: 'art15', roles: ['security_management', 'data_protection'] },
] as const satisfies readonly { key: string; slug: string; roles: readonly Role[] }[];

type Section = (typeof sections)[number];

export function registerSectionsFor(me: Me): Section[] {
  return sections.filter((s) => me.roles.some((r) => (s.roles as readonly Role[]).includes(r)));
}

/**
 * The register (§ 3 BSchG NRW) for the central unit, and its data-subject rights (Art. 14/15)
 * for the central unit and data protection. `/register/eintraege/aus/<reportId>` opens a new
 * entry prefilled from a published report.
 */
export function RegisterPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const path = usePath();
  const allowed = registerSectionsFor(me);
  const parts = path.split('/');
  const section = allowed.find((s) => s.slug === parts[2]) ?? allowed[0];
  if (!section) return null;
  const prefill = section.key === 'entries' && parts[3] === 'aus' ? (parts[4] ?? null) : null;
  return (
    <div className="register">
      <h1>{t('register.title')}</h1>
      <nav aria-label={t('register.sectionsNav')} className="subnav">
        <ul>
          {allowed.map((s) => (
            <li key={s.key}>
              <a
                href={`/register/${s.slug}`}
                aria-current={s === section ? 'page' : undefined}
                onClick={(e) => followLink(e, `/register/${s.slug}`)}
              >
                {t(`register.sections.${s.key}`)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {section.key === 'entries' && <EntriesSection prefillReportId={prefill} />}
      {section.key === 'due' && <DueSection />}
      {section.key === 'notifications' && <NotificationsSection />}
      {section.key === 'accessReport' && <AccessReportSection />}
    </div>
  );
}

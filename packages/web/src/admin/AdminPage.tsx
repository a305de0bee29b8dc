import type { Me } from '@wachsam/protocol';
import { useTranslation } from 'react-i18next';
import { navigate, usePath } from '../app/router.js';
import { DevicesSection } from './DevicesSection.js';
import { DirectorySection } from './DirectorySection.js';
import { AuditSection, FunctionTestsSection } from './LogSections.js';
import { useLookups } from './lookups.js';
import { BuildingsSection, DepartmentsSection, FloorsSection, RoomsSection } from './OrgSections.js';
import { GroupsSection, PeopleSection } from './PeopleSection.js';
import { PlansSection } from './PlansSection.js';
import { RoleRequestsSection } from './RoleRequestsSection.js';
import { SsoSection } from './SsoSection.js';
import { EnrolmentTokensSection, HostMappingsSection, ImportSection } from './RolloutSections.js';

const adminSections = [
  'departments',
  'buildings',
  'floors',
  'rooms',
  'people',
  'roleRequests',
  'groups',
  'plans',
  'devices',
  'hostMappings',
  'enrolmentTokens',
  'import',
  'directory',
  'sso',
  'functionTests',
  'audit',
] as const;
type Section = (typeof adminSections)[number];

/** The security desk and control centre may look at devices and function tests (unprotected seats). */
const deskSections: readonly Section[] = ['devices', 'functionTests'];

function sectionsFor(me: Me): readonly Section[] {
  if (me.roles.includes('admin')) return adminSections;
  const sections: Section[] = [];
  if (me.roles.includes('security_desk') || me.roles.includes('control_centre')) sections.push(...deskSections);
  // The data-protection officer is the second pair of eyes for register roles.
  if (me.roles.includes('data_protection')) sections.push('roleRequests');
  return sections;
}

export function canSeeAdmin(me: Me): boolean {
  return sectionsFor(me).length > 0;
}

function SectionPage({ section, isAdmin }: { section: Section; isAdmin: boolean }) {
  switch (section) {
    case 'functionTests':
      return <FunctionTestsSection />;
    case 'audit':
      return <AuditSection />;
    case 'roleRequests':
      return <RoleRequestsSection />;
    case 'import':
      return <ImportSection />;
    case 'directory':
      return <DirectorySection />;
    case 'sso':
      return <SsoSection />;
    default:
      return <StructureSection section={section} isAdmin={isAdmin} />;
  }
}

/** Sections that name other resources (rooms of a floor, people of a group): they load the lookups. */
function StructureSection({
  section,
  isAdmin,
}: {
  section: Exclude<Section, 'functionTests' | 'audit' | 'roleRequests' | 'import' | 'directory' | 'sso'>;
  isAdmin: boolean;
}) {
  const lookups = useLookups();
  switch (section) {
    case 'departments':
      return <DepartmentsSection canEdit={isAdmin} />;
    case 'buildings':
      return <BuildingsSection canEdit={isAdmin} />;
    case 'floors':
      return <FloorsSection canEdit={isAdmin} lookups={lookups} />;
    case 'rooms':
      return <RoomsSection canEdit={isAdmin} lookups={lookups} />;
    case 'people':
      return <PeopleSection canEdit={isAdmin} lookups={lookups} />;
    case 'groups':
      return <GroupsSection canEdit={isAdmin} lookups={lookups} />;
    case 'plans':
      return <PlansSection canEdit={isAdmin} lookups={lookups} />;
    case 'devices':
      return <DevicesSection isAdmin={isAdmin} lookups={lookups} />;
    case 'hostMappings':
      return <HostMappingsSection canEdit={isAdmin} lookups={lookups} />;
    case 'enrolmentTokens':
      return <EnrolmentTokensSection lookups={lookups} />;
  }
}

export function AdminPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const path = usePath();
  const allowed = sectionsFor(me);
  const requested = path.split('/')[2] as Section | undefined;
  const section = requested && allowed.includes(requested) ? requested : (allowed[0] as Section);
  return (
    <div className="admin">
      <h1>{t('admin.title')}</h1>
      <nav aria-label={t('admin.sectionsNav')} className="subnav">
        <ul>
          {allowed.map((s) => (
            <li key={s}>
              <a
                href={`/admin/${s}`}
                aria-current={s === section ? 'page' : undefined}
                onClick={(e) => {
                  e.preventDefault();
                  navigate(`/admin/${s}`);
                }}
              >
                {t(`admin.sections.${s}`)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <SectionPage key={section} section={section} isAdmin={me.roles.includes('admin')} />
    </div>
  );
}

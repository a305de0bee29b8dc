import type { Me, Role } from '@wachsam/protocol';
import { describe, expect, it } from 'vitest';
import { isCurrent, mayUse, zemagNav, zemagPage } from './ZemagArea.js';

const person = (...roles: Role[]): Me => ({
  personId: '00000000-0000-4000-8000-0000000000aa',
  firstName: 'Test',
  lastName: 'Person',
  login: 'test@musterstadt.example',
  roles,
  organisation: { id: '00000000-0000-4000-8000-000000000001', name: 'Stadt Musterstadt' } as Me['organisation'],
});

const links = (me: Me) => zemagNav.filter((n) => mayUse(me, n)).map((n) => n.to);

describe('ZeMAG navigation by role', () => {
  it('shows each person only the places of their roles', () => {
    const common = ['/meldungen/neu', '/meldungen', '/warnhinweise'];
    expect(links(person('employee'))).toEqual(common);
    expect(links(person('employee', 'supervisor'))).toEqual([
      ...common.slice(0, 2),
      '/eingang',
      '/warnhinweise',
      '/nachsorge',
    ]);
    expect(links(person('employee', 'helper', 'lookup'))).toEqual([...common, '/auskunft']);
    expect(links(person('data_protection'))).toEqual([
      ...common,
      '/register',
      '/auskunftsprotokoll',
      '/lagebild',
      '/zemag-einstellungen',
    ]);
    expect(links(person('security_management'))).toEqual([
      ...common.slice(0, 2),
      '/eingang',
      '/warnhinweise',
      '/nachsorge',
      '/register',
      '/auskunft',
      '/lagebild',
      '/zemag-einstellungen',
    ]);
  });

  it('does not render a page for a role that may not see it, even by typing its address', () => {
    const employee = person('employee');
    for (const path of [
      '/eingang',
      '/register',
      '/register/art15',
      '/auskunft',
      '/auskunftsprotokoll',
      '/lagebild',
      '/zemag-einstellungen',
    ])
      expect({ path, page: zemagPage(employee, path) }).toEqual({ path, page: null });
    expect(zemagPage(employee, '/warnhinweise')).not.toBeNull();
    expect(zemagPage(employee, '/meldungen/neu')).not.toBeNull();
    expect(zemagPage(person('lookup'), '/auskunft')).not.toBeNull();
  });

  it('marks "Meine Meldungen" current on a report, not on the new-report form', () => {
    expect(isCurrent('/meldungen', '/meldungen/0000/bearbeiten')).toBe(true);
    expect(isCurrent('/meldungen', '/meldungen/neu')).toBe(false);
    expect(isCurrent('/meldungen/neu', '/meldungen/neu')).toBe(true);
    expect(isCurrent('/auskunft', '/auskunftsprotokoll')).toBe(false);
  });
});

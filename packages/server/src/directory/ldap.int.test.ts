import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { api, backends, startTestServer, type TestServer } from '../testing.js';
import { groupDn, serviceDn, servicePassword, Slapd, suffix, userDn, type AdUser } from './slapd.testing.js';

const admin = 'it@musterstadt.example';

const users: AdUser[] = [
  {
    cn: 'Anna Alt',
    ou: 'Bürgeramt',
    login: 'aalt',
    givenName: 'Anna',
    sn: 'Alt',
    mail: 'a.alt@stadt.example',
    phone: '0221 100',
  },
  { cn: 'Bernd Berg', ou: 'Bürgeramt', login: 'bberg', givenName: 'Bernd', sn: 'Berg', department: 'Ordnungsamt' },
  {
    cn: 'Carla Clausen',
    ou: 'Bürgeramt',
    login: 'cclausen',
    givenName: 'Carla',
    sn: 'Clausen',
    userAccountControl: 514,
  },
  { cn: 'Dieter Draußen', ou: 'Bürgeramt', login: 'ddraussen', givenName: 'Dieter', sn: 'Draußen' },
  { cn: 'Eva Eck', ou: 'IT', login: 'eeck', givenName: 'Eva', sn: 'Eck' },
  { cn: 'Fritz Fink', ou: 'Bürgeramt', login: 'ffink', givenName: 'Fritz', sn: 'Fink', phone: 'nicht erreichbar' },
  // Entered by hand in Wachsam before (the demo's helper): the directory takes them over by login.
  { cn: 'Jonas Becker', ou: 'Bürgeramt', login: 'jonas.becker@musterstadt.example', givenName: 'Jonas', sn: 'Becker' },
];

async function directory(): Promise<Slapd> {
  const slapd = await Slapd.start();
  await slapd.addOu('Bürgeramt');
  await slapd.addOu('IT');
  await slapd.addUsers(users);
  const dn = (login: string) => userDn(users.find((u) => u.login === login)!);
  await slapd.addGroup(
    'wachsam-nutzer',
    ['aalt', 'bberg', 'cclausen', 'eeck', 'ffink', 'jonas.becker@musterstadt.example'].map(dn),
  );
  await slapd.addGroup('wachsam-admins', [dn('eeck')]);
  await slapd.addGroup('ersthelfer', [dn('ffink'), dn('bberg')]);
  return slapd;
}

const settings = (url: string) => ({
  url,
  bindDn: serviceDn,
  baseDn: suffix,
  userFilter: '(objectClass=inetOrgPerson)',
  groupDns: [groupDn('wachsam-nutzer')],
  attributes: {
    login: 'sAMAccountName',
    firstName: 'givenName',
    lastName: 'sn',
    email: 'mail',
    phone: 'telephoneNumber',
    externalId: 'entryUUID',
    department: 'department',
  },
  roleMapping: { [groupDn('wachsam-admins').toUpperCase()]: ['admin'], [groupDn('ersthelfer')]: ['helper'] },
  groupMapping: { [groupDn('ersthelfer')]: 'Ersthelfer (Verzeichnis)' },
});

describe.each(backends)('directory sync with LDAP (slapd) on %s', (backend) => {
  let server: TestServer;
  let slapd: Slapd | undefined;
  afterEach(async () => {
    await server?.close();
    await slapd?.stop();
  });

  const people = async (cookie: string) =>
    (await api(server.url, 'GET', '/api/admin/people', { cookie })).body as Array<{
      id: string;
      login: string | null;
      firstName: string;
      roles: string[];
      departmentId: string | null;
      email: string | null;
      phone: string;
      managedBy: string | null;
      active: boolean;
    }>;
  const byLogin = async (cookie: string, login: string) => (await people(cookie)).find((p) => p.login === login);
  const run = async (cookie: string, id: string, body: Record<string, unknown>) => {
    const res = await api(server.url, 'POST', `/api/admin/directory-sources/${id}/runs`, { cookie, body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };
  const logins = (entries: Array<{ login: string }>) => entries.map((e) => e.login).sort();

  it('reads the members of the chosen groups: a dry run first that changes nothing, then people with department, roles and alarm groups; four-eyes roles become requests', async () => {
    slapd = await directory();
    server = await startTestServer({ backend });
    const cookie = await server.login(admin);
    const before = (await people(cookie)).length;
    const source = await api(server.url, 'POST', '/api/admin/directory-sources', {
      cookie,
      body: { name: 'Active Directory', settings: settings(slapd.url), bindPassword: servicePassword },
    });
    expect(source.status).toBe(201);
    expect(source.body.hasPassword).toBe(true);
    expect(JSON.stringify(source.body)).not.toContain(servicePassword);

    const dry = await run(cookie, source.body.id, { dryRun: true });
    expect(dry.status).toBe('dry');
    expect(dry.report.read).toBe(6); // not Dieter: not in the group
    expect(logins(dry.report.added)).toEqual(['aalt', 'bberg', 'eeck', 'ffink']); // not Carla: disabled
    expect(dry.report.changed.map((c: { login: string }) => c.login)).toEqual(['jonas.becker@musterstadt.example']);
    expect(dry.report.roleRequests).toEqual([expect.objectContaining({ login: 'eeck', details: ['Administration'] })]);
    expect(dry.report.added.find((a: { login: string }) => a.login === 'ffink').details).toEqual([
      'Telefon „nicht erreichbar“ nicht übernommen: nur Ziffern, Leerzeichen und + ( ) / -',
    ]);
    expect((await people(cookie)).length).toBe(before);

    const applied = await run(cookie, source.body.id, { dryRun: false });
    expect(applied.status).toBe('done');
    expect(logins(applied.report.added)).toEqual(logins(dry.report.added));
    const deps = (await api(server.url, 'GET', '/api/admin/departments', { cookie })).body as Array<{
      id: string;
      name: string;
    }>;
    const dep = (id: string | null) => deps.find((d) => d.id === id)?.name;
    const anna = (await byLogin(cookie, 'aalt'))!;
    expect(anna).toMatchObject({
      firstName: 'Anna',
      email: 'a.alt@stadt.example',
      phone: '0221 100',
      managedBy: 'ldap',
    });
    expect(dep(anna.departmentId)).toBe('Bürgeramt'); // from the OU
    expect(dep((await byLogin(cookie, 'bberg'))!.departmentId)).toBe('Ordnungsamt'); // from the attribute
    expect((await byLogin(cookie, 'bberg'))!.roles.sort()).toEqual(['employee', 'helper']);
    expect((await byLogin(cookie, 'eeck'))!.roles).toEqual(['employee']);
    const requests = (await api(server.url, 'GET', '/api/admin/role-requests', { cookie })).body as Array<{
      role: string;
      personId: string;
    }>;
    expect(requests).toContainEqual(
      expect.objectContaining({ role: 'admin', personId: (await byLogin(cookie, 'eeck'))!.id }),
    );
    const jonas = (await byLogin(cookie, 'jonas.becker@musterstadt.example'))!;
    expect(jonas.managedBy).toBe('ldap');
    // Taken over by login; the mapping manages "helper", and he is not in the first-aiders' group.
    expect(jonas.roles).not.toContain('helper');
    const groups = (await api(server.url, 'GET', '/api/admin/groups', { cookie })).body as Array<{
      name: string;
      memberIds: string[];
    }>;
    const helpers = groups.find((g) => g.name === 'Ersthelfer (Verzeichnis)')!;
    expect(helpers.memberIds.sort()).toEqual(
      [(await byLogin(cookie, 'bberg'))!.id, (await byLogin(cookie, 'ffink'))!.id].sort(),
    );

    // A second run changes nothing.
    const again = await run(cookie, source.body.id, { dryRun: false });
    expect(again.report).toMatchObject({ added: [], changed: [], deactivated: [], reactivated: [] });
    const runs = (await api(server.url, 'GET', `/api/admin/directory-sources/${source.body.id}/runs`, { cookie })).body;
    expect(runs.map((r: { status: string }) => r.status)).toEqual(['done', 'done', 'dry']);
    const audit = JSON.stringify((await api(server.url, 'GET', '/api/admin/audit?limit=200', { cookie })).body);
    expect(audit).toContain('directory.synced');
    expect(audit).not.toContain(servicePassword);
  });

  it('deactivates a disabled or removed user (no alarms, history kept) and brings them back; a run that leaves a plan step below its minimum is held until accepted', async () => {
    slapd = await directory();
    server = await startTestServer({ backend });
    const cookie = await server.login(admin);
    const { id } = (
      await api(server.url, 'POST', '/api/admin/directory-sources', {
        cookie,
        body: { name: 'AD', settings: settings(slapd.url), bindPassword: servicePassword },
      })
    ).body;
    await run(cookie, id, { dryRun: false });

    // The room of the demo's Anna Schmidt alarms the directory's first aiders first.
    const annaSchmidt = (await byLogin(cookie, 'anna.schmidt@musterstadt.example'))!;
    const me = (await api(server.url, 'GET', '/api/admin/people', { cookie })).body.find(
      (p: { id: string }) => p.id === annaSchmidt.id,
    );
    const group = (await api(server.url, 'GET', '/api/admin/groups', { cookie })).body.find(
      (g: { name: string }) => g.name === 'Ersthelfer (Verzeichnis)',
    );
    const plan = await api(server.url, 'POST', '/api/admin/plans', {
      cookie,
      body: {
        name: 'Bürgerbüro',
        scope: { kind: 'room', roomId: me.roomId },
        steps: [{ targets: [{ kind: 'group', groupId: group.id }], timeoutSeconds: 60, minOnline: 2 }],
      },
    });
    expect(plan.status).toBe(201);

    // Fritz is disabled in AD: his step would drop below its minimum of two.
    await slapd.modify(userDn(users[5]!), 'userAccountControl', '514');
    const held = await run(cookie, id, { dryRun: false });
    expect(held.status).toBe('held');
    expect(held.report.warnings).toEqual([
      'Alarmplan „Bürgerbüro“, Stufe 1: nur noch 1 Empfänger (vorher 2, Mindestanzahl 2)',
    ]);
    expect((await byLogin(cookie, 'ffink'))!.active).toBe(true);

    const accepted = await run(cookie, id, { dryRun: false, acceptWarnings: true });
    expect(accepted.status).toBe('done');
    expect(accepted.report.deactivated).toEqual([
      expect.objectContaining({ login: 'ffink', details: ['im Verzeichnis deaktiviert'] }),
    ]);
    const fritz = (await byLogin(cookie, 'ffink'))!;
    expect(fritz.active).toBe(false);
    const anna = await server.login('anna.schmidt@musterstadt.example');
    const raised = await api(server.url, 'POST', '/api/alarms', {
      cookie: anna,
      body: { source: 'console' },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(raised.status).toBe(201);
    const detail = (await api(server.url, 'GET', `/api/alarms/${raised.body.alarm.id}`, { cookie: anna })).body;
    // Still a member of the group (history), but deactivated people are alerted by nothing.
    expect(detail.receivers.map((r: { personId: string }) => r.personId)).toEqual([
      (await byLogin(cookie, 'bberg'))!.id,
    ]);

    // Bernd leaves the chosen group: deactivated too, with the reason.
    await slapd.setGroupMembers(
      'wachsam-nutzer',
      ['aalt', 'cclausen', 'eeck', 'ffink', 'jonas.becker@musterstadt.example'].map((l) =>
        userDn(users.find((u) => u.login === l)!),
      ),
    );
    await slapd.modify(userDn(users[5]!), 'userAccountControl', '512');
    const moved = await run(cookie, id, { dryRun: false, acceptWarnings: true });
    expect(moved.report.deactivated).toEqual([
      expect.objectContaining({ login: 'bberg', details: ['nicht mehr in den gewählten Gruppen des Verzeichnisses'] }),
    ]);
    expect(logins(moved.report.reactivated)).toEqual(['ffink']);
    expect((await byLogin(cookie, 'bberg'))!.active).toBe(false);
    expect((await byLogin(cookie, 'ffink'))!.active).toBe(true);
    // Nobody was deleted: the alarm and its receivers stay as they were.
    expect((await api(server.url, 'GET', `/api/alarms/${raised.body.alarm.id}`, { cookie: anna })).status).toBe(200);
  });

  it('names a failed run (wrong password, directory down) and changes nothing; scheduled runs run beside housekeeping', async () => {
    slapd = await directory();
    server = await startTestServer({ backend });
    const cookie = await server.login(admin);
    const { id } = (
      await api(server.url, 'POST', '/api/admin/directory-sources', {
        cookie,
        body: { name: 'AD', settings: settings(slapd.url), bindPassword: 'falsch' },
      })
    ).body;
    // A dry run is the connection test: it does not count for the schedule.
    const wrong = await run(cookie, id, { dryRun: true });
    expect(wrong).toMatchObject({ status: 'failed', report: null });
    expect(wrong.error).toContain('Anmeldung am Verzeichnis abgelehnt');

    // Leaving the password out keeps it; setting it fixes the source.
    const fixed = await api(server.url, 'PUT', `/api/admin/directory-sources/${id}`, {
      cookie,
      body: { name: 'AD', settings: settings(slapd.url), bindPassword: servicePassword, everyMinutes: 60 },
    });
    expect(fixed.status).toBe(200);
    const keeps = await api(server.url, 'PUT', `/api/admin/directory-sources/${id}`, {
      cookie,
      body: { name: 'AD', settings: settings(slapd.url), bindPassword: null, everyMinutes: 60 },
    });
    expect(keeps.body.hasPassword).toBe(true);
    await server.wachsam.tick();
    const runs = async () =>
      (await api(server.url, 'GET', `/api/admin/directory-sources/${id}/runs`, { cookie })).body as Array<{
        status: string;
        startedBy: string;
      }>;
    const deadline = Date.now() + 60_000;
    while (!(await runs()).some((r) => r.startedBy === 'Zeitplan' && r.status === 'done')) {
      if (Date.now() > deadline) throw new Error(`no scheduled run: ${JSON.stringify(await runs())}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(await byLogin(cookie, 'aalt')).toBeDefined();

    // Another instance on the same PostgreSQL runs this source now: this run waits for nothing, changes nothing.
    if (server.databaseUrl) {
      const other = new pg.Client({ connectionString: server.databaseUrl });
      await other.connect();
      await other.query('select pg_advisory_lock(hashtext($1))', [`directory:${id}`]);
      const busy = await run(cookie, id, { dryRun: false });
      expect(busy).toMatchObject({ status: 'failed', error: expect.stringContaining('anderer Abgleich') });
      await other.end();
    }

    await slapd.stop();
    slapd = undefined;
    const down = await run(cookie, id, { dryRun: false });
    expect(down.status).toBe('failed');
    expect(down.error).toContain('keine Verbindung');
    expect((await byLogin(cookie, 'aalt'))!.active).toBe(true);
  });
  it('never takes over by login alone what belongs to someone else: a reused login, a hand-made administrator; a bad attribute or a taken new login is refused without deactivating; one source per organisation; the password goes only to the server it was entered for', async () => {
    slapd = await directory();
    server = await startTestServer({ backend });
    const cookie = await server.login(admin);
    // The demo's administrator has a login the directory also lists (another person's account).
    await slapd.addUsers([
      { cn: 'Irene Takeover', ou: 'IT', login: 'it@musterstadt.example', givenName: 'Irene', sn: 'Takeover' },
    ]);
    await slapd.setGroupMembers(
      'wachsam-nutzer',
      ['aalt', 'bberg', 'cclausen', 'eeck', 'ffink', 'jonas.becker@musterstadt.example']
        .map((l) => userDn(users.find((u) => u.login === l)!))
        .concat([userDn({ cn: 'Irene Takeover', ou: 'IT' })]),
    );
    const { id } = (
      await api(server.url, 'POST', '/api/admin/directory-sources', {
        cookie,
        body: { name: 'AD', settings: settings(slapd.url), bindPassword: servicePassword },
      })
    ).body;
    const first = await run(cookie, id, { dryRun: false });
    expect(first.report.refused).toContainEqual(
      expect.objectContaining({
        login: 'it@musterstadt.example',
        details: ['von Hand angelegt mit der Rolle Administration: wird nicht allein über den Anmeldenamen übernommen'],
      }),
    );
    expect((await byLogin(cookie, 'it@musterstadt.example'))!).toMatchObject({ managedBy: null, roles: ['admin'] });

    // Anna's login becomes too short: refused, but she is still alerted (not deactivated).
    await slapd.modify(userDn(users[0]!), 'sAMAccountName', 'aa');
    // Bernd is renamed to the login Anna has.
    await slapd.modify(userDn(users[1]!), 'sAMAccountName', 'aalt');
    const second = await run(cookie, id, { dryRun: false });
    expect(second.report.deactivated).toEqual([]);
    expect((await byLogin(cookie, 'aalt'))!.active).toBe(true);
    expect((await byLogin(cookie, 'bberg'))!.active).toBe(true);
    expect(second.report.refused.map((r: { login: string }) => r.login)).toEqual(
      expect.arrayContaining(['aa', 'aalt', 'it@musterstadt.example']),
    );

    // Bernd leaves; a new colleague gets his old login with a new directory id: not Bernd's record.
    await slapd.modify(userDn(users[1]!), 'sAMAccountName', 'bberg');
    await run(cookie, id, { dryRun: false });
    await slapd.addUsers([{ cn: 'Berta Neu', ou: 'IT', login: 'bberg2', givenName: 'Berta', sn: 'Neu' }]);
    await slapd.setGroupMembers(
      'wachsam-nutzer',
      ['cclausen', 'eeck', 'ffink', 'jonas.becker@musterstadt.example']
        .map((l) => userDn(users.find((u) => u.login === l)!))
        .concat([userDn({ cn: 'Berta Neu', ou: 'IT' })]),
    );
    await slapd.modify(userDn({ cn: 'Berta Neu', ou: 'IT' }), 'sAMAccountName', 'bberg');
    const reused = await run(cookie, id, { dryRun: false, acceptWarnings: true });
    expect(reused.report.refused).toContainEqual(
      expect.objectContaining({
        login: 'bberg',
        details: ['Anmeldename gehört in Wachsam einer anderen Person des Verzeichnisses (wiederverwendeter Name?)'],
      }),
    );
    expect((await byLogin(cookie, 'bberg'))!.active).toBe(false);

    const second2 = await api(server.url, 'POST', '/api/admin/directory-sources', {
      cookie,
      body: { name: 'Zweites AD', settings: settings(slapd.url), bindPassword: servicePassword },
    });
    expect(second2.status).toBe(409);
    const moved = await api(server.url, 'PUT', `/api/admin/directory-sources/${id}`, {
      cookie,
      body: {
        name: 'AD',
        settings: { ...settings(slapd.url), url: 'ldaps://angreifer.example:636' },
        bindPassword: null,
      },
    });
    expect(moved.status).toBe(400);
    expect(moved.body.error.message).toContain('Passwort neu eingeben');
    const clear = await api(server.url, 'PUT', `/api/admin/directory-sources/${id}`, {
      cookie,
      body: {
        name: 'AD',
        settings: { ...settings(slapd.url), url: 'ldap://dc1.stadt.example:389' },
        bindPassword: 'x',
      },
    });
    expect(clear.status).toBe(400);
    expect(JSON.stringify(clear.body)).toContain('ldaps://');
  });
});

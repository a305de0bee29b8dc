import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Debian's OpenLDAP `slapd` as an Active Directory stand-in for tests: its own folder and free
 * port, the memberof overlay (AD's `memberOf`), and AD's `sAMAccountName`, `userAccountControl`
 * and `department` (with their AD OIDs) on an auxiliary class. `entryUUID` plays `objectGUID`.
 * `.ci/run` installs slapd and ldap-utils.
 */
export const suffix = 'dc=stadt,dc=example';
export const serviceDn = `cn=wachsam,ou=dienste,${suffix}`;
export const servicePassword = 'lesen-geheim';
const adminDn = `cn=admin,${suffix}`;
const adminPassword = 'verwalten-geheim';

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

function configLdif(dir: string): string {
  return `dn: cn=config
objectClass: olcGlobal
cn: config
olcPidFile: ${dir}/slapd.pid

dn: cn=module{0},cn=config
objectClass: olcModuleList
cn: module{0}
olcModulePath: /usr/lib/ldap
olcModuleLoad: back_mdb
olcModuleLoad: memberof

dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema

include: file:///etc/ldap/schema/core.ldif
include: file:///etc/ldap/schema/cosine.ldif
include: file:///etc/ldap/schema/inetorgperson.ldif

dn: cn=adlike,cn=schema,cn=config
objectClass: olcSchemaConfig
cn: adlike
olcAttributeTypes: ( 1.2.840.113556.1.4.221 NAME 'sAMAccountName' EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
olcAttributeTypes: ( 1.2.840.113556.1.4.8 NAME 'userAccountControl' EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
olcAttributeTypes: ( 1.2.840.113556.1.2.141 NAME 'department' EQUALITY caseIgnoreMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
olcObjectClasses: ( 1.3.6.1.4.1.99999.1.1 NAME 'adLikeUser' AUXILIARY MAY ( sAMAccountName $ userAccountControl $ department ) )

dn: olcDatabase={-1}frontend,cn=config
objectClass: olcDatabaseConfig
olcDatabase: {-1}frontend

dn: olcDatabase={0}config,cn=config
objectClass: olcDatabaseConfig
olcDatabase: {0}config
olcRootDN: cn=admin,cn=config

dn: olcDatabase={1}mdb,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: {1}mdb
olcSuffix: ${suffix}
olcRootDN: ${adminDn}
olcRootPW: ${adminPassword}
olcDbDirectory: ${dir}/db
olcDbMaxSize: 104857600
olcAccess: {0}to attrs=userPassword by anonymous auth by * none
olcAccess: {1}to * by dn.exact="${serviceDn}" read by * none

dn: olcOverlay={0}memberof,olcDatabase={1}mdb,cn=config
objectClass: olcOverlayConfig
objectClass: olcMemberOf
olcOverlay: {0}memberof
olcMemberOfRefInt: TRUE
olcMemberOfGroupOC: groupOfNames
olcMemberOfMemberAD: member
olcMemberOfMemberOfAD: memberOf
`;
}

const base = `dn: ${suffix}
objectClass: dcObject
objectClass: organization
o: Stadt Beispiel
dc: stadt

dn: ou=dienste,${suffix}
objectClass: organizationalUnit
ou: dienste

dn: ${serviceDn}
objectClass: person
objectClass: simpleSecurityObject
cn: wachsam
sn: Dienstkonto
userPassword: ${servicePassword}
`;

export interface AdUser {
  cn: string;
  ou: string;
  login: string;
  givenName: string;
  sn: string;
  mail?: string;
  phone?: string;
  department?: string;
  /** 512 normal, 514 disabled (ACCOUNTDISABLE). */
  userAccountControl?: number;
}

export const userDn = (u: Pick<AdUser, 'cn' | 'ou'>) => `cn=${u.cn},ou=${u.ou},${suffix}`;
export const groupDn = (cn: string) => `cn=${cn},ou=gruppen,${suffix}`;

export function userLdif(u: AdUser): string {
  return [
    `dn: ${userDn(u)}`,
    'objectClass: inetOrgPerson',
    'objectClass: adLikeUser',
    `cn: ${u.cn}`,
    `givenName: ${u.givenName}`,
    `sn: ${u.sn}`,
    `sAMAccountName: ${u.login}`,
    ...(u.mail ? [`mail: ${u.mail}`] : []),
    ...(u.phone ? [`telephoneNumber: ${u.phone}`] : []),
    ...(u.department ? [`department: ${u.department}`] : []),
    `userAccountControl: ${u.userAccountControl ?? 512}`,
    '',
  ].join('\n');
}

export class Slapd {
  private constructor(
    readonly url: string,
    private readonly dir: string,
    private readonly child: ChildProcess,
  ) {}

  static async start(): Promise<Slapd> {
    const dir = mkdtempSync(join(tmpdir(), 'wachsam-slapd-'));
    mkdirSync(join(dir, 'conf'));
    mkdirSync(join(dir, 'db'));
    writeFileSync(join(dir, 'config.ldif'), configLdif(dir));
    const add = spawnSync('slapadd', ['-n', '0', '-F', join(dir, 'conf'), '-l', join(dir, 'config.ldif')], {
      encoding: 'utf8',
    });
    if (add.status !== 0) throw new Error(`slapadd failed (apt-get install slapd ldap-utils?): ${add.stderr}`);
    const port = await freePort();
    const url = `ldap://127.0.0.1:${port}`;
    // -d 0: stay in the foreground (the test owns the process), log nothing.
    const child = spawn('slapd', ['-h', `${url}/`, '-F', join(dir, 'conf'), '-d', '0'], { stdio: 'ignore' });
    const slapd = new Slapd(url, dir, child);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const probe = spawnSync(
        'ldapsearch',
        ['-x', '-H', url, '-D', adminDn, '-w', adminPassword, '-b', '', '-s', 'base'],
        {
          encoding: 'utf8',
        },
      );
      if (probe.status === 0) break;
      if (Date.now() > deadline) {
        await slapd.stop();
        throw new Error(`slapd did not answer on ${url}: ${probe.stderr}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    await slapd.ldif('add', base + `\ndn: ou=gruppen,${suffix}\nobjectClass: organizationalUnit\nou: gruppen\n`);
    return slapd;
  }

  /** Apply LDIF as the directory's administrator (`add`: new entries; `modify`: changetype records). */
  async ldif(op: 'add' | 'modify', text: string): Promise<void> {
    const file = join(this.dir, `change-${Date.now()}-${Math.random()}.ldif`);
    writeFileSync(file, text);
    const r = spawnSync(
      op === 'add' ? 'ldapadd' : 'ldapmodify',
      ['-x', '-H', this.url, '-D', adminDn, '-w', adminPassword, '-f', file],
      {
        encoding: 'utf8',
      },
    );
    if (r.status !== 0) throw new Error(`${op} failed: ${r.stderr}\n${text}`);
  }

  async addOu(ou: string): Promise<void> {
    await this.ldif('add', `dn: ou=${ou},${suffix}\nobjectClass: organizationalUnit\nou: ${ou}\n`);
  }

  async addUsers(users: AdUser[]): Promise<void> {
    await this.ldif('add', users.map(userLdif).join('\n'));
  }

  async addGroup(cn: string, members: string[]): Promise<void> {
    await this.ldif(
      'add',
      [`dn: ${groupDn(cn)}`, 'objectClass: groupOfNames', `cn: ${cn}`, ...members.map((m) => `member: ${m}`), ''].join(
        '\n',
      ),
    );
  }

  async setGroupMembers(cn: string, members: string[]): Promise<void> {
    await this.ldif(
      'modify',
      [`dn: ${groupDn(cn)}`, 'changetype: modify', 'replace: member', ...members.map((m) => `member: ${m}`), ''].join(
        '\n',
      ),
    );
  }

  async modify(dn: string, attribute: string, value: string): Promise<void> {
    await this.ldif('modify', `dn: ${dn}\nchangetype: modify\nreplace: ${attribute}\n${attribute}: ${value}\n`);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

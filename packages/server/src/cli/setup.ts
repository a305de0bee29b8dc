import { hostname, userInfo } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { z } from 'zod';
import { EmailLogin, Name, NewPassword, OrgSlug, SetupInput, type SetupAccount } from '@wachsam/protocol';
import { systemClock } from '../clock.js';
import { createOrganisation, hasOrganisation } from '../org/setup.js';
import { exitCodes, given, withDatabase, type Print } from './database.js';
import { Prompter, stdinLines } from './prompt.js';

export const setupUsage = `wachsam setup – Ersteinrichtung: Organisation und erste Administration anlegen (einmalig)

Ohne Angaben fragt der Befehl im Terminal nach allem (Passwörter unsichtbar). Für Automatisierung:
  --org-name <Name>          WACHSAM_ORG_NAME
  --org-slug <kurzname>      WACHSAM_ORG_SLUG        (a–z, 0–9, -; Vorschlag aus dem Namen)
  --admin-first-name <…>     WACHSAM_ADMIN_FIRST_NAME
  --admin-last-name <…>      WACHSAM_ADMIN_LAST_NAME
  --admin-login <E-Mail>     WACHSAM_ADMIN_LOGIN
                             WACHSAM_ADMIN_PASSWORD  (nur als Variable oder mit --password-stdin)
  --dpo-first-name <…>       WACHSAM_DPO_FIRST_NAME  Datenschutzbeauftragte/r (empfohlen, Art. 37 DSGVO)
  --dpo-last-name <…>        WACHSAM_DPO_LAST_NAME
  --dpo-login <E-Mail>       WACHSAM_DPO_LOGIN
                             WACHSAM_DPO_PASSWORD
  --no-dpo                   keine Datenschutz-Person anlegen (nicht fragen)
  --password-stdin           Passwörter von der Standardeingabe: Zeile 1 Administration, Zeile 2 Datenschutz
Datenbank wie beim Server: DATABASE_URL, sonst PGlite in DATA_DIR (Server vorher beenden).
Exit: 0 angelegt, 1 schon eingerichtet/abgebrochen, 2 Angaben fehlen oder ungültig, 3 Datenordner belegt.`;

const options = {
  'org-name': { type: 'string' },
  'org-slug': { type: 'string' },
  'admin-first-name': { type: 'string' },
  'admin-last-name': { type: 'string' },
  'admin-login': { type: 'string' },
  'dpo-first-name': { type: 'string' },
  'dpo-last-name': { type: 'string' },
  'dpo-login': { type: 'string' },
  'no-dpo': { type: 'boolean' },
  'password-stdin': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;
type Flags = ReturnType<typeof parseArgs<{ options: typeof options }>>['values'];

/** A proposal for the short name: "Stadt Köln" → "stadt-koeln". */
export function slugOf(name: string): string {
  const folded = name
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '');
  return folded
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
}

const problemOf = (schema: z.ZodType, value: string): string | null => {
  const r = schema.safeParse(value);
  return r.success ? null : (r.error.issues[0]?.message ?? 'ungültig');
};

/**
 * Collects the answers: flags, then environment, then (on a terminal) questions. Without a
 * terminal nothing is asked; what is missing is listed and nothing is created.
 */
class Answers {
  readonly missing: string[] = [];
  constructor(
    private readonly flags: Flags,
    private readonly env: Record<string, string | undefined>,
    private readonly prompter: Prompter,
    private readonly stdin: string[] | null,
    private readonly out: Print,
  ) {}

  async text(flag: keyof Flags, envName: string, question: string, schema: z.ZodType, fallback = ''): Promise<string> {
    const value = given(this.flags[flag] as string | undefined, this.env[envName]);
    if (value !== null) return value;
    if (!this.prompter.interactive) {
      if (fallback) return fallback;
      this.missing.push(`--${flag} (${envName})`);
      return '';
    }
    return this.prompter.until(
      () => this.prompter.ask(question, fallback),
      (v) => problemOf(schema, v),
    );
  }

  /** Never from a flag (it would stand in the process list and the shell history). */
  async password(envName: string, line: number, whose: string): Promise<string> {
    const value = this.stdin ? (this.stdin[line] ?? '') : (this.env[envName] ?? '');
    if (value || this.stdin) return value;
    if (!this.prompter.interactive) {
      this.missing.push(`${envName} oder --password-stdin`);
      return '';
    }
    for (;;) {
      const first = await this.prompter.until(
        () => this.prompter.askHidden(`  Passwort für ${whose} (mind. 10 Zeichen, Eingabe unsichtbar)`),
        (v) => problemOf(NewPassword, v),
      );
      if ((await this.prompter.askHidden('  Passwort wiederholen')) === first) return first;
      this.out('  Die Passwörter stimmen nicht überein; bitte noch einmal.');
    }
  }

  async account(prefix: 'admin' | 'dpo', envPrefix: string, title: string, line: number): Promise<SetupAccount> {
    if (this.prompter.interactive) this.out(title);
    const firstName = await this.text(`${prefix}-first-name`, `${envPrefix}_FIRST_NAME`, '  Vorname', Name);
    const lastName = await this.text(`${prefix}-last-name`, `${envPrefix}_LAST_NAME`, '  Nachname', Name);
    const login = await this.text(`${prefix}-login`, `${envPrefix}_LOGIN`, '  Anmeldename (E-Mail)', EmailLogin);
    const password = await this.password(`${envPrefix}_PASSWORD`, line, `${firstName} ${lastName}`.trim());
    return { firstName, lastName, login, password };
  }

  async wantsDpo(): Promise<boolean> {
    if (this.flags['no-dpo']) return false;
    const named = ['dpo-first-name', 'dpo-last-name', 'dpo-login'] as const;
    if (
      named.some((f) => this.flags[f]) ||
      ['FIRST_NAME', 'LAST_NAME', 'LOGIN'].some((k) => this.env[`WACHSAM_DPO_${k}`])
    )
      return true;
    if (!this.prompter.interactive) return false;
    const answer = await this.prompter.ask(
      'Datenschutzbeauftragte/n jetzt anlegen? Öffentliche Stellen müssen eine/n benennen (Art. 37 DSGVO);\n' +
        'sie/er gibt auch Rollen für das Register frei (Vier-Augen-Prinzip). [J/n]',
    );
    return !/^n/i.test(answer);
  }
}

export async function setupCommand(
  args: string[],
  env: Record<string, string | undefined>,
  out: Print,
  prompter = new Prompter(),
): Promise<number> {
  let flags: Flags;
  try {
    flags = parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    out(`${err instanceof Error ? err.message : String(err)}\n\n${setupUsage}`);
    return exitCodes.badInput;
  }
  if (flags.help) {
    out(setupUsage);
    return exitCodes.ok;
  }
  return withDatabase(env, out, async (database, config) => {
    const where = database.kind === 'pglite' ? `PGlite in ${resolve(config.dataDir)}` : 'PostgreSQL (DATABASE_URL)';
    if (await hasOrganisation(database.db)) {
      out(`Wachsam ist in dieser Datenbank (${where}) bereits eingerichtet; es wird nichts angelegt.`);
      out('Wachsam is already set up in this database; nothing was created.');
      return exitCodes.refused;
    }
    if (prompter.interactive) out(`Wachsam – Ersteinrichtung. Datenbank: ${where}`);
    const stdin = flags['password-stdin'] ? await stdinLines() : null;
    const a = new Answers(flags, env, prompter, stdin, out);
    const name = await a.text('org-name', 'WACHSAM_ORG_NAME', 'Name der Organisation (z. B. Stadt Musterstadt)', Name);
    const slug = await a.text('org-slug', 'WACHSAM_ORG_SLUG', 'Kurzname (a–z, 0–9, -)', OrgSlug, slugOf(name));
    const admin = await a.account('admin', 'WACHSAM_ADMIN', 'Erste Administration:', 0);
    const dataProtection = (await a.wantsDpo())
      ? await a.account('dpo', 'WACHSAM_DPO', 'Datenschutzbeauftragte/r:', 1)
      : null;
    if (a.missing.length) {
      out(`Es fehlt / missing: ${a.missing.join(', ')}`);
      out('Kein Terminal für Rückfragen: alles als Option oder Variable angeben (wachsam setup --help).');
      return exitCodes.badInput;
    }
    const parsed = SetupInput.safeParse({ organisation: { name, slug }, admin, dataProtection });
    if (!parsed.success) {
      // zod names the field and the rule, never the value: no password reaches the terminal.
      for (const issue of parsed.error.issues) out(`Ungültig / invalid: ${issue.path.join('.')}: ${issue.message}`);
      return exitCodes.badInput;
    }
    const by = `Ersteinrichtung (Kommandozeile, ${userInfo().username}@${hostname()})`;
    const result = await createOrganisation(database.db, systemClock, parsed.data, by);
    out(`Organisation „${result.organisation.name}“ (${result.organisation.slug}) angelegt.`);
    out(`  Administration: ${result.adminLogin}`);
    if (result.dataProtectionLogin) out(`  Datenschutz:    ${result.dataProtectionLogin}`);
    else
      out(
        '  Ohne zweite Person mit Administration oder Datenschutz gibt niemand Rollen für das Register frei;\n' +
          '  der Betrieb kann sie mit „wachsam grant-role“ vergeben.',
      );
    out('Jetzt den Server starten und anmelden. / Organisation created: start the server and log in.');
    return exitCodes.ok;
  });
}

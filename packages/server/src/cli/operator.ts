import { hostname, userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { NewPassword, Role } from '@wachsam/protocol';
import { systemClock } from '../clock.js';
import { operatorGrantRole, operatorResetPassword } from '../org/operator.js';
import { exitCodes, given, withDatabase, type Print } from './database.js';
import { Prompter, stdinLines } from './prompt.js';

export const operatorUsage = `wachsam reset-password --login <E-Mail>   neues Passwort setzen (WACHSAM_PASSWORD, --password-stdin
                                          oder unsichtbare Eingabe); alle Sitzungen der Person enden
wachsam grant-role --login <E-Mail> --role <Rolle>
                                          Rolle ohne zweite Person vergeben (Ausweg, wenn niemand
                                          freigeben kann); Rollen: ${Role.options.join(', ')}
Beide werden im Protokoll der Organisation vermerkt (Betrieb, Kommandozeile).`;

const operator = () => `Betrieb (Kommandozeile, ${userInfo().username}@${hostname()})`;

function flagsOf(args: string[], out: Print) {
  try {
    return parseArgs({
      args,
      options: {
        login: { type: 'string' },
        role: { type: 'string' },
        'password-stdin': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (err) {
    out(`${err instanceof Error ? err.message : String(err)}\n\n${operatorUsage}`);
    return null;
  }
}

export async function resetPasswordCommand(
  args: string[],
  env: Record<string, string | undefined>,
  out: Print,
  prompter = new Prompter(),
): Promise<number> {
  const flags = flagsOf(args, out);
  if (!flags) return exitCodes.badInput;
  if (flags.help || !flags.login) {
    out(operatorUsage);
    return flags.help ? exitCodes.ok : exitCodes.badInput;
  }
  let password = flags['password-stdin'] ? ((await stdinLines())[0] ?? '') : given(undefined, env.WACHSAM_PASSWORD);
  if (password === null && prompter.interactive)
    password = await prompter.askHidden('Neues Passwort (mind. 10 Zeichen)');
  if (password === null) {
    out('Es fehlt / missing: WACHSAM_PASSWORD oder --password-stdin');
    return exitCodes.badInput;
  }
  const valid = NewPassword.safeParse(password);
  if (!valid.success) {
    out(`Ungültig / invalid: Passwort: ${valid.error.issues[0]?.message}`);
    return exitCodes.badInput;
  }
  const login = flags.login;
  return withDatabase(env, out, async (database) => {
    const p = await operatorResetPassword(database.db, systemClock, login, valid.data, operator());
    out(`Passwort für ${p.firstName} ${p.lastName} (${p.login}) gesetzt; alle Sitzungen beendet.`);
    out('Password set; every session of the person ended. The person should change it at once (Mein Konto).');
    return exitCodes.ok;
  });
}

export async function grantRoleCommand(
  args: string[],
  env: Record<string, string | undefined>,
  out: Print,
): Promise<number> {
  const flags = flagsOf(args, out);
  if (!flags) return exitCodes.badInput;
  const role = Role.safeParse(flags.role);
  if (flags.help || !flags.login || !role.success) {
    out(operatorUsage);
    return flags.help ? exitCodes.ok : exitCodes.badInput;
  }
  const login = flags.login;
  return withDatabase(env, out, async (database) => {
    const p = await operatorGrantRole(database.db, systemClock, login, role.data, operator());
    out(`Rolle ${role.data} für ${p.firstName} ${p.lastName} (${p.login}) vergeben. / Role granted.`);
    return exitCodes.ok;
  });
}

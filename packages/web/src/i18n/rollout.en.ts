import type { rolloutDe } from './rollout.de.js';

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };

export const rolloutEn: Widen<typeof rolloutDe> = {
  rollout: {
    hosts: {
      intro:
        'A PC that enrols with the enrolment token finds its room (and the person at the desk) by its hostname. When the mapping changes, an enrolled PC moves with it. Deleting a mapping leaves the PC in its room.',
      hostname: 'Hostname',
    },
    tokens: {
      intro:
        'With an enrolment token the agents enrol themselves during software distribution (GPO, Intune, SCCM): nobody has to visit each PC. The token is shown only when created. Revoking it stops new enrolments; PCs already enrolled stay enrolled.',
      validDays: 'Valid (days)',
      scope: 'Applies to',
      wholeOrg: 'the whole organisation',
      create: 'Create token',
      creating: 'Creating …',
      secretOnce: 'Enrolment token “{{name}}” (shown only now, store it safely):',
      windows: 'Windows (software distribution, as administrator):',
      anyPc: 'Single PC (Windows or Linux):',
      expires: 'Valid until',
      expired: 'expired ({{time}})',
      revokedAt: 'revoked ({{time}})',
      uses: 'Enrolled PCs',
      createdBy: 'Created by',
      terminalServers:
        'For terminal servers (Citrix, RDS): each session enrols its client again and takes it over – use only for that',
      forTerminalServers: 'for terminal servers',
      revoke: 'Revoke',
      confirmRevoke: 'Revoke enrolment token “{{name}}”? New PCs can no longer enrol with it.',
    },
    import: {
      intro:
        'CSV files from Excel (“CSV (delimited)”, semicolon, Windows-1252) or UTF-8. The file is checked first and the changes are shown; nothing is applied until you confirm. People are matched by login; alarm groups are added, not removed; the import does not change roles.',
      kind: 'What to import?',
      kinds: { people: 'People', rooms: 'Rooms (with buildings and floors)', hosts: 'PC mapping (hostname → room)' },
      columns: 'Columns (* = required):',
      file: 'CSV file',
      checking: 'Checking the file …',
      applying: 'Applying …',
      mapping: 'Column mapping',
      detected: 'Detected: encoding {{encoding}}, separator “{{delimiter}}”',
      notInFile: '– not in the file –',
      preview: 'Preview, nothing applied yet:',
      applied: 'Applied:',
      counts: '{{create}} new, {{update}} changed, {{unchanged}} unchanged, {{error}} with errors.',
      alsoCreated: 'Also created:',
      skipErrors_one: 'skip {{count}} line with errors',
      skipErrors_other: 'skip {{count}} lines with errors',
      apply_one: 'Apply {{count}} change',
      apply_other: 'Apply {{count}} changes',
      lines: 'Lines of {{name}} (errors first)',
      line: 'Line',
      what: 'Entry',
      action: 'Result',
      details: 'Changes / errors',
      actions: { create: 'new', update: 'changed', unchanged: 'unchanged', error: 'error' },
      more: '… and {{count}} more lines',
    },
  },
};

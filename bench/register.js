/* global fetch */
// Register and statistics benchmark (`npm run bench:register`; not a test).
//
// A throwaway PostgreSQL database on 127.0.0.1:5432 gets the demo organisation, 100,000 register
// entries and 1,000,000 anonymous incident facts (5 years, 10 departments, every category and
// level). The Wachsam server runs from dist in a child process (this file with `--server`), so
// the client's work does not run inside the server's timing. Measured over HTTP through the real
// routes, one request at a time: the register lookup (which writes its access-log row in the same
// transaction) and the statistics table for 12 months and for 5 years. References in the same
// run: GET /api/auth/me (same server, same session handling, no work) and, straight through pg,
// a primary-key SELECT and the statistics GROUP BY itself.
//
// Environment: BENCH_LOOKUPS=2000  BENCH_STATS=100  BENCH_ENTRIES=100000  BENCH_FACTS=1000000
import { createHash } from 'node:crypto';
import { execSync, fork } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { loginAs } from './login.js';

const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Seeded last names: ten consonants from the md5 of the number, so that no two are within the
 * lookup's typo distance or share a Kölner Phonetik code by construction (as "Nachname12" and
 * "Nachname13" would), and the name fold leaves them as they are (no vowels, no "s").
 */
const consonants = 'bcdfghjklmnprtvw';
const benchLastName = (g) => `'N' || translate(substr(md5(${g}::text), 1, 10), '0123456789abcdef', '${consonants}')`;
const lastNameOf = (g) =>
  'N' +
  createHash('md5')
    .update(String(g))
    .digest('hex')
    .slice(0, 10)
    .replace(/./g, (c) => consonants[parseInt(c, 16)]);
/** The seeded birth date: 1 January 1960 plus g mod 15,000 days. */
const birthDateOf = (g) => new Date(Date.UTC(1960, 0, 1) + (g % 15000) * 86_400_000).toISOString().slice(0, 10);

if (process.argv.includes('--server')) {
  // ---------- the server process ----------
  const { startTestServer } = await import('../packages/server/dist/testing.js');
  const server = await startTestServer({ backend: 'postgres', databaseUrl: process.env.BENCH_DATABASE_URL });
  process.send({ ready: true, url: server.url });
  process.on('message', async (m) => {
    if (m === 'close') {
      await server.close();
      process.exit(0);
    }
  });
} else {
  await main();
}

async function main() {
  const lookups = Number(process.env.BENCH_LOOKUPS ?? 2000);
  const statsRuns = Number(process.env.BENCH_STATS ?? 100);
  const entries = Number(process.env.BENCH_ENTRIES ?? 100_000);
  const factCount = Number(process.env.BENCH_FACTS ?? 1_000_000);
  const started = Date.now();
  const log = (...a) => console.error(`[${((Date.now() - started) / 1000).toFixed(1)}s]`, ...a);

  const name = `wachsam_bench_register_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let child = null;
  const db = new pg.Client({ connectionString: url.toString() });
  try {
    child = fork(new URL(import.meta.url), ['--server'], {
      env: { ...process.env, BENCH_DATABASE_URL: url.toString(), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const { url: base } = await new Promise((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    });
    log('server up at', base);
    await db.connect();
    const pgVersion = (await db.query('select version()')).rows[0].version;

    // ---------- seed ----------
    const orgId = (await db.query(`select id from organisations where name = 'Stadt Musterstadt'`)).rows[0].id;
    const deps = (
      await db.query(
        `insert into departments (org_id, name) select $1, 'Bench-Abteilung ' || g from generate_series(1, 10) g returning id`,
        [orgId],
      )
    ).rows.map((r) => r.id);
    let t0 = performance.now();
    await db.query(
      `insert into register_entries (org_id, name_key, name_keys, last_name, first_name, birth_date, data, level, created_at,
         review_at, delete_at, notification)
       select $1, lower(n.last) || '|vorname' || (g % 1000), array[lower(n.last) || '|vorname' || (g % 1000)],
         n.last, 'Vorname' || (g % 1000),
         date '1960-01-01' + (g % 15000), jsonb_build_object('measures', jsonb_build_array('Termin nur zu zweit')),
         g % 4, now(), current_date + 365, current_date + 730,
         '{"status":"open","sentAt":null,"deferral":null}'::jsonb
       from generate_series(1, $2::int) g, lateral (select ${benchLastName('g')} as last) n`,
      [orgId, entries],
    );
    log(`${entries} register entries in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const { incidentCategories } = await import('../packages/protocol/dist/index.js');
    const categories = [...incidentCategories];
    const now = new Date();
    const firstMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 59, 1)).toISOString().slice(0, 10);
    t0 = performance.now();
    // Spread at random (fixed seed) over 60 months, 10 departments and 4 levels; categories skewed
    // towards insults and threats as in practice. Every combination occurs, counts are uneven.
    await db.query('select setseed(0.42)');
    await db.query(
      `insert into incident_facts (org_id, month, department_id, main_category, categories, level)
       select $1, $2::date + floor(random() * 60)::int * interval '1 month', ($3::uuid[])[1 + floor(random() * 10)::int],
         c, array[c], floor(random() * 4)::int
       from (select ($4::text[])[1 + floor(power(random(), 2) * 10)::int] c from generate_series(1, $5::int)) g`,
      [orgId, firstMonth, deps, categories, factCount],
    );
    await db.query('analyze');
    log(`${factCount} incident facts in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    // ---------- sessions ----------
    const login = (who) => loginAs(base, who);
    const lookupCookie = await login('stefan.neumann');
    const statsCookie = await login('sicherheit');

    const timed = async (n, fn) => {
      const out = [];
      for (let i = 0; i < n; i++) {
        const s = performance.now();
        await fn(i);
        out.push(performance.now() - s);
      }
      return out;
    };
    const http = async (path, cookie, body) => {
      const res = await fetch(`${base}${path}`, {
        method: body ? 'POST' : 'GET',
        headers: body ? { cookie, 'content-type': 'application/json' } : { cookie },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${text.slice(0, 200)}`);
      return text;
    };
    // Half the lookups hit an entry, half miss; a fixed sequence so runs compare.
    const lookupBody = (i) => {
      const g = 1 + ((i * 7919) % entries);
      return i % 2
        ? { lastName: lastNameOf(g), firstName: `Vorname${g % 1000}`, birthDate: birthDateOf(g), purpose: 'counter' }
        : { lastName: `Unbekannt${g}`, firstName: 'Niemand', birthDate: null, purpose: 'counter' };
    };
    const hit = JSON.parse(await http('/api/register/lookup', lookupCookie, lookupBody(1)));
    if (hit.outcome !== 'hint') throw new Error(`a seeded name was not found: ${JSON.stringify(hit)}`);
    const ids = (await db.query('select id from register_entries order by random() limit 1000')).rows.map((r) => r.id);
    // The Lagebild answers fixed periods: the current year (one jointly suppressed family of
    // every table, quarter and month) and its current quarter, a view of the same family.
    const year = now.getUTCFullYear();
    const quarter = `${year}-Q${Math.floor(now.getUTCMonth() / 3) + 1}`;
    // The statement the server runs for a department × month table (src/stats/repository.ts).
    const statsSql = `select department_id, month, count(*) from incident_facts
      where org_id = $1 and month >= $2 and month <= $3 group by department_id, month`;
    const yearRange = [`${year}-01-01`, `${year}-12-01`];
    const check = JSON.parse(await http(`/api/stats/table?rows=department&period=${year}`, statsCookie));
    const inYear = Number(
      (
        await db.query(
          'select count(*)::int as n from incident_facts where org_id = $1 and month >= $2 and month <= $3',
          [orgId, ...yearRange],
        )
      ).rows[0].n,
    );
    if (check.grandTotal !== undefined && check.grandTotal !== inYear)
      throw new Error(`the year table counts ${check.grandTotal}, not ${inYear}`);

    // ---------- measure (warm-up first, not counted) ----------
    const series = [];
    const run = async (label, kind, n, fn) => {
      await timed(Math.min(50, Math.ceil(n / 10)), fn);
      log(label);
      series.push({ label, kind, n, ms: await timed(n, fn) });
    };
    await run('GET /api/auth/me (reference)', 'http', lookups, () => http('/api/auth/me', lookupCookie));
    await run(`POST /api/register/lookup (${entries.toLocaleString('en')} entries)`, 'http', lookups, (i) =>
      http('/api/register/lookup', lookupCookie, lookupBody(i)),
    );
    await run(`GET /api/stats/table, year ${year}`, 'http', statsRuns, () =>
      http(`/api/stats/table?rows=department&period=${year}`, statsCookie),
    );
    await run(`GET /api/stats/table, quarter ${quarter}`, 'http', statsRuns, () =>
      http(`/api/stats/table?rows=department&period=${quarter}`, statsCookie),
    );
    await run(`GET /api/stats/lagebild.pdf, year ${year}`, 'http', Math.max(10, Math.round(statsRuns / 4)), () =>
      http(`/api/stats/lagebild.pdf?period=${year}`, statsCookie),
    );
    await run('pg: SELECT register entry by primary key (reference)', 'sql', lookups, (i) =>
      db.query('select * from register_entries where id = $1', [ids[i % ids.length]]),
    );
    await run('pg: statistics GROUP BY, one year', 'sql', statsRuns, () => db.query(statsSql, [orgId, ...yearRange]));
    const plan = (await db.query(`explain analyze ${statsSql}`, [orgId, ...yearRange])).rows
      .map((r) => r['QUERY PLAN'])
      .join('\n');

    const md = report(series, pgVersion, { entries, factCount, plan });
    console.log(md);
    writeFileSync(new URL('./results/register.md', import.meta.url), md);
    log('written to bench/results/register.md');
  } finally {
    await db.end().catch(() => undefined);
    if (child && child.exitCode === null) {
      child.send('close');
      await new Promise((r) => child.once('exit', r));
    }
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

function pct(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

function report(series, pgVersion, { entries, factCount, plan }) {
  const f = (ms) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
  const stats = series.map((s) => {
    const sorted = [...s.ms].sort((a, b) => a - b);
    return { ...s, p50: pct(sorted, 0.5), p95: pct(sorted, 0.95), p99: pct(sorted, 0.99) };
  });
  const ref = { http: stats.find((s) => s.kind === 'http'), sql: stats.find((s) => s.kind === 'sql') };
  const lines = [
    '# Register and statistics benchmark (`npm run bench:register`)',
    '',
    machine(pgVersion),
    '',
    `Data: ${entries.toLocaleString('en')} register entries, ${factCount.toLocaleString('en')} incident facts over 60 months,` +
      ' 10 departments, 10 categories, 4 levels, one organisation; PostgreSQL on the same machine, one request at a time.',
    'Ratios: p50 and p99 against the reference of the same kind measured in the same run (HTTP rows against',
    '`GET /api/auth/me`, SQL rows against the primary-key SELECT).',
    '',
    '| what | n | p50 ms | p95 ms | p99 ms | p50 ratio | p99 ratio |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...stats.map((s) => {
      const r = ref[s.kind];
      return `| ${s.label} | ${s.n} | ${f(s.p50)} | ${f(s.p95)} | ${f(s.p99)} | ${(s.p50 / r.p50).toFixed(1)}× | ${(s.p99 / r.p99).toFixed(1)}× |`;
    }),
    '',
    'Plan of the one-year statistics query (`EXPLAIN ANALYZE`, after the runs):',
    '',
    '```',
    plan,
    '```',
    '',
  ];
  return lines.join('\n');
}

function machine(pgVersion) {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? '?';
  let code = 'unknown';
  try {
    const head = execSync('git rev-parse --short HEAD').toString().trim();
    const dirty = execSync('git status --porcelain -- packages/server packages/protocol').toString().trim();
    code = `commit ${head}${dirty ? ' + uncommitted server/protocol changes (shared checkout)' : ''}`;
  } catch {
    /* not a checkout */
  }
  return [
    `- date: ${new Date().toISOString()}; 1-minute load at the end: ${os.loadavg()[0].toFixed(1)}`,
    `- cores: ${os.availableParallelism?.() ?? os.cpus().length}; CPU: ${model}`,
    `- RAM: ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB; kernel ${os.release()}`,
    `- Node ${process.version}; ${pgVersion.split(',')[0]}`,
    `- code: ${code}`,
  ].join('\n');
}

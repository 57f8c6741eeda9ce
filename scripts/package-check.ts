// `npm run package:check`: packages the app with electron-builder `--dir`
// using a stub Electron distribution (the real one is downloaded from GitHub,
// which build machines here cannot reach) and native rebuild off, then checks
// that the native modules landed unpacked beside app.asar: they cannot be
// loaded from inside the archive.
//
// Real installers: `npm run package` on a machine that can download Electron;
// there electron-builder also rebuilds the native modules for Electron's ABI.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
// Read as a file: only src-main/electron/ may import the electron package.
const electronVersion: string = JSON.parse(
  readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8'),
).version;

/** Every file below a folder, relative to it. */
function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(dir, f)).isFile());
}

function stubElectron(dir: string): void {
  mkdirSync(join(dir, 'resources'), { recursive: true });
  writeFileSync(join(dir, 'electron'), '#!/bin/sh\necho "stub Electron used by package:check; not runnable"\nexit 1\n');
  chmodSync(join(dir, 'electron'), 0o755);
  writeFileSync(join(dir, 'version'), electronVersion);
  writeFileSync(join(dir, 'LICENSE'), 'stub');
  writeFileSync(join(dir, 'LICENSES.chromium.html'), 'stub');
}

const work = mkdtempSync(join(tmpdir(), 'cashier-desk-package-'));
try {
  if (!process.argv.includes('--no-build')) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  const stub = join(work, 'electron-dist');
  stubElectron(stub);
  const out = join(work, 'release');
  execFileSync(
    'npx',
    [
      'electron-builder',
      '--linux',
      'dir',
      '--config',
      'electron-builder.yml',
      `-c.electronDist=${stub}`,
      `-c.electronVersion=${electronVersion}`,
      '-c.npmRebuild=false',
      `-c.directories.output=${out}`,
    ],
    { cwd: root, stdio: 'inherit' },
  );
  const resources = join(out, 'linux-unpacked', 'resources');
  const unpacked = files(join(resources, 'app.asar.unpacked'));
  const expected: Array<[string, RegExp]> = [
    ['better-sqlite3', /better-sqlite3\/build\/Release\/better_sqlite3\.node$/],
    ['serialport', /@serialport\/bindings-cpp\/prebuilds\/linux-x64\/.*\.node$/],
    ['node-hid', /node-hid\/.*\.node$/],
  ];
  const missing = expected.filter(([, re]) => !unpacked.some((f) => re.test(f))).map(([name]) => name);
  if (!existsSync(join(resources, 'app.asar'))) missing.push('app.asar');
  if (missing.length > 0) {
    console.error(`package:check: missing from ${relative(root, resources) || resources}: ${missing.join(', ')}`);
    process.exit(1);
  }
  console.log(
    `package:check: ok (Electron ${electronVersion} stub; better-sqlite3, serialport and node-hid binaries in app.asar.unpacked)`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}

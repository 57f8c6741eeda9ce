// `npm run package:check`: packages the app with electron-builder `--dir` and
// checks the packaged output itself, not the file names that went in:
// - the Electron fuses read back from the packaged binary's fuse wire;
// - the entry (package.json "main") is a file inside app.asar, by its header;
// - every native binary is unpacked, and better-sqlite3, serialport and
//   node-hid load in a child `node` from the packaged files, each used once
//   (in-memory query, SerialPort.list(), HID.devices()), their binaries mapped
//   from app.asar.unpacked;
// - the packaged main.js registers the app:// scheme, loads nothing from
//   file://, turns DevTools and the menu off when packaged; the packaged
//   app:// handler serves the entry page with the CSP and refuses a way out.
//
// The real Electron distribution is downloaded from GitHub, which build
// machines here cannot reach: unless `--electron-dist <dir>` names a real one,
// a stub stands in. The stub carries a synthetic fuse wire laid out as
// Electron's (sentinel, version 1, Electron's default states), so
// electron-builder's real fuse step flips it and the read-back proves the
// configuration is applied at packaging; the output says the wire is
// synthetic. Native rebuild is off, so the modules keep Node's ABI and load in
// plain Node. Real installers: `npm run package` on a machine that can
// download Electron; there electron-builder also rebuilds the native modules.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import asar from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';

const root = new URL('..', import.meta.url).pathname;
// Read as a file: only src-main/electron/ may import the electron package.
const electronVersion: string = JSON.parse(
  readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8'),
).version;

const { values: args } = parseArgs({
  options: { 'no-build': { type: 'boolean', default: false }, 'electron-dist': { type: 'string' } },
});

/** The fuse states the packaged binary must carry (electron-builder.yml electronFuses). */
const REQUIRED_FUSES: ReadonlyArray<[FuseV1Options, boolean]> = [
  [FuseV1Options.RunAsNode, false],
  [FuseV1Options.EnableCookieEncryption, true],
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable, false],
  [FuseV1Options.EnableNodeCliInspectArguments, false],
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation, true],
  [FuseV1Options.OnlyLoadAppFromAsar, true],
  [FuseV1Options.GrantFileProtocolExtraPrivileges, false],
];

// The wire's bytes (@electron/fuses dist/constants.js, not exported by its index).
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const FUSE_ENABLED = '1'.charCodeAt(0);
const FUSE_DISABLED = '0'.charCodeAt(0);
// Electron's default fuse states in wire order, '1' enabled / '0' disabled
// (electron/electron docs/tutorial/fuses.md, "Default" of each fuse):
// runAsNode 1, cookieEncryption 0, nodeOptions 1, nodeCliInspect 1,
// embeddedAsarIntegrityValidation 0, onlyLoadAppFromAsar 0,
// loadBrowserProcessSpecificV8Snapshot 0, grantFileProtocolExtraPrivileges 1.
const DEFAULT_WIRE = '10110001';

function stubElectron(dir: string): void {
  mkdirSync(join(dir, 'resources'), { recursive: true });
  const script = '#!/bin/sh\necho "stub Electron used by package:check; not runnable"\nexit 1\n';
  // After `exit`, so the shell never reads it: sentinel, wire version 1, wire length, states.
  const wire = Buffer.concat([
    Buffer.from(`# synthetic fuse wire: ${SENTINEL}`, 'latin1'),
    Buffer.from([1, DEFAULT_WIRE.length]),
    Buffer.from(`${DEFAULT_WIRE}\n`, 'latin1'),
  ]);
  writeFileSync(join(dir, 'electron'), Buffer.concat([Buffer.from(script, 'latin1'), wire]));
  chmodSync(join(dir, 'electron'), 0o755);
  writeFileSync(join(dir, 'version'), electronVersion);
  writeFileSync(join(dir, 'LICENSE'), 'stub');
  writeFileSync(join(dir, 'LICENSES.chromium.html'), 'stub');
}

/**
 * The folder electron-builder packages from. npm cannot list the dependency
 * tree of a node_modules that is a symlink (a git worktree sharing one
 * install), and electron-builder then silently leaves out every transitive
 * dependency; such a checkout is staged with a hard-linked copy of the install
 * (read only: native rebuild is off).
 */
function projectToPackage(work: string): string {
  if (!lstatSync(join(root, 'node_modules')).isSymbolicLink()) return root;
  const stage = join(work, 'stage');
  mkdirSync(stage);
  for (const name of ['package.json', 'package-lock.json', 'electron-builder.yml', 'dist-main', 'dist-renderer', 'assets']) {
    if (existsSync(join(root, name))) cpSync(join(root, name), join(stage, name), { recursive: true });
  }
  execFileSync('cp', ['-al', realpathSync(join(root, 'node_modules')), join(stage, 'node_modules')]);
  console.log('package:check: node_modules is a symlink; packaging from a staged copy of the project');
  return stage;
}

type Asar = typeof asar;
type AsarEntry = ReturnType<Asar['statFile']> & { unpacked?: boolean; size?: number; files?: unknown };

/** Rebuilds what Electron's fs shows of app.asar: packed files extracted, native binaries linked into app.asar.unpacked. */
function viewOfAsar(archive: string, dest: string, failures: string[]): void {
  for (const entry of asar.listPackage(archive, { isPack: false })) {
    const rel = entry.replace(/^[\\/]/, '');
    const stat = asar.statFile(archive, rel, false) as AsarEntry;
    if ('files' in stat || 'link' in stat) continue;
    const target = join(dest, rel);
    mkdirSync(dirname(target), { recursive: true });
    const onDisk = join(`${archive}.unpacked`, rel);
    if (stat.unpacked) {
      if (!existsSync(onDisk)) failures.push(`${rel} is marked unpacked but missing from app.asar.unpacked`);
      else if (rel.endsWith('.node')) symlinkSync(onDisk, target);
      else cpSync(onDisk, target);
    } else {
      if (rel.endsWith('.node')) failures.push(`native binary ${rel} is packed inside app.asar; it must be unpacked to load`);
      writeFileSync(target, asar.extractFile(archive, rel));
    }
  }
}

interface ProbeResult {
  ok: boolean;
  value?: Record<string, unknown>;
  error?: string;
}

const work = mkdtempSync(join(tmpdir(), 'cashier-desk-package-'));
const failures: string[] = [];
const passed: string[] = [];
const check = (ok: boolean, good: string, bad: string) => (ok ? passed.push(good) : failures.push(bad));
try {
  if (!args['no-build']) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  const realDist = args['electron-dist'];
  const dist = realDist ?? join(work, 'electron-dist');
  if (!realDist) stubElectron(dist);
  const out = join(work, 'release');
  execFileSync(
    'npx',
    [
      'electron-builder',
      '--linux',
      'dir',
      '--config',
      'electron-builder.yml',
      `-c.electronDist=${dist}`,
      `-c.electronVersion=${electronVersion}`,
      '-c.npmRebuild=false',
      `-c.directories.output=${out}`,
    ],
    { cwd: projectToPackage(work), stdio: 'inherit' },
  );
  const appDir = join(out, 'linux-unpacked');
  const resources = join(appDir, 'resources');
  const archive = join(resources, 'app.asar');
  if (!existsSync(archive)) throw new Error(`no app.asar in ${resources}`);

  // 1. Fuses, read back from the packaged executable.
  const productPackage = JSON.parse(asar.extractFile(archive, 'package.json').toString('utf8')) as { name: string; main?: string };
  const executable = join(appDir, productPackage.name);
  const wire = (await getCurrentFuseWire(executable)) as Record<number, number>;
  for (const [fuse, enabled] of REQUIRED_FUSES) {
    const want = enabled ? FUSE_ENABLED : FUSE_DISABLED;
    const name = FuseV1Options[fuse];
    check(wire[fuse] === want, `fuse ${name}=${enabled}`, `fuse ${name} is ${String.fromCharCode(wire[fuse] ?? 63)} in the packaged binary, want ${enabled}`);
  }
  const wireSource = realDist
    ? `the Electron binary from ${realDist}`
    : `the stub's synthetic fuse wire (Electron ${electronVersion} itself could not be downloaded here; its binary was not checked)`;

  // 2. The entry inside app.asar, by the archive's header.
  const main = productPackage.main ?? 'index.js';
  let entry: AsarEntry | undefined;
  try {
    entry = asar.statFile(archive, main, true) as AsarEntry;
  } catch {
    entry = undefined;
  }
  check(
    entry !== undefined && !('files' in entry) && !entry.unpacked && (entry.size ?? 0) > 0,
    `entry ${main} inside app.asar`,
    `package.json "main" (${main}) is not a packed file inside app.asar`,
  );

  // 3. Native modules load from the packaged files.
  const view = join(work, 'view');
  viewOfAsar(archive, view, failures);
  const env = { ...process.env };
  delete env.NODE_PATH;
  delete env.NODE_OPTIONS;
  const probeOut = execFileSync(process.execPath, ['--import', import.meta.resolve('tsx'), join(root, 'scripts', 'package-probe.ts'), view], {
    cwd: view,
    env,
    encoding: 'utf8',
  });
  const probe = JSON.parse(probeOut.trim().split('\n').pop() ?? '{}') as Record<string, ProbeResult> & { nativeLoaded: string[] | null };
  const sqlite = probe.sqlite;
  check(
    sqlite?.ok === true && sqlite.value?.total === 1649,
    `better-sqlite3 loaded (SQLite ${String(sqlite?.value?.version)}, in-memory query answered)`,
    `better-sqlite3 from the package: ${sqlite?.error ?? JSON.stringify(sqlite?.value)}`,
  );
  const serial = probe.serialport;
  check(
    serial?.ok === true && serial.value?.isArray === true,
    `serialport loaded (SerialPort.list(): ${String(serial?.value?.count)} ports)`,
    `serialport from the package: ${serial?.error ?? JSON.stringify(serial?.value)}`,
  );
  const hid = probe.hid;
  check(
    hid?.ok === true && hid.value?.isArray === true,
    `node-hid loaded (HID.devices(): ${String(hid?.value?.count)} devices)`,
    `node-hid from the package: ${hid?.error ?? JSON.stringify(hid?.value)}`,
  );
  if (probe.nativeLoaded === null) {
    passed.push('native binary origin not checked (no /proc/self/maps)');
  } else {
    const unpackedDir = realpathSync(`${archive}.unpacked`);
    for (const [name, re] of [
      ['better-sqlite3', /better_sqlite3\.node$/],
      ['serialport', /bindings-cpp\/.*\.node$/],
      ['node-hid', /node-hid\/.*\.node$/],
    ] as const) {
      const loaded = probe.nativeLoaded.filter((p) => re.test(p));
      check(
        loaded.length > 0 && loaded.every((p) => p.startsWith(unpackedDir)),
        `${name} binary mapped from app.asar.unpacked`,
        `${name} binary not mapped from app.asar.unpacked: ${loaded.join(', ') || 'none loaded'}`,
      );
    }
  }

  // 4. The Electron shell as packaged.
  const mainJs = readFileSync(join(view, main), 'utf8');
  const shell: Array<[string, boolean]> = [
    ['registers the app scheme as privileged', /protocol\.registerSchemesAsPrivileged\(/.test(mainJs)],
    ['serves it with protocol.handle', /protocol\.handle\(/.test(mainJs)],
    ['loads the window from the app scheme', /\.loadURL\(APP_ENTRY_URL\)/.test(mainJs)],
    // Code, not comments: a loadFile call, a file: URL literal or one built from a path.
    ['loads nothing from file://', !/loadFile\(|pathToFileURL|['"`]file:/.test(mainJs)],
    ['turns DevTools off when packaged', /const packaged = app\.isPackaged/.test(mainJs) && /devTools: !packaged/.test(mainJs)],
    ['closes DevTools if opened when packaged', /'devtools-opened'/.test(mainJs)],
    ['removes the menu when packaged', /if \(packaged\)\s*Menu\.setApplicationMenu\(null\)/.test(mainJs)],
  ];
  for (const [what, ok] of shell) check(ok, `main.js ${what}`, `packaged ${main} fails: ${what}`);
  const protocol = probe.protocol;
  const p = protocol?.value ?? {};
  check(
    protocol?.ok === true &&
      p.entryStatus === 200 &&
      p.entryCsp === p.expectedCsp &&
      typeof p.entryCsp === 'string' &&
      p.scriptStatus === 200 &&
      p.scriptCsp === p.expectedCsp &&
      p.outsideStatus === 403,
    `app:// handler serves ${String(p.entryUrl)} and ${String(p.script)} with the CSP header, refuses a path out (${String(p.outsideStatus)})`,
    `packaged app:// handler: ${protocol?.error ?? JSON.stringify(p)}`,
  );

  // The runAsNode fuse is off: a child started as process.execPath with
  // ELECTRON_RUN_AS_NODE would start the app again, not Node. Code that does so
  // (the journal's integrity checker) must be replaced by the shell's
  // utility-process launcher in the packaged app.
  const runAsNodeUsers = asar
    .listPackage(archive, { isPack: false })
    .filter((f) => /dist-main\/.*\.js$/.test(f) && readFileSync(join(view, f), 'utf8').includes('ELECTRON_RUN_AS_NODE'));
  const mainText = readFileSync(join(view, main), 'utf8');
  const utilityLauncher = asar
    .listPackage(archive, { isPack: false })
    .find((f) => /dist-main\/src-main\/electron\/utility-process-checker\.js$/.test(f));
  const launcherText = utilityLauncher ? readFileSync(join(view, utilityLauncher), 'utf8') : '';
  check(
    runAsNodeUsers.length === 0 || (/useCheckerLauncher\(/.test(mainText) && /utilityProcess\.fork\(/.test(launcherText)),
    `code that runs the binary as Node (${runAsNodeUsers.map((f) => f.replace(/^\//, '')).join(', ') || 'none'}) is replaced by a utility process when packaged`,
    `${runAsNodeUsers.join(', ')} relies on ELECTRON_RUN_AS_NODE, which the runAsNode fuse turns off, and main.js installs no utility-process launcher`,
  );

  for (const line of passed) console.log(`package:check: ok  ${line}`);
  console.log(`package:check: fuses read from ${wireSource}`);
  if (failures.length > 0) {
    for (const line of failures) console.error(`package:check: FAIL ${line}`);
    process.exitCode = 1;
  } else {
    console.log(`package:check: ok (Electron ${electronVersion}${realDist ? '' : ' stub'}; ${passed.length} checks on the packaged output)`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

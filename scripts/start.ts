// `npm start`: builds the renderer and main, then launches Electron. When the
// Electron runtime is missing (it cannot be downloaded on the build machines)
// it says so in one line and starts browser mode instead: the host on
// loopback, opened in Chromium's app mode when there is one and a display,
// otherwise the URL is printed.
//
//   node --import tsx scripts/start.ts [--no-build] [--journal PATH] [--port N] [--training]

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startHeadless } from '../src-main/headless.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'node_modules', '.bin');

/** Said once, on its own line, when browser mode replaces Electron. */
export const ELECTRON_MISSING_LINE =
  'Electron runtime not installed (it cannot be downloaded here): starting browser mode instead.';

/** Chromium binaries tried, in order, for browser mode. */
const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The Electron executable, or null when the runtime binary is not installed. */
export function resolveElectron(): string | null {
  try {
    const p = createRequire(path.join(ROOT, 'package.json'))('electron') as unknown;
    return typeof p === 'string' && fs.existsSync(p) ? p : null;
  } catch {
    return null; // the package throws when its postinstall never fetched the binary
  }
}

/** Chromium's command line for app mode on a fresh, throw-away profile. */
export function chromiumArgs(url: string, userDataDir: string, isRoot: boolean): string[] {
  return [
    `--app=${url}`,
    `--user-data-dir=${userDataDir}`,
    ...(isRoot ? ['--no-sandbox'] : []),
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ];
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function build(what: string, cmd: string, args: string[]): boolean {
  say(`start: building ${what}…`);
  const r = spawnSync(path.join(BIN, cmd), args, { cwd: ROOT, stdio: 'inherit', timeout: 600_000 });
  if (r.status === 0) return true;
  process.stderr.write(`start: building ${what} failed (${r.error?.message ?? `exit ${r.status}`}); see the output above.\n`);
  return false;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'no-build': { type: 'boolean', default: false },
      journal: { type: 'string' },
      port: { type: 'string', default: '0' },
      training: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0-65535, not "${values.port}".`);

  if (!values['no-build'] && !build('the screens (vite)', 'vite', ['build', '--config', 'vite.config.ts'])) process.exit(1);
  const electron = resolveElectron();
  // Main is compiled only for Electron; browser mode runs the sources through tsx.
  if (electron) {
    if (!values['no-build'] && !build('main (tsc)', 'tsc', ['-p', 'tsconfig.main.json'])) process.exit(1);
    return runElectron(electron, values.journal, values.training);
  }
  say(ELECTRON_MISSING_LINE);
  return runBrowserMode(port, values.journal, values.training);
}

function runElectron(electron: string, journal: string | undefined, training: boolean): void {
  const env = { ...process.env };
  if (journal) env.CASHIER_DESK_JOURNAL = path.resolve(journal);
  if (training) env.CASHIER_DESK_TRAINING = '1';
  const child = spawn(electron, ['.'], { cwd: ROOT, stdio: 'inherit', env });
  forwardSignals(() => child.kill('SIGTERM'));
  child.on('exit', (code) => process.exit(code ?? 0));
}

async function runBrowserMode(port: number, journal: string | undefined, training: boolean): Promise<void> {
  const headless = await startHeadless({
    port,
    staticDir: path.join(ROOT, 'dist-renderer'),
    host: { journalPath: journal ? path.resolve(journal) : undefined, trainingMode: training || undefined },
  });
  const journalHealth = headless.host.status().journal;
  if (!journalHealth.healthy) process.stderr.write(`start: journal unavailable: ${journalHealth.message}\n`);

  const chromium = CHROMIUM_CANDIDATES.find((p) => fs.existsSync(p));
  let browser: ChildProcess | undefined;
  let profile: string | undefined;
  if (!process.env.DISPLAY && process.platform === 'linux') {
    say(`No display: open ${headless.url} in a browser on this machine. Ctrl-C stops.`);
  } else if (!chromium) {
    say(`No Chromium found: open ${headless.url} in a browser on this machine. Ctrl-C stops.`);
  } else {
    profile = fs.mkdtempSync(path.join(os.tmpdir(), 'cashier-desk-chromium-'));
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    browser = spawn(chromium, chromiumArgs(headless.url, profile, isRoot), { stdio: 'ignore' });
    say(`Cashier Desk is open in Chromium (${headless.url}). Ctrl-C stops.`);
    // Closing the window ends the session, as closing the Electron app would.
    browser.on('exit', () => stop(0));
  }

  let stopping = false;
  function stop(code: number): void {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(1), 5000).unref();
    if (browser && browser.exitCode === null && browser.pid) process.kill(browser.pid, 'SIGTERM');
    void headless
      .close()
      .catch((err) => process.stderr.write(`start: shutdown: ${err instanceof Error ? err.message : String(err)}\n`))
      .finally(() => {
        if (profile) fs.rmSync(profile, { recursive: true, force: true });
        process.exit(code);
      });
  }
  forwardSignals(() => stop(0));
}

function forwardSignals(onSignal: () => void): void {
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

// Only run when executed, so tests can import the helpers.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    process.stderr.write(`start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}

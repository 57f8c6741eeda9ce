// Runs every *.test.ts under the source folders with node's test runner in one
// invocation, so CI reads a single summary. Node 20 does not find .ts test
// files itself, so they are listed here.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { scanPaths, scanSummary } from './card-data-scan.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const FOLDERS = ['src-shared', 'src-main', 'drivers', 'src-renderer', 'scripts', 'bench', 'e2e'];
const SKIP = new Set(['node_modules', 'dist', 'dist-main', 'dist-renderer', 'screenshots']);

/** Every test file below a folder, sorted. */
export function findTestFiles(dir: string): string[] {
  const out: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (SKIP.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...findTestFiles(path));
    else if (/\.test\.tsx?$/.test(name)) out.push(path);
  }
  return out.sort();
}

const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const files = FOLDERS.flatMap((f) => findTestFiles(join(ROOT, f)))
  .map((f) => relative(ROOT, f))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)));
if (files.length === 0) {
  console.error('run-tests: no test files found');
  process.exit(1);
}
const concurrency = process.env.TEST_CONCURRENCY ?? '2';
// The e2e specs keep their journals, WALs and host logs under one folder, and
// every byte of it is scanned for card data once the run is over (issue 14 §6).
const e2eKeep = files.some((f) => f.startsWith('e2e')) ? mkdtempSync(join(tmpdir(), 'cashier-e2e-output-')) : undefined;
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-timeout=180000',
    // A leaked socket or timer must never keep a test file, and so CI, from ending.
    '--test-force-exit', ...files],
  { cwd: ROOT, stdio: 'inherit', env: e2eKeep ? { ...process.env, CASHIER_DESK_E2E_KEEP: e2eKeep } : process.env },
);
let status = result.status ?? 1;
if (e2eKeep) {
  const scan = scanPaths([e2eKeep]);
  for (const f of scan.findings) console.error(`card-data-scan: ${f.kind} at ${f.file}:${f.offset} (${f.sample})`);
  console.log(scanSummary(scan).replace(/^card-data-scan:/, 'card-data-scan (e2e output):'));
  if (scan.findings.length > 0) status = 1;
  rmSync(e2eKeep, { recursive: true, force: true });
}
process.exit(status);

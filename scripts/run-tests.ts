// Runs every *.test.ts under the source folders with node's test runner in one
// invocation, so CI reads a single summary. Node 20 does not find .ts test
// files itself, so they are listed here.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

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
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-timeout=180000',
    // A leaked socket or timer must never keep a test file, and so CI, from ending.
    '--test-force-exit', ...files],
  { cwd: ROOT, stdio: 'inherit' },
);
process.exit(result.status ?? 1);

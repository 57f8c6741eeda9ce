// Keeps ARCHITECTURE.md true: every file it names exists, and the walk of one
// card payment crosses at most 12 files (issue 8), with the count the text says
// equal to the list it gives. A renamed or removed file, a step added to the
// walk, or a stale "crosses N files" sentence fails here.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const ROOT = new URL('..', import.meta.url).pathname;
/** The rooms a doc path may be written relative to ("journal/journal.ts" in the src-main paragraph). */
const ROOMS = ['src-main', 'src-renderer', 'src-shared', 'drivers', 'scripts', 'bench', 'e2e'];
const FILE_EXT = /\.(ts|tsx|cts|md)$/;
const WALK_HEADING = '## The walk of one card payment';
const MAX_WALK_FILES = 12;

/** Every backticked span of a markdown text. */
export function backticked(md: string): string[] {
  return [...md.matchAll(/`([^`\n]+)`/g)].map((m) => m[1].trim());
}

/**
 * The backticked spans that name a repo file by path: a '/', a source or doc extension, no glob or space.
 * A path starting "../" names a document beside the repository (the design), not one of its files.
 */
export function docPaths(md: string): string[] {
  return [...new Set(backticked(md).filter((s) => s.includes('/') && !s.startsWith('../') && FILE_EXT.test(s) && !/[\s*<>{}]/.test(s)))];
}

/** The backticked spans that name a file by its bare name ("payment-messages.ts"). */
export function docFileNames(md: string): string[] {
  return [...new Set(backticked(md).filter((s) => !s.includes('/') && FILE_EXT.test(s) && /^[\w.-]+$/.test(s)))];
}

/** True when the path exists from the repo root or from one of the rooms. */
function exists(p: string, root: string): boolean {
  return [root, ...ROOMS.map((r) => path.join(root, r))].some((base) => fs.existsSync(path.join(base, p)));
}

/** Base names of every file under the rooms (and the root's own files). */
function allFileNames(root: string): Set<string> {
  const names = new Set(fs.readdirSync(root).filter((n) => fs.statSync(path.join(root, n)).isFile()));
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name.startsWith('dist')) continue;
      if (e.isDirectory()) walk(path.join(dir, e.name));
      else names.add(e.name);
    }
  };
  for (const r of ROOMS) if (fs.existsSync(path.join(root, r))) walk(path.join(root, r));
  return names;
}

/** The numbered entries of the walk section: the first backticked path of each, in order, with its number. */
export function walkSteps(md: string): { n: number; file: string }[] {
  const start = md.indexOf(WALK_HEADING);
  if (start < 0) return [];
  const next = md.indexOf('\n## ', start + WALK_HEADING.length);
  const section = md.slice(start, next < 0 ? undefined : next);
  return [...section.matchAll(/^(\d+)\. `([^`]+)`/gm)].map((m) => ({ n: Number(m[1]), file: m[2] }));
}

/** Every "crosses N files" / "N files" count the walk section states, as numbers. */
export function statedCounts(md: string): number[] {
  const start = md.indexOf(WALK_HEADING);
  const next = md.indexOf('\n## ', start + WALK_HEADING.length);
  const section = md.slice(start, next < 0 ? undefined : next);
  return [...section.replace(/\s+/g, ' ').matchAll(/(\d+) files/g)].map((m) => Number(m[1]));
}

/** What is wrong with an architecture text against a tree; empty when it is true. */
export function architectureProblems(md: string, root: string): string[] {
  const problems: string[] = [];
  for (const p of docPaths(md)) if (!exists(p, root)) problems.push(`names ${p}, which does not exist`);
  const names = allFileNames(root);
  for (const n of docFileNames(md)) if (!names.has(n)) problems.push(`names ${n}, which no file is called`);
  const steps = walkSteps(md);
  if (steps.length === 0) problems.push('has no numbered walk of one card payment');
  if (steps.length > MAX_WALK_FILES) problems.push(`walk crosses ${steps.length} files, more than ${MAX_WALK_FILES}`);
  steps.forEach((s, i) => {
    if (s.n !== i + 1) problems.push(`walk step ${s.n} is numbered out of order (expected ${i + 1})`);
  });
  const files = steps.map((s) => s.file);
  for (const f of new Set(files.filter((f, i) => files.indexOf(f) !== i))) problems.push(`walk counts ${f} twice`);
  for (const n of statedCounts(md)) if (n !== steps.length) problems.push(`walk says ${n} files but lists ${steps.length}`);
  return problems;
}

const md = fs.readFileSync(path.join(ROOT, 'ARCHITECTURE.md'), 'utf8');

test('ARCHITECTURE.md names only files that exist', () => {
  assert.ok(docPaths(md).length > 40, 'the doc names files by path');
  assert.deepEqual(architectureProblems(md, ROOT), []);
});

test('the walk of one card payment lists at most 12 files, numbered, each once, and says its own count', () => {
  const steps = walkSteps(md);
  assert.ok(steps.length >= 8 && steps.length <= MAX_WALK_FILES, `walk has ${steps.length} steps`);
  assert.ok(steps.every((s) => /^(src-main|src-shared|drivers)\//.test(s.file)), 'counted steps are in src-main, src-shared or drivers');
  assert.deepEqual(statedCounts(md), [steps.length], 'one stated count, equal to the list');
});

test('a stale doc fails: a missing file, a 14-file walk, a count that disagrees', () => {
  const stepLines = Array.from({ length: 14 }, (_, i) => `${i + 1}. \`src-main/host.ts\` — step ${i + 1}.`).join('\n');
  const broken = [
    'Rooms: `src-main/ipc/host-dispatcher.ts` forwards, `gone-forwarder.ts` too.',
    `${WALK_HEADING} (Electron shell)`,
    stepLines,
    'The round trip crosses 12 files.',
    '## Next',
  ].join('\n');
  const problems = architectureProblems(broken, ROOT);
  assert.ok(problems.includes('names src-main/ipc/host-dispatcher.ts, which does not exist'), problems.join('\n'));
  assert.ok(problems.includes('names gone-forwarder.ts, which no file is called'));
  assert.ok(problems.includes('walk crosses 14 files, more than 12'));
  assert.ok(problems.includes('walk counts src-main/host.ts twice'));
  assert.ok(problems.includes('walk says 12 files but lists 14'));
  assert.ok(problems.includes('walk says 14 files but lists 14') === false);
});

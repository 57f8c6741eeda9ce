// The store's chaos run (issue 13 §5), small: four registers, a throw-away
// PostgreSQL, links cut, registers and PostgreSQL SIGKILLed; the CLI ends with
// the store line, every failing count 0, and exits 0. The deliberately broken
// registers are in chaos-store-broken.test.ts (a run of their own).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from './chaos-processes.ts';

const LINE =
  /^store: registers=(\d+) events=(\d+) replicated_once=(\d+) missing=(\d+) duplicated=(\d+) cross_register_double_charges=(\d+) out_of_order=(\d+) altered=(\d+) slots_charged_twice=(\d+) unaccounted_charges=(\d+) offline_stalls=(\d+) unresolved=(\d+) warned=(\d+) confirmed=(\d+) flagged=(\d+) offline_sales=(\d+) cuts=(\d+) register_kills=(\d+) store_kills=(\d+)$/;

test('store chaos CLI: 4 registers, 60 payments, seed 20261130: every event replicated once, no double charge, warnings given, offline registers kept selling', { timeout: 240_000 }, async () => {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(REPO_ROOT, 'scripts/chaos/chaos.ts'), '--registers', '4', '--store', '--payments', '60', '--seed', '20261130'],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  const line = out.trim().split('\n').pop() ?? '';
  const m = LINE.exec(line);
  assert.ok(m, `last line is not the store line: ${JSON.stringify(line)}\n${err.slice(-3000)}`);
  const [registers, events, once, missing, duplicated, doubles, outOfOrder, altered, twice, unaccounted, stalls, unresolved, warned, , , offlineSales, cuts] = m.slice(1).map(Number);
  assert.equal(registers, 4);
  assert.ok(events > 200, `only ${events} events`);
  assert.equal(once, events, err.slice(-3000));
  assert.deepEqual([missing, duplicated, doubles, outOfOrder, altered, twice, unaccounted, stalls, unresolved], [0, 0, 0, 0, 0, 0, 0, 0, 0], err.slice(-3000));
  // The run did what it is for: the store warned re-rung customers, links were cut and registers sold while cut off.
  assert.ok(warned > 0, `no warning was given\n${err.slice(-3000)}`);
  assert.ok(cuts > 0 && offlineSales > 0, `cuts=${cuts} offline_sales=${offlineSales}\n${err.slice(-3000)}`);
  assert.match(err, /card-data-scan: \d+ files?, \d+ bytes, no card data/);
  assert.equal(code, 0);
  const dir = /journals and logs in (\S+)/.exec(err)?.[1];
  if (dir && dir.startsWith(os.tmpdir())) fs.rmSync(dir, { recursive: true, force: true });
});

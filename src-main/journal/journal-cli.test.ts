import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openTestJournal, tempDir } from './journal-test-rig.ts';

const tmp = tempDir('cashier-cli-');
after(() => tmp.cleanup());
const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), 'journal-cli.ts');
const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], { encoding: 'utf8', timeout: 20_000 });

test('journal verify exits 0 on an intact journal and 1 after tampering, naming the break', () => {
  const file = path.join(tmp.dir, 'journal.sqlite');
  const j = openTestJournal(file);
  for (let i = 0; i < 3; i++) j.transact(() => j.appendEvent({ entity: 'test', entityId: 'x', type: 't', payload: { i } }));
  const ok = run('verify', '--path', file);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /events: 3, last seq: 3[\s\S]*chain ok/);
  j.db.exec('DROP TRIGGER events_no_update');
  j.db.exec(`UPDATE events SET payload = '{"i":9}' WHERE seq = 2`);
  j.close();
  const bad = run('verify', '--path', file, '--json');
  assert.equal(bad.status, 1, bad.stderr);
  const report = JSON.parse(bad.stdout);
  assert.deepEqual(report.breaks.map((b: { seq: number; kind: string }) => [b.seq, b.kind]), [[2, 'hash_mismatch']]);
});

test('journal verify on a file that is not a journal exits 2 with what to do', () => {
  const r = run('verify', '--path', cli);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /journal_corrupt: .*not a Cashier Desk journal/);
  assert.equal(run('frobnicate').status, 2);
});

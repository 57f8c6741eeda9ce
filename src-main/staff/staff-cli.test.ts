import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, test } from 'node:test';
import { openJournal } from '../journal/journal.ts';
import { tempDir } from '../journal/journal-test-rig.ts';
import { main } from './staff-cli.ts';
import { StaffService } from './staff-service.ts';

const tmp = tempDir('cashier-staff-cli-');
after(() => tmp.cleanup());

function run(argv: string[], stdin = ''): { code: Promise<number>; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { code: main(argv, { stdin: Readable.from([stdin]), out: (s) => out.push(s), err: (s) => err.push(s) }), out, err };
}

test('npm run staff -- add: the first manager, PIN from stdin, hashed; that manager then signs in', { timeout: 60_000 }, async () => {
  const file = path.join(tmp.dir, 'journal.sqlite');
  // The real command line, as a store owner types it.
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src-main/staff/staff-cli.ts', 'add', '--journal', file, '--name', 'Dana Owner', '--role', 'manager', '--pin-from-stdin'], {
    input: '736251\n',
    encoding: 'utf8',
    cwd: path.resolve(import.meta.dirname, '../..'),
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^added manager Dana Owner \(/);
  assert.ok(!r.stdout.includes('736251') && !r.stderr.includes('736251'));

  const listed = run(['list', '--journal', file]);
  assert.equal(await listed.code, 0);
  assert.match(listed.out.join('\n'), /manager\tactive\tPIN\tno card\tDana Owner/);

  const journal = openJournal({ path: file, integrityCheck: 'none' });
  try {
    const staff = new StaffService(journal, { registerId: 'register-1' });
    assert.equal((await staff.signInWithPin('736251')).staff.name, 'Dana Owner');
    const ev = journal.db.prepare("SELECT payload FROM events WHERE entity = 'staff' AND type = 'added'").get() as { payload: string };
    assert.equal(JSON.parse(ev.payload).actor, 'staff-cli');
    assert.equal(journal.verify().ok, true);
  } finally {
    journal.close();
  }
  assert.ok(!fs.readFileSync(file).toString('latin1').includes('736251'));
});

test('a wrong command line or PIN is refused without echoing the PIN', async () => {
  const file = path.join(tmp.dir, 'bad.sqlite');
  const noPin = run(['add', '--journal', file, '--name', 'X', '--role', 'manager']);
  assert.equal(await noPin.code, 2);
  assert.match(noPin.err.join(), /needs a PIN/);
  const badRole = run(['add', '--journal', file, '--name', 'X', '--role', 'owner', '--pin-from-stdin'], '1234\n');
  assert.equal(await badRole.code, 2);
  const badPin = run(['add', '--journal', file, '--name', 'X', '--role', 'manager', '--pin-from-stdin'], '12x45\n');
  assert.equal(await badPin.code, 1);
  assert.match(badPin.err.join(), /4 to 8 digits/);
  assert.ok(!badPin.err.join().includes('12x45'));
});

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import pg from 'pg';
import { adminClientConfig, registerClientConfig } from './local-store.ts';
import { runStoreCli } from './store-cli.ts';
import { freePort } from './store-test-rig.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cashier-store-cli-'));
// The postgres user must reach the folder (mkdtemp makes it private).
fs.chmodSync(root, 0o755);
const dir = path.join(root, 'store');
after(async () => {
  await runStoreCli(['stop', '--data', dir], () => undefined).catch(() => undefined);
  fs.rmSync(root, { recursive: true, force: true });
});

test('store init creates a running store whose register role may insert and read the replicated tables but not change, delete or create; verify, stop', async () => {
  const port = await freePort();
  const lines: string[] = [];
  assert.equal(await runStoreCli(['init', '--data', dir, '--port', String(port)], (l) => lines.push(l)), 0);
  const printed = lines.join('\n');
  assert.match(printed, new RegExp(`postgres://cashier_desk_register@127\\.0\\.0\\.1:${port}/cashier_store`));
  const registerPassword = fs.readFileSync(path.join(dir, 'register.password'), 'utf8').trim();
  const adminPassword = fs.readFileSync(path.join(dir, 'admin.password'), 'utf8').trim();
  assert.ok(!printed.includes(registerPassword) && !printed.includes(adminPassword), 'no password is printed');
  assert.equal(fs.statSync(path.join(dir, 'register.password')).mode & 0o077, 0, 'password files are private');

  const reg = new pg.Client(registerClientConfig(dir));
  await reg.connect();
  try {
    const row = ['r1', 1, 'at', 'ticket', 't1', 'created', '{}', '0'.repeat(64), 'a'.repeat(64)];
    await reg.query('INSERT INTO journal_events (register_id, seq, at, entity, entity_id, type, payload, prev_hash, hash) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)', row);
    assert.equal((await reg.query('SELECT count(*)::int AS n FROM journal_events')).rows[0].n, 1);
    await assert.rejects(reg.query("UPDATE journal_events SET payload = '{\"x\":1}'"), /permission denied/);
    await assert.rejects(reg.query('DELETE FROM journal_rows'), /permission denied/);
    await assert.rejects(reg.query('CREATE TABLE mine (x int)'), /permission denied/);
    await assert.rejects(reg.query('DROP TABLE journal_events'), /must be owner/);
  } finally {
    await reg.end();
  }
  // Wrong password: refused (SCRAM), so the role is not open to anyone on the machine.
  const stranger = new pg.Client({ ...registerClientConfig(dir), password: 'guess' });
  await assert.rejects(stranger.connect(), /password authentication failed/);
  await stranger.end().catch(() => undefined);

  // The hand-made event above has a wrong hash: verify says so and exits 1.
  const verify: string[] = [];
  assert.equal(await runStoreCli(['verify', '--data', dir], (l) => verify.push(l)), 1);
  assert.match(verify.join('\n'), /register r1 seq 1: hash/);
  const admin = new pg.Client(adminClientConfig(dir));
  await admin.connect();
  await admin.query('DELETE FROM journal_events');
  await admin.end();
  assert.equal(await runStoreCli(['verify', '--data', dir], () => undefined), 0);

  // init again: starts what is there, keeps the passwords.
  assert.equal(await runStoreCli(['init', '--data', dir], () => undefined), 0);
  assert.equal(fs.readFileSync(path.join(dir, 'register.password'), 'utf8').trim(), registerPassword);
  const stopped: string[] = [];
  assert.equal(await runStoreCli(['stop', '--data', dir], (l) => stopped.push(l)), 0);
  assert.match(stopped[0], /stopped/);
  const c = new pg.Client({ ...registerClientConfig(dir), connectionTimeoutMillis: 2000 });
  await assert.rejects(c.connect());
  await c.end().catch(() => undefined);
});

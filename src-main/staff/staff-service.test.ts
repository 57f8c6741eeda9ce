// StaffService on a real journal file, with an injected clock: PIN and card
// sign-in, the lockout after five wrong PINs, idle expiry, sign-out and staff
// administration, each journaled.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import type { CardReaderEvent } from '../../drivers/hid/hid-card-reader.ts';
import { AppError } from '../../src-shared/errors.ts';
import { openJournal, type Journal } from '../journal/journal.ts';
import { sequentialIds, tempDir } from '../journal/journal-test-rig.ts';
import { bindStaffCards } from './staff-card-sign-in.ts';
import { LOCKOUT_SECONDS, MAX_PIN_FAILURES, StaffService, TRAINING_MANAGER, TRAINING_MANAGER_PIN } from './staff-service.ts';
import { TEST_HASH_PARAMS } from './staff-test-rig.ts';

const tmp = tempDir('cashier-staff-');
after(() => tmp.cleanup());

/** A clock the test moves by hand. */
function manualClock(start = Date.UTC(2026, 2, 1, 9)): { clock: () => Date; advance: (ms: number) => void } {
  let t = start;
  return { clock: () => new Date(t), advance: (ms) => void (t += ms) };
}

let n = 0;
function setUp(opts: { training?: boolean } = {}): { journal: Journal; staff: StaffService; advance: (ms: number) => void; file: string } {
  const file = path.join(tmp.dir, `staff-${++n}.sqlite`);
  const { clock, advance } = manualClock();
  const journal = openJournal({ path: file, clock, newId: sequentialIds(`s${n}-`), integrityCheck: 'none' });
  const staff = new StaffService(journal, { registerId: 'register-1', clock, hashParams: TEST_HASH_PARAMS, trainingManager: () => opts.training === true });
  return { journal, staff, advance, file };
}

function events(journal: Journal, entity: string): { type: string; entity_id: string; payload: Record<string, unknown> }[] {
  const rows = journal.db.prepare('SELECT type, entity_id, payload FROM events WHERE entity = ? ORDER BY seq').all(entity) as { type: string; entity_id: string; payload: string }[];
  return rows.map((r) => ({ ...r, payload: JSON.parse(r.payload) as Record<string, unknown> }));
}

async function refused(p: Promise<unknown> | (() => unknown), code: string, message: RegExp): Promise<AppError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    assert.ok(err instanceof AppError, String(err));
    assert.equal(err.code, code, err.message);
    assert.match(err.message, message);
    return err;
  }
  assert.fail('expected a refusal');
}

test('a manager signs in by PIN; the session proves a manager until sign-out; a cashier PIN does not', async () => {
  const { journal, staff } = setUp();
  const ana = await staff.add({ name: 'Ana', role: 'manager', pin: '482915' }, 'staff-cli');
  await staff.add({ name: 'Ben', role: 'cashier', pin: '7391' }, ana.id);
  const session = await staff.signInWithPin('482915');
  assert.deepEqual(session.staff, { staffId: ana.id, name: 'Ana', role: 'manager' });
  assert.match(session.token, /^[A-Za-z0-9_-]{43}$/);
  assert.deepEqual(staff.requireManager(session.token), session.staff);
  assert.equal(staff.state(session.token).signedIn?.name, 'Ana');
  await refused(() => staff.requireManager(undefined), 'manager_required', /manager must sign in/);
  await refused(() => staff.requireManager('x'.repeat(43)), 'manager_required', /manager must sign in/);
  await refused(staff.signInWithPin('7391'), 'unauthorised', /not a manager's PIN/);
  staff.signOut(session.token);
  await refused(() => staff.requireManager(session.token), 'manager_required', /manager must sign in/);
  const log = events(journal, 'staff_sign_in').map((e) => e.type);
  assert.deepEqual(log, ['signed_in', 'pin_rejected', 'signed_out']);
  journal.close();
});

test(`${MAX_PIN_FAILURES} wrong PINs lock PIN sign-in for ${LOCKOUT_SECONDS} s (journaled), even for the right PIN; a card still works`, async () => {
  const { journal, staff, advance } = setUp();
  await staff.add({ name: 'Ana', role: 'manager', pin: '482915', cardNumber: '100234' }, 'staff-cli');
  for (let i = 1; i < MAX_PIN_FAILURES; i++) await refused(staff.signInWithPin('000000'), 'unauthorised', new RegExp(`${MAX_PIN_FAILURES - i} more tr`));
  await refused(staff.signInWithPin('111111'), 'unauthorised', /locked for 60 seconds/);
  const locked = await refused(staff.signInWithPin('482915'), 'unauthorised', /Too many wrong PINs\. Wait 60 seconds/);
  assert.equal(locked.details?.lockedForSeconds, 60);
  assert.equal(staff.state(undefined).lockedForSeconds, 60);
  assert.equal(staff.signInWithCard('100234').staff.name, 'Ana', 'a manager card is not locked out');
  advance(59_000);
  await refused(staff.signInWithPin('482915'), 'unauthorised', /Wait 1 seconds/);
  advance(1_000);
  assert.equal((await staff.signInWithPin('482915')).staff.name, 'Ana', 'the lock ends after 60 s');
  // A fresh count after the lock.
  await refused(staff.signInWithPin('000000'), 'unauthorised', /4 more tries/);
  const log = events(journal, 'staff_sign_in');
  assert.deepEqual(
    log.map((e) => e.type),
    ['pin_rejected', 'pin_rejected', 'pin_rejected', 'pin_rejected', 'pin_rejected', 'locked_out', 'signed_in', 'signed_in', 'pin_rejected'],
  );
  assert.deepEqual(log[5].payload, { failures: 5, seconds: 60 });
  assert.equal(log[6].payload.method, 'card');
  journal.close();
});

test('parallel wrong guesses cannot slip past the lockout', async () => {
  const { journal, staff } = setUp();
  await staff.add({ name: 'Ana', role: 'manager', pin: '482915' }, 'staff-cli');
  const guesses = ['000001', '000002', '000003', '000004', '000005', '482915', '000006'].map((pin) => staff.signInWithPin(pin).then(() => 'in', () => 'out'));
  assert.deepEqual(await Promise.all(guesses), ['out', 'out', 'out', 'out', 'out', 'out', 'out'], 'the right PIN arriving sixth is locked out too');
  journal.close();
});

test('a session ends after 5 idle minutes (journaled); each manager command restarts the idle timer; state() does not', async () => {
  const { journal, staff, advance } = setUp();
  await staff.add({ name: 'Ana', role: 'manager', pin: '482915' }, 'staff-cli');
  const { token, idleTimeoutSeconds } = await staff.signInWithPin('482915');
  assert.equal(idleTimeoutSeconds, 300);
  advance(299_000);
  staff.requireManager(token);
  advance(299_000);
  assert.equal(staff.state(token).signedIn?.name, 'Ana');
  advance(2_000);
  assert.equal(staff.state(token).signedIn, null, 'idle for 301 s since the last manager command');
  await refused(() => staff.requireManager(token), 'manager_required', /manager must sign in/);
  const last = events(journal, 'staff_sign_in').at(-1)!;
  assert.equal(last.type, 'signed_out');
  assert.equal(last.payload.reason, 'idle');
  journal.close();
});

test('administration: add, set PIN, set card, deactivate; events carry the actor and never a PIN, hash or card number', async () => {
  const { journal, staff, file } = setUp();
  const ana = await staff.add({ name: 'Ana', role: 'manager', pin: '482915' }, 'staff-cli');
  const ben = await staff.add({ name: 'Ben', role: 'cashier' }, ana.id);
  assert.deepEqual(ben, { id: ben.id, name: 'Ben', role: 'cashier', active: true, hasPin: false, hasCard: false });
  await refused(staff.setPin(ben.id, '482915', ana.id), 'conflict', /cannot be used/);
  await refused(staff.setPin(ben.id, TRAINING_MANAGER_PIN, ana.id), 'conflict', /cannot be used/);
  assert.equal((await staff.setPin(ben.id, '55443322', ana.id)).hasPin, true);
  assert.equal(staff.setCard(ben.id, '900001', ana.id).hasCard, true);
  await refused(() => staff.setCard(ana.id, '900001', ana.id), 'conflict', /already registered/);
  const cleo = await staff.add({ name: 'Cleo', role: 'manager', pin: '112233' }, ana.id);
  const cleoSession = await staff.signInWithPin('112233');
  staff.deactivate(cleo.id, ana.id);
  await refused(() => staff.requireManager(cleoSession.token), 'manager_required', /manager must sign in/);
  await refused(staff.signInWithPin('112233'), 'unauthorised', /not right/);
  await refused(() => staff.deactivate(ana.id, ana.id), 'conflict', /only active manager/);
  await refused(() => staff.setCard(cleo.id, '900002', ana.id), 'conflict', /deactivated/);

  const log = events(journal, 'staff');
  assert.deepEqual(
    log.map((e) => `${e.type}:${String(e.payload.actor)}`),
    ['added:staff-cli', `added:${ana.id}`, `pin_set:${ana.id}`, `card_set:${ana.id}`, `added:${ana.id}`, `deactivated:${ana.id}`],
  );
  journal.close();
  const bytes = fs.readFileSync(file).toString('latin1') + (fs.existsSync(`${file}-wal`) ? fs.readFileSync(`${file}-wal`).toString('latin1') : '');
  for (const secret of ['482915', '55443322', '112233']) assert.ok(!bytes.includes(secret), `PIN ${secret} is nowhere in the journal file`);
  assert.ok(bytes.includes('scrypt$1024$8$1$'), 'the hash records are there');
});

test('a staff card swiped on the reader signs its manager in for a waiting dialog; a cashier card or unknown card is refused', async () => {
  const { journal, staff } = setUp();
  await staff.add({ name: 'Ana', role: 'manager', cardNumber: '100234' }, 'staff-cli');
  await staff.add({ name: 'Ben', role: 'cashier', cardNumber: '100999' }, 'staff-cli');
  // The device service's event face: the reader's classified events, as HidCardReader emits them.
  const listeners = new Set<(e: CardReaderEvent) => void>();
  const reader = { onCardReaderEvent: (cb: (e: CardReaderEvent) => void) => (listeners.add(cb), () => void listeners.delete(cb)) };
  const unbind = bindStaffCards(reader, () => staff);
  const swipe = (e: CardReaderEvent) => listeners.forEach((l) => l(e));

  swipe({ type: 'card', card: { kind: 'staff', employeeId: '100234' } }); // nobody waiting: ignored
  assert.equal(events(journal, 'staff_sign_in').length, 0);

  const waiting = staff.awaitCard(2000);
  swipe({ type: 'card', card: { kind: 'cabin', cabinId: '1234' } } as unknown as CardReaderEvent);
  swipe({ type: 'card', card: { kind: 'staff', employeeId: '100234' } });
  const session = await waiting;
  assert.equal(session.staff.name, 'Ana');
  assert.equal(staff.requireManager(session.token).name, 'Ana');

  const cashier = staff.awaitCard(2000);
  swipe({ type: 'card', card: { kind: 'staff', employeeId: '100999' } });
  await refused(cashier, 'unauthorised', /Ben is not a manager/);
  const unknown = staff.awaitCard(2000);
  swipe({ type: 'card', card: { kind: 'staff', employeeId: '555555' } });
  await refused(unknown, 'unauthorised', /not registered to a manager/);
  await refused(staff.awaitCard(50), 'not_found', /No staff card was swiped/);
  unbind();
  assert.equal(listeners.size, 0);
  journal.close();
});

test('training: the demo manager signs in with the PIN shown on screen only while training allows it', async () => {
  let training = true;
  const file = path.join(tmp.dir, 'training.sqlite');
  const journal = openJournal({ path: file, integrityCheck: 'none' });
  const staff = new StaffService(journal, { registerId: 'register-1', hashParams: TEST_HASH_PARAMS, trainingManager: () => training });
  assert.equal(staff.state(undefined).trainingPin, TRAINING_MANAGER_PIN);
  const s = await staff.signInWithPin(TRAINING_MANAGER_PIN);
  assert.deepEqual(s.staff, TRAINING_MANAGER);
  training = false;
  assert.equal(staff.state(undefined).trainingPin, null);
  await refused(() => staff.requireManager(s.token), 'manager_required', /manager must sign in/);
  await refused(staff.signInWithPin(TRAINING_MANAGER_PIN), 'unauthorised', /not right/);
  journal.close();
});

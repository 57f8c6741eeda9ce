import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { SettlementListRequest, type SettlementFilter, type SettlementPage } from '../../src-shared/settlement-types.ts';
import type { Journal } from '../journal/journal.ts';
import { openTestJournal, tempDir } from '../journal/journal-test-rig.ts';
import { SettlementQuery } from './settlement-query.ts';
import { SettlementSettingsRepository } from './settlement-settings-repository.ts';
import { journalSettlements, type SettlementSpec } from './settlement-test-rig.ts';

const tmp = tempDir('cashier-settlement-query-');
let journal: Journal;
let query: SettlementQuery;
let ids: string[];

const at = (hh: number, mm = 0) => new Date(Date.UTC(2026, 2, 10, hh, mm)).toISOString();
// Twelve settlements of one morning: brands, entry modes, amounts, references and last fours all differ where a filter looks.
const SPECS: SettlementSpec[] = [
  { amount: 1250, at: at(9), brand: 'visa', entryMode: 'chip', lastFour: '4242', authCode: 'A00001', hostRef: 'HR0001' },
  { amount: 500, at: at(9, 5), brand: 'mastercard', entryMode: 'contactless', lastFour: '5100', authCode: 'A00002', hostRef: 'HR0002' },
  { amount: 9900, at: at(9, 10), brand: 'amex', entryMode: 'swipe', lastFour: '0005', authCode: 'A00003', hostRef: 'HR0003' },
  { amount: 1250, at: at(9, 15), brand: 'visa', entryMode: 'contactless', lastFour: '4242', state: 'reversed', reversedAt: at(9, 20), authCode: 'A00004' },
  { amount: 300, at: at(9, 30), brand: 'discover', entryMode: 'manual', lastFour: '1117', authCode: 'A00005' },
  { amount: 700, at: at(10), kind: 'refund', brand: 'visa', entryMode: 'chip', lastFour: '4242', authCode: 'A00006' },
  { amount: 1250, at: at(10, 1), kind: 'void', brand: 'visa', entryMode: 'contactless', lastFour: '4242', authCode: 'A00007' },
  { amount: 4500, at: at(10, 30), brand: 'mastercard', entryMode: 'chip', lastFour: '4444', authCode: 'A00008' },
  { amount: 2000, at: at(11), brand: null, entryMode: null, lastFour: null, authCode: 'A00009' },
  { amount: 15000, at: at(11, 30), brand: 'visa', entryMode: 'chip', lastFour: '1881', authCode: 'A00010', hostRef: 'HR0010' },
  { amount: 800, at: at(12), brand: 'jcb', entryMode: 'chip', lastFour: '0000', kind: 'capture', authCode: 'A00011' },
  { amount: 650, at: at(12, 30), brand: 'visa', entryMode: 'swipe', lastFour: '4242', authCode: 'A00012' },
];

before(() => {
  journal = openTestJournal(path.join(tmp.dir, 'settlements.sqlite'));
  ids = journalSettlements(journal, SPECS);
  // Attempts that moved no money are never settlements.
  journal.db.exec(`INSERT INTO payment_attempts (id, ticket_id, slot, ecr_ref, invoice, terminal_id, kind, amount_requested, amount_approved, currency, state, created_at, updated_at)
    SELECT 'declined-1', ticket_id, 2, 'RSTXP2', 'RSTXP2', 'pax-1', 'sale', 100, 0, 'USD', 'declined', '${at(9, 1)}', '${at(9, 1)}' FROM payment_attempts LIMIT 1`);
  query = new SettlementQuery(journal.db);
});
after(() => {
  journal.close();
  tmp.cleanup();
});

function list(filter: SettlementFilter = {}, extra: Partial<SettlementListRequest> = {}, showVoided = true): SettlementPage {
  return query.list(SettlementListRequest.parse({ filter, ...extra }), showVoided);
}
/** The specs' positions (0-based) of a page's rows, in order. */
const picks = (p: SettlementPage) => p.rows.map((r) => ids.indexOf(r.attemptId));

test('the bulk builder writes a journal that verifies', () => {
  journal.db.prepare("DELETE FROM payment_attempts WHERE id = 'x'").run();
  const report = journal.verify();
  // The one raw declined row above has no events: exactly that is reported, nothing of the settlements.
  assert.deepEqual(report.breaks.map((b) => b.rowId), ['declined-1']);
});

test('every settlement is listed newest first with its status, and nothing that moved no money', () => {
  const p = list();
  assert.equal(p.total, 12);
  assert.deepEqual(picks(p), [11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
  const status = Object.fromEntries(p.rows.map((r) => [ids.indexOf(r.attemptId), r.status]));
  assert.equal(status[3], 'voided');
  assert.equal(status[5], 'refund');
  assert.equal(status[6], 'void');
  assert.equal(status[10], 'approved', 'a capture settles like a sale');
  const first = p.rows.find((r) => ids.indexOf(r.attemptId) === 0)!;
  assert.deepEqual(
    { amount: first.amount, brand: first.cardBrand, mode: first.entryMode, pan: first.maskedPan, auth: first.authCode, host: first.hostRef, ticket: first.ticketNumber },
    { amount: 1250, brand: 'visa', mode: 'chip', pan: '411111******4242', auth: 'A00001', host: 'HR0001', ticket: 1 },
  );
});

test('show voided off hides the voided originals and the void records', () => {
  const p = list({}, {}, false);
  assert.equal(p.total, 10);
  assert.equal(p.showVoided, false);
  assert.ok(!picks(p).includes(3) && !picks(p).includes(6));
  assert.equal(list({ statuses: ['voided'] }, {}, false).total, 0);
});

test('each filter narrows to exactly the matching settlements', () => {
  const cases: [SettlementFilter, number[]][] = [
    [{ statuses: ['approved'] }, [11, 10, 9, 8, 7, 4, 2, 1, 0]],
    [{ statuses: ['voided', 'refund'] }, [5, 3]],
    [{ brands: ['mastercard'] }, [7, 1]],
    [{ brands: ['unknown', 'jcb'] }, [10, 8]],
    [{ entryModes: ['contactless'] }, [6, 3, 1]],
    [{ entryModes: ['unknown'] }, [8]],
    [{ minAmount: 1250, maxAmount: 4500 }, [8, 7, 6, 3, 0]],
    [{ minAmount: 10_000 }, [9]],
    [{ from: at(10), to: at(11) }, [8, 7, 6, 5]],
    [{ from: '2026-03-10T12:00:00+02:00' }, [11, 10, 9, 8, 7, 6, 5]],
    [{ reference: 'rst3p1' }, [2]],
    [{ reference: 'HR0010' }, [9]],
    [{ reference: 'A00005' }, [4]],
    [{ lastFour: '4242' }, [11, 6, 5, 3, 0]],
    [{ brands: ['visa'], minAmount: 1000, maxAmount: 2000, lastFour: '4242' }, [6, 3, 0]],
  ];
  for (const [filter, want] of cases) {
    const p = list(filter);
    assert.deepEqual(picks(p), want, JSON.stringify(filter));
    assert.equal(p.total, want.length, JSON.stringify(filter));
  }
});

test('sorting by time, amount, brand and status, both ways', () => {
  assert.deepEqual(picks(list({}, { sort: 'time', direction: 'asc' })), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  const byAmount = list({}, { sort: 'amount', direction: 'desc' }).rows.map((r) => r.amount);
  assert.deepEqual(byAmount, [...byAmount].sort((a, b) => b - a));
  assert.equal(byAmount[0], 15000);
  // Equal amounts fall back to time: the three 1250s newest first.
  assert.deepEqual(picks(list({ minAmount: 1250, maxAmount: 1250 }, { sort: 'amount', direction: 'asc' })), [0, 3, 6]);
  const brands = list({}, { sort: 'brand', direction: 'asc' }).rows.map((r) => r.cardBrand ?? 'unknown');
  assert.deepEqual(brands, [...brands].sort());
  assert.deepEqual(list({}, { sort: 'brand', direction: 'desc' }).rows.map((r) => r.cardBrand ?? 'unknown')[0], 'visa');
  const statuses = list({}, { sort: 'status', direction: 'asc' }).rows.map((r) => r.status);
  assert.deepEqual(statuses, [...statuses].sort());
});

test('pages follow each other without gaps or repeats, with the total on each', () => {
  const all = picks(list());
  const seen: number[] = [];
  for (let offset = 0; offset < 12; offset += 5) {
    const p = list({}, { offset, limit: 5 });
    assert.equal(p.total, 12);
    assert.equal(p.offset, offset);
    seen.push(...picks(p));
  }
  assert.deepEqual(seen, all);
  assert.deepEqual(list({}, { offset: 40, limit: 5 }).rows, []);
});

test('the default sort, the last-four filter and the amount sort use the settlement indexes', () => {
  const plan = (r: Partial<SettlementListRequest>) => query.plan(SettlementListRequest.parse(r), true).join(' | ');
  assert.match(plan({}), /payment_attempts_settled_time/);
  assert.match(plan({ filter: { lastFour: '4242', brands: ['visa'] } }), /payment_attempts_settled_last_four/);
  assert.match(plan({ sort: 'amount' }), /payment_attempts_settled_amount/);
  assert.doesNotMatch(plan({}), /TEMP B-TREE/, 'no sort of every settlement for the default view');
});

test('show voided is a journaled register setting', () => {
  const settings = new SettlementSettingsRepository(journal, 'settle-reg');
  assert.equal(settings.get().showVoided, true, 'shown until a manager hides them');
  const before = journal.db.prepare('SELECT count(*) FROM events').pluck().get() as number;
  assert.equal(settings.setShowVoided(false).showVoided, false);
  assert.equal(settings.setShowVoided(false).showVoided, false, 'the same value again journals nothing');
  const events = journal.db.prepare("SELECT entity_id, payload FROM events WHERE type = 'setting_changed'").all() as { entity_id: string; payload: string }[];
  assert.equal((journal.db.prepare('SELECT count(*) FROM events').pluck().get() as number) - before, 1);
  assert.deepEqual(events.map((e) => [e.entity_id, JSON.parse(e.payload)]), [['settle-reg', { key: 'settlement.showVoided', value: false }]]);
  // Read afresh (a restarted host): the latest event wins; another register keeps its own.
  assert.equal(new SettlementSettingsRepository(journal, 'settle-reg').get().showVoided, false);
  assert.equal(new SettlementSettingsRepository(journal, 'other-reg').get().showVoided, true);
  settings.setShowVoided(true);
  assert.equal(new SettlementSettingsRepository(journal, 'settle-reg').get().showVoided, true);
});

test("a batch filter keeps the settlements of that batch's PIN pad, from its opening to its close (or to now while open)", () => {
  journal.db.exec(`INSERT INTO batches (id, terminal_id, status, opened_at, closed_at, closed_by, currency, created_at, updated_at)
    VALUES ('b-closed', 'pax-1', 'closed', '${at(9)}', '${at(10)}', 'staff-m1', 'USD', '${at(10)}', '${at(10)}'),
           ('b-open', 'pax-1', 'open', '${at(10)}', NULL, NULL, 'USD', '${at(10)}', '${at(10)}'),
           ('b-other', 'pax-2', 'open', '${at(9)}', NULL, NULL, 'USD', '${at(9)}', '${at(9)}')`);
  assert.deepEqual(picks(list({ batchId: 'b-closed' })).sort((a, b) => a - b), [0, 1, 2, 3, 4], 'the morning until 10:00');
  assert.deepEqual(picks(list({ batchId: 'b-open' })).sort((a, b) => a - b), [5, 6, 7, 8, 9, 10, 11], 'from 10:00 on');
  assert.equal(list({ batchId: 'b-other' }).total, 0, 'another PIN pad');
  assert.equal(list({ batchId: 'no-such-batch' }).total, 0);
  assert.deepEqual(picks(list({ batchId: 'b-closed', lastFour: '4242' })).sort((a, b) => a - b), [0, 3], 'with the other filters');
});

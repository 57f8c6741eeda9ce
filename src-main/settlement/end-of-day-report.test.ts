import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { CardBrand, EntryMode } from '../../src-shared/card.ts';
import type { EndOfDayReport } from '../../src-shared/settlement-types.ts';
import { AttemptRepository } from '../journal/attempt-repository.ts';
import { openJournal, type Journal } from '../journal/journal.ts';
import { journalTestTicket, sequentialIds, tempDir } from '../journal/journal-test-rig.ts';
import { OrphanRepository } from '../reconcile/orphan-repository.ts';
import { TicketService } from '../tickets/ticket-service.ts';
import { dayHours, EndOfDayReporter, NO_VARIANCES } from './end-of-day-report.ts';

// One constructed day (local time, 10 March 2026) on a real journal, written
// through the app's own services: cash at 9:05 and 14:40, card sales of
// several brands and entry modes across hours, a sale voided (reversed), a
// refund, a payment left in doubt, an orphan queued and one resolved, and
// payments the day before and after that must not count.
const tmp = tempDir('cashier-eod-');
let journal: Journal;
let now = new Date(2026, 2, 10, 8, 0);
let report: EndOfDayReport;
const local = (h: number, m = 0, day = 10) => new Date(2026, 2, day, h, m);

before(() => {
  journal = openJournal({ path: path.join(tmp.dir, 'eod.sqlite'), clock: () => now, newId: sequentialIds('e-'), integrityCheck: 'none' });
  const tickets = new TicketService(journal, {
    register: { id: 'r1', code: '1', name: 'Register 1' },
    currency: 'USD',
    catalog: [{ id: 'tea', name: 'Tea', price: 1500, currency: 'USD', category: 'drinks' }],
  });
  const attempts = new AttemptRepository(journal);
  const orphans = new OrphanRepository(journal);

  const cash = (when: Date, tendered: number) => {
    now = when;
    const t = tickets.create();
    tickets.addLine(t.id, 'tea', 1);
    tickets.tenderCash(t.id, tendered);
  };
  let n = 0;
  const card = (when: Date, amount: number, brand: CardBrand, mode: EntryMode, opts: { kind?: 'sale' | 'refund'; end?: 'approved' | 'in_doubt' } = {}) => {
    now = when;
    n++;
    journalTestTicket(journal, `t${n}`, amount, 'r1');
    const a = attempts.create({ ticketId: `t${n}`, slot: 1, ecrRef: `R1T${n}P1`, invoice: `R1T${n}P1`, terminalId: 'pax-1', kind: opts.kind ?? 'sale', amountRequested: amount, currency: 'USD' });
    attempts.transition(a.id, { type: 'send' });
    if (opts.end === 'in_doubt') return attempts.transition(a.id, { type: 'doubt', reason: 'timeout' });
    return attempts.transition(a.id, { type: 'approve', source: 'terminal' }, { amountApproved: amount, cardBrand: brand, entryMode: mode, maskedPan: '411111******4242' });
  };

  card(local(23, 30, 9), 99_999, 'visa', 'chip'); // the day before
  cash(local(9, 5), 2000); // 1500 applied, 500 change
  card(local(9, 20), 1000, 'visa', 'chip');
  card(local(9, 45), 2500, 'visa', 'contactless');
  card(local(11, 10), 4000, 'mastercard', 'chip');
  const voided = card(local(12, 0), 3000, 'amex', 'swipe');
  now = local(12, 5);
  attempts.transition(voided.id, { type: 'reverse' });
  card(local(13, 30), 600, 'mastercard', 'contactless', { kind: 'refund' });
  cash(local(14, 40), 1500);
  card(local(15, 0), 1200, 'discover', 'manual');
  card(local(16, 15), 800, 'visa', 'chip', { end: 'in_doubt' });
  now = local(17, 0);
  orphans.add({ refNum: 'X1', invoice: 'WALKIN', amount: 2200, currency: 'USD', maskedPan: '411111******0002', cardBrand: 'visa', authCode: null, enteredAt: local(16, 59).toISOString(), reason: 'unknown_invoice', ticketId: null, attemptId: null, message: 'x' });
  const resolved = orphans.add({ refNum: 'X2', invoice: 'WALKIN2', amount: 1800, currency: 'USD', maskedPan: null, cardBrand: null, authCode: null, enteredAt: local(16, 58).toISOString(), reason: 'unknown_invoice', ticketId: null, attemptId: null, message: 'x' });
  orphans.resolve(resolved.row.id, 'refunded');
  card(local(0, 10, 11), 77_777, 'visa', 'chip'); // the day after

  now = local(18, 0);
  report = new EndOfDayReporter(journal.db, { currency: 'USD', clock: () => now }).report();
});
after(() => {
  journal.close();
  tmp.cleanup();
});

test("the day's window is local midnight to midnight, defaulting to today on the register's clock", () => {
  assert.equal(report.date, '2026-03-10');
  assert.equal(report.from, local(0).toISOString());
  assert.equal(report.to, local(0, 0, 11).toISOString());
});

test('tenders: cash applied (not tendered) and approved card sales, voided ones left out; net takes refunds off', () => {
  assert.deepEqual(report.tenders.cash, { count: 2, amount: 3000 });
  assert.deepEqual(report.tenders.card, { count: 4, amount: 1000 + 2500 + 4000 + 1200 });
  assert.equal(report.netAmount, 3000 + 8700 - 600);
});

test('by brand and by entry mode, largest first', () => {
  assert.deepEqual(report.byBrand, [
    { brand: 'mastercard', count: 1, amount: 4000 },
    { brand: 'visa', count: 2, amount: 3500 },
    { brand: 'discover', count: 1, amount: 1200 },
  ]);
  assert.deepEqual(report.byEntryMode, [
    { entryMode: 'chip', count: 2, amount: 5000 },
    { entryMode: 'contactless', count: 1, amount: 2500 },
    { entryMode: 'manual', count: 1, amount: 1200 },
  ]);
});

test('by local hour: every hour of the day, each payment in the hour it was taken', () => {
  assert.equal(report.byHour.length, dayHours('2026-03-10').starts.length);
  const at = (h: number) => report.byHour.find((x) => x.hour === h)!;
  assert.deepEqual(at(9), { hour: 9, startsAt: local(9).toISOString(), cash: { count: 1, amount: 1500 }, card: { count: 2, amount: 3500 } });
  assert.deepEqual(at(11).card, { count: 1, amount: 4000 });
  assert.deepEqual(at(12).card, { count: 0, amount: 0 }, 'the voided sale is not card money');
  assert.deepEqual(at(14).cash, { count: 1, amount: 1500 });
  assert.deepEqual(at(15).card, { count: 1, amount: 1200 });
  const sum = report.byHour.reduce((s, h) => s + h.cash.amount + h.card.amount, 0);
  assert.equal(sum, report.tenders.cash.amount + report.tenders.card.amount);
});

test('voids, refunds, orphans (open and resolved) and payments in doubt of the day', () => {
  assert.deepEqual(report.voids, { count: 1, amount: 3000 });
  assert.deepEqual(report.refunds, { count: 1, amount: 600 });
  assert.deepEqual(report.orphans, { open: { count: 1, amount: 2200 }, resolved: { count: 1, amount: 1800 } });
  assert.deepEqual(report.inDoubt, { count: 1, amount: 800 });
});

test('variances say none were recorded until batch close gives a source, then show its figures', () => {
  assert.deepEqual(report.variances, NO_VARIANCES);
  let asked: { from: string; to: string } | undefined;
  const withBatch = new EndOfDayReporter(journal.db, {
    currency: 'USD',
    clock: () => now,
    variances: (w) => {
      asked = w;
      return { recorded: true, lines: { count: 2, amount: 900 }, open: { count: 1, amount: 400 }, byType: [{ type: 'amount_differs', label: 'Amount differs', count: 2, amount: 900 }] };
    },
  }).report('2026-03-10');
  assert.deepEqual(asked, { from: report.from, to: report.to });
  assert.equal(withBatch.variances.recorded, true);
});

test('another date reports only its own payments; a date that does not exist is refused in plain words', () => {
  const r = new EndOfDayReporter(journal.db, { currency: 'USD', clock: () => now });
  assert.deepEqual(r.report('2026-03-09').tenders.card, { count: 1, amount: 99_999 });
  assert.deepEqual(r.report('2026-03-11').tenders.card, { count: 1, amount: 77_777 });
  assert.throws(() => r.report('2026-02-30'), /There is no date 2026-02-30/);
});

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { PurserRepository } from '../purser/purser-repository.ts';
import { loadCatalog } from '../tickets/catalog.ts';
import { TicketService } from '../tickets/ticket-service.ts';
import { AttemptRepository } from './attempt-repository.ts';
import type { Journal } from './journal.ts';
import { fillJournal, openTestJournal, tempDir } from './journal-test-rig.ts';
import { verifyWorkerEntry } from './journal-verify-off-thread.ts';

const tmp = tempDir('cashier-rebuild-');
after(() => tmp.cleanup());
let n = 0;

/** A journal with tickets in every shape the service writes: card-paid, cash with change, a voided line, still open. */
function ringTickets(j: Journal): { card: string; cash: string; open: string; voidedLine: string } {
  const svc = new TicketService(j, { register: { id: 'r1', code: '1', name: 'Front' }, currency: 'USD', catalog: loadCatalog() });
  const [item, other] = loadCatalog();
  const attempts = new AttemptRepository(j);
  const card = svc.addLine(svc.create().id, item.id, 2);
  const a = attempts.create({ ticketId: card.id, slot: 1, ecrRef: `R1T${card.number}P1`, invoice: `R1T${card.number}P1`, terminalId: 'pax-1', kind: 'sale', amountRequested: card.due, currency: 'USD' });
  attempts.transition(a.id, { type: 'send' });
  attempts.transition(a.id, { type: 'approve', source: 'terminal' }, { amountApproved: card.due, authCode: 'OK1' });
  svc.closeWhenPaid(card.id);
  let cash = svc.addLine(svc.create().id, item.id, 1);
  cash = svc.addLine(cash.id, other.id, 1);
  const voidedLine = cash.lines[1].id;
  cash = svc.removeLine(cash.id, voidedLine);
  svc.tenderCash(cash.id, cash.due + 55);
  const open = svc.addLine(svc.create().id, other.id, 3);
  assert.equal(svc.get(card.id).status, 'paid');
  assert.equal(svc.get(cash.id).status, 'paid');
  return { card: card.id, cash: cash.id, open: open.id, voidedLine };
}

function fresh(): Journal {
  return openTestJournal(path.join(tmp.dir, `j${++n}`, 'journal.sqlite'));
}

function mismatches(j: Journal) {
  const report = j.verify();
  return report.breaks.filter((b) => b.kind === 'state_mismatch');
}

test('verify rebuilds tickets, their lines and cash payments: a journal written by the app verifies clean', () => {
  const j = fresh();
  try {
    ringTickets(j);
    fillJournal(j, 500);
    const report = j.verify();
    assert.equal(report.ok, true, JSON.stringify(report.breaks));
  } finally {
    j.close();
  }
});

test('a ticket total edited by hand is a state_mismatch naming the table and the ticket', () => {
  const j = fresh();
  try {
    const { card, open } = ringTickets(j);
    j.db.prepare('UPDATE tickets SET total = 1 WHERE id = ?').run(open);
    j.db.prepare("UPDATE tickets SET status = 'open' WHERE id = ?").run(card);
    const found = mismatches(j);
    assert.equal(found.length, 2, JSON.stringify(found));
    const total = found.find((b) => b.rowId === open);
    assert.equal(total?.table, 'tickets');
    assert.match(total!.detail, /^ticket #\d+ \(tickets .+\): total is 1, its events say \d+$/);
    const status = found.find((b) => b.rowId === card);
    assert.match(status!.detail, /status is "open", its events say "paid"/);
  } finally {
    j.close();
  }
});

test('a moved ticket and a declined purser payment rebuild as moved and declined: stored voided (as before migration 0150), each is a state_mismatch', () => {
  const j = fresh();
  try {
    const svc = new TicketService(j, { register: { id: 'r1', code: '1', name: 'Front' }, currency: 'USD', catalog: loadCatalog() });
    const t = svc.addLine(svc.create().id, loadCatalog()[0].id, 1);
    svc.beginMove(t.id);
    svc.finishMove(t.id, { transferId: 1, toRegister: 'r2', toName: 'Till 2', receivedTicketId: 'r2-t', cashApplied: 0, slotsUsed: [] });
    const repo = new PurserRepository(j);
    const guest = repo.addGuest({ name: 'A Guest', cabin: '101', embarkDate: '2026-11-28', disembarkDate: '2026-12-05' });
    const { declined, counter, voided } = j.transact(() => {
      const declined = repo.addPayment({ guestId: guest.id, method: 'card', amount: 5_000, cardId: null, description: 'Card payment' });
      const counter = repo.addPayment({ guestId: guest.id, method: 'card', amount: -5_000, cardId: null, voidOf: declined, description: 'Declined' });
      repo.markPaymentDeclined(counter);
      repo.markPaymentDeclined(declined);
      const voided = repo.addPayment({ guestId: guest.id, method: 'cash', amount: 700, cardId: null, description: 'Cash' });
      repo.markPaymentVoided(voided);
      return { declined, counter, voided };
    });
    assert.equal(j.verify().ok, true, 'written by the app: clean');
    j.db.prepare("UPDATE tickets SET status = 'voided' WHERE id = ?").run(t.id);
    j.db.prepare("UPDATE purser_payments SET status = 'voided' WHERE id = ?").run(declined);
    j.db.prepare("UPDATE purser_payments SET status = 'posted' WHERE id = ?").run(voided);
    j.db.prepare('UPDATE purser_payments SET amount = 1 WHERE id = ?').run(counter);
    const found = mismatches(j).map((b) => [b.table, b.rowId, b.detail.replace(/^.*: /, '')]);
    assert.deepEqual(found.sort(), [
      ['purser_payments', counter, 'amount is 1, its events say -5000'],
      ['purser_payments', declined, 'status is "voided", its events say "declined"'],
      ['purser_payments', voided, 'status is "posted", its events say "voided"'],
      ['tickets', t.id, 'status is "voided", its events say "moved"'],
    ].sort());
  } finally {
    j.close();
  }
});

test('lines and cash payments edited, a ticket added by hand: each reported with its table and id', () => {
  const j = fresh();
  try {
    const { cash, voidedLine } = ringTickets(j);
    j.db.prepare('UPDATE ticket_lines SET voided = 0 WHERE id = ?').run(voidedLine);
    j.db.prepare('UPDATE cash_tenders SET applied = applied - 5, change = change + 5 WHERE ticket_id = ?').run(cash);
    j.db.prepare("INSERT INTO tickets VALUES ('forged', 'r1', 999, 'paid', 'USD', 100, 'now', 'now')").run();
    const found = mismatches(j);
    assert.deepEqual(found.map((b) => b.table).sort(), ['cash_tenders', 'ticket_lines', 'tickets']);
    assert.match(found.find((b) => b.table === 'ticket_lines')!.detail, /voided is 0, its events say 1/);
    assert.match(found.find((b) => b.table === 'cash_tenders')!.detail, /applied is \d+, its events say \d+; change is/);
    assert.match(found.find((b) => b.table === 'tickets')!.detail, /ticket #999 .*has no events/);
  } finally {
    j.close();
  }
});

test('verify off the thread finds exactly what verify on it finds, and takes the writes made meanwhile', async () => {
  const j = fresh();
  try {
    const { open } = ringTickets(j);
    fillJournal(j, 20_000);
    j.db.prepare('UPDATE tickets SET total = 2 WHERE id = ?').run(open);
    const here = j.verify();
    const running = j.verifyOffThread();
    // The register keeps writing while it runs: no false history_lost, no false mismatch.
    fillJournal(j, 50);
    const there = await running;
    assert.equal(there.ok, false);
    assert.deepEqual(there.breaks, here.breaks);
    assert.ok(there.events >= here.events);
    assert.equal(there.integrityOk, true);
  } finally {
    j.close();
  }
});

test('the verify worker loads as TypeScript under tsx and as the compiled file in dist-main', () => {
  const ts = verifyWorkerEntry('file:///app/src-main/journal/journal-verify-off-thread.ts');
  assert.equal(ts.eval, true);
  assert.match(String(ts.script), /register\(\).*journal-verify-worker\.ts/);
  const js = verifyWorkerEntry('file:///app/dist-main/src-main/journal/journal-verify-off-thread.js');
  assert.equal(js.eval, false);
  assert.equal(String(js.script), 'file:///app/dist-main/src-main/journal/journal-verify-worker.js');
});

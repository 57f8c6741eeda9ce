// Receipts against real parts: the payment coordinator approving through the
// PAX simulator on TCP and the gateway simulator's ledger, a real journal file,
// and the printer simulator on TCP driven by the real ESC/POS driver. Every
// out-of-paper case checks the processor ledger and the journal afterwards.

import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { containsFullPan } from '../../src-shared/card.ts';
import { AppError } from '../../src-shared/errors.ts';
import { tcpPrinter, type EscPosPrinter } from '../../drivers/printer/escpos-printer.ts';
import { PrinterSimulator } from '../../drivers/printer/simulator/printer-simulator.ts';
import { TRAINING_BANNER } from '../../drivers/printer/receipt-template.ts';
import { attemptEvents, startRig, type Rig } from '../payments/payment-test-rig.ts';
import { RECOVERED_APPROVAL, REPRINT_LINE } from './receipt-builder.ts';
import type { ReceiptRecord } from './receipt-repository.ts';
import { ReceiptService, type ReceiptLogEntry, type ReceiptServiceOptions } from './receipt-service.ts';

const PAPER_OUT = 'The receipt did not print: the printer is out of paper. The payment is recorded. Load paper, then press Reprint.';
const STORE = { name: 'Harbour Cafe', headerLines: ['Deck 5, Midship'], footerLines: ['Thank you'] };

interface Desk {
  rig: Rig;
  sim: PrinterSimulator;
  printer: EscPosPrinter;
  receipts: ReceiptService;
  logs: ReceiptLogEntry[];
}

let desk: Desk | undefined;
afterEach(async () => {
  if (!desk) return;
  await desk.rig.close();
  await desk.printer.close();
  await desk.sim.close();
  desk = undefined;
});

/** A rig whose coordinator prints through a ReceiptService on the printer simulator. */
async function startDesk(opts: Partial<Omit<ReceiptServiceOptions, 'journal'>> = {}): Promise<Desk> {
  const sim = await PrinterSimulator.start();
  const printer = tcpPrinter('127.0.0.1', sim.port, { timeoutMs: 300 });
  // The service needs the rig's journal, the rig's coordinator needs the service: bind late.
  let service: ReceiptService | undefined;
  const rig = await startRig({ coordinator: { receipts: { printForAttempt: (id) => service!.printForAttempt(id) } } });
  const logs: ReceiptLogEntry[] = [];
  service = new ReceiptService({ journal: rig.journal, printer, store: STORE, log: (e) => logs.push(e), ...opts });
  desk = { rig, sim, printer, receipts: service, logs };
  return desk;
}

/** Waits (polling) for the first receipt row of a ticket; fails after ms. */
async function receiptOf(d: Desk, ticketId: string, ms = 5000): Promise<ReceiptRecord> {
  const end = Date.now() + ms;
  for (;;) {
    const r = d.receipts.lastReceipt(ticketId);
    if (r) return r;
    if (Date.now() > end) throw new Error(`No receipt row for ticket ${ticketId} within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function receiptEvents(d: Desk): { type: string; ticketId: string; reason: string | null }[] {
  return d.rig.journal.db
    .prepare("SELECT type, payload FROM events WHERE entity = 'receipt' ORDER BY seq")
    .all()
    .map((r) => {
      const row = r as { type: string; payload: string };
      const p = JSON.parse(row.payload) as { ticketId: string; reason: string | null };
      return { type: row.type, ticketId: p.ticketId, reason: p.reason };
    });
}

function printedText(sim: PrinterSimulator): string {
  return sim.allLines.join('\n');
}

describe('receipt service', () => {
  test('prints after an approval: masked card, brand, auth code, totals; journaled printed', async () => {
    const d = await startDesk();
    const t = d.rig.ticketWith('coffee', 'cake');
    const a = await d.rig.coordinator.start(t.id, 1450);
    assert.equal(a.state, 'approved');
    const r = await receiptOf(d, t.id);
    assert.equal(r.status, 'printed');
    assert.equal(r.kind, 'sale');
    assert.equal(r.attemptId, a.id);
    assert.equal(r.message, 'The receipt printed.');
    assert.equal(d.sim.receipts.length, 1);
    const text = d.sim.receipts[0].lines.join('\n');
    assert.match(text, /Harbour Cafe/);
    assert.match(text, /Ticket 1 {2}Register 1/);
    assert.match(text, /Coffee\s+\$10\.00/);
    assert.match(text, /Cake\s+\$4\.50/);
    assert.match(text, /TOTAL\s+\$14\.50/);
    assert.match(text, /VISA 411111\*+1111\s+\$14\.50/);
    assert.match(text, new RegExp(`Auth code: ${a.authCode}`));
    assert.doesNotMatch(text, new RegExp(RECOVERED_APPROVAL));
    assert.doesNotMatch(text, new RegExp(TRAINING_BANNER));
    assert.equal(containsFullPan(text), false);
    assert.deepEqual(receiptEvents(d), [{ type: 'printed', ticketId: t.id, reason: null }]);
    assert.equal(d.rig.journal.verify().ok, true);
  });

  test('out of paper after approval: the payment stands, one charge, receipt not printed; load paper + Reprint prints a masked copy', async () => {
    const d = await startDesk();
    d.sim.setFaults({ paperOut: true });
    const t = d.rig.ticketWith('coffee');
    const a = await d.rig.coordinator.start(t.id, 1000);
    assert.equal(a.state, 'approved');
    const r = await receiptOf(d, t.id);
    assert.equal(r.status, 'not_printed');
    assert.equal(r.reason, 'paper_out');
    assert.equal(r.message, PAPER_OUT);
    assert.equal(d.sim.receipts.length, 0);
    assert.equal(d.sim.droppedBytes, 0, 'nothing was sent into an empty printer');

    // The payment stands: journal and processor ledger agree.
    await d.rig.coordinator.close();
    assert.equal(d.rig.coordinator.snapshot(a.id).state, 'approved');
    assert.deepEqual(attemptEvents(d.rig.journal, a.id).map((e) => e.type), ['created', 'send', 'approve']);
    assert.equal(d.rig.tickets.get(t.id).status, 'paid');
    assert.equal(d.rig.tickets.get(t.id).due, 0);
    const charges = d.rig.charges(a.ecrRef);
    assert.equal(charges.length, 1, 'exactly one charge at the processor');
    assert.equal(charges[0].amount, 1000);
    assert.deepEqual(receiptEvents(d), [{ type: 'not_printed', ticketId: t.id, reason: 'paper_out' }]);

    // Reprint while still empty: still not printed, still recorded.
    const again = await d.receipts.reprint(t.id);
    assert.deepEqual({ printed: again.printed, message: again.message }, { printed: false, message: PAPER_OUT });

    d.sim.loadPaper();
    const reprint = await d.receipts.reprint(t.id);
    assert.equal(reprint.printed, true);
    assert.equal(reprint.message, 'The receipt printed.');
    assert.equal(d.receipts.lastReceipt(t.id)?.status, 'printed');
    assert.equal(d.receipts.lastReceipt(t.id)?.kind, 'reprint');
    assert.deepEqual(d.receipts.receiptsOf(t.id).map((x) => `${x.kind}:${x.status}`), ['sale:not_printed', 'reprint:not_printed', 'reprint:printed']);
    assert.equal(d.sim.receipts.length, 1);
    const text = d.sim.receipts[0].lines.join('\n');
    assert.match(text, new RegExp(REPRINT_LINE));
    assert.match(text, /VISA 411111\*+1111\s+\$10\.00/);
    assert.equal(containsFullPan(printedText(d.sim)), false, 'no full card number on paper');
    assert.equal(d.rig.charges(a.ecrRef).length, 1, 'reprinting charged nothing');
    assert.equal(d.rig.journal.verify().ok, true);
    const journalText = (d.rig.journal.db.prepare("SELECT group_concat(payload, ' ') AS p FROM events").get() as { p: string }).p;
    assert.equal(containsFullPan(journalText), false);
  });

  test('paper runs out in the middle of the receipt: recorded not printed, payment recorded', async () => {
    const d = await startDesk();
    d.sim.loadPaper(4);
    const t = d.rig.ticketWith('coffee');
    const a = await d.rig.coordinator.start(t.id, 1000);
    const r = await receiptOf(d, t.id);
    assert.equal(r.reason, 'paper_out');
    assert.equal(r.message, PAPER_OUT);
    assert.ok(d.sim.droppedBytes > 0, 'the receipt was cut short');
    assert.equal(d.rig.coordinator.snapshot(a.id).state, 'approved');
    assert.equal(d.rig.charges(a.ecrRef).length, 1);
  });

  test('cover open and a dead printer: clear reasons, payment approved', async () => {
    const d = await startDesk();
    d.sim.setFaults({ coverOpen: true });
    const t1 = d.rig.ticketWith('coffee');
    await d.rig.coordinator.start(t1.id, 1000);
    const r1 = await receiptOf(d, t1.id);
    assert.equal(r1.reason, 'cover_open');
    assert.equal(r1.message, 'The receipt did not print: the printer cover is open. The payment is recorded. Close the cover, then press Reprint.');

    d.sim.setFaults({ coverOpen: false, noAnswer: true });
    const t2 = d.rig.ticketWith('cake');
    const a2 = await d.rig.coordinator.start(t2.id, 450);
    assert.equal(a2.state, 'approved');
    const r2 = await receiptOf(d, t2.id);
    assert.equal(r2.reason, 'offline');
    assert.match(r2.message, /^The receipt did not print: the printer is offline\. The payment is recorded\. Check that it is switched on and connected/);
    assert.equal(d.rig.tickets.get(t2.id).status, 'paid');
    assert.ok(d.logs.some((l) => l.event === 'not_printed' && l.ticketId === t2.id));
  });

  test('an approval recovered by lookup prints "Recovered approval"', async () => {
    const d = await startDesk();
    d.rig.pads.pad1.sim.setFault({ kind: 'drop_response' }, { once: true });
    const t = d.rig.ticketWith('coffee');
    const first = await d.rig.coordinator.start(t.id, 1000);
    assert.equal(first.state, 'in_doubt');
    assert.equal(d.receipts.lastReceipt(t.id), undefined, 'no receipt while the outcome is unknown');
    const done = await d.rig.coordinator.waitForResolution(first.id, 8000);
    assert.equal(done.approvalSource, 'terminal_lookup');
    const r = await receiptOf(d, t.id);
    assert.equal(r.status, 'printed');
    assert.match(d.sim.receipts[0].lines.join('\n'), new RegExp(`VISA 411111\\*+1111[^\\n]*\\n(.*\\n)*\\s*${RECOVERED_APPROVAL}`));
    assert.equal(d.rig.charges(first.ecrRef).length, 1);
  });

  test('one receipt per approval even when asked twice at once; non-approved attempts print nothing', async () => {
    const d = await startDesk();
    const t = d.rig.ticketWith('coffee');
    const a = await d.rig.coordinator.start(t.id, 1000);
    await receiptOf(d, t.id);
    const [x, y] = await Promise.all([d.receipts.printForAttempt(a.id), d.receipts.printForAttempt(a.id)]);
    assert.equal(x.printed && y.printed, true);
    assert.equal(x.message, 'The receipt for this payment was already printed.');
    assert.equal(d.sim.receipts.length, 1);
    assert.equal(d.receipts.receiptsOf(t.id).length, 1);

    d.rig.pads.pad1.sim.setFault({ kind: 'drop_response' }, { once: true });
    const t2 = d.rig.ticketWith('cake');
    const doubt = await d.rig.coordinator.start(t2.id, 450);
    assert.equal(doubt.state, 'in_doubt');
    const none = await d.receipts.printForAttempt(doubt.id);
    assert.deepEqual({ printed: none.printed, message: none.message }, { printed: false, message: 'No receipt was printed: this payment is in doubt, not approved.' });
    await d.rig.coordinator.waitForResolution(doubt.id, 8000);
  });

  test('printForAttempt never rejects: an unknown attempt gives a message, not an exception', async () => {
    const d = await startDesk();
    const r = await d.receipts.printForAttempt('no-such-attempt');
    assert.equal(r.printed, false);
    assert.match(r.message, /did not print \(There is no payment attempt no-such-attempt\.\)/);
    assert.ok(d.logs.some((l) => l.event === 'receipt_failed'));
  });

  test('reprint of an unknown ticket is a typed not_found error', async () => {
    const d = await startDesk();
    await assert.rejects(d.receipts.reprint('nope'), (e: unknown) => e instanceof AppError && e.code === 'not_found');
  });

  test('no printer configured: the payment stands and the cashier is told to set one up; Reprint works once one is assigned', async () => {
    let assigned: EscPosPrinter | undefined;
    const d = await startDesk({ printer: () => assigned });
    const t = d.rig.ticketWith('coffee');
    const a = await d.rig.coordinator.start(t.id, 1000);
    const r = await receiptOf(d, t.id);
    assert.equal(r.reason, 'no_printer');
    assert.equal(r.message, 'The receipt did not print: no receipt printer is set up. The payment is recorded. Set up a receipt printer in the settings, then press Reprint.');
    assert.equal(d.rig.coordinator.snapshot(a.id).state, 'approved');
    assert.equal(d.rig.charges(a.ecrRef).length, 1);
    assigned = d.printer;
    assert.equal((await d.receipts.reprint(t.id)).printed, true);
    assert.equal(d.sim.receipts.length, 1);
  });

  test('training mode marks the receipt; a cash ticket prints its tender and change', async () => {
    const d = await startDesk({ training: true });
    const t = d.rig.ticketWith('cake');
    d.rig.tickets.tenderCash(t.id, 500);
    const r = await d.receipts.printForTicket(t.id);
    assert.equal(r.printed, true);
    assert.equal(r.record?.attemptId, null);
    const lines = d.sim.receipts[0].lines;
    assert.equal(lines[0].trim(), TRAINING_BANNER);
    assert.equal(lines.at(-1)?.trim(), TRAINING_BANNER);
    const text = lines.join('\n');
    assert.match(text, /CASH\s+\$4\.50/);
    assert.match(text, /Tendered\s+\$5\.00/);
    assert.match(text, /Change\s+\$0\.50/);
  });
});

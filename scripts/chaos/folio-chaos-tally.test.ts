// The folio tally's definitions on small hand-made processor truths: each
// count goes up for exactly what it names, and a clean truth counts nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LedgerEntry, SaleRequestRecord } from '../../drivers/pax/simulator/processor-ledger.ts';
import type { PaymentRow, RecordRow } from '../../src-main/purser/purser-repository.ts';
import type { FolioDump } from './folio-chaos-protocol.ts';
import { folioLine, folioPassed, parseDoorLog, tallyFolio, type DoorRequest } from './folio-chaos-tally.ts';

const G = 'guest-1';

function entry(refNum: string, kind: LedgerEntry['kind'], invoice: string, amount: number, extra: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    refNum, kind, invoice, amount, currency: 'USD', maskedPan: '411111******1111', cardBrand: 'visa', entryMode: 'chip', deviceId: 'pad1',
    status: 'approved', text: 'Approved', batch: '1', enteredAt: 1, captured: false, refundedAmount: 0, ...extra,
  };
}

function record(reference: string, kind: RecordRow['kind'], amount: number, extra: Partial<RecordRow> = {}): RecordRow {
  return {
    seq: 1, id: reference, guest_id: G, card_id: 'card-1', family: kind === 'settlement' || kind === 'refund' || kind === 'void' ? 'settlement' : 'authorisation',
    kind, operation: null, mtype: null, amount, status: 1, queue_status: 8, reference, previous_reference: 'FG1C1R1', payment_id: null, target_ref_num: null,
    ref_num: null, approval_code: null, terminal_id: null, awaiting_batch: 0, voided: 0, send_count: 1, note: null, created_at: '', sent_at: null, answered_at: null, ...extra,
  };
}

const authRequest: SaleRequestRecord = { seq: 0, command: 'auth', invoice: 'FG1C1R1', amount: 10_000, deviceId: 'pad1', at: 1, result: 'approved', amountApproved: 10_000, refNum: '1' };

/** A guest with a 100.00 initial authorisation, a 50.00 increment and a 140.00 capture, all as the processor did them. */
function clean(): { ledger: LedgerEntry[]; dump: FolioDump } {
  const ledger = [
    entry('1', 'auth', 'FG1C1R1', 14_000, { captured: true, authorisedTotal: 15_000, incrementCount: 1 }),
    entry('2', 'incremental', 'FG1C1R2', 5_000, { originalRefNum: '1' }),
    entry('3', 'capture', 'FG1C1R3', 14_000, { originalRefNum: '1' }),
  ];
  const dump: FolioDump = {
    guests: [{ id: G, number: 1, posted: 14_000 }],
    records: [record('FG1C1R1', 'initial_auth', 10_000, { ref_num: '1' }), record('FG1C1R2', 'incremental_auth', 5_000, { ref_num: '2' }), record('FG1C1R3', 'settlement', 14_000, { ref_num: '3' })],
    payments: [],
  };
  return { ledger, dump };
}

const tally = (ledger: LedgerEntry[], dump: FolioDump, doorLog: DoorRequest[] = []) => tallyFolio({ ledger, requests: [authRequest], doorLog }, dump);

test('a clean truth counts nothing and the line names the four counts', () => {
  const { ledger, dump } = clean();
  const t = tally(ledger, dump);
  assert.equal(folioLine(t), 'folio: guests=1 records=3 sent_twice=0 lost=0 settled_over_authorised=0 stuck=0');
  assert.equal(folioPassed(t), true, t.findings.join('\n'));
});

test('sent_twice: a second processed entry under one reference counts; a resend refused as a duplicate is only a repeated request', () => {
  const { ledger, dump } = clean();
  const door = (result: string): DoorRequest => ({ door: 'gatewayJson', command: 'cc:adjust', invoice: 'FG1C1R2', result });
  const refused = tally(ledger, dump, [door('A'), door('D')]);
  assert.deepEqual([refused.sentTwice, refused.requestsRepeated], [0, 1]);
  const twice = tally([...ledger, entry('4', 'incremental', 'FG1C1R2', 5_000, { originalRefNum: '1' })], dump);
  assert.equal(twice.sentTwice, 1);
  assert.equal(folioPassed(twice), false);
});

test('lost: processed but journaled declined, or still sent, or with another reference; and a processed entry no record names', () => {
  const { ledger, dump } = clean();
  const withRecord = (change: Partial<RecordRow>) => ({ ...dump, records: dump.records.map((r) => (r.reference === 'FG1C1R2' ? { ...r, ...change } : r)) });
  assert.equal(tally(ledger, withRecord({ status: 2, ref_num: null })).lost, 1, 'journaled declined');
  assert.equal(tally(ledger, withRecord({ status: 0, queue_status: 2, ref_num: null })).lost, 1, 'never completed');
  assert.equal(tally(ledger, withRecord({ ref_num: '999' })).lost, 1, 'another processor reference');
  assert.equal(tally([...ledger, entry('5', 'incremental', 'FG1C1R2W', 700, { originalRefNum: '1' })], dump).lost, 1, 'no record');
  // A declined entry with no record moved no money: not lost.
  assert.equal(tally([...ledger, entry('6', 'incremental', 'ELSEWHERE', 700, { status: 'declined' })], dump).lost, 0);
});

test('settled_over_authorised: a capture above initial + approved increments + 15 %, and a guest charged more than the folio', () => {
  const { ledger, dump } = clean();
  // The increment declined: the authorisation is 100.00, the 140.00 capture is above 115.00.
  const declinedIncrement = ledger.map((e) => (e.refNum === '2' ? { ...e, status: 'declined' as const } : e));
  const over = tally(declinedIncrement, { ...dump, records: dump.records.map((r) => (r.reference === 'FG1C1R2' ? { ...r, status: 2 as const, ref_num: '2' } : r)) });
  assert.equal(over.settledOverAuthorised, 1, over.findings.join('\n'));
  // Within the tolerance: a 115.00 capture on 100.00, folio 115.00.
  const within = [entry('1', 'auth', 'FG1C1R1', 11_500, { captured: true }), entry('3', 'capture', 'FG1C1R3', 11_500, { originalRefNum: '1' })];
  const fine = tally(within, { guests: [{ id: G, number: 1, posted: 11_500 }], records: [dump.records[0], { ...dump.records[2], amount: 11_500 }], payments: [] });
  assert.equal(fine.settledOverAuthorised, 0, fine.findings.join('\n'));
  // The folio is only 120.00: the guest paid 20.00 more than posted.
  const folio = tally(ledger, { ...dump, guests: [{ id: G, number: 1, posted: 12_000 }] });
  assert.equal(folio.settledOverAuthorised, 1, folio.findings.join('\n'));
  // A refund of 20.00 brings it back to the folio.
  const refunded = tally([...ledger, entry('7', 'refund', 'FG1C1R4', 2_000, { originalRefNum: '1' })], {
    ...dump,
    guests: [{ id: G, number: 1, posted: 12_000 }],
    records: [...dump.records, record('FG1C1R4', 'refund', 2_000, { ref_num: '7' })],
  });
  assert.equal(refunded.settledOverAuthorised, 0, refunded.findings.join('\n'));
});

test('stuck: outstanding, sent or answered-but-not-applied records count; completed, declined and voided ones do not', () => {
  const { ledger, dump } = clean();
  const extra = [
    record('FG1C1R5', 'incremental_auth', 100, { status: 0, queue_status: 0 }),
    record('FG1C1R6', 'incremental_auth', 100, { status: 0, queue_status: 8 }), // an offline approval never uploaded
    record('FG1C1R7', 'incremental_auth', 100, { status: 1, queue_status: 3 }), // answered, its effects not applied yet
    record('FG1C1R8', 'settlement', 100, { status: 2, queue_status: 8 }),
    record('FG1C1R9', 'void', 100, { status: 2, queue_status: 8, voided: 1 }),
  ];
  const t = tally([...ledger, entry('8', 'incremental', 'FG1C1R7', 100, { originalRefNum: '1' })], { ...dump, records: [...dump.records, ...extra.map((r) => (r.reference === 'FG1C1R7' ? { ...r, ref_num: '8' } : r))] });
  assert.equal(t.stuck, 3, t.findings.join('\n'));
});

test('phantoms: a record the journal approved with nothing processed under its reference fails the run', () => {
  const { ledger, dump } = clean();
  const t = tally(ledger.filter((e) => e.refNum !== '2'), dump);
  assert.equal(t.phantoms, 1);
  assert.equal(folioPassed(t), false);
});

test('the door log: transaction requests of both doors, reports and other lines left out', () => {
  const text = [
    '{"t":1,"door":"gatewayJson","command":"cc:adjust","invoice":"FG1C1R2","result":"A"}',
    '{"t":2,"door":"report","command":"report:all","invoice":"FG1C1R2","result":"A"}',
    '{"t":3,"door":"processor","command":"auth","invoice":"FG1C1R1","device":"pad1","result":"approved"}',
    'listening',
    '{"event":"fault","kind":"hang"}',
  ].join('\n');
  assert.deepEqual(parseDoorLog(text), [
    { door: 'gatewayJson', command: 'cc:adjust', invoice: 'FG1C1R2', result: 'A' },
    { door: 'processor', command: 'auth', invoice: 'FG1C1R1', result: 'approved' },
  ]);
});

function payment(id: string, amount: number, extra: Partial<PaymentRow> = {}): PaymentRow {
  return { id, guest_id: G, method: 'card', amount, card_id: 'card-1', status: 'posted', void_of: null, created_at: '', ...extra };
}

/** clean() with its capture declined by the processor (above the tolerance) and the settlement journaled declined. */
function captureDeclined(): { ledger: LedgerEntry[]; dump: FolioDump } {
  const { ledger, dump } = clean();
  return {
    ledger: [entry('1', 'auth', 'FG1C1R1', 15_000, { incrementCount: 1 }), ledger[1], entry('3', 'capture', 'FG1C1R3', 14_000, { originalRefNum: '1', status: 'declined' })],
    dump: { ...dump, records: dump.records.map((r) => (r.kind === 'settlement' ? { ...r, status: 2 as const, ref_num: null, payment_id: 'pay-1' } : r)), payments: [payment('pay-1', 14_000)] },
  };
}

test('lost: a card payment the folio still counts whose capture the processor declined; taken off by its counter line it is not', () => {
  const { ledger, dump } = captureDeclined();
  const left = tally(ledger, dump);
  assert.deepEqual([left.lost, left.paidButNotCaptured, left.capturesDeclined], [1, 1, 1], left.findings.join('\n'));
  assert.equal(folioPassed(left), false);
  assert.match(left.findings.join('\n'), /guest 1: a card payment of 14000 still counts 14000 on the folio, but 14000 of it was never captured \(FG1C1R3 declined\)/);
  const off = tally(ledger, { ...dump, payments: [payment('pay-1', 14_000, { status: 'voided' }), payment('pay-2', -14_000, { status: 'voided', void_of: 'pay-1' })] });
  assert.deepEqual([off.lost, off.paidButNotCaptured], [0, 0], off.findings.join('\n'));
  assert.equal(folioPassed(off), true, off.findings.join('\n'));
  // Declined with its card's initial authorisation, never sent: nothing at the processor under it, the same loss.
  const neverSent = tally(ledger.filter((e) => e.refNum !== '3'), dump);
  assert.equal(neverSent.lost, 1, neverSent.findings.join('\n'));
});

test('lost: a payment settled as two captures, one declined: only its declined share must come off the folio', () => {
  const ledger = [
    entry('1', 'auth', 'FG1C1R1', 10_000, { captured: true, authorisedTotal: 10_000 }),
    entry('3', 'capture', 'FG1C1R3', 10_000, { originalRefNum: '1' }),
    entry('11', 'auth', 'FG1C1R5', 5_000),
    entry('13', 'capture', 'FG1C1R6', 9_000, { originalRefNum: '11', status: 'declined' }),
  ];
  const dump: FolioDump = {
    guests: [{ id: G, number: 1, posted: 19_000 }],
    records: [
      record('FG1C1R1', 'initial_auth', 10_000, { ref_num: '1' }),
      record('FG1C1R3', 'settlement', 10_000, { ref_num: '3', payment_id: 'pay-1' }),
      record('FG1C1R5', 'initial_auth', 5_000, { ref_num: '11', mtype: 1 }),
      record('FG1C1R6', 'settlement', 9_000, { status: 2, previous_reference: 'FG1C1R5', payment_id: 'pay-1' }),
    ],
    payments: [payment('pay-1', 19_000)],
  };
  const requests: SaleRequestRecord[] = [authRequest, { ...authRequest, seq: 1, invoice: 'FG1C1R5', amount: 5_000, amountApproved: 5_000, refNum: '11' }];
  const t = (payments: PaymentRow[]) => tallyFolio({ ledger, requests, doorLog: [] }, { ...dump, payments });
  assert.equal(t([payment('pay-1', 19_000)]).lost, 1, 'the whole payment still counts');
  assert.equal(t([payment('pay-1', 19_000), payment('pay-2', -9_000, { status: 'voided', void_of: 'pay-1' })]).lost, 0, 'its declined share taken off');
  assert.equal(t([payment('pay-1', 19_000), payment('pay-2', -5_000, { status: 'voided', void_of: 'pay-1' })]).lost, 1, 'too little taken off');
});

test('settled_over_authorised with two authorisations of one card (one settlement record each): each capture against its own authorisation', () => {
  // Head 1: 100.00 + a 50.00 increment = 150.00, captured 150.00. Head 2 (a new authorisation by token): 100.00.
  const requests: SaleRequestRecord[] = [authRequest, { ...authRequest, seq: 1, invoice: 'FG1C1R5', amount: 10_000, amountApproved: 10_000, refNum: '11' }];
  const run = (second: number, first = 15_000) => {
    const ledger = [
      entry('1', 'auth', 'FG1C1R1', first, { captured: true, authorisedTotal: 15_000, incrementCount: 1 }),
      entry('2', 'incremental', 'FG1C1R2', 5_000, { originalRefNum: '1' }),
      entry('3', 'capture', 'FG1C1R3', first, { originalRefNum: '1' }),
      entry('11', 'auth', 'FG1C1R5', second, { captured: true, authorisedTotal: 10_000 }),
      entry('13', 'capture', 'FG1C1R6', second, { originalRefNum: '11' }),
    ];
    const dump: FolioDump = {
      guests: [{ id: G, number: 1, posted: first + second }],
      records: [
        record('FG1C1R1', 'initial_auth', 10_000, { ref_num: '1' }),
        record('FG1C1R2', 'incremental_auth', 5_000, { ref_num: '2' }),
        record('FG1C1R3', 'settlement', first, { ref_num: '3', payment_id: 'pay-1' }),
        record('FG1C1R5', 'initial_auth', 10_000, { ref_num: '11', mtype: 1 }),
        record('FG1C1R6', 'settlement', second, { ref_num: '13', previous_reference: 'FG1C1R5', payment_id: 'pay-1' }),
      ],
      payments: [payment('pay-1', first + second)],
    };
    return tallyFolio({ ledger, requests, doorLog: [] }, dump);
  };
  assert.equal(run(11_500).settledOverAuthorised, 0, 'within its own 100.00 + 15 %');
  assert.equal(run(11_500, 17_250).settledOverAuthorised, 0, 'both at their own ceilings');
  const over = run(12_000);
  assert.equal(over.settledOverAuthorised, 1, 'above its own 115.00, though within both authorisations together');
  assert.match(over.findings.join('\n'), /capture 13 under FG1C1R6 took 12000 on an authorisation of 10000 \(10000 \+ 0 in increments; at most 11500\)/);
  // Head 1's increment is not head 2's: 150.00 on head 2 is far above its own authorisation.
  assert.equal(run(15_000).settledOverAuthorised, 1);
  // Without the processor's request log for head 2, its captured total still gives its own authorisation.
  const noLog = tallyFolio({ ledger: [entry('11', 'auth', 'FG1C1R5', 12_000, { captured: true, authorisedTotal: 10_000 }), entry('13', 'capture', 'FG1C1R6', 12_000, { originalRefNum: '11' })], requests: [], doorLog: [] }, {
    guests: [{ id: G, number: 1, posted: 12_000 }],
    records: [record('FG1C1R5', 'initial_auth', 10_000, { ref_num: '11' }), record('FG1C1R6', 'settlement', 12_000, { ref_num: '13' })],
    payments: [],
  });
  assert.equal(noLog.settledOverAuthorised, 1, noLog.findings.join('\n'));
});

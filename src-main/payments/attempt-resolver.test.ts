// The resolver's decisions, each against a real PIN pad simulator on TCP and
// the real gateway simulator (nothing mocked; only "now" is injected, so the
// settle boundary is checked to the millisecond). These are the branches the
// mutation run showed no test would notice: the PIN pad that gave up on its
// bank, a voided device approval, and a PIN pad lookup that failed.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TerminalRecord, TerminalResult } from '../../drivers/terminal.ts';
import type { AttemptRow } from '../journal/attempt-repository.ts';
import { approvedRecord, hostOutcomeUncertain, lookUpAttempt, type LookupDeps } from './attempt-resolver.ts';
import { RESOLVING } from './payment-messages.ts';
import { rigPerTest, type Rig } from './payment-test-rig.ts';

const startRig = rigPerTest();
const SETTLE_MS = 5000;

/** An attempt row as the journal holds it for a sale sent at `createdAt`. */
function attemptRow(ecrRef: string, createdAt: number, amount = 1000): AttemptRow {
  const at = new Date(createdAt).toISOString();
  return {
    id: `a-${ecrRef}`, ticketId: 't-1', slot: 1, ecrRef, invoice: ecrRef, terminalId: 'pad1', kind: 'sale',
    amountRequested: amount, amountApproved: 0, currency: 'USD', state: 'in_doubt', resultCode: null, resultText: null,
    authCode: null, hostRef: null, terminalRef: null, batchNumber: null, maskedPan: null, cardBrand: null, entryMode: null,
    approvalSource: null, doubtReason: 'timeout', createdAt: at, updatedAt: at,
  };
}

function deps(rig: Rig, now: number, overrides: Partial<LookupDeps> = {}): LookupDeps {
  return {
    terminal: rig.pads.pad1.terminal,
    gateway: rig.client,
    now,
    lookupTimeoutMs: 1500,
    gatewayWindowMs: 15 * 60_000,
    hostSettleMs: SETTLE_MS,
    ...overrides,
  };
}

const steps = (): string[] => [];

describe('attempt resolver', () => {
  test('PIN pad gave up on the bank: absence is not final before hostSettleMs, final from exactly hostSettleMs on', async () => {
    const rig = await startRig({ processorOverHttpTimeoutMs: 300 });
    // The bank refuses to answer: the PIN pad records a host error (100001) and charged nothing yet.
    rig.gateway.injectFault({ kind: 'http_5xx', target: 'processor', commands: ['sale'], times: 1 });
    const sale = await rig.pads.pad1.terminal.sale({ ecrRef: 'R1T1P1', invoice: 'R1T1P1', amount: 1000 });
    assert.equal(sale.outcome, 'error');
    const createdAt = Date.now() - 100;
    const row = attemptRow('R1T1P1', createdAt);

    const before = await lookUpAttempt(row, deps(rig, createdAt + SETTLE_MS - 1), steps);
    assert.deepEqual(before, { kind: 'unknown', terminalAnswered: true, gatewayAnswered: true, message: RESOLVING.waitingForBank });

    // `>=`: at the boundary itself the bank has had its full settle time.
    const at = await lookUpAttempt(row, deps(rig, createdAt + SETTLE_MS), steps);
    assert.deepEqual(at, { kind: 'absent' });
    assert.equal(rig.charges('R1T1P1').length, 0);
  });

  test('without a host error on the PIN pad, absence is final at once (no settle wait)', async () => {
    const rig = await startRig();
    const createdAt = Date.now();
    const out = await lookUpAttempt(attemptRow('R1T2P1', createdAt), deps(rig, createdAt + 1), steps);
    assert.deepEqual(out, { kind: 'absent' });
  });

  test('hostOutcomeUncertain: only an errored sale for this reference (or one without a reference) counts', () => {
    const rec = (outcome: TerminalResult['outcome'], transactionType: string, ecrRef: string): TerminalRecord => ({
      transactionType,
      // The driver types the kind from the PAX transaction type; this test names it by its words.
      kind: transactionType.toLowerCase() === 'sale' ? 'sale' : 'refund',
      result: { outcome, resultCode: outcome === 'error' ? '100001' : '000100', resultText: '', ecrRef, amountApproved: 0, amountDue: 1000 },
    });
    assert.equal(hostOutcomeUncertain([rec('error', 'sale', 'R1T1P1')], 'R1T1P1'), true);
    assert.equal(hostOutcomeUncertain([rec('error', 'SALE', '')], 'R1T1P1'), true);
    assert.equal(hostOutcomeUncertain([rec('error', 'sale', 'R1T9P1')], 'R1T1P1'), false, 'another reference');
    assert.equal(hostOutcomeUncertain([rec('declined', 'sale', 'R1T1P1')], 'R1T1P1'), false, 'a decline is final');
    assert.equal(hostOutcomeUncertain([rec('error', 'return', 'R1T1P1')], 'R1T1P1'), false, 'not a sale');
    assert.equal(hostOutcomeUncertain([], 'R1T1P1'), false);
  });

  test('an approval voided on the PIN pad is not a charge: absent, not approved', async () => {
    const rig = await startRig();
    const sale = await rig.pads.pad1.terminal.sale({ ecrRef: 'R1T3P1', invoice: 'R1T3P1', amount: 1000 });
    assert.equal(sale.outcome, 'approved');
    const voided = await rig.pads.pad1.terminal.void({ ecrRef: 'R1T3V1', invoice: 'R1T3P1', amount: 1000, originalTerminalRef: sale.terminalRef });
    assert.equal(voided.outcome, 'approved');
    const records = await rig.pads.pad1.terminal.lookup('R1T3P1');
    assert.equal(records.length, 1);
    assert.equal(records[0].voided, true, 'the PIN pad reports the sale as voided');
    assert.equal(approvedRecord(records, 'R1T3P1'), undefined);
    const createdAt = Date.now();
    const out = await lookUpAttempt(attemptRow('R1T3P1', createdAt), deps(rig, createdAt + 1), steps);
    assert.deepEqual(out, { kind: 'absent' });
  });

  test('a PIN pad lookup that fails counts as not answered: unknown even though the gateway holds nothing', async () => {
    const rig = await startRig();
    rig.pads.pad1.sim.setFault({ kind: 'hang' });
    const createdAt = Date.now();
    const seen: string[] = [];
    const out = await lookUpAttempt(attemptRow('R1T4P1', createdAt), deps(rig, createdAt + SETTLE_MS * 10, { lookupTimeoutMs: 300 }), (m) =>
      seen.push(m),
    );
    assert.deepEqual(out, { kind: 'unknown', terminalAnswered: false, gatewayAnswered: true, message: RESOLVING.terminalUnreachable });
    assert.deepEqual(seen, [RESOLVING.checkingTerminal, RESOLVING.terminalUnreachable]);
    rig.pads.pad1.sim.setFault(null);
  });
});

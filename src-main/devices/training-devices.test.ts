// Training mode's processor keeps its ledger beside the journal (issue 10 §5):
// an approval whose answer was lost is still at the "processor" after the
// training devices close and start again (what a force-close and restart of
// the app does), so the register's gateway lookup finds it, as with real
// hardware. Without the file it is gone: the contrast shows the test can fail.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { OutcomeUnknownError } from '../../drivers/terminal.ts';
import { CardknoxClient } from '../gateways/cardknox-client.ts';
import { TRAINING_GATEWAY_KEY, TrainingDevices, trainingLedgerPath } from './training-devices.ts';

const OPTS = { cardTimeMs: 20, paxTimeouts: { transactionMs: 700, adminMs: 1000, cancelMs: 500 } };

async function loseAnApproval(ledgerFile: string | undefined, ecrRef: string): Promise<void> {
  const rig = await TrainingDevices.start({ ...OPTS, ...(ledgerFile ? { ledgerFile } : {}) });
  try {
    rig.pinPadSimulator.setFault({ kind: 'drop_response' }, { once: true });
    await assert.rejects(rig.terminal.sale({ ecrRef, invoice: ecrRef, amount: 1234 }), OutcomeUnknownError);
    assert.equal(rig.gateway.ledger.byInvoice(ecrRef).filter((e) => e.status === 'approved').length, 1, 'the processor approved it');
  } finally {
    await rig.close();
  }
}

async function findAfterRestart(ledgerFile: string | undefined, ecrRef: string): Promise<number> {
  const rig = await TrainingDevices.start({ ...OPTS, ...(ledgerFile ? { ledgerFile } : {}) });
  try {
    const client = new CardknoxClient({ url: rig.gateway.url, key: TRAINING_GATEWAY_KEY, softwareName: 'Test', softwareVersion: '1', currency: 'USD', timeoutMs: 3000 });
    const rows = await client.findByInvoice(ecrRef, Date.now() - 3_600_000, Date.now() + 60_000);
    // A new charge after the restart gets a reference of its own, never one of the old ones.
    const again = rig.gateway.processor.submit({ command: 'sale', invoice: 'R1T99P1', amount: 100, currency: 'USD', cardToken: 't', maskedPan: '411111******1111', cardBrand: 'visa', entryMode: 'chip', deviceId: 'x' });
    assert.equal(rig.gateway.ledger.all().filter((e) => e.refNum === again.response.refNum).length, 1);
    return rows.filter((r) => r.invoice === ecrRef && r.result === 'approved').length;
  } finally {
    await rig.close();
  }
}

test('a lost training approval is still at the processor after the training devices restart on the same ledger file', { timeout: 30_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'training-ledger-'));
  try {
    const ledgerFile = trainingLedgerPath(path.join(dir, 'journal.sqlite'))!;
    assert.equal(path.dirname(ledgerFile), dir, 'beside the journal');
    await loseAnApproval(ledgerFile, 'R1T1P1');
    assert.equal(await findAfterRestart(ledgerFile, 'R1T1P1'), 1);
    // Memory only: the approval is gone after the restart.
    await loseAnApproval(undefined, 'R1T2P1');
    assert.equal(await findAfterRestart(undefined, 'R1T2P1'), 0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('an in-memory journal keeps no training ledger file', () => {
  assert.equal(trainingLedgerPath(':memory:'), undefined);
  assert.equal(trainingLedgerPath('/var/lib/cashier/journal.sqlite'), '/var/lib/cashier/journal.sqlite.training-ledger.jsonl');
});

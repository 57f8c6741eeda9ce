// The purser's training controls (issue 12 §6) on a real host in training mode,
// through the real IPC dispatcher, with the training PIN pad and gateway
// simulators on loopback: the ship offline (the PIN pad approves on its own
// with a temporary token, the gateway answers nothing useful) and back; the
// card the PIN pad reads next; a card's next authorisation declined once at the
// processor (read from the processor's ledger). Each control is refused to a
// cashier and, for a manager, outside training mode.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { cardBrandOf } from '../../drivers/pax/simulator/pax-simulator-rules.ts';
import { luhnValid } from '../../src-shared/card.ts';
import { IpcClient, IpcError } from '../../src-shared/ipc-client.ts';
import { AppError } from '../../src-shared/errors.ts';
import { CardknoxClient } from '../gateways/cardknox-client.ts';
import type { Host } from '../host.ts';
import { createHostDispatcher } from '../ipc/ipc-dispatcher.ts';
import { tempDir, testHost } from '../ipc/ipc-test-rig.ts';
import { connectMemoryTransport } from '../ipc/memory-transport.ts';
import { signInTestManager, TEST_HASH_PARAMS } from '../staff/staff-test-rig.ts';
import { TrainingDeclines, trainingCardNumber, type TrainingCard } from './training-cards.ts';
import { TRAINING_GATEWAY_KEY, type TrainingDevices } from './training-devices.ts';
import { TrainingScenarios } from './training-scenarios.ts';

const BRANDS: TrainingCard['brand'][] = ['visa', 'mastercard', 'amex', 'discover'];
const CONFIG = { gateway: null, devices: { probeIntervalMs: 0, training: { cardTimeMs: 0, paxTimeouts: { transactionMs: 2000, adminMs: 1000, cancelMs: 500 } } }, staff: { hashParams: TEST_HASH_PARAMS } } as const;

test('a training card number is Luhn-valid, of the brand asked, ending in the four digits asked, for any last four', () => {
  for (const brand of BRANDS) {
    for (const lastFour of ['0000', '1111', '4444', '9876']) {
      const pan = trainingCardNumber({ brand, lastFour });
      assert.ok(luhnValid(pan), `${brand} ${lastFour}`);
      assert.equal(cardBrandOf(pan), brand);
      assert.ok(pan.endsWith(lastFour));
      assert.equal(pan.length, brand === 'amex' ? 15 : 16);
    }
  }
  assert.throws(() => trainingCardNumber({ brand: 'visa', lastFour: '12a4' }), RangeError);
  // The free digit matters: without it (a zero there) most last fours would not pass the check.
  const unfixed = ['0001', '1234', '4444', '9876'].filter((l) => !luhnValid(`4${'0'.repeat(10)}0${l}`));
  assert.ok(unfixed.length >= 3, 'the broken variant fails the Luhn check');
});

test('a decline is spent by the next authorisation of that card only: not by another card, a sale or a capture', () => {
  const declines = new TrainingDeclines();
  declines.arm({ brand: 'mastercard', lastFour: '4444' });
  const req = (command: 'auth' | 'incremental' | 'sale' | 'capture', maskedPan = '510000******4444', cardBrand: 'mastercard' | 'visa' = 'mastercard') => ({ command, maskedPan, cardBrand });
  assert.equal(declines.take(req('auth', '400000******4444', 'visa')), null, 'another brand');
  assert.equal(declines.take(req('auth', '510000******4445')), null, 'another card');
  assert.equal(declines.take(req('sale')), null, 'a sale is not an authorisation');
  assert.equal(declines.take(req('capture')), null);
  assert.equal(declines.take(req('incremental')), 'Declined');
  assert.equal(declines.take(req('incremental')), null, 'once');
});

test('outside training mode each control is refused in words, before anything is touched', () => {
  const scenarios = new TrainingScenarios(() => undefined, { cancelAfterSeconds: 30, answerWaitSeconds: 45 });
  const refused = (e: unknown) => e instanceof AppError && e.code === 'conflict' && e.message === 'Only in training mode.';
  assert.throws(() => scenarios.shipLink(false), refused);
  assert.throws(() => scenarios.presentCard({ brand: 'visa', lastFour: '4242' }), refused);
  assert.throws(() => scenarios.declineNext({ brand: 'visa', lastFour: '4242' }), refused);
});

async function withHost<T>(dir: string, trainingMode: boolean | undefined, run: (host: Host, cashier: IpcClient, manager: IpcClient) => Promise<T>): Promise<T> {
  const host = testHost(dir, { ...CONFIG, ...(trainingMode === undefined ? {} : { trainingMode }) });
  await host.ready;
  const dispatcher = createHostDispatcher(host);
  const cashier = new IpcClient(connectMemoryTransport(dispatcher), { timeoutMs: 5000 });
  const manager = new IpcClient(connectMemoryTransport(dispatcher), { timeoutMs: 5000 });
  try {
    return await run(host, cashier, manager);
  } finally {
    cashier.close();
    manager.close();
    await host.close();
  }
}

test('on a training host: a cashier is refused; a manager takes the ship offline and back, picks the next card and declines its next authorisation once', { timeout: 60_000 }, async () => {
  const dir = tempDir('cashier-training-cards-');
  try {
    await withHost(dir, true, async (host, cashier, manager) => {
      for (const call of [
        () => cashier.call('training.shipLink', { online: false }),
        () => cashier.call('training.presentCard', { brand: 'visa', lastFour: '4242' }),
        () => cashier.call('training.declineNext', { brand: 'visa', lastFour: '4242' }),
      ]) {
        await assert.rejects(call(), (e: unknown) => e instanceof IpcError && e.code === 'manager_required');
      }
      await signInTestManager(manager);
      const rig = host.devices.training() as TrainingDevices;
      const gateway = new CardknoxClient({ url: rig.gateway.url, key: TRAINING_GATEWAY_KEY, softwareName: 'Test', softwareVersion: '1', currency: 'USD', timeoutMs: 3000 });
      const auth = (ecrRef: string) => rig.terminal.preAuth({ ecrRef, invoice: ecrRef, amount: 10_000, requestToken: true });

      // Offline: the PIN pad approves on its own with a temporary token; the gateway cannot be asked; nothing reached the processor.
      const off = await manager.call('training.shipLink', { online: false });
      assert.match(off.message, /offline/);
      const offline = await auth('1G1C1R1');
      assert.equal(offline.outcome, 'approved_offline');
      assert.equal(offline.temporaryToken, true);
      // (The host's clock is a stepping test clock: the report spans from the epoch.)
      await assert.rejects(gateway.findByInvoice('1G1C1R1', 0, Date.now() + 86_400_000));
      assert.deepEqual(rig.gateway.ledger.byInvoice('1G1C1R1'), []);
      // Online: the PIN pad uploads what it kept, once; the gateway answers.
      await manager.call('training.shipLink', { online: true });
      assert.equal((await rig.terminal.forwardStored!()).uploaded, 1);
      assert.deepEqual(rig.gateway.ledger.byInvoice('1G1C1R1').map((e) => [e.kind, e.status]), [['auth', 'approved']]);
      assert.equal((await gateway.findByInvoice('1G1C1R1', 0, Date.now() + 86_400_000)).length, 1);

      // The next card read is the one asked for; the one after it the default card again.
      const said = await manager.call('training.presentCard', { brand: 'mastercard', lastFour: '4444' });
      assert.equal(said.message, 'The next card read on the PIN pad is a Mastercard ending 4444.');
      assert.doesNotMatch(said.message, /\d{12,}/, 'no card number in the words');
      const mc = await auth('1G1C2R1');
      assert.deepEqual([mc.outcome, mc.cardBrand, mc.maskedPan?.slice(-4)], ['approved', 'mastercard', '4444']);
      assert.notEqual((await auth('1G1C3R1')).maskedPan?.slice(-4), '4444');

      // Its next authorisation is declined at the processor, once: the one after is approved.
      await manager.call('training.declineNext', { brand: 'mastercard', lastFour: '4444' });
      await manager.call('training.presentCard', { brand: 'mastercard', lastFour: '4444' });
      assert.equal((await auth('1G1C4R1')).outcome, 'declined');
      await manager.call('training.presentCard', { brand: 'mastercard', lastFour: '4444' });
      assert.equal((await auth('1G1C5R1')).outcome, 'approved');
      assert.deepEqual(
        ['1G1C4R1', '1G1C5R1'].map((i) => rig.gateway.ledger.byInvoice(i).map((e) => e.status)),
        [['declined'], ['approved']],
        'the processor declined the first and approved the second',
      );
    });
    // The same journal and manager outside training mode: refused in words.
    await withHost(dir, false, async (_host, _cashier, manager) => {
      await signInTestManager(manager);
      await assert.rejects(manager.call('training.shipLink', { online: false }), (e: unknown) => e instanceof IpcError && e.code === 'conflict' && /Only in training mode/.test(e.message));
      await assert.rejects(manager.call('training.presentCard', { brand: 'visa', lastFour: '4242' }), /Only in training mode/);
      await assert.rejects(manager.call('training.declineNext', { brand: 'visa', lastFour: '4242' }), /Only in training mode/);
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

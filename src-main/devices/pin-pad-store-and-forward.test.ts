// The PIN pad's store-and-forward upload lands in the ONE processor ledger the
// gateway simulator keeps (the PAX simulator charges through its /_processor
// door over HTTP), so the gateway can act on the real authorisation by the
// reference the PIN pad reports after the upload (seed 002 tables 4-17, 4-22).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createPaxTerminal } from '../../drivers/pax/pax-terminal-factory.ts';
import { PaxSimulator } from '../../drivers/pax/simulator/pax-simulator.ts';
import type { PaymentTerminal } from '../../drivers/terminal.ts';
import { gatewayProcessorLink } from '../gateways/simulator/gateway-processor-link.ts';
import { GatewaySimulator } from '../gateways/simulator/gateway-simulator.ts';

const MASTERCARD = '5555555555554444';
let gw: GatewaySimulator;
let pad: PaxSimulator;
let terminal: PaymentTerminal;

before(async () => {
  gw = await GatewaySimulator.start({ key: 'purser-test-key' });
  pad = new PaxSimulator({ deviceId: 'purser-pad', processor: gatewayProcessorLink(gw.url), cardTimeMs: 0 });
  const port = await pad.listenTcp(0);
  terminal = createPaxTerminal({ id: 'purser-pad', transport: 'tcp', host: '127.0.0.1', port, timeouts: { transactionMs: 5000, adminMs: 3000, batchMs: 5000 } });
});
after(async () => {
  await terminal.close();
  await pad.close();
  await gw.close();
});

test('4-17 offline registrations uploaded by the PIN pad stand in the gateway ledger under the reference lookup reports; a declined card is declined there', async () => {
  pad.setOffline(true);
  const good = await terminal.preAuth({ ecrRef: 'SAF1', invoice: 'SAF1', amount: 20000, requestToken: true });
  pad.presentCard({ pan: MASTERCARD, entryMode: 'swipe' });
  const bad = await terminal.preAuth({ ecrRef: 'SAF2', invoice: 'SAF2', amount: 20000, requestToken: true });
  assert.equal(good.temporaryToken, true);
  assert.equal(bad.temporaryToken, true);
  assert.equal(gw.ledger.size, 0, 'nothing reached the processor while the link was down');

  pad.markCardDeclined(MASTERCARD);
  pad.setOffline(false);
  assert.ok(terminal.forwardStored);
  assert.deepEqual(await terminal.forwardStored(), { uploaded: 1, failed: 1 });

  const [rec] = await terminal.lookup('SAF1');
  assert.equal(rec.offline, 'uploaded');
  assert.equal(rec.result.temporaryToken, undefined);
  assert.match(rec.result.token ?? '', /^tok_/);
  const entry = gw.ledger.find(rec.result.hostRef ?? '');
  assert.ok(entry, 'the reported reference names a ledger entry');
  assert.deepEqual([entry.kind, entry.status, entry.amount, entry.invoice], ['auth', 'approved', 20000, 'SAF1']);

  // The gateway side can now top the real auth up by that reference (what the purser's incremental does).
  const top = await gw.processorLink().submit({
    command: 'incremental', invoice: 'SAF1', amount: 5000, currency: 'USD', cardToken: rec.result.token ?? '', maskedPan: entry.maskedPan,
    cardBrand: entry.cardBrand, entryMode: entry.entryMode, deviceId: 'gateway', originalRefNum: entry.refNum,
  });
  assert.equal(top.result, 'approved');
  assert.equal(gw.ledger.find(entry.refNum)?.amount, 25000);

  const [failed] = await terminal.lookup('SAF2');
  assert.equal(failed.offline, 'upload_failed');
  assert.deepEqual(gw.ledger.byInvoice('SAF2').map((e) => e.status), ['declined']);
});

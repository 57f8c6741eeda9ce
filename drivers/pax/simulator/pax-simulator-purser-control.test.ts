// The purser controls of the simulator's HTTP control API (card entry mode and
// expiry, the customer's signature action, a card declined at upload, the
// host link down), driven over real HTTP against a simulator on loopback TCP.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type http from 'node:http';
import { type PaxCreditResponse, type PaxSafUploadResponse } from '../pax-messages.ts';
import { InMemoryProcessor } from './in-memory-processor.ts';
import { startControlServer } from './pax-simulator-control.ts';
import { PaxSimulator } from './pax-simulator.ts';
import { tcpRequest } from './pax-simulator-test-rig.ts';

const processor = new InMemoryProcessor();
const sim = new PaxSimulator({ deviceId: 'CTL1', processor, cardTimeMs: 0 });
let tcp = 0;
let control: { server: http.Server; port: number };
before(async () => {
  tcp = await sim.listenTcp(0);
  control = await startControlServer(sim);
});
after(async () => {
  await new Promise<void>((r) => control.server.close(() => r()));
  await sim.close();
});

async function post(path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${control.port}${path}`, { method: 'POST', body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const auth = (ref: string, extra: { signatureRequest?: boolean } = {}) =>
  ({ command: 'T00', transType: 'auth', amount: 5000, ecrRef: ref, invoice: ref, tokenRequest: true, ...extra }) as const;

test('POST /card presents a swiped card with its expiry; POST /signature cancel makes the next signature cancelled (pad voids)', async () => {
  assert.equal((await post('/card', { pan: '5555555555554444', entryMode: 'swipe', expiry: '0327' })).status, 200);
  const swipedFirst = (await tcpRequest(tcp, auth('CT1'))) as PaxCreditResponse;
  assert.equal(swipedFirst.account.entryMode, 'swipe');
  assert.equal(swipedFirst.account.expiry, '0327');
  const swiped = (await tcpRequest(tcp, auth('CT1b'))) as PaxCreditResponse;
  assert.equal(swiped.account.entryMode, 'chip', 'the presented card is read once; the next read is the default card');
  const first = sim.records().find((x) => x.ecrRef === 'CT1');
  assert.equal(first?.entryMode, 'swipe');
  assert.equal(first?.expiry, '0327');

  assert.equal((await post('/signature', { action: 'cancel' })).status, 200);
  const cancelled = (await tcpRequest(tcp, auth('CT2', { signatureRequest: true }))) as PaxCreditResponse;
  assert.equal(cancelled.additional.SIGNSTATUS, '1');
  assert.equal(processor.ledger().find((e) => e.invoice === 'CT2')?.status, 'voided');
  assert.equal((await post('/signature', { action: 'sign' })).status, 200);
  const signed = (await tcpRequest(tcp, auth('CT3', { signatureRequest: true }))) as PaxCreditResponse;
  assert.equal(signed.additional.SIGNSTATUS, '0');
});

test('POST /card-declined then B08 after an offline auth: the upload fails for that card', async () => {
  await post('/offline', { on: true });
  await post('/card', { pan: '5555555555554444' });
  const offline = (await tcpRequest(tcp, auth('CT4'))) as PaxCreditResponse;
  assert.equal(offline.resultCode, '000001');
  assert.equal((await post('/card-declined', { pan: '5555555555554444' })).status, 200);
  const stillDown = (await tcpRequest(tcp, { command: 'B08' })) as PaxSafUploadResponse;
  assert.equal(stillDown.resultCode, '100001', 'nothing uploads while the host link is down');
  await post('/offline', { on: false });
  const up = (await tcpRequest(tcp, { command: 'B08' })) as PaxSafUploadResponse;
  assert.equal(up.command, 'B09');
  assert.equal(up.failedCount, 1);
  assert.equal(up.uploadedCount, 0);
  assert.equal(sim.records().find((x) => x.ecrRef === 'CT4')?.offline, 'upload_failed');
});

test('bad purser control requests get a 400 with a reason', async () => {
  assert.equal((await post('/signature', { action: 'maybe' })).status, 400);
  assert.equal((await post('/card-declined', { pan: '1234' })).status, 400);
  assert.equal((await post('/card', { pan: '4111111111111111', expiry: '1399' })).status, 400);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TerminalPrompt } from '../../terminal.ts';
import { InMemoryProcessor } from './in-memory-processor.ts';
import { SimDevice } from './pax-simulator-device.ts';

const CLOCK = (): Date => new Date('2026-03-04T05:06:07Z');

function device(cardTimeMs: number): SimDevice {
  return new SimDevice({ deviceId: 'DEV1', processor: new InMemoryProcessor({ clock: CLOCK }), clock: CLOCK, cardTimeMs, duplicateCheck: true });
}

test('card time 0: the sale is authorised without waiting for any timer, and still shows every prompt', async () => {
  // A 0 ms card time means the card is already there. Node runs a 0 ms timer
  // no sooner than 1 ms later, so the sale must finish before any timer fires
  // (the in-memory processor answers without I/O): a wait would come after it.
  const order: string[] = [];
  const timer = setTimeout(() => order.push('timer'), 0);
  const prompts: TerminalPrompt[] = [];
  const out = await device(0).transact({ type: 'sale', amount: 1250, ecrRef: 'R1T1P1' }, (p) => prompts.push(p));
  order.push('sale done');
  clearTimeout(timer);
  assert.deepEqual(order, ['sale done']);
  assert.equal(out.record.resultCode, '000000');
  assert.deepEqual(prompts, ['present_card', 'enter_pin', 'authorising']);
});

test('a card time above 0 still waits for the card, and a cancel in that time aborts the sale', async () => {
  const d = device(200);
  const prompts: TerminalPrompt[] = [];
  const sale = d.transact({ type: 'sale', amount: 1250, ecrRef: 'R1T2P1' }, (p) => prompts.push(p));
  await new Promise((r) => setImmediate(r));
  assert.equal(d.cancel(), true);
  const out = await sale;
  assert.equal(out.record.resultCode, '100002');
  assert.deepEqual(prompts, ['present_card']);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deviceWords, journalWords } from './status-words.ts';

test('each device state has a short label of at most 22 characters, the whole sentence behind it in plain words', () => {
  const offline = deviceWords('terminal', {
    configured: true,
    name: 'Front counter',
    state: 'disconnected',
    detail: 'No answer from the PIN pad at 10.0.0.7:10009. Check the cable and the IP address on the PIN pad.',
  });
  assert.equal(offline.short, 'PIN pad offline');
  assert.equal(offline.full, 'PIN pad offline (Front counter): No answer from the PIN pad. Check the cable and the IP address on the PIN pad.');
  assert.equal(deviceWords('terminal', { configured: true, state: 'disconnected', detail: 'Connecting to the PIN pad…' }).short, 'PIN pad connecting');
  assert.equal(deviceWords('terminal', { configured: true, state: 'connected', detail: 'Ready.' }).short, 'PIN pad ready');
  assert.equal(deviceWords('terminal', { configured: true, state: 'busy', detail: 'Customer is entering the PIN' }).full, 'PIN pad busy: Customer is entering the PIN');
  assert.equal(deviceWords('printer', { configured: true, state: 'error', detail: 'The printer is out of paper. Load a roll.' }).short, 'Printer: no paper');
  assert.equal(deviceWords('printer', { configured: true, state: 'error', detail: 'The printer cover is open.' }).short, 'Printer: cover open');
  assert.equal(deviceWords('printer', { configured: true, state: 'error', detail: 'Cutter jammed.' }).short, 'Printer error');
  assert.equal(deviceWords('cardReader', { configured: false, state: 'none', detail: 'No card reader is assigned.' }).short, 'No card reader');
  assert.equal(journalWords({ healthy: true }).short, 'Journal ok');
  assert.match(journalWords({ healthy: true }).full, /^Journal healthy/);
  assert.equal(journalWords({ healthy: false, message: 'disk full' }).full, 'Journal problem: disk full');
  const states = ['none', 'connected', 'busy', 'disconnected', 'error'] as const;
  for (const slot of ['terminal', 'printer', 'cardReader'] as const) {
    for (const state of states) {
      const w = deviceWords(slot, { configured: state !== 'none', state, detail: 'Out of paper, connecting, and a very long explanation of what went wrong at 127.0.0.1:9100' });
      assert.ok(w.short.length <= 22, `${slot}/${state}: "${w.short}"`);
      assert.doesNotMatch(w.full, /127\.0\.0\.1/);
    }
  }
});

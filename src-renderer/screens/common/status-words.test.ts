import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StoreLinkHealth } from '../../../src-shared/domain.ts';
import { deviceWords, journalWords, storeWords } from './status-words.ts';

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

test('the store link in plain words: up to date, or not reachable since when with the sales waiting, and that selling continues', () => {
  const now = new Date(2026, 10, 30, 11, 0);
  const since = new Date(2026, 10, 30, 10, 42).toISOString();
  const base: StoreLinkHealth = { state: 'connected', since, backlogEvents: 0, backlogSales: 0 };
  assert.deepEqual(storeWords(base, now), { short: 'Store up to date', full: 'Store: up to date — every sale is in the store.' });
  const down = storeWords({ ...base, state: 'unreachable', backlogEvents: 180, backlogSales: 42 }, now);
  assert.equal(down.short, 'No store: 42 waiting');
  assert.equal(down.full, 'Store: not reachable since 10:42, 42 sales waiting to be sent — selling continues.');
  assert.equal(storeWords({ ...base, state: 'unreachable', backlogEvents: 1, backlogSales: 1 }, now).full, 'Store: not reachable since 10:42, 1 sale waiting to be sent — selling continues.');
  assert.match(storeWords({ ...base, state: 'unreachable', since: new Date(2026, 10, 28, 9, 5).toISOString() }, now).full, /since 2026-11-28 09:05 — selling/);
  assert.equal(storeWords({ ...base, backlogEvents: 3, backlogSales: 0 }, now).full, 'Store: connected, 3 changes being sent.');
  const refused = storeWords({ ...base, state: 'refused', backlogEvents: 10, backlogSales: 2, detail: 'the store was upgraded by a newer release: update this register' }, now);
  assert.match(refused.full, /call your manager/);
  assert.match(refused.full, /2 sales waiting/);
  for (const state of ['connecting', 'connected', 'unreachable', 'refused'] as const) {
    for (const backlog of [0, 1, 9999]) {
      const w = storeWords({ state, since, backlogEvents: backlog * 4, backlogSales: backlog, detail: 'at 127.0.0.1:5432 schema 999' }, now);
      assert.ok(w.short.length <= 22, `${state}/${backlog}: "${w.short}"`);
      assert.doesNotMatch(w.full, /127\.0\.0\.1/);
      if (state !== 'connected' || backlog > 0) assert.ok(state === 'connected' || /selling continues/i.test(w.full), w.full);
    }
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mulberry32 } from './seeded-random.ts';

test('the same seed replays the same sequence; another seed does not', () => {
  const take = (seed: number) => Array.from({ length: 5 }, mulberry32(seed));
  assert.deepEqual(take(42), take(42));
  assert.notDeepEqual(take(42), take(43));
});

test('values stay in [0, 1) and spread over it', () => {
  const next = mulberry32(0xc0ffee);
  const buckets = new Array<number>(10).fill(0);
  for (let i = 0; i < 10_000; i++) {
    const x = next();
    assert.ok(x >= 0 && x < 1, `out of range: ${x}`);
    buckets[Math.floor(x * 10)]++;
  }
  for (const n of buckets) assert.ok(n > 800 && n < 1200, `uneven spread: ${buckets.join(',')}`);
});

test('the sequence is pinned, so a seed recorded from a failing run still replays', () => {
  assert.equal(mulberry32(1)() * 4294967296, 2693262067);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { median, quantile } from './bench-stats.ts';

test('quantile takes the nearest rank from below and leaves its input alone', () => {
  const xs = [9, 1, 8, 2, 7, 3, 6, 4, 5, 10];
  assert.equal(quantile(xs, 0), 1);
  assert.equal(quantile(xs, 0.5), 6);
  assert.equal(quantile(xs, 0.99), 10);
  assert.equal(quantile(xs, 1), 10);
  assert.deepEqual(xs, [9, 1, 8, 2, 7, 3, 6, 4, 5, 10]);
});

test('median is the upper middle value, numerically sorted', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([40, 5, 100, 20]), 40);
});

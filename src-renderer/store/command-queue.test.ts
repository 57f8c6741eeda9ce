import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serialQueue } from './command-queue.ts';

const later = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

test('tasks run one at a time, in the order queued, even when an earlier one is slower', async () => {
  const run = serialQueue();
  const log: string[] = [];
  const task = (name: string, ms: number) => async () => {
    log.push(`start ${name}`);
    await later(ms);
    log.push(`end ${name}`);
    return name;
  };
  const results = await Promise.all([run(task('a', 20)), run(task('b', 1)), run(task('c', 5))]);
  assert.deepEqual(results, ['a', 'b', 'c']);
  assert.deepEqual(log, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
});

test('a failed task rejects its own caller and does not block the next', async () => {
  const run = serialQueue();
  const failed = run(async () => {
    throw new Error('boom');
  });
  const next = run(async () => 'next');
  await assert.rejects(failed, /boom/);
  assert.equal(await next, 'next');
});

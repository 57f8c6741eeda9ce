// The register with and without a store: the embedded default is untouched
// (no store code loaded, nothing recorded for a store), and a store that
// cannot be reached never holds a sale up.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { AttemptSnapshot } from '../../src-shared/domain.ts';
import { createHost, type Host } from '../host.ts';
import { tempDir } from '../journal/journal-test-rig.ts';
import { parseStoreUrl } from './store-config.ts';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'store-embedded-child.ts');
const tmp = tempDir('cashier-store-host-');
/** A "store" that takes TCP connections and never says a word: a link that swallows everything. */
let blackhole: net.Server;
const held: net.Socket[] = [];
let blackholeUrl = '';
before(async () => {
  blackhole = net.createServer((s) => held.push(s));
  await new Promise<void>((r) => blackhole.listen(0, '127.0.0.1', () => r()));
  blackholeUrl = `postgres://register@127.0.0.1:${(blackhole.address() as net.AddressInfo).port}/store`;
});
after(async () => {
  for (const s of held) s.destroy();
  await new Promise((r) => blackhole.close(r));
  tmp.cleanup();
});

async function runChild(file: string, storeUrl: string | undefined): Promise<{ status: string; pgLoaded: boolean; store: unknown; outbox: number; enabled: number }> {
  const env = { ...process.env };
  delete env.CASHIER_DESK_STORE_URL;
  if (storeUrl) env.CASHIER_DESK_STORE_URL = storeUrl;
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', CHILD, path.join(tmp.dir, file)], { env, timeout: 60_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

test('no CASHIER_DESK_STORE_URL: the host sells as before, the PostgreSQL client is never loaded, nothing is recorded for a store', async () => {
  const embedded = await runChild('embedded.sqlite', undefined);
  assert.deepEqual(embedded, { status: 'paid', pgLoaded: false, store: null, outbox: 0, enabled: 0 });
  // The same probe sees the store machinery when a store is configured, so the check above can fail.
  const joined = await runChild('joined.sqlite', blackholeUrl);
  assert.equal(joined.status, 'paid');
  assert.equal(joined.pgLoaded, true);
  assert.equal(joined.enabled, 1);
  assert.ok(joined.outbox > 0, 'the register row and the sale are queued for the store');
  assert.ok(joined.store && typeof joined.store === 'object');
});

test('a card sale and a cash sale go through while the store cannot be reached; the relay is still waiting on it meanwhile', async () => {
  const connectTimeoutMs = 8000;
  const host: Host = createHost({
    journalPath: path.join(tmp.dir, 'unreachable.sqlite'),
    trainingMode: true,
    gateway: null,
    devices: { probeIntervalMs: 0, training: { cardTimeMs: 20 } },
    storeServer: parseStoreUrl(blackholeUrl),
    storeRelay: { connectTimeoutMs },
  });
  try {
    await host.ready;
    for (let i = 0; i < 100 && !host.status().store; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(host.status().store?.state, 'connecting', 'the relay is stuck connecting to the silent store');
    const ctx = { connectionId: 't' };
    const [item] = await host.handlers['catalog.list']({}, ctx);

    const began = performance.now();
    const ticket = await host.handlers['ticket.create']({}, ctx);
    const { total } = await host.handlers['ticket.addLine']({ ticketId: ticket.id, itemId: item.id, quantity: 1 }, ctx);
    const approved = new Promise<AttemptSnapshot>((resolve) => host.events.subscribe('payment.changed', (a) => a.state === 'approved' && resolve(a)));
    const result = await host.handlers['payment.start']({ ticketId: ticket.id, amount: total }, ctx);
    const attempt = result.state === 'approved' ? result : await approved;
    const cardMs = performance.now() - began;
    assert.equal(attempt.state, 'approved');
    assert.equal((await host.handlers['ticket.get']({ ticketId: ticket.id }, ctx)).status, 'paid');

    const cashBegan = performance.now();
    const cash = await host.handlers['ticket.create']({}, ctx);
    const line = await host.handlers['ticket.addLine']({ ticketId: cash.id, itemId: item.id, quantity: 1 }, ctx);
    const paid = await host.handlers['tender.cash']({ ticketId: cash.id, amountTendered: line.total }, ctx);
    const cashMs = performance.now() - cashBegan;
    assert.equal(paid.ticket.status, 'paid');

    // Both sales finished while the relay's connect (up to 8 s) was still pending: they never waited on it.
    assert.equal(host.status().store?.state, 'connecting');
    assert.ok(cardMs < connectTimeoutMs / 4, `card sale took ${cardMs.toFixed(0)} ms`);
    assert.ok(cashMs < 1000, `cash sale took ${cashMs.toFixed(0)} ms`);
    await new Promise((r) => setTimeout(r, 400));
    assert.ok((host.status().store?.backlogSales ?? 0) >= 2, JSON.stringify(host.status().store));
  } finally {
    const closing = performance.now();
    await host.close();
    assert.ok(performance.now() - closing < connectTimeoutMs / 2, 'closing does not wait out the connect timeout');
  }
});

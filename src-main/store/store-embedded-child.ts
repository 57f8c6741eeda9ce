// A register process for the embedded-default test: starts the real host
// (CASHIER_DESK_STORE_URL from the environment, or none), rings a cash sale,
// and prints what store machinery exists: whether the PostgreSQL client was
// even loaded, the store status, and what the outbox recorded.
// Usage: node --import tsx store-embedded-child.ts JOURNAL_FILE

import { createRequire } from 'node:module';
import { createHost } from '../host.ts';

const host = createHost({ journalPath: process.argv[2], trainingMode: true, gateway: null, devices: { probeIntervalMs: 0 }, storeRelay: { connectTimeoutMs: 500, backoff: { initialMs: 50, maxMs: 100 } } });
await host.ready;
const ctx = { connectionId: 'child' };
const [item] = await host.handlers['catalog.list']({}, ctx);
const ticket = await host.handlers['ticket.create']({}, ctx);
const { total } = await host.handlers['ticket.addLine']({ ticketId: ticket.id, itemId: item.id, quantity: 1 }, ctx);
const paid = await host.handlers['tender.cash']({ ticketId: ticket.id, amountTendered: total }, ctx);
await new Promise((r) => setTimeout(r, 300));
const cache = createRequire(import.meta.url).cache;
const pgLoaded = Object.keys(cache).some((k) => /[\\/]node_modules[\\/]pg[\\/]/.test(k));
const store = host.status().store ?? null;
await host.close();
// Read after close, from the file: what the journal recorded for the store.
const { default: Database } = await import('better-sqlite3');
const db = new Database(process.argv[2], { readonly: true });
const outbox = db.prepare('SELECT count(*) FROM store_outbox').pluck().get();
const enabled = db.prepare('SELECT enabled FROM store_relay_state').pluck().get();
db.close();
process.stdout.write(JSON.stringify({ status: paid.ticket.status, pgLoaded, store, outbox, enabled }) + '\n');

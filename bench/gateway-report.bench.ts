// Report generation at scale: how much does one 1,000-row report page cost
// when the gateway ledger holds 50,000 rows, against the same page from a
// ledger of 1,000 rows? Near 1 means the window lookup does not scan the ledger.
// Also times a full 50,000-row paged report and an invoice lookup, end to end
// over loopback HTTP (client + simulator).
import { CardknoxClient } from '../src-main/gateways/cardknox-client.ts';
import { GatewaySimulator } from '../src-main/gateways/simulator/gateway-simulator.ts';
import { quantile } from './bench-stats.ts';
import { ordinaryAmount } from '../drivers/pax/simulator/pax-simulator-rules.ts';

const KEY = 'bench-key';
const T0 = Date.UTC(2025, 0, 1);

async function seeded(rows: number): Promise<{ sim: GatewaySimulator; client: CardknoxClient; end: number }> {
  let now = T0;
  const sim = await GatewaySimulator.start({ key: KEY, clock: () => now });
  const link = sim.processorLink();
  for (let i = 0; i < rows; i++) {
    now += 7;
    await link.submit({
      command: 'sale', invoice: `R1T${i}P1`, amount: ordinaryAmount(100 + (i % 5000)), currency: 'USD', cardToken: 'tok_visa',
      maskedPan: '411111******1111', cardBrand: 'visa', entryMode: 'chip', deviceId: `pax-${i % 8}`,
    });
  }
  const client = new CardknoxClient({ url: sim.url, key: KEY, softwareName: 'bench', softwareVersion: '1', currency: 'USD', timeoutMs: 30_000 });
  return { sim, client, end: now };
}


async function timePages(client: CardknoxClient, end: number, runs: number): Promise<number[]> {
  const out: number[] = [];
  // The last 1,000 rows: the worst place for a ledger that scans from the start.
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const rows = await client.report({ begin: end - 7 * 999, end, maxRecords: 1000 });
    out.push(performance.now() - t);
    if (rows.length !== 1000) throw new Error(`expected 1000 rows, got ${rows.length}`);
  }
  return out;
}

const small = await seeded(1_000);
const big = await seeded(50_000);
await timePages(small.client, small.end, 5);
await timePages(big.client, big.end, 5);
const smallPages = await timePages(small.client, small.end, 40);
const bigPages = await timePages(big.client, big.end, 40);
console.log(`page of 1000 rows, ledger 1,000:  p50 ${quantile(smallPages, 0.5).toFixed(2)} ms  p99 ${quantile(smallPages, 0.99).toFixed(2)} ms`);
console.log(`page of 1000 rows, ledger 50,000: p50 ${quantile(bigPages, 0.5).toFixed(2)} ms  p99 ${quantile(bigPages, 0.99).toFixed(2)} ms`);

let t = performance.now();
const all = await big.client.report({ begin: T0, end: big.end });
const full = performance.now() - t;
if (all.length !== 50_000 || new Set(all.map((r) => r.refNum)).size !== 50_000) throw new Error('full report lost or repeated rows');
console.log(`full report 50,000 rows in pages of 1000: ${full.toFixed(0)} ms (${Math.round(50_000 / (full / 1000))} rows/s)`);

const lookups: number[] = [];
for (let i = 0; i < 200; i++) {
  t = performance.now();
  const rows = await big.client.findByInvoice(`R1T${(i * 251) % 50_000}P1`, T0, big.end);
  lookups.push(performance.now() - t);
  if (rows.length !== 1) throw new Error('invoice lookup failed');
}
console.log(`invoice lookup over the whole 50,000-row window: p50 ${quantile(lookups, 0.5).toFixed(2)} ms  p99 ${quantile(lookups, 0.99).toFixed(2)} ms`);

await small.sim.close();
await big.sim.close();
console.log(`bench gateway-report: ${(quantile(bigPages, 0.5) / quantile(smallPages, 0.5)).toFixed(2)}x page cost at 50,000 vs 1,000 ledger rows`);

// Cost of a sale through the real driver and simulator over loopback TCP (a
// connection per request, ACKs, codec, simulated processor; card time 0)
// against a bare TCP echo of the same request bytes, also a connection per
// request. Both are measured in the same run, interleaved in alternating order,
// each from a quiet start, so machine load and teardown hit both alike. Last line: `bench pax-sale-roundtrip-vs-tcp-echo: <p50 ratio>`.
import net from 'node:net';
import { encodeFrame } from '../drivers/pax/pax-frame.ts';
import { encodeRequest } from '../drivers/pax/pax-messages.ts';
import { createPaxTerminal } from '../drivers/pax/pax-terminal-factory.ts';
import { PaxSimulator } from '../drivers/pax/simulator/pax-simulator.ts';
import { quantile } from './bench-stats.ts';

const ROUNDS = 400;
// Steady state, as in a register that has been open a while: each function of
// a sale runs about once per round, so V8 (and Node's own net code, which the
// echo runs too) needs a few hundred rounds to finish optimising; 40 left both
// sides measured half-warm.
const WARMUP = 400;

const sim = new PaxSimulator({ deviceId: 'BENCH1', cardTimeMs: 0, duplicateCheck: false, ackGapMs: 0 }); // The ACK→answer gap (item 8) is a real terminal's, not the driver's cost: off here.
const simPort = await sim.listenTcp(0);
const terminal = createPaxTerminal({ id: 'bench', transport: 'tcp', host: '127.0.0.1', port: simPort });

const echo = net.createServer((s) => {
  s.on('data', (d) => s.write(d));
  s.on('error', () => undefined);
});
await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
const echoPort = (echo.address() as net.AddressInfo).port;
const request = encodeFrame(encodeRequest({ command: 'T00', transType: 'sale', amount: 1250, ecrRef: 'B1T1P1', invoice: 'B1T1P1', timestamp: '20260101000000' }));

function echoOnce(): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = net.createConnection({ host: '127.0.0.1', port: echoPort }, () => s.write(request));
    s.setNoDelay(true);
    let got = 0;
    s.on('data', (d) => {
      got += d.length;
      if (got >= request.length) {
        s.destroy();
        resolve();
      }
    });
    s.on('error', reject);
  });
}

let n = 0;
async function saleOnce(): Promise<void> {
  const ref = `B${++n}`;
  const r = await terminal.sale({ ecrRef: ref, invoice: ref, amount: 1250, timeoutMs: 10_000 });
  if (r.outcome !== 'approved') throw new Error(`sale ${ref} was ${r.outcome}`);
}

async function time(fn: () => Promise<void>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

// Each side is timed from a quiet start: a connection's teardown (FIN, close
// events, the simulator's session cleanup) runs after its promise resolved, so
// without a pause it would be charged to whichever measurement comes next. The
// order alternates too, so anything that still carries over hits both alike.
// The pause is event loop turns, not a sleep: waking from idle would add the
// same scheduler delay to both sides and squeeze the ratio (32 turns measure
// the same as 8, so 8 let the teardown finish).
const settle = async (): Promise<void> => {
  for (let k = 0; k < 8; k++) await new Promise((r) => setImmediate(r));
};
const sale: number[] = [];
const bare: number[] = [];
for (let i = 0; i < WARMUP + ROUNDS; i++) {
  await settle();
  const first = i % 2 === 0 ? await time(saleOnce) : await time(echoOnce);
  await settle();
  const second = i % 2 === 0 ? await time(echoOnce) : await time(saleOnce);
  if (i >= WARMUP) {
    sale.push(i % 2 === 0 ? first : second);
    bare.push(i % 2 === 0 ? second : first);
  }
}
await terminal.close();
await sim.close();
await new Promise<void>((r) => echo.close(() => r()));

console.log(`rounds: ${ROUNDS} (after ${WARMUP} warm-up), request ${request.length} bytes, each side timed from a quiet loop, alternating`);
console.log(`pax sale  p50 ${quantile(sale, 0.5).toFixed(3)} ms  p99 ${quantile(sale, 0.99).toFixed(3)} ms`);
console.log(`tcp echo  p50 ${quantile(bare, 0.5).toFixed(3)} ms  p99 ${quantile(bare, 0.99).toFixed(3)} ms`);
console.log(`p99 ratio ${(quantile(sale, 0.99) / quantile(bare, 0.99)).toFixed(2)}`);
console.log(`bench pax-sale-roundtrip-vs-tcp-echo: ${(quantile(sale, 0.5) / quantile(bare, 0.5)).toFixed(2)}`);

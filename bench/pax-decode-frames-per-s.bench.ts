// Decoder throughput: how many realistic T01 frames per second the stream
// decoder plus the message decoder turn into typed responses, delivered in
// socket-sized chunks. Last line: `bench pax-decode-frames-per-s: <frames/s>`.
import { encodeFrame, FrameDecoder } from '../drivers/pax/pax-frame.ts';
import { decodeResponse, encodeResponse, type PaxResponse } from '../drivers/pax/pax-messages.ts';
import { quantile } from './bench-stats.ts';

const T01: PaxResponse = {
  command: 'T01', status: '0', version: '1.28', resultCode: '000000', resultText: 'APPROVED',
  host: { code: '00', message: 'APPROVAL', authCode: 'A1B2C3', hostRef: '1000012345', traceNumber: '000045', batchNumber: '7' },
  transType: 'sale', amountApproved: 1250, amountDue: 0,
  account: { maskedPan: '411111******1111', entryMode: 'chip', cardBrand: 'visa' },
  trace: { terminalRef: '000045', ecrRef: 'R1T42P1', timestamp: '20260102030405' },
  additional: { TOKEN: 'card_0123456789abcdef0123', SN: 'SIM0001' },
};

const frame = encodeFrame(encodeResponse(T01));
const PER_CHUNK = 64;
// 64 frames back to back, cut into 1400-byte pieces like TCP segments.
const stream = Buffer.concat(Array.from({ length: PER_CHUNK }, () => frame));
const chunks: Buffer[] = [];
for (let off = 0; off < stream.length; off += 1400) chunks.push(stream.subarray(off, off + 1400));

function run(rounds: number): number {
  const d = new FrameDecoder();
  let n = 0;
  for (let r = 0; r < rounds; r++) {
    for (const c of chunks) {
      for (const item of d.push(c)) {
        if (item.type === 'frame') {
          const res = decodeResponse(item.fields);
          if (res.command === 'T01' && res.amountApproved === 1250) n++;
        }
      }
    }
  }
  return n;
}

run(200); // warm-up
const samples: number[] = [];
// Frames per second of this process's CPU time (all its threads, GC included):
// on a shared machine the wall clock also counts time the CPU went to others,
// so this line tells a slow decoder from a starved run.
const cpuSamples: number[] = [];
for (let i = 0; i < 15; i++) {
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const n = run(100);
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  if (n !== 100 * PER_CHUNK) throw new Error(`decoded ${n} frames, expected ${100 * PER_CHUNK}`);
  samples.push(n / s);
  cpuSamples.push(n / ((c.user + c.system) / 1e6));
}
const p = (q: number): number => quantile(samples, q);
console.log(`frame: ${frame.length} bytes (T01 approved sale), ${samples.length} samples of ${100 * PER_CHUNK} frames`);
console.log(`frames/s min ${p(0).toFixed(0)} p50 ${p(0.5).toFixed(0)} max ${p(1).toFixed(0)}`);
console.log(`MB/s p50 ${((p(0.5) * frame.length) / 1e6).toFixed(1)}`);
console.log(`frames per CPU-second p50 ${quantile(cpuSamples, 0.5).toFixed(0)} (wall-clock p50 below; far apart means the run was starved of CPU)`);
console.log(`bench pax-decode-frames-per-s: ${p(0.5).toFixed(0)}`);

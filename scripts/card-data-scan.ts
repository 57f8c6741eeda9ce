// Card data at rest (issue 14 §6): reads the raw bytes of every file under the
// given paths (a journal, its -wal and -shm, logs, receipt output, e2e output
// folders) and fails on anything that looks like card data:
// - a Luhn-valid run of 13-19 digits (bounded by non-digits) that starts with a
//   card network's issuer prefix at a length it issues, also written in
//   groups of four with spaces or dashes;
// - track data: track 1 (%B<pan>^<name>^<yymm>) or track 2 (;<pan>=<yymm>,
//   or <pan>=<yymm><service code> without sentinels).
// Raw bytes, not SQL: a number deleted from a table can linger in a free
// page or the WAL, and that is still card data at rest. SQLite files and WALs
// are parsed page by page so each column value is scanned on its own
// (sqlite-value-scan.ts says why); other files are scanned as they are.
// Not card data, so not flagged: digits inside a hex token of 32+ characters
// holding letters (the journal's hash chain, UUIDs), 13-digit runs beginning
// with 1 (epoch-millisecond timestamps: the only 13-digit cards are Visa's,
// beginning with 4) and 14-digit YYYYMMDDhhmmss date-times beginning with 20
// (no brand issues 14-digit numbers beginning with 2).
// The well-known test card numbers are flagged too unless --allow-test-pans is
// given: the simulated cards are exactly the numbers a leak would show.
//
//   node --import tsx scripts/card-data-scan.ts [--allow-test-pans] PATH...
// Prints one finding per line (file, offset, kind, a masked sample) and a
// summary line `card-data-scan: N files, B bytes, ...`; exits 1 on a finding.

import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { hasIssuerPrefix, luhnValid, maskPan } from '../src-shared/card.ts';
import { scanSqliteBytes } from './sqlite-value-scan.ts';

/** Card numbers published by the card brands and processors for testing. */
export const WELL_KNOWN_TEST_PANS: ReadonlySet<string> = new Set([
  '4111111111111111', '4242424242424242', '4012888888881881', '4000000000000002', '4000056655665556', '4222222222222',
  '5555555555554444', '5105105105105100', '2223003122003222',
  '378282246310005', '371449635398431',
  '6011111111111117', '6011000990139424', '3566002020360505',
]);

/** One thing that looks like card data. */
export interface CardDataFinding {
  file: string;
  /** Byte offset in the file. */
  offset: number;
  kind: 'pan' | 'track1' | 'track2';
  /** Masked: first 6 and last 4 digits at most. */
  sample: string;
}

/** What a scan found. */
export interface ScanResult {
  files: number;
  bytes: number;
  findings: CardDataFinding[];
}

// Grouped numbers must stand alone (UUID pieces like 3023-7225-4617-879f do not).
const PAN_RUN = /(?<!\d)\d{13,19}(?!\d)|(?<![0-9A-Za-z-])\d{4}([ -])\d{4}\1\d{4}\1\d{1,7}(?![0-9A-Za-z-])/g;
const TRACK1 = /%?B(\d{13,19})\^[^^\n]{0,26}\^\d{4}/g;
const TRACK2 = /(?:;(\d{13,19})=\d{4}|(?<!\d)(\d{13,19})=\d{7})/g;

/** Hex tokens (hashes) and UUIDs, whose digit runs are not card numbers. */
// UUIDs sit back to back in SQLite records and index pages, so a run may cross from one into the next.
const HEX_TOKEN = /[0-9a-fA-F-]{32,}/g;

function isTimestamp(digits: string): boolean {
  if (digits.length === 13 && digits.startsWith('1')) return true;
  return digits.length === 14 && /^20\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])([01]\d|2[0-3])[0-5]\d[0-5]\d$/.test(digits);
}

/** Scans one buffer (read as latin1, so every byte is one character and offsets are byte offsets). */
export function scanBytes(buf: Buffer, file: string, opts: { allowTestPans?: boolean } = {}): CardDataFinding[] {
  const text = buf.toString('latin1');
  const out: CardDataFinding[] = [];
  const allowed = (digits: string): boolean => opts.allowTestPans === true && WELL_KNOWN_TEST_PANS.has(digits);
  for (const m of text.matchAll(TRACK1)) {
    if (luhnValid(m[1]) && !allowed(m[1])) out.push({ file, offset: m.index, kind: 'track1', sample: maskPan(m[1]) });
  }
  for (const m of text.matchAll(TRACK2)) {
    const pan = m[1] ?? m[2];
    if (luhnValid(pan) && !allowed(pan)) out.push({ file, offset: m.index, kind: 'track2', sample: maskPan(pan) });
  }
  const hex = [...text.matchAll(HEX_TOKEN)].filter((m) => /[a-f]/i.test(m[0])).map((m) => [m.index, m.index + m[0].length] as const);
  const inHex = (at: number, end: number): boolean => hex.some(([a, b]) => at >= a && end <= b);
  for (const m of text.matchAll(PAN_RUN)) {
    const digits = m[0].replace(/[ -]/g, '');
    // Luhn and an issuer's prefix and length: a run of unrelated digits passes Luhn one time in ten.
    if (digits.length < 13 || digits.length > 19 || !luhnValid(digits) || !hasIssuerPrefix(digits) || allowed(digits)) continue;
    if (inHex(m.index, m.index + m[0].length) || isTimestamp(digits)) continue;
    // A PAN inside track data is already reported as track data.
    if (out.some((f) => f.kind !== 'pan' && m.index >= f.offset && m.index <= f.offset + 2)) continue;
    out.push({ file, offset: m.index, kind: 'pan', sample: maskPan(digits) });
  }
  return out.sort((a, b) => a.offset - b.offset);
}

/** Scans every file under the paths (folders recursively; missing paths are an error). */
export function scanPaths(paths: readonly string[], opts: { allowTestPans?: boolean } = {}): ScanResult {
  const result: ScanResult = { files: 0, bytes: 0, findings: [] };
  const visit = (p: string): void => {
    const st = fs.statSync(p);
    if (st.isDirectory()) {
      for (const name of fs.readdirSync(p).sort()) visit(path.join(p, name));
      return;
    }
    if (!st.isFile()) return;
    const buf = fs.readFileSync(p);
    result.files++;
    result.bytes += buf.length;
    // A SQLite file or WAL is scanned value by value (adjacent columns run together in raw bytes).
    result.findings.push(...(scanSqliteBytes(buf, p, opts) ?? scanBytes(buf, p, opts)));
  };
  for (const p of paths) visit(p);
  return result;
}

/** The summary line. */
export function scanSummary(r: ScanResult): string {
  return `card-data-scan: ${r.files} file${r.files === 1 ? '' : 's'}, ${r.bytes} bytes, ${r.findings.length === 0 ? 'no card data' : `${r.findings.length} finding(s)`}`;
}

function main(argv: string[]): number {
  const allowTestPans = argv.includes('--allow-test-pans');
  const paths = argv.filter((a) => !a.startsWith('--'));
  if (paths.length === 0) {
    process.stderr.write('usage: card-data-scan.ts [--allow-test-pans] PATH...\n');
    return 2;
  }
  let r: ScanResult;
  try {
    r = scanPaths(paths, { allowTestPans });
  } catch (err) {
    process.stderr.write(`card-data-scan: ${(err as Error).message}\n`);
    return 2;
  }
  for (const f of r.findings) process.stdout.write(`card-data-scan: ${f.kind} at ${f.file}:${f.offset} (${f.sample})\n`);
  process.stdout.write(`${scanSummary(r)}\n`);
  return r.findings.length === 0 ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exit(main(process.argv.slice(2)));

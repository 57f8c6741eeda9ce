// Card-data scan of a SQLite database file or its -wal, value by value.
//
// Why not just the raw bytes: a SQLite record stores its columns back to back
// with no separator, so the digits of adjacent columns run together. The
// chaos journal showed it: auth code "215595", host ref "1000000144" and the
// masked "4xxxxxxxxxxx1111" ran together into one 16-digit Luhn-valid run
// that no column holds. A real card number is stored inside ONE value, so each
// value is scanned on its own.
// Why not SQL: the WAL's older frames and the free pages keep rows a query
// never shows (updated or deleted away), and those are still card data at
// rest. So every page image is parsed here from the file format itself
// (https://www.sqlite.org/fileformat2.html: b-tree pages, cells, records),
// the live pages, the free pages (a freed page keeps its old cells) and every
// WAL frame alike: each cell's record is decoded and each value scanned alone.
// Deleted and moved cells are decoded too where they survive: whole cells in
// a page's unallocated space and on freelist trunk pages (carved only on an
// exact match of payload length, record header and body), freed cells in
// freeblocks (their serial types, with a column count the page's live rows
// have). Raw digits of adjacent columns can hide a card number as well as fake
// one (a PAN followed by an auth code is a 22-digit run, no card number).
// What cannot be decoded is still scanned as raw bytes, region by region.
// A value spilling onto overflow pages is scanned up to the end of its cell's
// local part; the overflow page itself is scanned raw.

import { scanBytes, type CardDataFinding } from './card-data-scan.ts';

const DB_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const WAL_MAGICS = new Set([0x377f0682, 0x377f0683]);
const WAL_HEADER = 32;
const WAL_FRAME_HEADER = 24;

/** Page images of a SQLite database file or WAL: where each starts and its page number; null when the bytes are neither. */
export function sqlitePages(buf: Buffer): { pageSize: number; usable: number; pages: { at: number; pageNo: number }[] } | null {
  if (buf.length >= 100 && buf.subarray(0, 16).equals(DB_MAGIC)) {
    const raw = buf.readUInt16BE(16);
    const pageSize = raw === 1 ? 65536 : raw;
    if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) return null;
    const usable = pageSize - buf[20];
    const pages = [];
    for (let at = 0, n = 1; at + pageSize <= buf.length; at += pageSize, n++) pages.push({ at, pageNo: n });
    return { pageSize, usable, pages };
  }
  if (buf.length >= WAL_HEADER && WAL_MAGICS.has(buf.readUInt32BE(0))) {
    const pageSize = buf.readUInt32BE(8);
    if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) return null;
    const pages = [];
    for (let f = WAL_HEADER; f + WAL_FRAME_HEADER + pageSize <= buf.length; f += WAL_FRAME_HEADER + pageSize) {
      pages.push({ at: f + WAL_FRAME_HEADER, pageNo: buf.readUInt32BE(f) });
    }
    // The WAL header does not carry the reserved bytes per page; SQLite's default is none.
    return { pageSize, usable: pageSize, pages };
  }
  return null;
}

/** A varint at `at` (1-9 bytes, big-endian groups of 7 bits), or null past `end`. */
function varint(buf: Buffer, at: number, end: number): { value: number; next: number } | null {
  let v = 0n;
  for (let i = 0; i < 9; i++) {
    if (at + i >= end) return null;
    const b = buf[at + i];
    if (i === 8) return { value: Number((v << 8n) | BigInt(b)), next: at + 9 };
    v = (v << 7n) | BigInt(b & 0x7f);
    if ((b & 0x80) === 0) return { value: Number(v), next: at + i + 1 };
  }
  return null;
}

const INT_SIZES: Record<number, number> = { 1: 1, 2: 2, 3: 3, 4: 4, 5: 6, 6: 8, 7: 8 };

/** Size of a value of this serial type, or -1 for a type that is not valid. */
function valueSize(type: number): number {
  if (type === 0 || type === 8 || type === 9) return 0;
  if (INT_SIZES[type] !== undefined) return INT_SIZES[type];
  if (type >= 12) return Math.floor((type - (type % 2 === 0 ? 12 : 13)) / 2);
  return -1;
}

/** Signed big-endian integer of 1-8 bytes, as decimal digits. */
function intDigits(buf: Buffer, at: number, size: number): string {
  let v = 0n;
  for (let i = 0; i < size; i++) v = (v << 8n) | BigInt(buf[at + i]);
  if (buf[at] & 0x80) v -= 1n << BigInt(size * 8);
  return v.toString();
}

/**
 * Decodes one record (payload local part [start, end)) and scans each value
 * alone; returns its column count, or null when the bytes are not a record.
 */
function scanRecord(buf: Buffer, start: number, end: number, file: string, out: CardDataFinding[], opts: { allowTestPans?: boolean }): number | null {
  const h = varint(buf, start, end);
  if (!h || h.value < 1 || start + h.value > end) return null;
  return scanValues(buf, h.next, start + h.value, start + h.value, end, file, out, opts);
}

/**
 * Scans each value of a record alone: serial types in [typesAt, typesEnd),
 * values from bodyAt, the local part ending at `end`. Returns the column
 * count, or null when a serial type is not valid.
 */
function scanValues(
  buf: Buffer,
  typesAt: number,
  typesEnd: number,
  bodyAt: number,
  end: number,
  file: string,
  out: CardDataFinding[],
  opts: { allowTestPans?: boolean },
): number | null {
  const types: number[] = [];
  for (let at = typesAt; at < typesEnd; ) {
    const t = varint(buf, at, typesEnd);
    if (!t || valueSize(t.value) < 0) return null;
    types.push(t.value);
    at = t.next;
  }
  let at = bodyAt;
  for (const type of types) {
    const size = valueSize(type);
    const stop = Math.min(at + size, end); // a value may continue on an overflow page
    if (at >= end) break;
    if (type >= 12) {
      for (const f of scanBytes(buf.subarray(at, stop), file, opts)) out.push({ ...f, offset: f.offset + at });
    } else if (type >= 1 && type <= 6 && stop - at === size) {
      // An integer column holding a card number is card data too (raw bytes never showed it as digits).
      const digits = intDigits(buf, at, size);
      for (const f of scanBytes(Buffer.from(` ${digits} `, 'latin1'), file, opts)) out.push({ ...f, offset: at });
    }
    at += size;
  }
  return types.length;
}

/** Bytes of a table/index leaf payload kept on the page (the rest is on overflow pages). */
function localPayload(payload: number, usable: number, isTable: boolean): number {
  const maxLocal = isTable ? usable - 35 : Math.floor(((usable - 12) * 64) / 255) - 23;
  if (payload <= maxLocal) return payload;
  const minLocal = Math.floor(((usable - 12) * 32) / 255) - 23;
  const k = minLocal + ((payload - minLocal) % (usable - 4));
  return k <= maxLocal ? k : minLocal;
}

/**
 * Decodes the cells of one b-tree page image; returns the byte ranges it
 * decoded (relative to the file), or null when the page is no b-tree page.
 */
function scanBtreePage(
  buf: Buffer,
  page: number,
  usable: number,
  headerAt: number,
  file: string,
  out: CardDataFinding[],
  opts: { allowTestPans?: boolean },
): [number, number][] | null {
  const kind = buf[page + headerAt];
  if (kind !== 0x0d && kind !== 0x05 && kind !== 0x0a && kind !== 0x02) return null;
  const leaf = kind === 0x0d || kind === 0x0a;
  const cells = buf.readUInt16BE(page + headerAt + 3);
  const ptrs = page + headerAt + (leaf ? 8 : 12);
  if (ptrs + 2 * cells > page + usable) return null;
  const found: CardDataFinding[] = [];
  const covered: [number, number][] = [];
  /** Column counts of the live records on this page (one table per page): how many serial types a freed cell had. */
  const columnCounts = new Set<number>();
  for (let i = 0; i < cells; i++) {
    const cell = page + buf.readUInt16BE(ptrs + 2 * i);
    if (cell < ptrs + 2 * cells || cell >= page + usable) return null;
    if (kind === 0x05) {
      const rowid = varint(buf, cell + 4, page + usable);
      if (!rowid) return null;
      covered.push([cell, rowid.next]);
      continue;
    }
    let at = kind === 0x02 ? cell + 4 : cell;
    const len = varint(buf, at, page + usable);
    if (!len) return null;
    at = len.next;
    if (kind === 0x0d) {
      const rowid = varint(buf, at, page + usable);
      if (!rowid) return null;
      at = rowid.next;
    }
    const local = localPayload(len.value, usable, kind === 0x0d);
    const end = at + local;
    if (end > page + usable) return null;
    const columns = scanRecord(buf, at, end, file, found, opts);
    if (columns === null) return null;
    columnCounts.add(columns);
    covered.push([cell, end + (local < len.value ? 4 : 0)]);
  }
  // Freeblocks: a deleted cell whose first 4 bytes became the freeblock's
  // header (next, size), so its payload length, rowid and record header size
  // are gone. Its serial types usually survive: taken when, read from some
  // point past those 4 bytes, they and their values end exactly at the
  // freeblock's end (2+ columns); otherwise the freeblock is scanned raw.
  const seen = new Set<number>();
  for (let fb = buf.readUInt16BE(page + headerAt + 1); fb !== 0 && !seen.has(fb) && fb + 4 <= usable; fb = buf.readUInt16BE(page + fb)) {
    seen.add(fb);
    const size = buf.readUInt16BE(page + fb + 2);
    const end = page + fb + size;
    if (size < 4 || end > page + usable) break;
    for (let types = page + fb + 4; types < Math.min(end, page + fb + 13); types++) {
      const cell = typesEnd(buf, types, end, columnCounts);
      if (cell === null) continue;
      scanValues(buf, types, cell.bodyAt, cell.bodyAt, cell.end, file, found, opts);
      // Past the cell (a freeblock can be larger than the cell it freed): raw.
      covered.push([page + fb, cell.end]);
      break;
    }
  }
  out.push(...found);
  // The page header and cell pointer array hold no values.
  covered.push([page + headerAt, ptrs + 2 * cells]);
  return covered;
}

/**
 * Scans a region no live cell holds. A table-leaf cell moved or deleted there
 * often survives whole: a payload length, a rowid, then a record whose header
 * and body add up to exactly that length. Only such an exact match is taken
 * as a cell (its values scanned alone); every other byte is scanned raw, so a
 * guess can only narrow the raw scan where a whole record really stands.
 */
function carve(
  buf: Buffer,
  from: number,
  to: number,
  file: string,
  out: CardDataFinding[],
  opts: { allowTestPans?: boolean },
  raw: (a: number, b: number) => void,
): void {
  let rawFrom = from;
  for (let at = from; at < to; ) {
    const end = wholeCellEnd(buf, at, to);
    if (end === null) {
      at++;
      continue;
    }
    raw(rawFrom, at);
    const len = varint(buf, at, to)!;
    const rowid = varint(buf, len.next, to)!;
    scanRecord(buf, rowid.next, end, file, out, opts);
    at = end;
    rawFrom = end;
  }
  raw(rawFrom, to);
}

/**
 * A freed cell's serial types read from `typesAt`: where its body starts and
 * ends. Its column count must be one the page's live records have (the header
 * size that said where the types end is gone), or, on a page without live
 * records, its values must end exactly at the freeblock's end.
 */
function typesEnd(buf: Buffer, typesAt: number, end: number, columnCounts: ReadonlySet<number>): { bodyAt: number; end: number } | null {
  let body = 0;
  let columns = 0;
  for (let p = typesAt; p < end; ) {
    const t = varint(buf, p, end);
    if (!t) return null;
    const size = valueSize(t.value);
    if (size < 0) return null;
    body += size;
    columns++;
    p = t.next;
    if (p + body > end) return null;
    if (columnCounts.size > 0 ? columnCounts.has(columns) : columns >= 2 && p + body === end) return { bodyAt: p, end: p + body };
  }
  return null;
}

/** End of a whole table-leaf cell starting at `at` (payload length = record header + body, 2+ columns), or null. */
function wholeCellEnd(buf: Buffer, at: number, to: number): number | null {
  const len = varint(buf, at, to);
  if (!len || len.value < 3) return null;
  const rowid = varint(buf, len.next, to);
  if (!rowid) return null;
  const start = rowid.next;
  if (start + len.value > to) return null;
  const h = varint(buf, start, to);
  if (!h || h.value < 3 || h.value > len.value) return null;
  let body = 0;
  let columns = 0;
  for (let p = h.next; p < start + h.value; ) {
    const t = varint(buf, p, start + h.value);
    if (!t) return null;
    const size = valueSize(t.value);
    if (size < 0) return null;
    body += size;
    columns++;
    p = t.next;
  }
  return columns >= 2 && h.value + body === len.value ? start + len.value : null;
}

/** Scans a SQLite database file or WAL value by value (see file comment); null when the bytes are neither. */
export function scanSqliteBytes(buf: Buffer, file: string, opts: { allowTestPans?: boolean } = {}): CardDataFinding[] | null {
  const layout = sqlitePages(buf);
  if (!layout) return null;
  const out: CardDataFinding[] = [];
  const raw = (from: number, to: number): void => {
    if (to <= from) return;
    for (const f of scanBytes(buf.subarray(from, to), file, opts)) out.push({ ...f, offset: f.offset + from });
  };
  // Bytes outside every page image (the WAL header, frame headers): raw.
  let last = 0;
  for (const { at, pageNo } of layout.pages) {
    raw(last, at);
    last = at + layout.pageSize;
    // Page 1 starts with the 100-byte database header, scanned raw.
    const headerAt = pageNo === 1 ? 100 : 0;
    const covered = scanBtreePage(buf, at, layout.usable, headerAt, file, out, opts);
    if (!covered) {
      // Not a b-tree page: a freelist trunk page keeps the cells of the page it
      // was (only its first bytes list free pages), an overflow page holds the
      // tail of a long value. Whole cells are carved out, the rest is raw.
      carve(buf, at, at + layout.pageSize, file, out, opts, raw);
      continue;
    }
    // Whatever no live cell holds (unallocated space, freeblocks, reserved bytes): old cells are carved
    // out of it where they are still whole, the rest is scanned raw, region by region.
    let from = at;
    const gap = (a: number, b: number): void => (pageNo === 1 && a === at ? raw(a, b) : carve(buf, a, b, file, out, opts, raw));
    for (const [a, b] of covered.sort((x, y) => x[0] - y[0])) {
      gap(from, a);
      from = Math.max(from, b);
    }
    gap(from, at + layout.pageSize);
  }
  raw(last, buf.length);
  return out.sort((a, b) => a.offset - b.offset);
}

// Reads an ESC/POS byte stream far enough to know what a printer would do:
// text, line feeds, cuts and real-time status requests. Commands it does not
// print (styles, code pages, images, barcodes) are skipped by their length so
// their parameter bytes are never mistaken for text. Chunks may split a
// command anywhere; the parser waits for the rest.

/** Something the printer was asked to do. */
export type EscPosEvent =
  | { type: 'text'; text: string }
  | { type: 'newline' }
  | { type: 'cut' }
  | { type: 'init' }
  | { type: 'status_request'; n: number };

const ESC = 0x1b;
const GS = 0x1d;
const FS = 0x1c;
const DLE = 0x10;
const LF = 0x0a;

// cp437 line-drawing characters the encoder uses for rules and tables.
const CP437: Record<number, string> = { 0xc4: '-', 0xcd: '=', 0xb3: '|', 0xba: '|' };

// Number of parameter bytes after ESC c, for fixed-length commands.
const ESC_PARAMS: Record<string, number> = {
  '@': 0, '2': 0, 'S': 0, '<': 0,
  'E': 1, 'M': 1, 't': 1, 'a': 1, '-': 1, 'G': 1, '!': 1, 'd': 1, 'J': 1, '3': 1, '{': 1, 'V': 1, 'R': 1, ' ': 1, '4': 1, 'r': 1, 'U': 1, 'e': 1,
  '$': 2, '\\': 2, 'c': 2,
  'p': 3,
};
const GS_PARAMS: Record<string, number> = { '!': 1, 'B': 1, 'h': 1, 'w': 1, 'H': 1, 'f': 1, 'b': 1, 'a': 1, 'r': 1, 'I': 1, 'L': 2, 'W': 2, 'P': 2 };
const FS_PARAMS: Record<string, number> = { '.': 0, '&': 0, 'C': 1, 'p': 2 };

/** Incremental ESC/POS parser. */
export class EscPosStreamParser {
  private pending = Buffer.alloc(0);

  /** Feeds bytes; returns the events completed by them. */
  push(chunk: Uint8Array): EscPosEvent[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : Buffer.from(chunk);
    const events: EscPosEvent[] = [];
    let i = 0;
    let text = '';
    const flush = () => {
      if (text) events.push({ type: 'text', text });
      text = '';
    };
    while (i < this.pending.length) {
      const b = this.pending[i];
      if (b >= 0x20 && b !== 0x7f) {
        text += b < 0x80 ? String.fromCharCode(b) : (CP437[b] ?? '?');
        i++;
        continue;
      }
      const size = this.commandSize(i);
      if (size === 0) break; // incomplete: wait for more bytes
      flush();
      const event = this.eventAt(i, size);
      if (event) events.push(event);
      i += size;
    }
    flush();
    this.pending = this.pending.subarray(i);
    return events;
  }

  // Total bytes of the control sequence at i, or 0 when more bytes are needed.
  private commandSize(i: number): number {
    const p = this.pending;
    const avail = p.length - i;
    const need = (n: number) => (avail >= n ? n : 0);
    const u16 = (at: number) => p[i + at] + p[i + at + 1] * 256;
    switch (p[i]) {
      case ESC: {
        if (avail < 2) return 0;
        const c = String.fromCharCode(p[i + 1]);
        if (c === '*') {
          if (avail < 5) return 0;
          const m = p[i + 2];
          return need(5 + u16(3) * (m === 0 || m === 1 ? 1 : 3));
        }
        if (c === 'D') {
          const end = p.indexOf(0, i + 2);
          return end < 0 ? 0 : end - i + 1;
        }
        return need(2 + (ESC_PARAMS[c] ?? 1));
      }
      case GS: {
        if (avail < 2) return 0;
        const c = String.fromCharCode(p[i + 1]);
        if (c === 'V') {
          if (avail < 3) return 0;
          return need([65, 66, 97, 98, 103, 104].includes(p[i + 2]) ? 4 : 3);
        }
        if (c === '(') return avail < 5 ? 0 : need(5 + u16(3));
        if (c === 'k') {
          if (avail < 3) return 0;
          const m = p[i + 2];
          if (m <= 6) {
            const end = p.indexOf(0, i + 3);
            return end < 0 ? 0 : end - i + 1;
          }
          return avail < 4 ? 0 : need(4 + p[i + 3]);
        }
        if (c === 'v') return avail < 8 ? 0 : need(8 + u16(4) * u16(6));
        return need(2 + (GS_PARAMS[c] ?? 1));
      }
      case FS:
        if (avail < 2) return 0;
        return need(2 + (FS_PARAMS[String.fromCharCode(p[i + 1])] ?? 0));
      case DLE:
        if (avail < 2) return 0;
        if (p[i + 1] === 0x14) return need(5);
        return need(3);
      default:
        return 1;
    }
  }

  private eventAt(i: number, size: number): EscPosEvent | null {
    const p = this.pending;
    const b = p[i];
    if (b === LF) return { type: 'newline' };
    if (b === ESC && p[i + 1] === 0x40) return { type: 'init' };
    if (b === GS && p[i + 1] === 0x56) return { type: 'cut' };
    if (b === DLE && p[i + 1] === 0x04 && size === 3) return { type: 'status_request', n: p[i + 2] };
    return null;
  }
}

/** The text lines a byte stream prints, for previews and tests. */
export function printedLines(bytes: Uint8Array): string[] {
  const lines: string[] = [];
  let line = '';
  for (const e of new EscPosStreamParser().push(bytes)) {
    if (e.type === 'text') line += e.text;
    else if (e.type === 'newline') {
      lines.push(line.trimEnd());
      line = '';
    }
  }
  if (line) lines.push(line.trimEnd());
  return lines;
}

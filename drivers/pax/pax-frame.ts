// PAX POSLink framing: STX body ETX LRC, fields separated by FS, subfields by US
// (protocols.md, PAX section). Pure byte work, shared by the driver and the
// simulator; it knows nothing of commands.

/** Start of a frame. */
export const STX = 0x02;
/** End of a frame; the LRC byte follows. */
export const ETX = 0x03;
/** Terminal refused the message (also the answer to a cancelled command). */
export const EOT = 0x04;
/** Frame received with a good LRC. */
export const ACK = 0x06;
/** Frame received damaged: please resend. */
export const NAK = 0x15;
/** Between fields. */
export const FS = 0x1c;
/** Between subfields inside a field. */
export const US = 0x1f;

/** Largest frame accepted or produced, STX to LRC inclusive. Bounds the decoder's memory. */
export const MAX_FRAME_BYTES = 8192;

/** A field to encode: a plain value, or subfields joined by US. */
export type Field = string | string[];

/** Why a frame was refused. */
export type PaxFrameErrorCode = 'bad_lrc' | 'too_long' | 'malformed' | 'truncated';

/** A frame that could not be encoded or decoded; never carries frame contents (they may hold card data). */
export class PaxFrameError extends Error {
  override readonly name = 'PaxFrameError';
  readonly code: PaxFrameErrorCode;
  constructor(code: PaxFrameErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** One thing read off the link. */
export type DecodedItem =
  | { type: 'frame'; fields: string[][] }
  | { type: 'ack' }
  | { type: 'nak' }
  | { type: 'eot' }
  | { type: 'error'; error: PaxFrameError };

/** XOR of the given bytes (the caller passes everything after STX up to and including ETX). */
export function lrc(bytes: Uint8Array): number {
  let x = 0;
  for (let i = 0; i < bytes.length; i++) x ^= bytes[i];
  return x;
}

function trimTrailingEmpty(sub: string[]): string[] {
  let end = sub.length;
  while (end > 0 && sub[end - 1] === '') end--;
  return sub.slice(0, end);
}

/**
 * Encodes fields into one frame. Throws PaxFrameError 'malformed' when a value
 * holds a control byte or a non-Latin-1 character (it would break the framing),
 * 'too_long' above MAX_FRAME_BYTES.
 */
export function encodeFrame(fields: Field[]): Buffer {
  // Every frame of a sale goes through here on both sides: one string built and
  // checked by char code, written once into the frame (no regex per value, no
  // intermediate buffer).
  let body = '';
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i];
    if (i > 0) body += '\x1c';
    if (typeof f === 'string') {
      checkValue(f);
      body += f;
    } else {
      for (const v of f) checkValue(v);
      body += trimTrailingEmpty(f).join('\x1f');
    }
  }
  // Every character is Latin-1 (checked), so one byte each.
  const total = body.length + 3;
  if (total > MAX_FRAME_BYTES) {
    throw new PaxFrameError('too_long', `PAX frame of ${total} bytes is longer than the ${MAX_FRAME_BYTES}-byte limit`);
  }
  const out = Buffer.allocUnsafe(total);
  out[0] = STX;
  out.write(body, 1, 'latin1');
  out[total - 2] = ETX;
  let x = 0;
  for (let i = 1; i < total - 1; i++) x ^= out[i];
  out[total - 1] = x;
  return out;
}

/** Throws 'malformed' for a control byte (00-1F, 7F) or a character outside Latin-1: it would break the framing. */
function checkValue(value: string): void {
  const v = typeof value === 'string' ? value : String(value);
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || c > 0xff) {
      throw new PaxFrameError('malformed', 'A PAX field holds a control byte or a character outside Latin-1; refusing to send it');
    }
  }
}

/** Splits a frame body (between STX and ETX) into fields and subfields. */
export function splitBody(body: Buffer): string[][] {
  return body
    .toString('latin1')
    .split('\x1c')
    .map((f) => f.split('\x1f'));
}

// Separator offsets of the frame being split, reused from frame to frame so the
// hot path allocates only the strings and arrays it returns. A US offset is
// stored as is, an FS offset as its bitwise complement (always negative).
const seps = new Int32Array(MAX_FRAME_BYTES);

/**
 * Fields of the body bytes[start, end) whose `count` separators sit at
 * seps[0..count): one latin1 decode of the whole body, then a substring per
 * subfield. Same result as splitBody on those bytes.
 */
function fieldsFromSeparators(bytes: Buffer, start: number, end: number, count: number): string[][] {
  const text = bytes.toString('latin1', start, end);
  const fields: string[][] = [];
  let sub: string[] = [];
  let from = 0;
  for (let k = 0; k < count; k++) {
    const m = seps[k];
    const at = m < 0 ? ~m : m;
    sub.push(at === from ? '' : text.slice(from, at));
    from = at + 1;
    if (m < 0) {
      fields.push(sub);
      sub = [];
    }
  }
  sub.push(from === text.length ? '' : text.slice(from));
  fields.push(sub);
  return fields;
}

function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/** Decodes exactly one whole frame (STX … ETX LRC); throws PaxFrameError otherwise. */
export function decodeFrame(frame: Buffer): string[][] {
  const items = new FrameDecoder().push(frame);
  const first = items[0];
  if (items.length !== 1 || first === undefined) {
    throw new PaxFrameError('malformed', 'Expected exactly one PAX frame');
  }
  if (first.type === 'error') throw first.error;
  if (first.type !== 'frame') throw new PaxFrameError('malformed', `Expected a PAX frame, got ${first.type.toUpperCase()}`);
  return first.fields;
}

type DecoderState = 'idle' | 'body' | 'lrc' | 'discard';

/**
 * Stream decoder: feed it whatever the link delivered, get back whole frames and
 * control bytes. Frames may be split across reads or packed several to a read.
 * Bytes outside a frame other than ACK/NAK/EOT are skipped. A bad LRC, an
 * oversized frame or a frame cut short by a new STX yields an error item, and
 * decoding resumes at the next STX. Never throws; holds at most MAX_FRAME_BYTES.
 */
export class FrameDecoder {
  // Only a frame split across chunks is copied here; the fast path never is, so
  // the 8 KB are taken on first need (a TCP exchange, one connection per
  // request, usually never needs them).
  private buf: Buffer = Buffer.alloc(0);
  private len = 0;
  private state: DecoderState = 'idle';

  /** Bytes currently held for an incomplete frame. */
  get bufferedBytes(): number {
    return this.len;
  }

  /** Forgets any partial frame (e.g. after the link was reset). */
  reset(): void {
    this.len = 0;
    this.state = 'idle';
  }

  /** Consumes a chunk; returns everything it completed. */
  push(chunk: Uint8Array): DecodedItem[] {
    const out: DecodedItem[] = [];
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      switch (this.state) {
        case 'idle':
          if (b === STX) {
            const next = this.wholeFrame(chunk, i, out);
            if (next === -1) this.startFrame();
            else i = next - 1;
          } else if (b === ACK) out.push({ type: 'ack' });
          else if (b === NAK) out.push({ type: 'nak' });
          else if (b === EOT) out.push({ type: 'eot' });
          break;
        case 'discard':
          if (b === STX) {
            const next = this.wholeFrame(chunk, i, out);
            if (next === -1) this.startFrame();
            else i = next - 1;
          }
          break;
        case 'body': {
          // Bulk path: copy up to the next ETX in one go instead of byte by byte.
          const etx = chunk.indexOf(ETX, i);
          const end = etx === -1 ? chunk.length : etx + 1;
          const stx = chunk.indexOf(STX, i);
          if (stx !== -1 && stx < end) {
            // A new frame began before this one ended: the sender restarted (or the
            // link reset mid-frame). Report the loss and follow the new frame.
            out.push({ type: 'error', error: new PaxFrameError('truncated', 'PAX frame cut short by the start of another frame') });
            this.startFrame();
            i = stx;
            break;
          }
          // Stored bytes are STX..ETX; the LRC byte makes MAX_FRAME_BYTES.
          if (this.len + (end - i) > MAX_FRAME_BYTES - 1) {
            out.push({ type: 'error', error: new PaxFrameError('too_long', `PAX frame longer than ${MAX_FRAME_BYTES} bytes; skipped`) });
            this.len = 0;
            this.state = 'discard';
            // No STX before `end`, so nothing up to there can start a frame.
            i = end - 1;
            break;
          }
          const bytes = chunk.subarray(i, end);
          this.buf.set(bytes, this.len);
          this.len += bytes.length;
          if (etx !== -1) this.state = 'lrc';
          i = end - 1;
          break;
        }
        case 'lrc':
          out.push(this.finishFrame(b));
          this.len = 0;
          this.state = 'idle';
          break;
      }
    }
    return out;
  }

  /**
   * Fast path for the common case, a whole frame inside one chunk starting at
   * `stx`: one pass over the bytes computes the LRC and notes the separators,
   * without copying into the buffer. Pushes the frame (or its bad_lrc error)
   * and returns the offset after its LRC byte; returns -1, having pushed
   * nothing, when the frame is cut short, too long or not complete in this
   * chunk, so that the byte-by-byte path handles it exactly as before.
   */
  private wholeFrame(chunk: Uint8Array, stx: number, out: DecodedItem[]): number {
    // Stored bytes are STX..ETX, at most MAX_FRAME_BYTES - 1 of them.
    const limit = Math.min(chunk.length - 1, stx + MAX_FRAME_BYTES - 1);
    let x = 0;
    let count = 0;
    for (let j = stx + 1; j < limit; j++) {
      const c = chunk[j];
      // Every byte that matters here is a control byte: one test on the hot path.
      if (c <= US) {
        if (c === FS) seps[count++] = ~(j - stx - 1);
        else if (c === US) seps[count++] = j - stx - 1;
        else if (c === ETX) {
          x ^= ETX;
          if (x !== chunk[j + 1]) {
            out.push({ type: 'error', error: new PaxFrameError('bad_lrc', 'PAX frame failed its LRC check') });
          } else {
            out.push({ type: 'frame', fields: fieldsFromSeparators(asBuffer(chunk), stx + 1, j, count) });
          }
          this.len = 0;
          this.state = 'idle';
          return j + 2;
        } else if (c === STX) return -1;
      }
      x ^= c;
    }
    return -1;
  }

  private startFrame(): void {
    if (this.buf.length === 0) this.buf = Buffer.allocUnsafe(MAX_FRAME_BYTES);
    this.buf[0] = STX;
    this.len = 1;
    this.state = 'body';
  }

  private finishFrame(check: number): DecodedItem {
    const afterStx = this.buf.subarray(1, this.len);
    if (lrc(afterStx) !== check) {
      return { type: 'error', error: new PaxFrameError('bad_lrc', 'PAX frame failed its LRC check') };
    }
    return { type: 'frame', fields: splitBody(this.buf.subarray(1, this.len - 1)) };
  }
}

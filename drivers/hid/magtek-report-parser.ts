// Decodes the input report of a MagTek-style unencrypted magnetic-stripe reader
// (protocols.md, "HID magnetic-stripe readers"). Every read is bounds-checked:
// a short, oversized or lying report is a MagtekReportError, never an
// out-of-range read. Error messages and details never carry track bytes.

import { AppError } from '../../src-shared/errors.ts';

/** Length of the report without the leading report-id byte. */
export const MAGTEK_REPORT_LENGTH = 337;
/** Size of each of the three track buffers inside the report. */
export const TRACK_BUFFER_LENGTH = 110;

const DECODE_STATUS_OFFSET = 0;
const TRACK_LENGTH_OFFSET = 3;
const ENCODING_OFFSET = 6;
const TRACK_DATA_OFFSET = 7;

/** Card encoding byte (offset 6), as named by the reader. */
export type CardEncoding = 'iso_aba' | 'aamva' | 'blank' | 'other';

/** Why a report could not be decoded. */
export type MagtekReportProblem = 'short_report' | 'oversized_report' | 'length_out_of_range' | 'bad_track_data';

/** A report that cannot be decoded; carries no card data. */
export class MagtekReportError extends AppError {
  /** Machine-readable cause. */
  readonly problem: MagtekReportProblem;
  constructor(problem: MagtekReportProblem, message: string, details: Record<string, number>) {
    super('device_error', message, { problem, ...details });
    this.problem = problem;
  }
}

/** One track as read. `data` is empty when the track is absent or failed to decode. */
export interface MagtekTrack {
  /** Reader's decode status for this track; 0 means read cleanly. */
  decodeStatus: number;
  /** True when the track decoded cleanly and holds data. */
  ok: boolean;
  /** Track characters including sentinels, cut to the reported length. */
  data: string;
}

/** A decoded report. */
export interface MagtekReport {
  /** Tracks 1, 2 and 3. */
  tracks: [MagtekTrack, MagtekTrack, MagtekTrack];
  /** Card encoding as reported. */
  encoding: CardEncoding;
  /** Raw encoding byte, kept for support. */
  encodingCode: number;
}

const ENCODINGS: Record<number, CardEncoding> = { 0: 'iso_aba', 1: 'aamva', 3: 'blank' };

/**
 * Decodes a report. A report of MAGTEK_REPORT_LENGTH + 1 bytes is taken to
 * start with the report-id byte node-hid prepends on some platforms.
 */
export function parseMagtekReport(report: Uint8Array): MagtekReport {
  const body = stripReportId(report);
  const tracks = [0, 1, 2].map((i) => readTrack(body, i)) as [MagtekTrack, MagtekTrack, MagtekTrack];
  const encodingCode = body[ENCODING_OFFSET];
  return { tracks, encoding: ENCODINGS[encodingCode] ?? 'other', encodingCode };
}

function stripReportId(report: Uint8Array): Uint8Array {
  if (report.length === MAGTEK_REPORT_LENGTH) return report;
  if (report.length === MAGTEK_REPORT_LENGTH + 1) return report.subarray(1);
  if (report.length < MAGTEK_REPORT_LENGTH) {
    throw new MagtekReportError(
      'short_report',
      `The card reader sent a short report (${report.length} of ${MAGTEK_REPORT_LENGTH} bytes). Swipe the card again; if it keeps happening, check the reader model in settings.`,
      { length: report.length, expected: MAGTEK_REPORT_LENGTH },
    );
  }
  throw new MagtekReportError(
    'oversized_report',
    `The card reader sent a report of ${report.length} bytes, longer than the ${MAGTEK_REPORT_LENGTH} expected. Check the reader model in settings.`,
    { length: report.length, expected: MAGTEK_REPORT_LENGTH },
  );
}

function readTrack(body: Uint8Array, index: number): MagtekTrack {
  const decodeStatus = body[DECODE_STATUS_OFFSET + index];
  const length = body[TRACK_LENGTH_OFFSET + index];
  if (length > TRACK_BUFFER_LENGTH) {
    throw new MagtekReportError(
      'length_out_of_range',
      `The card reader reported track ${index + 1} as ${length} bytes, more than its ${TRACK_BUFFER_LENGTH}-byte buffer. Swipe the card again.`,
      { track: index + 1, length, max: TRACK_BUFFER_LENGTH },
    );
  }
  // A track that failed to decode is dropped: partial data is worse than none.
  if (decodeStatus !== 0 || length === 0) return { decodeStatus, ok: false, data: '' };
  const start = TRACK_DATA_OFFSET + index * TRACK_BUFFER_LENGTH;
  const bytes = body.subarray(start, start + length);
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] < 0x20 || bytes[i] > 0x7e) {
      throw new MagtekReportError(
        'bad_track_data',
        `Track ${index + 1} holds bytes that are not card characters. Swipe the card again.`,
        { track: index + 1, position: i },
      );
    }
  }
  return { decodeStatus, ok: true, data: String.fromCharCode(...bytes) };
}

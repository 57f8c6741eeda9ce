// Builds MagTek-style input reports from track text, for tests and the
// training-mode reader. Only well-known test card numbers belong in its input.

import { MAGTEK_REPORT_LENGTH, TRACK_BUFFER_LENGTH } from './magtek-report-parser.ts';

/** What to put in a built report. */
export interface ReportSpec {
  /** Track 1, 2 and 3 text; missing tracks are left empty. */
  tracks: [string?, string?, string?];
  /** Decode status per track (0 = ok). */
  decodeStatus?: [number, number, number];
  /** Override the length bytes, e.g. to build a lying report. */
  lengths?: [number, number, number];
  /** Encoding byte; 0 (ISO/ABA) by default. */
  encoding?: number;
  /** Prepend this report-id byte, as node-hid does on some platforms. */
  reportId?: number;
}

/** A report of MAGTEK_REPORT_LENGTH bytes (plus the report id when asked). */
export function buildMagtekReport(spec: ReportSpec): Buffer {
  const body = Buffer.alloc(MAGTEK_REPORT_LENGTH);
  for (let i = 0; i < 3; i++) {
    const text = spec.tracks[i] ?? '';
    const bytes = Buffer.from(text, 'latin1').subarray(0, TRACK_BUFFER_LENGTH);
    body[i] = spec.decodeStatus?.[i] ?? 0;
    body[3 + i] = spec.lengths?.[i] ?? bytes.length;
    bytes.copy(body, 7 + i * TRACK_BUFFER_LENGTH);
  }
  body[6] = spec.encoding ?? 0;
  return spec.reportId === undefined ? body : Buffer.concat([Buffer.from([spec.reportId]), body]);
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MagtekReportError, parseMagtekReport, MAGTEK_REPORT_LENGTH } from './magtek-report-parser.ts';
import { buildMagtekReport } from './magtek-report-builder.ts';

const T1 = '%B4111111111111111^DOE/JOHN^2812101000000001?';
const T2 = ';4111111111111111=2812101000000001?';

function problemOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof MagtekReportError, 'expected a MagtekReportError');
    assert.equal(err.code, 'device_error');
    assert.ok(!/4111/.test(err.message + JSON.stringify(err.details)), 'error must not carry track data');
    return err.problem;
  }
  assert.fail('expected an error');
}

test('decodes tracks, lengths and encoding of a 337-byte report', () => {
  const r = parseMagtekReport(buildMagtekReport({ tracks: [T1, T2, ''], encoding: 0 }));
  assert.equal(r.tracks[0].data, T1);
  assert.equal(r.tracks[1].data, T2);
  assert.deepEqual(r.tracks[2], { decodeStatus: 0, ok: false, data: '' });
  assert.equal(r.encoding, 'iso_aba');
});

test('accepts a leading report-id byte', () => {
  const r = parseMagtekReport(buildMagtekReport({ tracks: ['', ';770112345?'], reportId: 1 }));
  assert.equal(r.tracks[1].data, ';770112345?');
  assert.equal(r.tracks[0].ok, false);
});

test('names encodings, unknown ones as other', () => {
  assert.equal(parseMagtekReport(buildMagtekReport({ tracks: [], encoding: 1 })).encoding, 'aamva');
  assert.equal(parseMagtekReport(buildMagtekReport({ tracks: [], encoding: 3 })).encoding, 'blank');
  const other = parseMagtekReport(buildMagtekReport({ tracks: [], encoding: 7 }));
  assert.equal(other.encoding, 'other');
  assert.equal(other.encodingCode, 7);
});

test('a track with a non-zero decode status is dropped, others kept', () => {
  const r = parseMagtekReport(buildMagtekReport({ tracks: [T1, ';770112345?'], decodeStatus: [2, 0, 0] }));
  assert.deepEqual(r.tracks[0], { decodeStatus: 2, ok: false, data: '' });
  assert.equal(r.tracks[1].data, ';770112345?');
});

test('short, empty and oversized reports are typed errors', () => {
  assert.equal(problemOf(() => parseMagtekReport(Buffer.alloc(0))), 'short_report');
  assert.equal(problemOf(() => parseMagtekReport(buildMagtekReport({ tracks: [T1, T2] }).subarray(0, 100))), 'short_report');
  assert.equal(problemOf(() => parseMagtekReport(Buffer.alloc(MAGTEK_REPORT_LENGTH + 2))), 'oversized_report');
});

test('a length byte beyond the track buffer is a typed error, not an over-read', () => {
  assert.equal(problemOf(() => parseMagtekReport(buildMagtekReport({ tracks: ['', '', ''], lengths: [0, 0, 200] }))), 'length_out_of_range');
  assert.equal(problemOf(() => parseMagtekReport(buildMagtekReport({ tracks: [T1], lengths: [111, 0, 0] }))), 'length_out_of_range');
});

test('a length that points into zero padding is bad track data', () => {
  assert.equal(problemOf(() => parseMagtekReport(buildMagtekReport({ tracks: ['', T2], lengths: [0, T2.length + 5, 0] }))), 'bad_track_data');
});

test('non-printable bytes in a track are bad track data', () => {
  const report = buildMagtekReport({ tracks: [T1] });
  report[7 + 3] = 0x07;
  assert.equal(problemOf(() => parseMagtekReport(report)), 'bad_track_data');
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  brandOfCardType,
  canonicalFields,
  decodeForm,
  encodeForm,
  formatGatewayDate,
  gatewayEndpoints,
  isDuplicateText,
  parseGatewayDate,
} from './cardknox-protocol.ts';

test('gateway dates round-trip to the millisecond and refuse impossible dates', () => {
  const t = Date.UTC(2025, 1, 28, 23, 59, 59, 7);
  assert.equal(formatGatewayDate(t), '2025-02-28 23:59:59.007');
  assert.equal(parseGatewayDate('2025-02-28 23:59:59.007'), t);
  assert.equal(parseGatewayDate('2025-02-28 23:59:59'), t - 7);
  assert.equal(parseGatewayDate('2025-02-31 00:00:00.000'), null);
  assert.equal(parseGatewayDate('02/31/2025'), null);
  assert.equal(parseGatewayDate('13/01/2025'), null);
  assert.equal(parseGatewayDate('2025-02-28 24:00:00'), null);
  assert.equal(parseGatewayDate('yesterday'), null);
  assert.throws(() => formatGatewayDate(Number.NaN), /valid time/);
});

test('issue 7 item 11: a date alone, MM/DD/YYYY, times with or without milliseconds, all UTC', () => {
  const day = Date.UTC(2026, 10, 30);
  assert.equal(parseGatewayDate('2026-11-30'), day);
  assert.equal(parseGatewayDate('2026-11-30', { endOfDay: true }), day + 86_400_000 - 1);
  assert.equal(parseGatewayDate('11/30/2026'), day);
  assert.equal(parseGatewayDate('11/30/2026', { endOfDay: true }), day + 86_400_000 - 1);
  // A time given is taken as given, even for the end of a window.
  assert.equal(parseGatewayDate('2026-11-30 13:05:09', { endOfDay: true }), day + 13 * 3_600_000 + 5 * 60_000 + 9_000);
  assert.equal(parseGatewayDate('2026-11-30 13:05:09.120'), day + 13 * 3_600_000 + 5 * 60_000 + 9_120);
  assert.equal(parseGatewayDate('2026-11-30T13:05:09.12Z'), day + 13 * 3_600_000 + 5 * 60_000 + 9_120);
  assert.equal(parseGatewayDate('11/30/2026 13:05:09'), day + 13 * 3_600_000 + 5 * 60_000 + 9_000);
  // Real report rows (Moshe844/Cardknox-reporting-api test.txt): M/D/YYYY h:mm:ss AM|PM.
  assert.equal(parseGatewayDate('1/2/2023 10:49:06 AM'), Date.UTC(2023, 0, 2, 10, 49, 6));
  assert.equal(parseGatewayDate('1/2/2023 3:07:33 PM'), Date.UTC(2023, 0, 2, 15, 7, 33));
  assert.equal(parseGatewayDate('1/3/2023 12:16:57 PM'), Date.UTC(2023, 0, 3, 12, 16, 57));
  assert.equal(parseGatewayDate('1/3/2023 12:16:57 AM'), Date.UTC(2023, 0, 3, 0, 16, 57));
  assert.equal(parseGatewayDate('1/3/2023 13:16:57 PM'), null);
});

test('endpoints come from the base address; an old full /gateway URL gives the same base', () => {
  const expected = {
    base: 'https://x1.cardknox.com/',
    gateway: 'https://x1.cardknox.com/gateway',
    gatewayJson: 'https://x1.cardknox.com/gatewayjson',
    report: 'https://x1.cardknox.com/reportjson',
  };
  for (const url of ['https://x1.cardknox.com', 'https://x1.cardknox.com/', 'https://x1.cardknox.com/gateway', 'https://x1.cardknox.com/gatewayjson/', ' https://x1.cardknox.com/reportjson ', 'https://x1.cardknox.com/Gateway?x=1']) {
    assert.deepEqual(gatewayEndpoints(url), expected, url);
  }
  assert.equal(gatewayEndpoints('http://127.0.0.1:8080/proxy/gateway').report, 'http://127.0.0.1:8080/proxy/reportjson');
  assert.equal(gatewayEndpoints('http://127.0.0.1:8080/proxy').gateway, 'http://127.0.0.1:8080/proxy/gateway');
  assert.throws(() => gatewayEndpoints('x1.cardknox.com'), /not a URL/);
  assert.throws(() => gatewayEndpoints('ftp://x1.cardknox.com/'), /http/);
});

test('field names are read case-insensitively; JSON scalars become strings', () => {
  assert.deepEqual(canonicalFields({ xkey: 'k', XVERSION: '5.0.0', xMaskedCardnumber: '4xxxxxxxxxxx2224', xAllowDuplicate: true, xAmount: 1.5, xOther: 'kept' }), {
    xKey: 'k',
    xVersion: '5.0.0',
    xMaskedCardNumber: '4xxxxxxxxxxx2224',
    xAllowDuplicate: 'true',
    xAmount: '1.5',
    xOther: 'kept',
  });
});

test('duplicate text, card types and form encoding', () => {
  assert.ok(isDuplicateText('Duplicate Transaction'));
  assert.ok(isDuplicateText('DUPLICATE TRANSACTION (refnum 1)'));
  assert.ok(!isDuplicateText('Declined'));
  assert.equal(brandOfCardType('mastercard'), 'mastercard');
  assert.equal(brandOfCardType('Maestro'), 'other');
  const fields = { xAmount: '12.50', xInvoice: 'a&b=c d' };
  assert.deepEqual(decodeForm(encodeForm(fields)), fields);
});

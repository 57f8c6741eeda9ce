// The wire pieces of purser card registration (pax-protocol-choices.ts items
// 24-26): the token and signature requests in a T00, expiry in the account
// field, SIGNSTATUS, and the B08/B09 store-and-forward upload.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFrame, encodeFrame } from './pax-frame.ts';
import {
  PaxMessageError,
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  expiryFromMmyy,
  expiryToMmyy,
  isExpiry,
  signatureOutcome,
  type PaxCreditRequest,
  type PaxCreditResponse,
  type PaxResponse,
} from './pax-messages.ts';

const wire = (fields: ReturnType<typeof encodeRequest>): string[][] => decodeFrame(encodeFrame(fields));

test('an AUTH registering a card carries TOKENREQUEST=1 and SIGN=1 in additional info (field 11) and decodes back', () => {
  const req: PaxCreditRequest = {
    command: 'T00', version: '1.28', transType: 'auth', amount: 10000, ecrRef: 'REG1', invoice: 'REG1',
    allowDuplicate: false, timestamp: '20260102030405', tokenRequest: true, signatureRequest: true,
  };
  const f = encodeRequest(req);
  assert.equal(f[2], '03', 'transaction type AUTH');
  assert.deepEqual(f[10], ['TOKENREQUEST=1', 'SIGN=1']);
  // Undefined optional fields come back absent-or-undefined: compare via JSON.
  assert.deepEqual(JSON.parse(JSON.stringify(decodeRequest(wire(f)))), req);
  const plain = encodeRequest({ command: 'T00', transType: 'auth', amount: 10000, ecrRef: 'REG2' });
  assert.deepEqual(plain[10], [], 'no token or signature asked unless requested');
});

test('expiry travels in account subfield 3 as MMYY and reads as month + 4-digit year', () => {
  const t01: PaxResponse = {
    command: 'T01', status: '0', version: '1.28', resultCode: '000000', resultText: 'OK', host: {}, transType: 'auth',
    amountApproved: 10000, amountDue: 0, account: { maskedPan: '411111******1111', entryMode: 'swipe', expiry: '0728', cardBrand: 'visa' },
    trace: { ecrRef: 'REG1' }, additional: { TOKEN: 'tok_x', SIGNSTATUS: '0' },
  };
  const fields = encodeResponse(t01);
  assert.equal((fields[8] as string[])[2], '0728');
  const back = decodeResponse(decodeFrame(encodeFrame(fields))) as PaxCreditResponse;
  assert.equal(back.account.expiry, '0728');
  assert.equal(back.additional.SIGNSTATUS, '0');
  assert.deepEqual(expiryFromMmyy('0728'), { month: 7, year: 2028 });
  assert.equal(expiryToMmyy(12, 2030), '1230');
  for (const bad of ['1328', '0028', '728', 'ab12', '']) {
    assert.equal(isExpiry(bad), false, bad);
    assert.equal(expiryFromMmyy(bad), undefined, bad);
  }
  // A malformed expiry from a device is dropped, never passed on as something else.
  const odd = decodeResponse(decodeFrame(encodeFrame(['0', 'T01', '1.28', '000000', 'OK', '', '03', ['1'], ['4111', '1', '99XX']]))) as PaxCreditResponse;
  assert.equal(odd.account.expiry, undefined);
});

test('SIGNSTATUS maps to captured / cancelled (item 26); unknown or not-available is no answer', () => {
  assert.equal(signatureOutcome('0'), 'captured');
  assert.equal(signatureOutcome('4'), 'captured');
  assert.equal(signatureOutcome('5'), 'captured');
  assert.equal(signatureOutcome('1'), 'cancelled');
  assert.equal(signatureOutcome('2'), 'cancelled');
  assert.equal(signatureOutcome('3'), undefined);
  assert.equal(signatureOutcome(undefined), undefined);
});

test('B08 carries the SAF indicator (0 new by default) and B09 the upload counts (globalpayments SafUploadResponse layout)', () => {
  assert.deepEqual(encodeRequest({ command: 'B08' }), ['B08', '1.28', '0']);
  assert.deepEqual(encodeRequest({ command: 'B08', safIndicator: 'all' }), ['B08', '1.28', '2']);
  assert.deepEqual(decodeRequest(wire(['B08', '1.28', '1'])), { command: 'B08', version: '1.28', safIndicator: 'failed' });
  assert.throws(() => decodeRequest(wire(['B08', '1.28', '7'])), (e) => e instanceof PaxMessageError && e.code === 'format_error');
  const b09: PaxResponse = {
    command: 'B09', status: '0', version: '1.28', resultCode: '000000', resultText: 'OK', totalCount: 3, totalAmount: 45000,
    timestamp: '20260102030405', uploadedCount: 2, uploadedAmount: 30000, failedCount: 1, failedAmount: 15000,
  };
  const fields = encodeResponse(b09);
  assert.deepEqual(fields.slice(5), ['3', '45000', '20260102030405', '2', '30000', '1', '15000']);
  assert.deepEqual(decodeResponse(decodeFrame(encodeFrame(fields))), b09);
});

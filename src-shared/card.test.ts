import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  containsFullPan,
  guardAccountNumber,
  hasIssuerPrefix,
  luhnValid,
  maskFullPans,
  maskPan,
  maskUnbrokenPans,
  parseMaskedCardNumber,
  redactForLog,
  redactText,
  redactValue,
  safeMaskedPan,
  toGatewayMasked,
} from './card.ts';

test('Luhn accepts test card numbers and rejects a changed digit', () => {
  assert.ok(luhnValid('4111111111111111'));
  assert.ok(luhnValid('378282246310005'));
  assert.equal(luhnValid('4111111111111112'), false);
  assert.equal(luhnValid('41111x1111111111'), false);
});

test('masking keeps at most first 6 and last 4 digits', () => {
  assert.equal(maskPan('4111111111111111'), '411111******1111');
  assert.equal(maskPan('3782 822463 10005'), '378282*****0005');
  assert.equal(maskPan('1234'), '****');
  assert.equal(containsFullPan(maskPan('5555555555554444')), false);
});

test('a full card number is detected inside any text', () => {
  assert.ok(containsFullPan('{"pan":"4111111111111111"}'));
  assert.equal(containsFullPan('ref 1234567890123 amount 1250'), false); // 13 digits, not Luhn-valid
});

test('a card number written in spaced or dashed groups is found and masked', () => {
  for (const text of ['Visa 4111 1111 1111 1111', 'card 4111-1111-1111-1111 ok', 'amex 3782 822463 10005', '{"name":"5555 5555 5555 4444 till"}']) {
    assert.ok(containsFullPan(text), text);
    assert.equal(containsFullPan(maskFullPans(text)), false, maskFullPans(text));
  }
  assert.equal(maskFullPans('Visa 4111 1111 1111 1111!'), 'Visa 411111******1111!');
});

test('ids, dates and grouped numbers that are not card numbers are left alone', () => {
  // UUID segments of 8 and 12 digits are never joined; every window here fails Luhn or is too short.
  for (const text of ['12345678-1234-4123-8123-123456789012', 'ab123456-1234-4123-8123-cd1234567890', 'f2345678-1234-4123-8123-abcdef123456', '2026-11-22 10:15:00', 'qty 100 200 300', 'ref 1234 5678 9012 3456']) {
    assert.equal(containsFullPan(text), false, text);
    assert.equal(maskFullPans(text), text);
  }
});

// Redaction of free text (formerly src-main/ipc/log-redaction.ts and its test in ipc-dispatcher.test.ts).

test('redactText masks Luhn-valid card numbers and track data only', () => {
  assert.equal(redactText('pan 5555555555554444 ok'), 'pan 555555******4444 ok');
  assert.equal(redactText('order 1234567890123'), 'order 1234567890123', 'not Luhn-valid: left alone');
  assert.equal(redactText('%B4111111111111111^DOE/J^2512101?'), '[track data removed]');
  assert.equal(redactText(';4111111111111111=25121011234?'), '[track data removed]');
  assert.equal(redactText('Visa 4111 1111 1111 1111 exp'), 'Visa 411111******1111 exp');
  assert.equal(redactText('card 5555-5555-5555-4444.'), 'card 555555******4444.');
  assert.equal(redactText('at 2026-11-22 10:15, 1234 5678 9012 3456'), 'at 2026-11-22 10:15, 1234 5678 9012 3456', 'not Luhn-valid: left alone');
});

test('redactValue reaches every string of a nested value; redactForLog describes a thrown value safely', () => {
  const v = redactValue({ a: ['x 4111111111111111'], b: { c: 'ok', n: 3, z: null } });
  assert.deepEqual(v, { a: ['x 411111******1111'], b: { c: 'ok', n: 3, z: null } });
  assert.equal(redactForLog(new TypeError('bad 5555555555554444')), 'TypeError: bad 555555******4444');
  assert.equal(redactForLog('plain 4111111111111111'), 'plain 411111******1111');
});

// The PAX codec's guard (formerly redactPans in drivers/pax/pax-messages.ts).

test('maskUnbrokenPans masks only Luhn-valid card-length runs', () => {
  assert.equal(maskUnbrokenPans('card 6011111111111117 ref 1234567890123'), 'card 601111******1117 ref 1234567890123');
});

test('maskUnbrokenPans edges: runs at either end, short runs, runs broken by a non-digit', () => {
  // The scan that skips the replace must see a 13-digit run wherever it sits.
  assert.equal(maskUnbrokenPans('4222222222222'), '422222***2222');
  assert.equal(maskUnbrokenPans('x4222222222222'), 'x422222***2222');
  assert.equal(maskUnbrokenPans('4111111111111111 APPROVED'), '411111******1111 APPROVED');
  // 12 digits cannot be a card number; a dash or space breaks a run.
  assert.equal(maskUnbrokenPans('ref 411111111113'), 'ref 411111111113');
  assert.equal(maskUnbrokenPans('4111-1111-1111-1111 4111 1111 1111 1111'), '4111-1111-1111-1111 4111 1111 1111 1111');
  assert.equal(maskUnbrokenPans(''), '');
});

test('guardAccountNumber keeps a masked account field and masks one with too many digits or a whole number', () => {
  assert.equal(guardAccountNumber(undefined), undefined);
  assert.equal(guardAccountNumber(''), undefined);
  assert.equal(guardAccountNumber('1111'), '1111');
  assert.equal(guardAccountNumber('411111******1111'), '411111******1111');
  assert.equal(guardAccountNumber('4111111111111111'), '411111******1111');
  assert.equal(guardAccountNumber('41111111xx111111'), '411111******1111', 'more than 10 real digits');
});

// Masked numbers in stored and gateway forms (formerly src-main/journal and src-main/gateways).

test('safeMaskedPan stores at most 10 digits and always a mask character', () => {
  assert.equal(safeMaskedPan('411111******1111'), '411111******1111');
  assert.equal(safeMaskedPan('4xxxxxxxxxxx2224'), '4xxxxxxxxxxx2224');
  assert.equal(safeMaskedPan('4111111111111111'), '411111******1111');
  assert.equal(safeMaskedPan('1111'), '****1111');
});

test('issue 7 item 12: masked numbers are written as real answers carry them and read in both forms', () => {
  assert.equal(toGatewayMasked('411111******1111'), '4xxxxxxxxxxx1111');
  assert.equal(toGatewayMasked('378282*****0005'), '3xxxxxxxxxx0005');
  assert.equal(toGatewayMasked('4xxxxxxxxxxx2224'), '4xxxxxxxxxxx2224');
  // Never a full number, whatever comes in.
  assert.equal(toGatewayMasked('4111111111111111'), null);
  assert.equal(toGatewayMasked(''), null);
  assert.deepEqual(parseMaskedCardNumber('4xxxxxxxxxxx2224'), { masked: '4xxxxxxxxxxx2224', first: '4', last4: '2224' });
  assert.deepEqual(parseMaskedCardNumber('411111******1111'), { masked: '411111******1111', first: '411111', last4: '1111' });
  assert.deepEqual(parseMaskedCardNumber('xxxxxxxxxxxx2224'), { masked: 'xxxxxxxxxxxx2224', first: '', last4: '2224' });
  assert.equal(parseMaskedCardNumber('4111111111111111'), null);
  assert.equal(parseMaskedCardNumber('4111111xxxxx1111'), null);
  assert.equal(parseMaskedCardNumber('Longbob'), null);
});

test('hasIssuerPrefix: issuing networks at their lengths only; two numbers that happen to run together usually are not one', () => {
  // Completes a prefix with a Luhn check digit: the numbers are built here, never written out whole.
  const withCheckDigit = (body: string): string => body + [...'0123456789'].find((d) => luhnValid(body + d));
  // Published test numbers, and numbers of the other networks built from their prefixes at their lengths.
  for (const pan of ['4111111111111111', '4222222222222', '5555555555554444', '2223003122003222', '378282246310005', '6011111111111117', withCheckDigit('353011133330000'), withCheckDigit('3056930902590')]) {
    assert.ok(hasIssuerPrefix(pan), pan);
  }
  // The chaos journal's auth code and host reference side by side (Luhn-valid, no network starts 2155), a 15-digit
  // Visa-like run, a 16-digit Amex-like run, digits starting 1, 7, 8, 9 or 0, and anything not all digits.
  const authCodeThenReference = '215595' + '1000000144';
  for (const run of [authCodeThenReference, '411111111111111', '3782822463100050', '1000000000000001', '7000000000000000', '8111111111111111', '9111111111111111', '0111111111111111', '41111111x1111111']) {
    assert.equal(hasIssuerPrefix(run), false, run);
  }
  assert.ok(luhnValid(authCodeThenReference), 'the run passes Luhn: the prefix is what tells it apart');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFinancialTrack1, parseFinancialTrack2, trackBody } from './iso7813-track-parser.ts';

test('splits a financial track 1', () => {
  assert.deepEqual(parseFinancialTrack1('%B5555555555554444^SMITH/ANNA  ^2712201123456?'), {
    pan: '5555555555554444', name: 'SMITH/ANNA', expiry: '2712', serviceCode: '201', discretionary: '123456',
  });
});

test('splits a financial track 2', () => {
  assert.deepEqual(parseFinancialTrack2(';378282246310005=2609101987?'), {
    pan: '378282246310005', expiry: '2609', serviceCode: '101', discretionary: '987',
  });
});

test('rejects tracks without the financial layout', () => {
  for (const t of ['', '%A4111111111111111^X/Y^2812101?', '%B4111111111111111^X/Y^2812101', '%B^NO PAN^2812101?', '%B4111111111111111^^2812101?']) {
    assert.equal(parseFinancialTrack1(t), null, t);
  }
  for (const t of ['', ';4111111111111111?', ';4111111111111111=28121?', '4111111111111111=2812101?', ';4111111111111111=2812101A?', ';770112345?']) {
    assert.equal(parseFinancialTrack2(t), null, t);
  }
});

test('rejects tracks longer than ISO 7813 allows', () => {
  assert.equal(parseFinancialTrack2(`;4111111111111111=2812101${'0'.repeat(20)}?`), null);
  assert.equal(parseFinancialTrack1(`%B4111111111111111^DOE/J^2812101${'0'.repeat(60)}?`), null);
});

test('trackBody strips sentinels or says they are missing', () => {
  assert.equal(trackBody(';770112345?', ';'), '770112345');
  assert.equal(trackBody(';770112345', ';'), null);
  assert.equal(trackBody('%B?', ';'), null);
  assert.equal(trackBody('?', ';'), null);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFrame, encodeFrame, PaxFrameError } from './pax-frame.ts';
import {
  PaxMessageError,
  cardBrandFromCode,
  cardBrandToCode,
  decodeRequest,
  decodeResponse,
  decodeStatusReport,
  encodeRequest,
  encodeResponse,
  encodeStatusReport,
  isStatusFrame,
  entryModeFromCode,
  entryModeToCode,
  isDeclineByFault,
  outcomeForAnswer,
  outcomeForResultCode,
  transactionKindOf,
  type PaxCreditRequest,
  type PaxRequest,
  type PaxResponse,
} from './pax-messages.ts';

function wire(fields: ReturnType<typeof encodeRequest>): string[][] {
  return decodeFrame(encodeFrame(fields));
}

test('every request survives encode → frame → decode', () => {
  const reqs: PaxRequest[] = [
    { command: 'A00', version: '1.28' },
    { command: 'A14', version: '1.28' },
    { command: 'B00', version: '1.28', timestamp: '20260102030405' },
    { command: 'R02', version: '1.28', ecrRef: 'R1T42P1', transType: undefined, recordNumber: 2 },
    {
      command: 'T00',
      version: '1.28',
      transType: 'adjust',
      amount: 1250,
      ecrRef: 'R1T42P1',
      invoice: 'R1T42P1',
      authCode: undefined,
      origRef: '000123',
      origEcrRef: 'R1T41P1',
      hostRef: 'H99887766',
      clerkId: '7',
      allowDuplicate: true,
      timestamp: '20260102030405',
      tokenRequest: true,
    },
  ];
  for (const r of reqs) assert.deepEqual(decodeRequest(wire(encodeRequest(r))), r);
});

test('a sale T00 has the documented field layout', () => {
  const f = encodeRequest({ command: 'T00', transType: 'sale', amount: 1250, ecrRef: 'R1T1P1', invoice: 'R1T1P1' });
  assert.equal(f[0], 'T00');
  assert.equal(f[1], '1.28');
  assert.equal(f[2], '01');
  assert.deepEqual(f[3], ['1250']);
  assert.deepEqual((f[5] as string[]).slice(0, 2), ['R1T1P1', 'R1T1P1']);
  assert.equal(f.length, 11);
});

test('transaction type codes follow the PAX table', () => {
  const codes: Array<[PaxCreditRequest['transType'], string]> = [
    ['sale', '01'], ['return', '02'], ['auth', '03'], ['post_auth', '04'], ['adjust', '06'], ['void', '16'], ['tokenize', '32'],
  ];
  for (const [t, c] of codes) {
    const f = encodeRequest({ command: 'T00', transType: t, amount: t === 'void' || t === 'tokenize' ? undefined : 1, ecrRef: 'A1' });
    assert.equal(f[2], c);
  }
});

test('amounts with a sign, a decimal point, zero or too many digits are format errors', () => {
  for (const amount of ['12.50', '-100', '0', '1e3', '1234567890123', ' 12']) {
    const fields = wire(['T00', '1.28', '01', [amount], '', ['R1T1P1']]);
    assert.throws(() => decodeRequest(fields), (e) => e instanceof PaxMessageError && e.code === 'format_error' && e.resultCode === '100003', amount);
  }
  for (const amount of [0, -5, 12.5, Number.NaN, 1e13]) {
    assert.throws(() => encodeRequest({ command: 'T00', transType: 'sale', amount, ecrRef: 'A' }), PaxMessageError);
  }
  assert.throws(() => encodeRequest({ command: 'T00', transType: 'sale', ecrRef: 'A' }), /missing/);
});

test('ECR references are "ans..16" on input: symbols accepted, empty or longer than 16 refused', () => {
  // Item 6: a terminal accepts letters, digits and symbols (e.g. 00001-001-0001).
  for (const ref of ['00001-001-0001', 'R1-T1-P1', 'R1 T1', 'A'.repeat(16)]) {
    assert.equal((decodeRequest(wire(['T00', '1.28', '01', ['100'], '', [ref]])) as PaxCreditRequest).ecrRef, ref);
  }
  // The driver keeps sending letters and digits only.
  assert.throws(() => encodeRequest({ command: 'T00', transType: 'sale', amount: 100, ecrRef: '00001-001-0001' }), PaxMessageError);
  for (const ref of ['', 'A'.repeat(17), ' LEADINGSPACE']) {
    const fields = wire(['T00', '1.28', '01', ['100'], '', [ref]]);
    assert.throws(() => decodeRequest(fields), (e) => e instanceof PaxMessageError && e.code === 'format_error', ref);
  }
  assert.doesNotThrow(() => decodeRequest(wire(['T00', '1.28', '01', ['100'], '', ['A'.repeat(16)]])));
});

test('a request carrying an account number is refused', () => {
  const fields = wire(['T00', '1.28', '01', ['100'], ['4111111111111111', '1230'], ['R1']]);
  assert.throws(
    () => decodeRequest(fields),
    (e) => e instanceof PaxMessageError && e.code === 'format_error' && !e.message.includes('4111111111111111'),
  );
});

test('unknown and non-commands are told apart', () => {
  assert.throws(() => decodeRequest([['Z99'], ['1.28']]), (e) => e instanceof PaxMessageError && e.code === 'unknown_command');
  assert.throws(() => decodeRequest([['hello']]), (e) => e instanceof PaxFrameError && e.code === 'malformed');
  assert.throws(() => decodeRequest(wire(['T00', '1.28', '77', ['1'], '', ['A']])), (e) => e instanceof PaxMessageError && e.code === 'format_error');
});

const T01: PaxResponse = {
  command: 'T01',
  status: '0',
  version: '1.28',
  resultCode: '000000',
  resultText: 'APPROVED',
  host: { code: '00', message: 'APPROVAL', authCode: 'A1B2C3', hostRef: '1000123', traceNumber: '42', batchNumber: '7' },
  transType: 'sale',
  amountApproved: 1250,
  amountDue: 0,
  account: { maskedPan: '411111******1111', entryMode: 'chip', cardBrand: 'visa' },
  trace: { terminalRef: '000045', ecrRef: 'R1T42P1', timestamp: '20260102030405' },
  additional: { TOKEN: 'tok_abc' },
};

test('every response survives encode → frame → decode', () => {
  const responses: PaxResponse[] = [
    { command: 'A01', status: '0', version: '1.28', resultCode: '000000', resultText: 'OK', serialNumber: 'SN1', model: 'A920', appVersion: '1.0' },
    { command: 'A15', status: '0', version: '1.28', resultCode: '000000', resultText: 'OK' },
    T01,
    {
      command: 'R03',
      status: '0',
      version: '1.28',
      resultCode: '000000',
      resultText: 'OK',
      totalRecords: 2,
      recordNumber: 1,
      record: {
        host: T01.host,
        transType: 'void',
        origTransType: 'sale',
        amountApproved: 1250,
        amountDue: 0,
        account: T01.account,
        trace: T01.trace,
        clerkId: '7',
        resultCode: '000000',
        resultText: 'APPROVED',
        additional: {},
      },
    },
    { command: 'R03', status: '0', version: '1.28', resultCode: '000000', resultText: 'OK', totalRecords: 0, recordNumber: 0 },
    {
      command: 'B01',
      status: '0',
      version: '1.28',
      resultCode: '000000',
      resultText: 'OK',
      host: { code: '00', message: 'BATCH CLOSED', batchNumber: '7' },
      totalCount: 3,
      totalAmount: 4500,
      timestamp: '20260102030405',
      terminalId: 'T1',
      merchantId: 'M1',
    },
  ];
  for (const r of responses) {
    const decoded = decodeResponse(decodeFrame(encodeFrame(encodeResponse(r))));
    // Undefined optional fields come back absent-or-undefined: compare via JSON.
    assert.deepEqual(JSON.parse(JSON.stringify(decoded)), JSON.parse(JSON.stringify(r)), r.command);
  }
});

test('a full card number from the device is masked on decode, and never encoded', () => {
  const fields = decodeFrame(
    encodeFrame([
      '0', 'T01', '1.28', '000000', 'APPROVED 5555555555554444',
      ['00', 'OK 4111111111111111'], '01', ['100'], ['4111111111111111', '4', '', '', '', '', '01'], ['1', 'R1'],
    ]),
  );
  const res = decodeResponse(fields);
  assert.equal(res.command, 'T01');
  if (res.command !== 'T01') return;
  assert.equal(res.account.maskedPan, '411111******1111');
  assert.equal(res.resultText, 'APPROVED 555555******4444');
  assert.equal(res.host.message, 'OK 411111******1111');
  assert.ok(!JSON.stringify(res).includes('4111111111111111'));
  const leaky = { ...T01, account: { ...T01.account, maskedPan: '378282246310005' } } as PaxResponse;
  const wireText = encodeFrame(encodeResponse(leaky)).toString('latin1');
  assert.ok(!wireText.includes('378282246310005'));
  assert.ok(wireText.includes('378282*****0005'));
});

test('bad response content is a typed error', () => {
  assert.throws(() => decodeResponse([['0'], ['T01'], ['1.28'], ['OK']]), (e) => e instanceof PaxMessageError && e.code === 'bad_response');
  assert.throws(() => decodeResponse([['0'], ['T01'], ['1.28'], ['000000'], ['A'], [''], ['01'], ['12.50']]), (e) => e instanceof PaxMessageError && e.code === 'bad_response');
  assert.throws(() => decodeResponse([['0']]), (e) => e instanceof PaxFrameError && e.code === 'malformed');
  assert.throws(() => decodeResponse([['0'], ['X01'], ['1.28'], ['000000']]), (e) => e instanceof PaxMessageError);
});

test('short responses decode with empty defaults', () => {
  const res = decodeResponse([['0'], ['T01'], ['1.28'], ['100002'], ['ABORTED']]);
  assert.equal(res.command, 'T01');
  if (res.command !== 'T01') return;
  assert.equal(res.amountApproved, 0);
  assert.equal(res.account.maskedPan, undefined);
  assert.equal(outcomeForResultCode(res.resultCode), 'aborted');
});

test('a "not found" report answer is an empty report', () => {
  const res = decodeResponse([['0'], ['R03'], ['1.28'], ['100023'], ['NOT FOUND']]);
  assert.equal(res.command === 'R03' && res.totalRecords, 0);
});

test('result codes map to outcomes in one place', () => {
  const expected: Record<string, string> = {
    '000000': 'approved',
    '000001': 'approved_offline',
    '000002': 'partially_approved',
    '000100': 'declined',
    '100001': 'error',
    '100002': 'aborted',
    '100003': 'error',
    '100011': 'duplicate',
    '999999': 'error',
    '': 'error',
  };
  for (const [code, outcome] of Object.entries(expected)) assert.equal(outcomeForResultCode(code), outcome, code);
});

test('a duplicate worded behind a decline or error code is a duplicate; a worded fault is flagged; an approval is never reread', () => {
  assert.equal(outcomeForAnswer('000100', 'DECLINED DUPLICATE'), 'duplicate');
  assert.equal(outcomeForAnswer('100001', 'Duplicate Transaction'), 'duplicate');
  assert.equal(outcomeForAnswer('000100', 'DECLINED'), 'declined');
  assert.equal(outcomeForAnswer('000000', 'APPROVED DUPLICATE CHECK OFF'), 'approved');
  assert.equal(isDeclineByFault('declined', 'HOST ERROR'), true);
  assert.equal(isDeclineByFault('declined', 'DECLINED'), false);
  assert.equal(isDeclineByFault('error', 'ERROR'), false);
});

test('PAX transaction types map to the payment kinds the register resolves', () => {
  assert.equal(transactionKindOf('sale'), 'sale');
  assert.equal(transactionKindOf('forced'), 'sale');
  assert.equal(transactionKindOf('return'), 'refund');
  assert.equal(transactionKindOf('auth'), 'pre_auth');
  assert.equal(transactionKindOf('post_auth'), 'capture');
  // A void of a sale is not a sale: it must never be read as the sale's approval.
  assert.equal(transactionKindOf('void_sale'), 'void');
  assert.equal(transactionKindOf('balance'), 'other');
  assert.equal(transactionKindOf(undefined), 'other');
});

test('card type and entry mode codes map both ways', () => {
  for (const brand of ['visa', 'mastercard', 'amex', 'discover', 'diners', 'jcb', 'other'] as const) {
    assert.equal(cardBrandFromCode(cardBrandToCode(brand)), brand);
  }
  assert.equal(cardBrandToCode('amex'), '03');
  assert.equal(cardBrandFromCode('42'), 'other');
  assert.equal(cardBrandFromCode(''), undefined);
  for (const mode of ['manual', 'swipe', 'contactless', 'scanner', 'chip', 'fallback_swipe'] as const) {
    assert.equal(entryModeFromCode(entryModeToCode(mode)), mode);
  }
  assert.equal(entryModeToCode('chip'), '4');
  assert.equal(entryModeFromCode('9'), 'unknown');
});

test('T01 with tip, cash back, fee and tax decodes each amount, and none when absent', () => {
  const base = [['0'], ['T01'], ['1.28'], ['000000'], ['OK'], ['00'], ['01']];
  const full = decodeResponse([...base, ['1500', '0', '200', '', '30', '45']]);
  assert.ok(full.command === 'T01');
  assert.deepEqual(
    [full.amountApproved, full.amountDue, full.tipAmount, full.cashBackAmount, full.feeAmount, full.taxAmount],
    [1500, 0, 200, undefined, 30, 45],
  );
  assert.equal('cashBackAmount' in full, false);
  const bare = decodeResponse([...base, ['1250', '0']]);
  assert.ok(bare.command === 'T01');
  assert.deepEqual(Object.keys(bare).filter((k) => k.endsWith('Amount')), []);
  assert.throws(() => decodeResponse([...base, ['1250', '0', '-1']]), (e) => e instanceof PaxMessageError && e.code === 'bad_response');
});

test('intermediate status: REPORTSTATUS=1 travels on the T00, and S01 frames round-trip every prompt', () => {
  const req: PaxCreditRequest = { command: 'T00', version: '1.28', transType: 'sale', amount: 1250, ecrRef: 'R1T42P1', invoice: 'R1T42P1', allowDuplicate: false, reportStatus: true };
  const fields = wire(encodeRequest(req));
  assert.ok(fields[10]?.includes('REPORTSTATUS=1'));
  assert.equal((decodeRequest(fields) as PaxCreditRequest).reportStatus, true);
  assert.equal((decodeRequest(wire(encodeRequest({ ...req, reportStatus: undefined }))) as PaxCreditRequest).reportStatus, undefined);

  const prompts = ['present_card', 'enter_pin', 'authorising', 'signature', 'remove_card', 'processing'] as const;
  for (const [i, prompt] of prompts.entries()) {
    const frame = encodeFrame(encodeStatusReport({ prompt, version: '1.28', text: 'INSERT CARD' }));
    const back = decodeFrame(frame);
    assert.deepEqual(back.slice(0, 4), [['0'], ['S01'], ['1.28'], [`0${i + 1}`]]);
    assert.equal(isStatusFrame(back), true);
    assert.deepEqual(decodeStatusReport(back), { command: 'S01', status: '0', version: '1.28', prompt, text: 'INSERT CARD' });
  }
});

test('a status frame is never a response, and bad status content is a typed error', () => {
  const status = decodeFrame(encodeFrame(encodeStatusReport({ prompt: 'enter_pin', text: 'ENTER PIN' })));
  assert.throws(() => decodeResponse(status), (e) => e instanceof PaxMessageError && e.code === 'bad_response');
  const t01 = wire(encodeResponse({
    command: 'T01', status: '0', resultCode: '000000', resultText: 'APPROVED', host: {}, amountApproved: 1, amountDue: 0, account: {}, trace: {}, additional: {},
  }));
  assert.equal(isStatusFrame(t01), false);
  assert.throws(() => decodeStatusReport(t01), PaxFrameError);
  assert.throws(() => decodeStatusReport([['0'], ['S01'], ['1.28'], ['X1']]), (e) => e instanceof PaxMessageError && e.code === 'bad_response');
  // A code this driver does not know yet still says "busy", not an error.
  assert.equal(decodeStatusReport([['0'], ['S01'], ['1.28'], ['42']]).prompt, 'processing');
  // A card number on the display line never comes out whole.
  assert.equal(decodeStatusReport([['0'], ['S01'], ['1.28'], ['01'], ['CARD 4111111111111111']]).text, 'CARD 411111******1111');
});

import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import { CardknoxClient, GatewayReportPagingError, type GatewayLogEntry, type GatewayResult } from './cardknox-client.ts';
import { formatGatewayDate } from './cardknox-protocol.ts';
import { GOLDEN_REPORT, GOLDEN_TRANSACTIONS, type GoldenAnswer } from './cardknox-golden-fixtures.ts';
import { GatewayMalformedResponseError, GatewayUnavailableError } from './gateway-errors.ts';
import { GatewaySimulator } from './simulator/gateway-simulator.ts';

const KEY = 'sk_live_SECRET_5up3rPriv4te_key';
const T0 = Date.UTC(2025, 0, 15, 12, 0, 0);
const usd = (amount: number) => ({ amount, currency: 'USD' });

let now = T0;
let sim: GatewaySimulator;
const logs: GatewayLogEntry[] = [];
const simLogs: Record<string, unknown>[] = [];
let invoiceSeq = 0;
const newInvoice = () => `R1T${++invoiceSeq}P1`;

function client(extra: Partial<ConstructorParameters<typeof CardknoxClient>[0]> = {}): CardknoxClient {
  return new CardknoxClient({
    url: sim.url,
    key: KEY,
    softwareName: 'CashierDesk',
    softwareVersion: '0.1.0',
    currency: 'USD',
    timeoutMs: 3000,
    log: (e) => logs.push(e),
    ...extra,
  });
}

function approved(r: GatewayResult) {
  assert.equal(r.outcome, 'approved', `expected approval, got ${JSON.stringify(r)}`);
  return r as Extract<GatewayResult, { outcome: 'approved' }>;
}

async function rejection(p: Promise<unknown>): Promise<GatewayUnavailableError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof GatewayUnavailableError, `expected GatewayUnavailableError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a rejection');
}

/** Everything a person or a log could ever see of an error. */
const visible = (err: unknown) => `${(err as Error).message} ${(err as Error).stack} ${JSON.stringify(err)} ${JSON.stringify((err as GatewayUnavailableError).details)}`;

before(async () => {
  sim = await GatewaySimulator.start({ key: KEY, clock: () => now, duplicateWindowMs: 10 * 60_000, log: (l) => simLogs.push(l) });
});
after(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.clearFaults();
  now += 60 * 60_000;
});

describe('charges', () => {
  test('sale by token is approved and lands in the ledger once', async () => {
    const invoice = newInvoice();
    const r = approved(await client().sale({ amount: usd(1250), token: 'tok_visa', invoice }));
    assert.equal(r.amountApproved, 1250);
    // Masked as real answers are (dlehren/omnipay-cardknox tests/Mock/PurchaseSuccess.txt: 4xxxxxxxxxxx2224).
    assert.equal(r.maskedPan, '4xxxxxxxxxxx1111');
    assert.equal(r.cardBrand, 'visa');
    assert.match(r.authCode, /^\d{6}$/);
    const entries = sim.ledger.byInvoice(invoice);
    assert.equal(entries.length, 1);
    assert.equal(entries[0].refNum, r.refNum);
    assert.equal(entries[0].amount, 1250);
    assert.equal(entries[0].status, 'approved');
    assert.equal(entries[0].enteredAt, now);
  });

  test('a declined card is a declined outcome, recorded as declined', async () => {
    const invoice = newInvoice();
    const r = await client().sale({ amount: usd(990), token: 'tok_decline', invoice });
    assert.equal(r.outcome, 'declined');
    assert.equal(r.text, 'Insufficient Funds');
    assert.equal(sim.ledger.byInvoice(invoice)[0].status, 'declined');
    // A decline does not block the next try on the same invoice.
    approved(await client().sale({ amount: usd(990), token: 'tok_mastercard', invoice }));
  });

  test('same invoice again is a duplicate carrying the original, with no second charge', async () => {
    const invoice = newInvoice();
    const first = approved(await client().sale({ amount: usd(2000), token: 'tok_visa', invoice }));
    now += 5 * 60_000;
    const second = await client().sale({ amount: usd(2000), token: 'tok_visa', invoice });
    assert.equal(second.outcome, 'duplicate');
    assert.ok(second.outcome === 'duplicate');
    assert.equal(second.originalRefNum, first.refNum);
    assert.equal(second.originalAuthCode, first.authCode);
    assert.equal(second.originalAmount, 2000);
    assert.notEqual(second.refNum, first.refNum);
    assert.equal(sim.ledger.byInvoice(invoice).length, 1);
  });

  test('allowDuplicate bypasses the check and charges again', async () => {
    const invoice = newInvoice();
    approved(await client().sale({ amount: usd(300), token: 'tok_visa', invoice }));
    approved(await client().sale({ amount: usd(300), token: 'tok_visa', invoice, allowDuplicate: true }));
    assert.equal(sim.ledger.summary({ invoice }).approvedCount, 2);
  });

  test('the duplicate window expires on the injected clock', async () => {
    const invoice = newInvoice();
    approved(await client().sale({ amount: usd(400), token: 'tok_visa', invoice }));
    now += 10 * 60_000;
    assert.equal((await client().sale({ amount: usd(400), token: 'tok_visa', invoice })).outcome, 'duplicate');
    now += 1;
    approved(await client().sale({ amount: usd(400), token: 'tok_visa', invoice }));
    assert.equal(sim.ledger.byInvoice(invoice).length, 2);
  });

  test('auth, capture for less, partial refund, and void', async () => {
    const c = client();
    const invoice = newInvoice();
    const auth = approved(await c.authOnly({ amount: usd(5000), token: 'tok_amex', invoice }));
    assert.equal(sim.ledger.find(auth.refNum)?.captured, false);
    const cap = approved(await c.capture({ refNum: auth.refNum, amount: usd(4500) }));
    assert.equal(cap.amountApproved, 4500);
    // A capture is a transaction of its own: its own xRefNum and ledger entry, which names the same charge for later follow-ups.
    assert.notEqual(cap.refNum, auth.refNum);
    assert.equal(sim.ledger.find(cap.refNum)?.kind, 'capture');
    assert.equal(sim.ledger.find(cap.refNum)?.originalRefNum, auth.refNum);
    assert.equal(sim.ledger.find(auth.refNum)?.amount, 4500);
    assert.equal(sim.ledger.find(auth.refNum)?.captured, true);
    // A refund needs the capture settled first (seed 002 table 4-11): the refusal is typed, so the register can void instead.
    const early = await c.refund({ refNum: cap.refNum, amount: usd(1000) });
    assert.equal(early.outcome === 'error' || early.outcome === 'declined' ? early.refusal : undefined, 'not_settled');
    sim.settle();
    const refund = approved(await c.refund({ refNum: cap.refNum, amount: usd(1000) }));
    assert.notEqual(refund.refNum, auth.refNum);
    assert.equal(sim.ledger.find(refund.refNum)?.kind, 'refund');
    assert.equal(sim.ledger.find(auth.refNum)?.refundedAmount, 1000);
    const over = await c.refund({ refNum: auth.refNum, amount: usd(3501) });
    assert.equal(over.outcome, 'error');

    const saleInvoice = newInvoice();
    const sale = approved(await c.sale({ amount: usd(777), token: 'tok_discover', invoice: saleInvoice }));
    const voided = approved(await c.void({ refNum: sale.refNum }));
    assert.equal(sim.ledger.find(sale.refNum)?.status, 'voided');
    // A void is a transaction of its own: its own xRefNum, and the original keeps its.
    assert.notEqual(voided.refNum, sale.refNum);
    assert.equal(sim.ledger.find(sale.refNum)?.voidRefNum, voided.refNum);
    // A voided invoice is no longer "already charged".
    approved(await c.sale({ amount: usd(777), token: 'tok_discover', invoice: saleInvoice }));
    const unknown = await c.void({ refNum: '999999999999' });
    assert.equal(unknown.outcome, 'error');
    assert.match(unknown.text, /not found/);
  });

  test('bad input is refused before sending: foreign currency, missing token', async () => {
    const c = client();
    await assert.rejects(c.sale({ amount: { amount: 100, currency: 'EUR' }, token: 'tok_visa', invoice: 'X1' }), /charges USD/);
    await assert.rejects(c.sale({ amount: usd(100), token: '', invoice: 'X1' }), /token is required/);
    await assert.rejects(c.sale({ amount: usd(12.5), token: 'tok_visa', invoice: 'X1' }), /whole number/);
    assert.equal(sim.ledger.byInvoice('X1').length, 0);
  });

  test('an unknown token is an error outcome, nothing charged', async () => {
    const invoice = newInvoice();
    const r = await client().sale({ amount: usd(100), token: 'tok_nope', invoice });
    assert.equal(r.outcome, 'error');
    assert.equal(sim.ledger.byInvoice(invoice).length, 0);
  });

  test('JSON answers work the same', async () => {
    const c = client({ preferJson: true });
    const invoice = newInvoice();
    const r = approved(await c.sale({ amount: usd(4321), token: 'tok_visa_4242', invoice }));
    const rows = await c.findByInvoice(invoice, now - 1000, now + 1000);
    assert.deepEqual(rows.map((x) => [x.refNum, x.amount, x.maskedPan]), [[r.refNum, 4321, '4xxxxxxxxxxx4242']]);
  });
});

describe('report', () => {
  let begin = 0;
  let end = 0;
  const seeded: string[] = [];
  before(async () => {
    now += 24 * 60 * 60_000;
    begin = now;
    const link = sim.processorLink();
    for (let i = 0; i < 2500; i++) {
      // Three rows per millisecond, so page boundaries fall inside a shared instant.
      if (i % 3 === 0) now += 1;
      const r = await link.submit({
        command: 'sale',
        invoice: `RPT${i}`,
        amount: 100 + i,
        currency: 'USD',
        cardToken: i % 10 === 9 ? 'tok_decline' : 'tok_visa',
        maskedPan: '411111******1111',
        cardBrand: 'visa',
        entryMode: 'chip',
        deviceId: `pax-${i % 4}`,
      });
      seeded.push(r.refNum);
    }
    end = now;
    now += 1;
    // Just outside the window on both sides.
    await link.submit({ command: 'sale', invoice: 'RPT-late', amount: 5, currency: 'USD', cardToken: 't', maskedPan: '', cardBrand: 'visa', entryMode: 'chip', deviceId: 'x' });
  });

  test('2,500 rows in pages of 1000: none lost, none repeated, in time order', async () => {
    const pages: number[] = [];
    const rows = [];
    for await (const page of client().reportRows({ kind: 'all', begin, end, maxRecords: 1000 })) {
      pages.push(page.length);
      rows.push(...page);
    }
    assert.ok(pages.length >= 3, `expected at least 3 pages, got ${pages}`);
    assert.deepEqual(rows.map((r) => r.refNum), seeded);
    assert.equal(new Set(rows.map((r) => r.refNum)).size, 2500);
    assert.equal(rows[7].amount, 107);
    assert.equal(rows[7].entryMode, 'chip');
    assert.equal(rows[9].result, 'declined');
    assert.equal(rows[9].responseError, 'Insufficient Funds');
  });

  test('pages of 50 rows across shared instants still lose and repeat nothing', async () => {
    const rows = await client().report({ kind: 'all', begin, end, maxRecords: 50 });
    assert.deepEqual(rows.map((r) => r.refNum), seeded);
  });

  test('report:approved leaves declines out; the window bounds are inclusive', async () => {
    const rows = await client().report({ kind: 'approved', begin, end });
    // 250 decline cards, and 25 amounts ending in 51 cents that the shared issuer rules decline.
    assert.equal(rows.length, 2225);
    assert.ok(rows.every((r) => r.result === 'approved'));
    const firstMs = await client().report({ begin: begin + 1, end: begin + 1 });
    assert.deepEqual(firstMs.map((r) => r.refNum), seeded.slice(0, 3));
  });

  test('the invoice filter is an exact match', async () => {
    const rows = await client().report({ begin, end, invoice: 'RPT12' });
    assert.deepEqual(rows.map((r) => r.invoice), ['RPT12']);
    assert.equal((await client().report({ begin, end, invoice: 'RPT-late' })).length, 0);
  });

  test('more rows in one instant than a page holds is a typed error, not an endless loop', async () => {
    now += 1000;
    const t = now;
    const link = sim.processorLink();
    for (let i = 0; i < 5; i++) {
      await link.submit({ command: 'sale', invoice: `SAME${i}`, amount: 1, currency: 'USD', cardToken: 't', maskedPan: '', cardBrand: 'visa', entryMode: 'chip', deviceId: 'x' });
    }
    await assert.rejects(client().report({ begin: t - 10, end: t, maxRecords: 2 }), GatewayReportPagingError);
    // A page with room to spare proves the instant is complete.
    assert.equal((await client().report({ begin: t - 10, end: t, maxRecords: 6 })).length, 5);
  });

  test('maxRecords above 1000 is refused', async () => {
    await assert.rejects(client().report({ begin, end, maxRecords: 1001 }), /maxRecords/);
  });
});

describe('faults', () => {
  test('5xx: unavailable, sent, nothing charged; the next request works', async () => {
    sim.injectFault({ kind: 'http_5xx', commands: ['cc:sale'] });
    const invoice = newInvoice();
    const err = await rejection(client().sale({ amount: usd(100), token: 'tok_visa', invoice }));
    assert.equal(err.reason, 'http_status');
    assert.equal(err.sent, true);
    assert.equal(err.code, 'gateway_unavailable');
    assert.equal(sim.ledger.byInvoice(invoice).length, 0);
    approved(await client().sale({ amount: usd(100), token: 'tok_visa', invoice }));
  });

  test('hang: the client times out with sent=true', async () => {
    sim.injectFault({ kind: 'hang' });
    const started = Date.now();
    const err = await rejection(client({ timeoutMs: 300 }).sale({ amount: usd(100), token: 'tok_visa', invoice: newInvoice() }));
    assert.equal(err.reason, 'timeout');
    assert.equal(err.sent, true);
    assert.ok(Date.now() - started < 2000);
    assert.match(err.message, /may have been charged/);
  });

  test('slow answers arrive when within the deadline', async () => {
    sim.injectFault({ kind: 'delay', delayMs: 250 });
    const started = Date.now();
    approved(await client({ timeoutMs: 3000 }).sale({ amount: usd(100), token: 'tok_visa', invoice: newInvoice() }));
    assert.ok(Date.now() - started >= 240);
  });

  test('commit then drop: unavailable with sent=true, the ledger has the charge, the report finds it, a retry is a duplicate', async () => {
    sim.injectFault({ kind: 'drop_after_commit', commands: ['cc:sale'] });
    const invoice = newInvoice();
    const err = await rejection(client().sale({ amount: usd(6150), token: 'tok_visa', invoice }));
    assert.equal(err.reason, 'reset');
    assert.equal(err.sent, true);
    const charged = sim.ledger.byInvoice(invoice);
    assert.equal(charged.length, 1);
    const found = await client().findByInvoice(invoice, now - 60_000, now + 60_000);
    assert.deepEqual(found.map((r) => [r.refNum, r.amount, r.voided]), [[charged[0].refNum, 6150, false]]);
    const retry = await client().sale({ amount: usd(6150), token: 'tok_visa', invoice });
    assert.ok(retry.outcome === 'duplicate');
    assert.equal(retry.originalRefNum, charged[0].refNum);
    assert.equal(sim.ledger.byInvoice(invoice).length, 1);
  });

  test('persistent faults last until cleared; a command filter spares other commands', async () => {
    sim.injectFault({ kind: 'http_5xx', commands: ['cc:void'], times: 'always' });
    const sale = approved(await client().sale({ amount: usd(100), token: 'tok_visa', invoice: newInvoice() }));
    await rejection(client().void({ refNum: sale.refNum }));
    await rejection(client().void({ refNum: sale.refNum }));
    sim.clearFaults();
    approved(await client().void({ refNum: sale.refNum }));
  });

  test('nothing listening: connect_failed with sent=false', async () => {
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const err = await rejection(client({ url: `http://127.0.0.1:${port}/` }).sale({ amount: usd(100), token: 'tok_visa', invoice: 'Z' }));
    assert.equal(err.reason, 'connect_failed');
    assert.equal(err.sent, false);
    assert.match(err.message, /Nothing was sent/);
  });
});

describe('the key stays secret', () => {
  test('a wrong key is an error outcome that does not echo either key', async () => {
    const wrong = 'sk_wrong_OTHER_secret_value';
    const r = await client({ key: wrong }).sale({ amount: usd(100), token: 'tok_visa', invoice: newInvoice() });
    assert.equal(r.outcome, 'error');
    assert.equal(r.text, 'Invalid xKey');
    assert.ok(!JSON.stringify(r).includes(wrong));
  });

  test('no log line, simulator log line or error carries the key', async () => {
    sim.injectFault({ kind: 'hang' });
    const err = await rejection(client({ timeoutMs: 200 }).sale({ amount: usd(100), token: 'tok_visa', invoice: newInvoice() }));
    assert.ok(!visible(err).includes(KEY));
    assert.ok(logs.length > 10);
    assert.ok(!JSON.stringify(logs).includes(KEY));
    assert.ok(!JSON.stringify(simLogs).includes(KEY));
    assert.ok(logs.some((l) => l.event === 'failure' && l.reason === 'timeout' && l.sent === true));
  });

  test('a gateway that echoes the key back has it scrubbed from results and errors', async () => {
    const echo = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const fields = body.startsWith('{') ? (JSON.parse(body) as Record<string, string>) : Object.fromEntries(new URLSearchParams(body));
        const key = fields.xKey ?? '';
        const cmd = fields.xCommand;
        res.end(cmd?.startsWith('report') ? `xResult=E&xError=bad+key+${key}` : `xResult=D&xRefNum=1&xError=key+${key}+refused`);
      });
    });
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    try {
      const c = client({ url: `http://127.0.0.1:${(echo.address() as AddressInfo).port}/` });
      const r = await c.sale({ amount: usd(100), token: 'tok_visa', invoice: 'E1' });
      assert.equal(r.outcome, 'declined');
      assert.equal(r.text, 'key [redacted] refused');
      const err = await c.report({ begin: 0, end: 1 }).catch((e: unknown) => e);
      assert.match((err as Error).message, /refused the report request: bad key \[redacted\]/);
      assert.ok(!visible(err).includes(KEY));
    } finally {
      await new Promise<void>((r) => echo.close(() => r()));
    }
  });
});

describe('malformed answers', () => {
  let answer = '';
  let contentType = 'text/plain';
  let server: http.Server;
  let c: CardknoxClient;
  before(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': contentType });
        res.end(answer);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    c = client({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` });
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  const cases: [string, string, string][] = [
    ['plain garbage', 'text/html', '<html>Bad Gateway</html>'],
    ['invalid JSON', 'application/json', '{"xResult": "A",'],
    ['a JSON list', 'application/json', '[1,2]'],
    ['unknown xResult', 'text/plain', 'xResult=Z&xRefNum=5'],
    ['approval without reference', 'text/plain', 'xResult=A&xAuthAmount=1.00'],
    ['approval without amount', 'text/plain', 'xResult=A&xRefNum=5'],
  ];
  for (const [name, type, body] of cases) {
    test(`${name} → GatewayMalformedResponseError, outcome unknown`, async () => {
      answer = body;
      contentType = type;
      const err = await rejection(c.sale({ amount: usd(100), token: 'tok_visa', invoice: 'M1' }));
      assert.ok(err instanceof GatewayMalformedResponseError);
      assert.equal(err.sent, true);
      assert.equal(err.reason, 'malformed_response');
    });
  }

  test('report data that is not a list of rows → typed error', async () => {
    contentType = 'text/plain';
    for (const data of ['not json', '{"a":1}', '[{"xRefNum":"1","xAmount":"1.00","xEnteredDate":"yesterday"}]', '[{"xRefNum":"1","xAmount":"-1","xEnteredDate":"2025-01-01 00:00:00.000"}]']) {
      answer = new URLSearchParams({ xResult: 'A', xReportData: data }).toString();
      await assert.rejects(c.report({ begin: 0, end: 1 }), GatewayMalformedResponseError, data);
    }
  });
});

/** A real HTTP server on 127.0.0.1 that records each request and answers what the test sets. */
async function recordingServer() {
  const seen: { path: string; contentType: string; fields: Record<string, string> }[] = [];
  let answer: GoldenAnswer = GOLDEN_TRANSACTIONS.purchaseSuccess;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const contentType = String(req.headers['content-type'] ?? '');
      const fields = contentType.includes('json') ? (JSON.parse(body) as Record<string, string>) : Object.fromEntries(new URLSearchParams(body));
      seen.push({ path: req.url ?? '', contentType, fields });
      res.writeHead(200, { 'content-type': answer.contentType });
      res.end(answer.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    seen,
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    answer: (a: GoldenAnswer) => (answer = a),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('issue 7 item 10: endpoints', () => {
  test('transactions go to /gateway as a form (or /gatewayjson as JSON); reports to /reportjson as JSON', async () => {
    const srv = await recordingServer();
    try {
      await client({ url: srv.base }).sale({ amount: usd(1000), token: 'tok_visa', invoice: 'EP1' });
      await client({ url: srv.base, preferJson: true }).sale({ amount: usd(1000), token: 'tok_visa', invoice: 'EP2' });
      srv.answer(GOLDEN_REPORT);
      await client({ url: srv.base }).report({ begin: T0, end: T0 + 1000 });
      assert.deepEqual(
        srv.seen.map((r) => [r.path, r.contentType, r.fields.xCommand, r.fields.xKey === KEY]),
        [
          ['/gateway', 'application/x-www-form-urlencoded', 'cc:sale', true],
          ['/gatewayjson', 'application/json', 'cc:sale', true],
          ['/reportjson', 'application/json', 'report:all', true],
        ],
      );
      assert.equal(srv.seen[2].fields.xBeginDate, formatGatewayDate(T0));
    } finally {
      await srv.close();
    }
  });

  test('an old full /gateway URL in the configuration still sends reports to /reportjson', async () => {
    const srv = await recordingServer();
    try {
      const c = client({ url: `${srv.base}gateway` });
      assert.equal(c.endpoints.base, srv.base);
      await c.void({ refNum: '5' });
      srv.answer(GOLDEN_REPORT);
      await c.findByInvoice('R1T1P1', T0, T0 + 1);
      assert.deepEqual(srv.seen.map((r) => r.path), ['/gateway', '/reportjson']);
    } finally {
      await srv.close();
    }
  });

  test('against the simulator: every door answers, a report posted to /gateway is refused', async () => {
    const invoice = newInvoice();
    for (const preferJson of [false, true]) {
      const c = client({ url: `${sim.url}gateway`, preferJson });
      const r = approved(await c.sale({ amount: usd(100), token: 'tok_visa', invoice: `${invoice}-${String(preferJson)}` }));
      assert.equal((await c.findByInvoice(`${invoice}-${String(preferJson)}`, now - 1000, now + 1000))[0]?.refNum, r.refNum);
    }
    const wrongDoor = await fetch(new URL('gateway', sim.url), {
      method: 'POST',
      body: new URLSearchParams({ xKey: KEY, xVersion: '5.0.0', xSoftwareName: 't', xSoftwareVersion: '1', xCommand: 'report:all' }),
    });
    assert.equal(new URLSearchParams(await wrongDoor.text()).get('xError'), 'Reports go to /reportjson');
  });
});

describe('golden fixtures: captured real gateway answers', () => {
  let srv: Awaited<ReturnType<typeof recordingServer>>;
  before(async () => (srv = await recordingServer()));
  after(() => srv.close());

  test('PurchaseSuccess, AuthorizeSuccess: approved with the real masked form and token', async () => {
    for (const [answer, call] of [
      [GOLDEN_TRANSACTIONS.purchaseSuccess, (c: CardknoxClient) => c.sale({ amount: usd(1000), token: 't', invoice: 'G1' })],
      [GOLDEN_TRANSACTIONS.authorizeSuccess, (c: CardknoxClient) => c.authOnly({ amount: usd(1000), token: 't', invoice: 'G2' })],
    ] as const) {
      srv.answer(answer);
      const r = approved(await call(client({ url: srv.base })));
      assert.equal(r.refNum, '123456789', answer.source);
      assert.equal(r.amountApproved, 1000, answer.source);
      assert.equal(r.maskedPan, '4xxxxxxxxxxx2224', answer.source);
      assert.match(r.authCode, /^\d{6}$/, answer.source);
      assert.match(r.token ?? '', /^[0-9a-f]{32}$/, answer.source);
    }
    srv.answer(GOLDEN_TRANSACTIONS.purchaseSuccess);
    assert.equal(approved(await client({ url: srv.base }).sale({ amount: usd(1000), token: 't', invoice: 'G1' })).batch, '347');
  });

  test('PurchaseFailure is a decline with its text; VoidFailure is an error with its code', async () => {
    srv.answer(GOLDEN_TRANSACTIONS.purchaseFailure);
    const d = await client({ url: srv.base }).sale({ amount: usd(1000), token: 't', invoice: 'G3' });
    assert.deepEqual([d.outcome, d.text, d.refNum], ['declined', 'Invalid CVV', '123456789']);
    srv.answer(GOLDEN_TRANSACTIONS.voidFailure);
    const e = await client({ url: srv.base }).void({ refNum: '1' });
    assert.equal(e.outcome, 'error');
    assert.equal(e.text, 'Original transaction not specified');
    assert.equal(e.outcome === 'error' && e.errorCode, '00000');
  });

  test('CaptureSuccess, VoidSuccess, RefundSuccess: approved follow-ups with their amounts', async () => {
    for (const [answer, amount, call] of [
      [GOLDEN_TRANSACTIONS.captureSuccess, 206, (c: CardknoxClient) => c.capture({ refNum: '1' })],
      [GOLDEN_TRANSACTIONS.voidSuccess, 233, (c: CardknoxClient) => c.void({ refNum: '1' })],
      [GOLDEN_TRANSACTIONS.refundSuccess, 233, (c: CardknoxClient) => c.refund({ refNum: '1', amount: usd(233) })],
    ] as const) {
      srv.answer(answer);
      const r = approved(await call(client({ url: srv.base })));
      assert.equal(r.amountApproved, amount, answer.source);
      assert.equal(r.maskedPan, '4xxxxxxxxxxx2224', answer.source);
    }
  });

  test('report rows with 12-hour US dates, both masked forms and either spelling of the masked field', async () => {
    srv.answer(GOLDEN_REPORT);
    const rows = await client({ url: srv.base }).report({ begin: 0, end: Date.UTC(2023, 0, 3) });
    assert.deepEqual(
      rows.map((r) => [r.refNum, r.amount, r.enteredAt, r.maskedPan, r.cardBrand]),
      [
        ['780787663', 199, Date.UTC(2023, 0, 2, 10, 49, 6), '4xxxxxxxxxxx2224', 'visa'],
        ['780974950', 100, Date.UTC(2023, 0, 2, 15, 7, 33), '555555******4444', 'mastercard'],
        ['780975878', 200, Date.UTC(2023, 0, 2, 15, 8, 45), 'xxxxxxxxxxxx0005', 'visa'],
      ],
    );
  });

  test('a masked field holding a whole number is never taken in', async () => {
    // 16 digits that fail the Luhn check: shaped like a card number, not one.
    srv.answer({ source: 'test', contentType: 'text/html', body: 'xResult=A&xRefNum=7&xAuthAmount=1.00&xMaskedCardNumber=4000123412341235' });
    const r = approved(await client({ url: srv.base }).sale({ amount: usd(100), token: 't', invoice: 'G9' }));
    assert.equal(r.maskedPan, undefined);
    srv.answer({
      source: 'test',
      contentType: 'application/json',
      body: JSON.stringify({ xResult: 'A', xReportData: [{ xRefNum: '8', xAmount: '1.00', xEnteredDate: '2025-01-01', xMaskedCardNumber: '4000123412341235' }] }),
    });
    assert.equal((await client({ url: srv.base }).report({ begin: 0, end: Date.UTC(2025, 0, 2) }))[0].maskedPan, '');
  });
});

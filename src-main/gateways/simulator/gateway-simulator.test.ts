import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { after, before, beforeEach, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { ProcessorRequest } from '../../../src-shared/processor-link.ts';
import { createPaxTerminal } from '../../../drivers/pax/pax-terminal-factory.ts';
import { PaxSimulator } from '../../../drivers/pax/simulator/pax-simulator.ts';
import { CardknoxClient } from '../cardknox-client.ts';
import { formatGatewayDate } from '../cardknox-protocol.ts';
import { GatewayUnavailableError } from '../gateway-errors.ts';
import { gatewayProcessorLink } from './gateway-processor-link.ts';
import { parseCliArgs } from './gateway-simulator-cli.ts';
import { GatewaySimulator } from './gateway-simulator.ts';

const KEY = 'sim-key-123';
let now = Date.UTC(2025, 5, 1, 9, 0, 0);
let sim: GatewaySimulator;

const charge = (invoice: string, deviceId: string, extra: Partial<ProcessorRequest> = {}): ProcessorRequest => ({
  command: 'sale',
  invoice,
  amount: 2599,
  currency: 'USD',
  cardToken: 'card-7f3a',
  maskedPan: '555555******4444',
  cardBrand: 'mastercard',
  entryMode: 'contactless',
  deviceId,
  ...extra,
});

/** A control request through the printed control URL (its token is the credential). */
const control = async (path: string, init?: { method: string; body?: unknown }) => {
  const res = await fetch(`${sim.controlUrl}${path.replace(/^\/_control/, '')}`, {
    method: init?.method ?? 'GET',
    ...(init?.body !== undefined ? { body: JSON.stringify(init.body), headers: { 'content-type': 'application/json' } } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

before(async () => {
  sim = await GatewaySimulator.start({ key: KEY, clock: () => now });
});
after(() => sim.close());
beforeEach(() => {
  sim.clearFaults();
  now += 60_000;
});

describe('ProcessorLink over HTTP', () => {
  test('two device links share one ledger: the second device gets a duplicate, no second charge', async () => {
    const a = gatewayProcessorLink(sim.url);
    const b = gatewayProcessorLink(sim.url);
    const first = await a.submit(charge('R2T1P1', 'pax-a'));
    assert.equal(first.result, 'approved');
    assert.equal(first.amountApproved, 2599);
    const second = await b.submit(charge('R2T1P1', 'pax-b'));
    assert.equal(second.result, 'duplicate');
    assert.equal(second.original?.refNum, first.refNum);
    assert.equal(second.original?.maskedPan, '555555******4444');
    const entries = sim.ledger.byInvoice('R2T1P1');
    assert.equal(entries.length, 1);
    assert.equal(entries[0].deviceId, 'pax-a');
    assert.equal(entries[0].entryMode, 'contactless');
    // The in-process link and the gateway endpoint see the same ledger.
    assert.equal((await sim.processorLink().submit(charge('R2T1P1', 'pax-c'))).result, 'duplicate');
    const rows = await new CardknoxClient({ url: sim.url, key: KEY, softwareName: 't', softwareVersion: '1', currency: 'USD' }).findByInvoice(
      'R2T1P1',
      now - 1000,
      now,
    );
    assert.deepEqual(rows.map((r) => [r.refNum, r.deviceId, r.cardBrand]), [[first.refNum, 'pax-a', 'mastercard']]);
  });

  test('follow-ups over the link: auth, incremental, capture, void', async () => {
    const link = gatewayProcessorLink(sim.url);
    const auth = await link.submit(charge('R2T2P1', 'pax-a', { command: 'auth', amount: 10000 }));
    assert.equal(auth.result, 'approved');
    const inc = await link.submit(charge('R2T2P1', 'pax-a', { command: 'incremental', amount: 2500, originalRefNum: auth.refNum }));
    assert.equal(inc.amountApproved, 12500);
    assert.notEqual(inc.refNum, auth.refNum, 'an incremental authorisation has its own reference');
    const cap = await link.submit(charge('R2T2P1', 'pax-a', { command: 'capture', amount: 0, originalRefNum: auth.refNum }));
    assert.equal(cap.result, 'approved');
    assert.notEqual(cap.refNum, auth.refNum, 'a capture has its own reference');
    assert.notEqual(cap.refNum, inc.refNum);
    assert.equal(sim.ledger.find(auth.refNum)?.captured, true);
    const voided = await link.submit(charge('R2T2P1', 'pax-a', { command: 'void', amount: 0, originalRefNum: auth.refNum }));
    assert.equal(voided.result, 'approved');
    assert.equal(sim.ledger.find(auth.refNum)?.status, 'voided');
    const again = await link.submit(charge('R2T2P1', 'pax-a', { command: 'void', amount: 0, originalRefNum: auth.refNum }));
    assert.equal(again.result, 'error');
  });

  test('a request holding a card number is refused with a clear error and never recorded', async () => {
    const link = gatewayProcessorLink(sim.url);
    const before = sim.ledger.size;
    const err = await link.submit(charge('R2T3P1', 'pax-a', { maskedPan: '4111111111111111' })).catch((e: unknown) => e);
    assert.ok(err instanceof GatewayUnavailableError);
    assert.equal(err.sent, false);
    assert.ok(!err.message.includes('4111111111111111'));
    assert.match(err.message, /HTTP 400.*refused the request, so nothing was charged/);
    await assert.rejects(sim.processorLink().submit(charge('R2T3P1', 'pax-a', { cardToken: '4111111111111111' })), /must not hold a card number/);
    await assert.rejects(sim.processorLink().submit({ ...charge('R2T3P1', 'pax-a'), amount: 1.5 }), /amount/);
    assert.equal(sim.ledger.size, before);
  });

  test('processor faults: commit then drop leaves the charge in the ledger; a hang times out', async () => {
    sim.injectFault({ kind: 'drop_after_commit', target: 'processor', commands: ['sale'] });
    const link = gatewayProcessorLink(sim.url, { timeoutMs: 300 });
    const err = await link.submit(charge('R2T4P1', 'pax-a')).catch((e: unknown) => e);
    assert.ok(err instanceof GatewayUnavailableError);
    assert.equal(err.sent, true);
    assert.equal(sim.ledger.summary({ invoice: 'R2T4P1' }).approvedCount, 1);
    // Gateway-door faults do not touch the processor door.
    sim.injectFault({ kind: 'http_5xx' });
    assert.equal((await link.submit(charge('R2T4P2', 'pax-a'))).result, 'approved');
    sim.injectFault({ kind: 'hang', target: 'processor' });
    const hung = await link.submit(charge('R2T4P3', 'pax-a')).catch((e: unknown) => e);
    assert.ok(hung instanceof GatewayUnavailableError);
    assert.equal(hung.reason, 'timeout');
    assert.equal(sim.ledger.byInvoice('R2T4P3').length, 0);
  });
});

describe('issuer rules and the virtual terminal', () => {
  const client = () => new CardknoxClient({ url: sim.url, key: KEY, softwareName: 't', softwareVersion: '1', currency: 'USD', timeoutMs: 2000 });

  test('a PAX sale through the gateway for an amount ending in 52 cents is partially approved: half charged, half due', async () => {
    const pad = new PaxSimulator({ deviceId: 'pax-p', processor: gatewayProcessorLink(sim.url), cardTimeMs: 0, clock: () => new Date(now) });
    const port = await pad.listenTcp(0);
    const terminal = createPaxTerminal({ id: 'pax-p', transport: 'tcp', host: '127.0.0.1', port, timeouts: { transactionMs: 3000, adminMs: 2000 } });
    try {
      const r = await terminal.sale({ ecrRef: 'R2T9P1', invoice: 'R2T9P1', amount: 2052 });
      assert.equal(r.outcome, 'partially_approved');
      assert.equal(r.amountApproved, 1026);
      const [entry] = sim.ledger.byInvoice('R2T9P1');
      assert.deepEqual([entry.amount, entry.amountRequested, entry.status, entry.deviceId], [1026, 2052, 'approved', 'pax-p']);
      // The gateway's report shows what was charged, so a lookup records the half, not the whole.
      const rows = await client().findByInvoice('R2T9P1', now - 1000, now);
      assert.deepEqual(rows.map((x) => x.amount), [1026]);
    } finally {
      await terminal.close();
      await pad.close();
    }
  });

  test('the same rules at the gateway door: 51 cents declines; an armed partial halves the next sale, whatever the amount', async () => {
    const declined = await client().sale({ amount: { amount: 1051, currency: 'USD' }, token: 'tok_visa', invoice: 'GW51' });
    assert.equal(declined.outcome, 'declined');
    sim.processor.partiallyApproveNext();
    const half = await client().sale({ amount: { amount: 1000, currency: 'USD' }, token: 'tok_visa', invoice: 'GWHALF' });
    assert.equal(half.outcome, 'approved');
    assert.equal(half.amountApproved, 500);
    const whole = await client().sale({ amount: { amount: 1000, currency: 'USD' }, token: 'tok_visa', invoice: 'GWWHOLE' });
    assert.equal(whole.outcome === 'approved' && whole.amountApproved, 1000);
  });

  test('a virtual terminal sale lands in the ledger and the report like any gateway charge', async () => {
    const r = sim.virtualTerminalSale({ invoice: 'R2T90000001P1', amount: 1234 });
    assert.equal(r.xResult, 'A');
    assert.equal(r.xMaskedCardNumber, '4xxxxxxxxxxx1111');
    const rows = await client().report({ kind: 'approved', begin: now - 1000, end: now });
    const row = rows.find((x) => x.invoice === 'R2T90000001P1');
    assert.equal(row?.amount, 1234);
    assert.equal(row?.refNum, r.xRefNum);
    assert.equal(row?.deviceId, 'gateway');
  });

  test('a report fault makes only the reports fail; charges still go through', async () => {
    sim.injectFault({ kind: 'http_5xx', commands: ['report:all', 'report:approved'], times: 'always' });
    await assert.rejects(client().report({ kind: 'approved', begin: now - 1000, end: now }), GatewayUnavailableError);
    assert.equal((await client().sale({ amount: { amount: 700, currency: 'USD' }, token: 'tok_visa', invoice: 'GWFAULT' })).outcome, 'approved');
    sim.clearFaults();
    assert.ok((await client().report({ kind: 'approved', begin: now - 1000, end: now })).some((x) => x.invoice === 'GWFAULT'));
  });
});

describe('control endpoints', () => {
  test('faults can be armed, listed and cleared over HTTP', async () => {
    const bad = await control('/_control/faults', { method: 'POST', body: { kind: 'explode' } });
    assert.equal(bad.status, 400);
    assert.match(String(bad.body.error), /kind/);
    const noDelay = await control('/_control/faults', { method: 'POST', body: { kind: 'delay' } });
    assert.equal(noDelay.status, 400);
    assert.match(String(noDelay.body.error), /delayMs/);
    const ok = await control('/_control/faults', { method: 'POST', body: { kind: 'http_5xx', target: 'processor', times: 2, status: 502 } });
    assert.equal(ok.status, 200);
    const listed = await control('/_control/faults');
    assert.deepEqual((listed.body.faults as { id: number; left: number }[]).map((f) => [f.id, f.left]), [[ok.body.id, 2]]);
    const link = gatewayProcessorLink(sim.url);
    const err = await link.submit(charge('R3T1P1', 'pax-a')).catch((e: unknown) => e);
    assert.ok(err instanceof GatewayUnavailableError);
    assert.equal((err.details as { status: number }).status, 502);
    await control('/_control/faults', { method: 'DELETE' });
    assert.equal((await link.submit(charge('R3T1P1', 'pax-a'))).result, 'approved');
  });

  test('the ledger and double charges are readable over HTTP', async () => {
    const link = gatewayProcessorLink(sim.url);
    await link.submit(charge('R3T2P1', 'pax-a'));
    await link.submit(charge('R3T2P1', 'pax-b', { allowDuplicate: true }));
    const ledger = await control('/_control/ledger?invoice=R3T2P1');
    assert.equal((ledger.body.entries as unknown[]).length, 2);
    assert.deepEqual((ledger.body.summary as { approvedCount: number; approvedAmount: number }).approvedAmount, 5198);
    const doubles = await control('/_control/double-charges');
    assert.ok((doubles.body.doubleCharges as { invoice: string }[]).some((d) => d.invoice === 'R3T2P1'));
    assert.equal((await control('/_control/nothing')).status, 404);
  });

  test('the duplicate window can be changed at run time', async () => {
    const link = gatewayProcessorLink(sim.url);
    await link.submit(charge('R3T3P1', 'pax-a'));
    assert.equal((await control('/_control/duplicate-window', { method: 'POST', body: { ms: 'soon' } })).status, 400);
    await control('/_control/duplicate-window', { method: 'POST', body: { ms: 1000 } });
    now += 1001;
    assert.equal((await link.submit(charge('R3T3P1', 'pax-a'))).result, 'approved');
    await control('/_control/duplicate-window', { method: 'POST', body: { ms: 24 * 3600_000 } });
  });

  test('batch close moves later charges to the next batch', async () => {
    const link = gatewayProcessorLink(sim.url);
    const r = await link.submit(charge('R3T4P1', 'pax-a'));
    const closed = await control('/_control/batch-close', { method: 'POST' });
    assert.equal(closed.body.batch, r.batch);
    assert.ok((closed.body.count as number) >= 1);
    const next = await link.submit(charge('R3T4P2', 'pax-a'));
    assert.equal(Number(next.batch), Number(r.batch) + 1);
    // A settled charge cannot be voided any more.
    assert.equal((await link.submit(charge('R3T4P1', 'pax-a', { command: 'void', originalRefNum: r.refNum }))).result, 'error');
  });
});

describe('gateway endpoint checks', () => {
  test('missing required fields and card data are refused', async () => {
    const post = async (fields: Record<string, string>) =>
      Object.fromEntries(new URLSearchParams(await (await fetch(new URL('gateway', sim.url), { method: 'POST', body: new URLSearchParams(fields) })).text()));
    const base = { xKey: KEY, xVersion: '5.0.0', xSoftwareName: 't', xSoftwareVersion: '1' };
    assert.equal((await post({ xKey: KEY, xCommand: 'cc:sale' })).xError, 'Required: xVersion, xSoftwareName, xSoftwareVersion');
    const withCard = await post({ ...base, xCommand: 'cc:sale', xAmount: '1.00', xCardNum: '4111111111111111', xInvoice: 'C1' });
    assert.equal(withCard.xResult, 'E');
    assert.match(withCard.xError, /tokens only/);
    assert.equal((await post({ ...base, xCommand: 'cc:sale', xAmount: '1.005', xToken: 'tok_visa' })).xError, 'Invalid xAmount');
    assert.equal((await post({ ...base, xCommand: 'cc:bogus' })).xError, 'Unsupported xCommand cc:bogus');
    assert.equal((await post({ ...base, xCommand: 'report:all', xBeginDate: '01/01/2025' })).xError, 'Reports go to /reportjson');
    assert.equal(sim.ledger.byInvoice('C1').length, 0);
    assert.equal((await fetch(new URL('gateway', sim.url))).status, 405);
  });
});

const WIRE_BASE = { xKey: KEY, xVersion: '5.0.0', xSoftwareName: 't', xSoftwareVersion: '1' };

/** POSTs to a simulator path: a form, or JSON; answers the parsed fields (form or JSON). */
async function door(path: string, fields: Record<string, unknown>, as: 'form' | 'json') {
  const res = await fetch(new URL(path, sim.url), {
    method: 'POST',
    headers: { 'content-type': as === 'json' ? 'application/json' : 'application/x-www-form-urlencoded' },
    body: as === 'json' ? JSON.stringify(fields) : new URLSearchParams(fields as Record<string, string>),
  });
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, type, body: (type.includes('json') ? JSON.parse(text) : Object.fromEntries(new URLSearchParams(text))) as Record<string, unknown> };
}

describe('issue 7 items 10-12: the gateway doors', () => {
  test('/gateway takes and answers forms; /gatewayjson takes JSON with any field-name case and answers JSON', async () => {
    const form = await door('/gateway', { ...WIRE_BASE, xCommand: 'cc:sale', xAmount: '1.00', xToken: 'tok_visa', xInvoice: 'D1' }, 'form');
    assert.equal(form.type, 'application/x-www-form-urlencoded');
    assert.equal(form.body.xResult, 'A');
    // Lower-case names and JSON scalars, as public JSON callers send them.
    const jsonSale = await door('/gatewayjson', { xkey: KEY, xversion: '5.0.0', xsoftwarename: 't', xsoftwareversion: '1', xcommand: 'cc:sale', xamount: 2.5, xtoken: 'tok_visa', xinvoice: 'D2', xallowduplicate: true }, 'json');
    assert.equal(jsonSale.type, 'application/json');
    assert.equal(jsonSale.body.xResult, 'A');
    assert.equal(jsonSale.body.xAuthAmount, '2.50');
    assert.equal(sim.ledger.byInvoice('D2')[0]?.amount, 250);
    // A form body at /gatewayjson is read too (the door decides the answer's format).
    const formAtJson = await door('/gatewayjson', { ...WIRE_BASE, xCommand: 'cc:sale', xAmount: '1.00', xToken: 'tok_visa', xInvoice: 'D3' }, 'form');
    assert.equal(formAtJson.type, 'application/json');
    assert.equal(formAtJson.body.xResult, 'A');
  });

  test('/reportjson serves reports to JSON and form bodies and refuses transactions', async () => {
    const window = { xBeginDate: formatGatewayDate(now - 1000), xEndDate: formatGatewayDate(now + 1000) };
    await door('/gateway', { ...WIRE_BASE, xCommand: 'cc:sale', xAmount: '3.00', xToken: 'tok_visa', xInvoice: 'D4' }, 'form');
    for (const as of ['json', 'form'] as const) {
      const r = await door('/reportjson', { ...WIRE_BASE, xCommand: 'report:approved', xInvoice: '=D4', ...window }, as);
      assert.equal(r.type, 'application/json', as);
      assert.deepEqual((r.body.xReportData as { xInvoice: string }[]).map((x) => x.xInvoice), ['D4'], as);
    }
    const sale = await door('/reportjson', { ...WIRE_BASE, xCommand: 'cc:sale', xAmount: '1.00', xToken: 'tok_visa', xInvoice: 'D5' }, 'json');
    assert.equal(sale.body.xResult, 'E');
    assert.match(String(sale.body.xError), /Transactions go to \/gateway or \/gatewayjson/);
    assert.equal(sim.ledger.byInvoice('D5').length, 0);
  });

  test('anything else answers 404 with a body naming the real endpoints', async () => {
    for (const path of ['/', '/gateway/extra', '/api/v1/sale', '/report']) {
      const res = await fetch(new URL(path, sim.url), { method: 'POST', body: 'xCommand=cc:sale' });
      assert.equal(res.status, 404, path);
      const body = (await res.json()) as { error: string };
      assert.match(body.error, /transactions go to \/gateway \(form\) or \/gatewayjson \(JSON\), reports to \/reportjson/, path);
    }
    assert.equal((await fetch(new URL('/reportjson', sim.url))).status, 405);
  });

  test('report windows: a date alone covers the whole day; MM/DD/YYYY; with and without milliseconds', async () => {
    const sales: Record<string, number> = {};
    const saved = now;
    // Three sales on 2026-11-30 (UTC): first and last millisecond of the day, and noon; one the day after.
    for (const [inv, at] of [
      ['W1', Date.UTC(2026, 10, 30, 0, 0, 0, 0)],
      ['W2', Date.UTC(2026, 10, 30, 12, 0, 0, 500)],
      ['W3', Date.UTC(2026, 10, 30, 23, 59, 59, 999)],
      ['W4', Date.UTC(2026, 11, 1, 0, 0, 0, 0)],
    ] as const) {
      now = at;
      sales[inv] = at;
      await door('/gateway', { ...WIRE_BASE, xCommand: 'cc:sale', xAmount: '1.00', xToken: 'tok_visa', xInvoice: inv }, 'form');
    }
    now = saved;
    const invoices = async (xBeginDate: string, xEndDate: string) => {
      const r = await door('/reportjson', { ...WIRE_BASE, xCommand: 'report:all', xBeginDate, xEndDate }, 'json');
      assert.equal(r.body.xResult, 'A', `${xBeginDate}..${xEndDate}: ${String(r.body.xError)}`);
      return (r.body.xReportData as { xInvoice: string }[]).map((x) => x.xInvoice).filter((i) => /^W\d$/.test(i));
    };
    assert.deepEqual(await invoices('2026-11-30', '2026-11-30'), ['W1', 'W2', 'W3']);
    assert.deepEqual(await invoices('11/30/2026', '11/30/2026'), ['W1', 'W2', 'W3']);
    assert.deepEqual(await invoices('11/30/2026', '12/01/2026'), ['W1', 'W2', 'W3', 'W4']);
    assert.deepEqual(await invoices('2026-11-30 12:00:00', '2026-11-30 12:00:00'), []);
    assert.deepEqual(await invoices('2026-11-30 12:00:00', '2026-11-30 12:00:01'), ['W2']);
    assert.deepEqual(await invoices('2026-11-30 12:00:00.500', '2026-11-30 12:00:00.500'), ['W2']);
    assert.deepEqual(await invoices('2026-11-30 23:59:59.999', '12/01/2026 00:00:00'), ['W3', 'W4']);
    const bad = await door('/reportjson', { ...WIRE_BASE, xCommand: 'report:all', xBeginDate: '30/11/2026', xEndDate: '2026-11-30' }, 'json');
    assert.match(String(bad.body.xError), /YYYY-MM-DD or MM\/DD\/YYYY/);
  });

  test('every transaction, a void included, gets its own xRefNum; masked numbers as real answers carry them', async () => {
    const sale = await door('/gateway', { ...WIRE_BASE, xCommand: 'cc:sale', xAmount: '7.77', xToken: 'tok_mastercard', xInvoice: 'V1' }, 'form');
    assert.equal(sale.body.xMaskedCardNumber, '5xxxxxxxxxxx4444');
    const voided = await door('/gateway', { ...WIRE_BASE, xCommand: 'cc:void', xRefNum: String(sale.body.xRefNum) }, 'form');
    assert.equal(voided.body.xResult, 'A');
    assert.ok(voided.body.xRefNum && voided.body.xRefNum !== sale.body.xRefNum, 'the void has a reference of its own');
    const again = await door('/gateway', { ...WIRE_BASE, xCommand: 'cc:void', xRefNum: String(sale.body.xRefNum) }, 'form');
    assert.equal(again.body.xResult, 'E');
    const refs = [sale.body.xRefNum, voided.body.xRefNum, again.body.xRefNum];
    assert.equal(new Set(refs).size, 3, 'a refused void gets its own reference too');
    // The PAX door: a void through the processor link also answers its own reference.
    const link = gatewayProcessorLink(sim.url);
    const charged = await link.submit(charge('V2', 'pax-a'));
    const linkVoid = await link.submit(charge('V2', 'pax-a', { command: 'void', originalRefNum: charged.refNum, amount: 0 }));
    assert.equal(linkVoid.result, 'approved');
    assert.notEqual(linkVoid.refNum, charged.refNum);
    // Report rows carry the same masked form; the voided original keeps its own reference, the void has a row of its own.
    const r = await door('/reportjson', { ...WIRE_BASE, xCommand: 'report:all', xInvoice: '=V1', xBeginDate: formatGatewayDate(now - 1000), xEndDate: formatGatewayDate(now + 1000) }, 'json');
    assert.deepEqual((r.body.xReportData as Record<string, string>[]).map((x) => [x.xRefNum, x.xCommand, x.xVoid, x.xMaskedCardNumber]), [
      [sale.body.xRefNum, 'cc:sale', '1', '5xxxxxxxxxxx4444'],
      [voided.body.xRefNum, 'cc:void', '0', '5xxxxxxxxxxx4444'],
    ]);
  });
});

describe('issue 10 §5: control endpoints need the key and refuse other origins', () => {
  const armed = () => sim.faults.list().length;

  test('without the key or the token: refused, nothing armed', async () => {
    const spec = JSON.stringify({ kind: 'http_5xx', times: 'always' });
    // What a web page can send cross-site without a preflight: text/plain, no credentials.
    const plain = await fetch(new URL('/_control/faults', sim.url), { method: 'POST', headers: { 'content-type': 'text/plain' }, body: spec });
    assert.equal(plain.status, 401);
    assert.match(((await plain.json()) as { error: string }).error, /gateway key/);
    const wrongKey = await fetch(new URL('/_control/faults', sim.url), { method: 'POST', headers: { 'content-type': 'application/json', 'x-gateway-key': 'sim-key-124' }, body: spec });
    assert.equal(wrongKey.status, 401);
    const wrongToken = await fetch(`${sim.url}_control/${'A'.repeat(24)}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: spec });
    assert.equal(wrongToken.status, 401);
    assert.equal((await fetch(new URL('/_control/ledger', sim.url))).status, 401, 'reading the ledger needs the key too');
    assert.equal(armed(), 0);
  });

  test('another origin is refused even with the key or the token; a text/plain body is refused even with them', async () => {
    const spec = JSON.stringify({ kind: 'http_5xx' });
    for (const [url, headers] of [
      [`${sim.controlUrl}/faults`, { origin: 'https://evil.example', 'content-type': 'application/json' }],
      [new URL('/_control/faults', sim.url).toString(), { origin: 'http://localhost:3000', 'x-gateway-key': KEY, 'content-type': 'application/json' }],
      [`${sim.controlUrl}/faults`, { origin: 'null', 'content-type': 'application/json' }],
    ] as const) {
      const res = await fetch(url, { method: 'POST', headers, body: spec });
      assert.equal(res.status, 403, `${headers.origin}`);
      assert.match(((await res.json()) as { error: string }).error, /another origin/);
    }
    const textWithToken = await fetch(`${sim.controlUrl}/faults`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: spec });
    assert.equal(textWithToken.status, 415);
    assert.equal(armed(), 0);
  });

  test('the key in its header, or the printed control URL, works; so does the simulator\'s own origin', async () => {
    const spec = JSON.stringify({ kind: 'http_5xx', commands: ['never'] });
    const byKey = await fetch(new URL('/_control/faults', sim.url), { method: 'POST', headers: { 'content-type': 'application/json', 'x-gateway-key': KEY }, body: spec });
    assert.equal(byKey.status, 200);
    const byToken = await fetch(`${sim.controlUrl}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: spec });
    assert.equal(byToken.status, 200);
    const ownOrigin = await fetch(`${sim.controlUrl}/faults`, { headers: { origin: new URL(sim.url).origin } });
    assert.equal(((await ownOrigin.json()) as { faults: unknown[] }).faults.length, 2);
    assert.equal((await fetch(`${sim.controlUrl}/faults`, { method: 'DELETE' })).status, 200);
    assert.equal(armed(), 0);
  });

  test('the control token is a long random secret per run, and a given one is checked', async () => {
    const other = await GatewaySimulator.start({ key: KEY });
    try {
      assert.notEqual(other.controlUrl, sim.controlUrl);
      assert.match(other.controlUrl, /\/_control\/[A-Za-z0-9_-]{24}$/);
    } finally {
      await other.close();
    }
    await assert.rejects(GatewaySimulator.start({ key: KEY, controlToken: 'short' }), /control token/);
  });
});

describe('CLI', () => {
  let child: ChildProcess | undefined;
  after(() => {
    if (child?.pid && child.exitCode === null) child.kill('SIGKILL');
  });

  test('parses and checks its arguments', () => {
    assert.deepEqual(parseCliArgs(['--port', '0', '--key', 'k', '--duplicate-window-ms', '500']), { port: 0, key: 'k', duplicateWindowMs: 500 });
    assert.deepEqual(parseCliArgs(['--key', 'k', '--refund-before-settlement']), { port: 0, key: 'k', authorisationRules: { refundNeedsSettlement: false } });
    assert.throws(() => parseCliArgs(['--port', '0']), /--key is required/);
    assert.throws(() => parseCliArgs(['--key', 'k', '--port', '70000']), /--port/);
    assert.throws(() => parseCliArgs(['--key', 'k', '--duplicate-window-ms', '1.5']), /whole milliseconds/);
  });

  test('prints one JSON line with its url and serves charges', { timeout: 20_000 }, async () => {
    const cli = fileURLToPath(new URL('./gateway-simulator-cli.ts', import.meta.url));
    child = spawn(process.execPath, ['--import', 'tsx', cli, '--port', '0', '--key', 'cli-key'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout! });
    const [line] = (await once(lines, 'line')) as [string];
    const info = JSON.parse(line) as { url: string; processorUrl: string };
    assert.match(info.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const r = await gatewayProcessorLink(info.url, { timeoutMs: 5000 }).submit(charge('R9T1P1', 'pax-cli'));
    assert.equal(r.result, 'approved');
    // The printed control URL is all a harness needs (scripts/chaos/chaos-fleet.ts calls `${controlUrl}/faults`).
    const { controlUrl } = info as unknown as { controlUrl: string };
    const armed = await fetch(`${controlUrl}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'delay', delayMs: 1, commands: ['never'] }) });
    assert.equal(armed.status, 200);
    assert.equal((await fetch(`${controlUrl}/ledger`)).status, 200);
    assert.equal((await fetch(new URL('/_control/faults', info.url))).status, 401);
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number];
    assert.equal(code, 0);
  });
});

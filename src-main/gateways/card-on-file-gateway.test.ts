// The purser's card-on-file port (issue 12 §5) over real HTTP on 127.0.0.1:
// the Cardknox client against the gateway simulator, whose processor enforces
// what real processors enforce (simulator/authorisation-rules.ts). Every
// check reads the processor's ledger (the ground truth), not our answers only.

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createPaxTerminal } from '../../drivers/pax/pax-terminal-factory.ts';
import { PaxSimulator } from '../../drivers/pax/simulator/pax-simulator.ts';
import { TRAINING_GATEWAY_KEY, TrainingDevices } from '../devices/training-devices.ts';
import type { CardOnFileGateway } from './card-on-file-gateway.ts';
import { CardknoxClient, gatewayRowKind, type GatewayResult } from './cardknox-client.ts';
import { GatewayUnavailableError } from './gateway-errors.ts';
import { GatewaySwitch } from './gateway-switch.ts';
import { DEFAULT_AUTHORISATION_RULES, NOT_SETTLED_TEXT } from './simulator/authorisation-rules.ts';
import { gatewayProcessorLink } from './simulator/gateway-processor-link.ts';
import { CONTROL_KEY_HEADER, GatewaySimulator } from './simulator/gateway-simulator.ts';

const KEY = 'purser-gateway-test-key';
const DAY = 24 * 60 * 60 * 1000;
const usd = (amount: number) => ({ amount, currency: 'USD' });

let now = Date.UTC(2026, 10, 30, 9, 0, 0);
let sim: GatewaySimulator;
let seq = 0;
/** A fresh queue-record reference, as the purser's store-and-forward would give. */
const ref = (what: string) => `PU${++seq}${what}`;

const clientOf = (timeoutMs = 3000) =>
  new CardknoxClient({ url: sim.url, key: KEY, softwareName: 'CashierDesk', softwareVersion: '0.1.0', currency: 'USD', timeoutMs });
const port = (timeoutMs?: number): CardOnFileGateway => clientOf(timeoutMs).cardOnFile();

function approved(r: GatewayResult) {
  assert.equal(r.outcome, 'approved', `expected approval, got ${JSON.stringify(r)}`);
  return r as Extract<GatewayResult, { outcome: 'approved' }>;
}
function notApproved(r: GatewayResult, outcome: 'declined' | 'error', text: RegExp) {
  assert.equal(r.outcome, outcome, `expected ${outcome}, got ${JSON.stringify(r)}`);
  assert.match((r as { text: string }).text, text);
}

/** A control request over HTTP with the key in its header (as the chaos harness and e2e rigs call it). */
async function control(path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(new URL(`/_control/${path}`, sim.url), {
    method: body === undefined ? 'GET' : 'POST',
    headers: { [CONTROL_KEY_HEADER]: KEY, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** A raw gateway request, for what the client itself refuses to send. */
async function wire(fields: Record<string, string>): Promise<Record<string, string>> {
  const res = await fetch(new URL('/gatewayjson', sim.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ xKey: KEY, xVersion: '5.0.0', xSoftwareName: 't', xSoftwareVersion: '1', ...fields }),
  });
  return (await res.json()) as Record<string, string>;
}

/** A registered card's initial authorisation. */
async function openAuth(amount = 10_000, token = 'tok_visa'): Promise<string> {
  return approved(await port().authorise({ token, amount: usd(amount), invoice: ref('A') })).refNum;
}

before(async () => {
  sim = await GatewaySimulator.start({ key: KEY, clock: () => now });
});
after(() => sim.close());
beforeEach(() => {
  sim.clearFaults();
  sim.setAuthorisationRules({ ...DEFAULT_AUTHORISATION_RULES });
  now += 60_000;
});

describe('the card life through the port', () => {
  test('authorise, two increments, capture: each its own xRefNum and report row, kinds told apart, the ledger holds the captured amount', async () => {
    const p = port();
    const authInvoice = ref('A');
    const auth = approved(await p.authorise({ token: 'tok_mastercard', amount: usd(10_000), invoice: authInvoice }));
    const inc1Invoice = ref('I');
    const inc1 = approved(await p.increment({ authRefNum: auth.refNum, amount: usd(2_500), invoice: inc1Invoice }));
    assert.equal(inc1.amountApproved, 2_500, 'cc:adjust answers the increment it approved');
    const inc2 = approved(await p.increment({ authRefNum: auth.refNum, amount: usd(1_000), invoice: ref('I') }));
    assert.equal(sim.ledger.find(auth.refNum)?.amount, 13_500, 'the authorised total is initial + increments');
    assert.equal(sim.ledger.find(auth.refNum)?.incrementCount, 2);
    const capInvoice = ref('C');
    const cap = approved(await p.capture({ authRefNum: auth.refNum, amount: usd(13_000), invoice: capInvoice }));
    assert.equal(cap.amountApproved, 13_000);
    const refs = [auth.refNum, inc1.refNum, inc2.refNum, cap.refNum];
    assert.equal(new Set(refs).size, 4, 'every transaction has its own reference');
    const original = sim.ledger.find(auth.refNum);
    assert.deepEqual([original?.captured, original?.amount, original?.authorisedTotal], [true, 13_000, 13_500]);

    const rowsOf = async (invoice: string) => p.findByInvoice(invoice, now - 1000, now + 1000);
    const [authRow] = await rowsOf(authInvoice);
    assert.deepEqual([authRow.refNum, gatewayRowKind(authRow), authRow.command], [auth.refNum, 'pre_auth', 'cc:authonly']);
    const [incRow] = await rowsOf(inc1Invoice);
    assert.deepEqual([incRow.refNum, gatewayRowKind(incRow), incRow.command, incRow.amount], [inc1.refNum, 'incremental', 'cc:adjust', 2_500]);
    const [capRow] = await rowsOf(capInvoice);
    assert.deepEqual([capRow.refNum, gatewayRowKind(capRow), capRow.amount, capRow.maskedPan], [cap.refNum, 'capture', 13_000, '5xxxxxxxxxxx4444']);
  });

  test('a direct sale by token; a release of an open authorisation; the released hold cannot be captured', async () => {
    const p = port();
    const sale = approved(await p.sale({ token: 'tok_visa', amount: usd(4_200), invoice: ref('S') }));
    assert.equal(sim.ledger.find(sale.refNum)?.kind, 'sale');
    const auth = await openAuth();
    const relInvoice = ref('R');
    const rel = approved(await p.voidAuthorisation({ authRefNum: auth, invoice: relInvoice }));
    assert.notEqual(rel.refNum, auth);
    assert.equal(sim.ledger.find(auth)?.status, 'voided');
    const [row] = await p.findByInvoice(relInvoice, now - 1000, now + 1000);
    assert.deepEqual([row.refNum, row.command, gatewayRowKind(row)], [rel.refNum, 'cc:voidrelease', 'void']);
    notApproved(await p.capture({ authRefNum: auth, amount: usd(100), invoice: ref('C') }), 'error', /authorization/i);
    // cc:voidrelease is for open authorisations only: a sale is voided with voidTransaction.
    notApproved(await p.voidAuthorisation({ authRefNum: sale.refNum, invoice: ref('R') }), 'error', /Only an open authorization can be released/);
    assert.equal(sim.ledger.find(sale.refNum)?.status, 'approved');
  });

  test('a declined increment (issuer rule: 51 cents) is a declined row of its own and leaves the hold as it was', async () => {
    const p = port();
    const auth = await openAuth(5_000);
    const invoice = ref('I');
    notApproved(await p.increment({ authRefNum: auth, amount: usd(1_051), invoice }), 'declined', /DECLINED/);
    assert.equal(sim.ledger.find(auth)?.amount, 5_000);
    const rows = await p.findByInvoice(invoice, now - 1000, now + 1000);
    assert.deepEqual(rows.map((r) => [r.result, gatewayRowKind(r)]), [['declined', 'incremental']], 'the lookup sees a declined increment too');
  });
});

describe('what real processors enforce', () => {
  test('increments only before capture', async () => {
    const p = port();
    const auth = await openAuth();
    approved(await p.capture({ authRefNum: auth, amount: usd(10_000), invoice: ref('C') }));
    notApproved(await p.increment({ authRefNum: auth, amount: usd(500), invoice: ref('I') }), 'error', /already been captured/);
    notApproved(await p.capture({ authRefNum: auth, amount: usd(500), invoice: ref('C') }), 'error', /cannot be captured/);
    assert.equal(sim.ledger.find(auth)?.amount, 10_000);
  });

  test('at most 10 increments by default; the limit is configurable over the control door', async () => {
    const p = port();
    const auth = await openAuth(1_000);
    for (let i = 0; i < 10; i++) approved(await p.increment({ authRefNum: auth, amount: usd(100), invoice: ref('I') }));
    notApproved(await p.increment({ authRefNum: auth, amount: usd(100), invoice: ref('I') }), 'declined', /Maximum of 10 incremental authorizations/);
    assert.deepEqual([sim.ledger.find(auth)?.amount, sim.ledger.find(auth)?.incrementCount], [2_000, 10]);

    const set = await control('rules', { maxIncrements: 2 });
    assert.equal(set.status, 200);
    assert.equal(set.body.maxIncrements, 2);
    assert.equal((await control('rules')).body.maxIncrements, 2);
    const other = await openAuth(1_000);
    approved(await p.increment({ authRefNum: other, amount: usd(100), invoice: ref('I') }));
    approved(await p.increment({ authRefNum: other, amount: usd(100), invoice: ref('I') }));
    notApproved(await p.increment({ authRefNum: other, amount: usd(100), invoice: ref('I') }), 'declined', /Maximum of 2/);
    assert.equal((await control('rules', { maxIncrements: -1 })).status, 400, 'a bad rule is refused');
    assert.equal((await control('rules', { captureTolerancePercent: 15, extra: 1 })).status, 400, 'an unknown rule is refused');
  });

  test('the validity window runs on the injected clock: an expired authorisation declines increments and captures', async () => {
    const p = port();
    const auth = await openAuth(8_000);
    now += 29 * DAY;
    approved(await p.increment({ authRefNum: auth, amount: usd(1_000), invoice: ref('I') }));
    now += 2 * DAY;
    notApproved(await p.increment({ authRefNum: auth, amount: usd(1_000), invoice: ref('I') }), 'declined', /Authorization expired/);
    notApproved(await p.capture({ authRefNum: auth, amount: usd(9_000), invoice: ref('C') }), 'declined', /Authorization expired/);
    assert.equal(sim.ledger.find(auth)?.captured, false);
    // Configurable: a one-hour window (a test of the purser's re-authorisation).
    sim.setAuthorisationRules({ authValidityMs: 60 * 60 * 1000 });
    const short = await openAuth(1_000);
    now += 60 * 60 * 1000 + 1;
    notApproved(await p.capture({ authRefNum: short, amount: usd(1_000), invoice: ref('C') }), 'declined', /expired/);
  });

  test('capture up to the authorised total plus 15%: one cent more is declined with a clear text; the tolerance is configurable', async () => {
    const p = port();
    const auth = await openAuth(10_000);
    approved(await p.increment({ authRefNum: auth, amount: usd(2_000), invoice: ref('I') }));
    // 12 000 authorised: the ceiling is 13 800.
    notApproved(await p.capture({ authRefNum: auth, amount: usd(13_801), invoice: ref('C') }), 'declined', /exceeds the authorized amount plus 15% tolerance/);
    assert.equal(sim.ledger.find(auth)?.captured, false, 'a declined capture takes nothing');
    approved(await p.capture({ authRefNum: auth, amount: usd(13_800), invoice: ref('C') }));
    assert.equal(sim.ledger.find(auth)?.amount, 13_800);

    sim.setAuthorisationRules({ captureTolerancePercent: 0 });
    const strict = await openAuth(5_000);
    notApproved(await p.capture({ authRefNum: strict, amount: usd(5_001), invoice: ref('C') }), 'declined', /plus 0% tolerance/);
    approved(await p.capture({ authRefNum: strict, amount: usd(5_000), invoice: ref('C') }));
  });

  test('no negative amounts anywhere: the client refuses to send one, the gateway refuses one on the wire and records nothing', async () => {
    const p = port();
    const auth = await openAuth(3_000);
    const before = sim.ledger.size;
    await assert.rejects(p.increment({ authRefNum: auth, amount: usd(-100), invoice: ref('I') }), RangeError);
    await assert.rejects(p.capture({ authRefNum: auth, amount: usd(-100), invoice: ref('C') }), RangeError);
    await assert.rejects(p.authorise({ token: 'tok_visa', amount: usd(-1), invoice: ref('A') }), RangeError);
    await assert.rejects(p.refund({ refNum: auth, amount: usd(-1), invoice: ref('F') }), RangeError);
    for (const xCommand of ['cc:adjust', 'cc:capture', 'cc:refund']) {
      const out = await wire({ xCommand, xRefNum: auth, xAmount: '-1.00', xInvoice: ref('W') });
      assert.equal(out.xResult, 'E', xCommand);
      assert.match(out.xError, /Invalid xAmount/);
    }
    for (const xCommand of ['cc:sale', 'cc:authonly']) {
      assert.equal((await wire({ xCommand, xToken: 'tok_visa', xAmount: '-5.00', xInvoice: ref('W') })).xResult, 'E', xCommand);
    }
    assert.equal(sim.ledger.size, before, 'nothing recorded');
    assert.equal(sim.ledger.find(auth)?.amount, 3_000);
  });

  test('refund only after settlement: refused with the seed\'s text before, void works before; after the settle door, void is refused and refund works', async () => {
    const p = port();
    const sale = approved(await p.sale({ token: 'tok_visa', amount: usd(6_000), invoice: ref('S') }));
    const auth = await openAuth(9_000);
    const cap = approved(await p.capture({ authRefNum: auth, amount: usd(8_000), invoice: ref('C') }));
    notApproved(await p.refund({ refNum: sale.refNum, amount: usd(1_000), invoice: ref('F') }), 'error', new RegExp(`^${NOT_SETTLED_TEXT}$`));
    notApproved(await p.refund({ refNum: cap.refNum, amount: usd(1_000), invoice: ref('F') }), 'error', /until it has been settled/);
    assert.equal(sim.ledger.all().filter((e) => e.kind === 'refund').length, 0);
    // Before settlement a capture or sale is voided.
    const voidInvoice = ref('V');
    const v = approved(await p.voidTransaction({ refNum: cap.refNum, invoice: voidInvoice }));
    assert.equal(sim.ledger.find(auth)?.status, 'voided');
    const [voidRow] = await p.findByInvoice(voidInvoice, now - 1000, now + 1000);
    assert.deepEqual([voidRow.refNum, voidRow.command, gatewayRowKind(voidRow)], [v.refNum, 'cc:void', 'void']);

    // The settle door (key-protected like the others) closes the batch.
    assert.equal((await fetch(new URL('/_control/settle', sim.url), { method: 'POST' })).status, 401, 'the settle door needs the key');
    const settled = await control('settle', {});
    assert.equal(settled.status, 200);
    assert.ok(Number(settled.body.count) >= 1);
    notApproved(await p.voidTransaction({ refNum: sale.refNum, invoice: ref('V') }), 'error', /cannot be voided/);
    const refund = approved(await p.refund({ refNum: sale.refNum, amount: usd(1_000), invoice: ref('F') }));
    assert.equal(sim.ledger.find(refund.refNum)?.originalRefNum, sale.refNum);
    assert.equal(sim.ledger.find(sale.refNum)?.refundedAmount, 1_000);

    // The function for tests: a capture settled by sim.settle() is refunded by its capture reference.
    const auth2 = await openAuth(2_000);
    const cap2 = approved(await p.capture({ authRefNum: auth2, amount: usd(2_000), invoice: ref('C') }));
    notApproved(await p.refund({ refNum: cap2.refNum, amount: usd(2_000), invoice: ref('F') }), 'error', /settled/);
    sim.settle();
    approved(await p.refund({ refNum: cap2.refNum, amount: usd(2_000), invoice: ref('F') }));
    assert.equal(sim.ledger.find(auth2)?.status, 'refunded');
  });

  test('a deliberately broken processor (rules off) lets what the invariant checks catch through', async () => {
    // The checks above read the ledger: with the rules loosened the same requests are approved, so they could fail.
    sim.setAuthorisationRules({ refundNeedsSettlement: false, captureTolerancePercent: 100, maxIncrements: 1000 });
    const p = port();
    const sale = approved(await p.sale({ token: 'tok_visa', amount: usd(1_000), invoice: ref('S') }));
    assert.equal((await p.refund({ refNum: sale.refNum, amount: usd(500), invoice: ref('F') })).outcome, 'approved');
    const auth = await openAuth(1_000);
    assert.equal((await p.capture({ authRefNum: auth, amount: usd(1_500), invoice: ref('C') })).outcome, 'approved');
  });
});

describe('resends, faults and lookups (the purser offline)', () => {
  /** One new command: what it acts on (made first), the request, and what "done once" means in the ledger. */
  interface Case {
    command: string;
    setup: () => Promise<string>;
    send: (p: CardOnFileGateway, target: string, invoice: string) => Promise<GatewayResult>;
    doneOnce: (target: string, invoice: string) => void;
  }
  const sale = async () => approved(await port().sale({ token: 'tok_visa', amount: usd(3_000), invoice: ref('S') })).refNum;
  const cases: Case[] = [
    {
      command: 'cc:authonly',
      setup: async () => '',
      send: (p, _t, invoice) => p.authorise({ token: 'tok_visa', amount: usd(7_000), invoice }),
      doneOnce: (_t, invoice) => assert.equal(sim.ledger.byInvoice(invoice).length, 1),
    },
    {
      command: 'cc:sale',
      setup: async () => '',
      send: (p, _t, invoice) => p.sale({ token: 'tok_visa', amount: usd(7_100), invoice }),
      doneOnce: (_t, invoice) => assert.equal(sim.ledger.byInvoice(invoice).length, 1),
    },
    {
      command: 'cc:adjust',
      setup: () => openAuth(5_000),
      send: (p, auth, invoice) => p.increment({ authRefNum: auth, amount: usd(700), invoice }),
      doneOnce: (auth) => assert.deepEqual([sim.ledger.find(auth)?.amount, sim.ledger.find(auth)?.incrementCount], [5_700, 1], 'raised once'),
    },
    {
      command: 'cc:capture',
      setup: () => openAuth(5_000),
      send: (p, auth, invoice) => p.capture({ authRefNum: auth, amount: usd(4_000), invoice }),
      doneOnce: (auth) => assert.equal(sim.ledger.all().filter((e) => e.kind === 'capture' && e.originalRefNum === auth && e.status === 'approved').length, 1),
    },
    {
      command: 'cc:voidrelease',
      setup: () => openAuth(5_000),
      send: (p, auth, invoice) => p.voidAuthorisation({ authRefNum: auth, invoice }),
      doneOnce: (auth) => assert.equal(sim.ledger.all().filter((e) => e.kind === 'void' && e.originalRefNum === auth).length, 1),
    },
    {
      command: 'cc:void',
      setup: sale,
      send: (p, refNum, invoice) => p.voidTransaction({ refNum, invoice }),
      doneOnce: (refNum) => assert.equal(sim.ledger.all().filter((e) => e.kind === 'void' && e.originalRefNum === refNum).length, 1),
    },
    {
      command: 'cc:refund',
      setup: async () => {
        const refNum = await sale();
        sim.settle();
        return refNum;
      },
      send: (p, refNum, invoice) => p.refund({ refNum, amount: usd(1_200), invoice }),
      doneOnce: (refNum) => assert.equal(sim.ledger.find(refNum)?.refundedAmount, 1_200, 'refunded once'),
    },
  ];

  for (const c of cases) {
    test(`${c.command}: answer lost after processing → the lookup by invoice finds it; a mistaken resend is a duplicate and the port returns the original; done once`, async () => {
      const target = await c.setup();
      const invoice = ref('Q');
      sim.injectFault({ kind: 'drop_after_commit', commands: [c.command] });
      const lost = await c.send(port(), target, invoice).then(
        () => assert.fail('the answer was lost'),
        (err: unknown) => err,
      );
      assert.ok(lost instanceof GatewayUnavailableError, String(lost));
      assert.equal(lost.sent, true, 'the request went out: its outcome is unknown');
      const rows = await port().findByInvoice(invoice, now - 1000, now + 1000);
      assert.deepEqual(rows.map((r) => r.result), ['approved'], 'the lookup resolves it');
      // The queue must not resend; if it does by mistake, the gateway answers duplicate and the port gives the original.
      const again = approved(await c.send(port(), target, invoice));
      assert.equal(again.refNum, rows[0].refNum, 'the original, not a second one');
      assert.ok(again.resendRefused, 'marked as a refused resend');
      c.doneOnce(target, invoice);
      const after = await port().findByInvoice(invoice, now - 1000, now + 1000);
      assert.equal(after.filter((r) => r.result === 'approved').length, 1, 'one record for the invoice at the gateway');
    });
  }

  test('a resend of an answered increment, capture and refund under the same invoice: duplicate → the original, nothing done twice', async () => {
    const p = port();
    const auth = await openAuth(10_000);
    const incInvoice = ref('I');
    const inc = approved(await p.increment({ authRefNum: auth, amount: usd(1_500), invoice: incInvoice }));
    const incAgain = approved(await p.increment({ authRefNum: auth, amount: usd(1_500), invoice: incInvoice }));
    assert.deepEqual([incAgain.refNum, incAgain.amountApproved], [inc.refNum, 1_500]);
    assert.ok(incAgain.resendRefused && incAgain.resendRefused !== inc.refNum);
    assert.equal(sim.ledger.find(auth)?.amount, 11_500, 'raised once');
    const capInvoice = ref('C');
    const cap = approved(await p.capture({ authRefNum: auth, amount: usd(11_000), invoice: capInvoice }));
    const capAgain = approved(await p.capture({ authRefNum: auth, amount: usd(11_000), invoice: capInvoice }));
    assert.equal(capAgain.refNum, cap.refNum);
    sim.settle();
    const fInvoice = ref('F');
    const refund = approved(await p.refund({ refNum: cap.refNum, amount: usd(3_000), invoice: fInvoice }));
    const refundAgain = approved(await p.refund({ refNum: cap.refNum, amount: usd(3_000), invoice: fInvoice }));
    assert.equal(refundAgain.refNum, refund.refNum);
    assert.equal(sim.ledger.find(auth)?.refundedAmount, 3_000, 'refunded once');
    // With the duplicate check off (a broken gateway) the resend would raise the hold twice: the check above could fail.
    await control('duplicate-check', { on: false });
    try {
      const i2 = ref('I');
      const auth2 = await openAuth(1_000);
      approved(await p.increment({ authRefNum: auth2, amount: usd(100), invoice: i2 }));
      approved(await p.increment({ authRefNum: auth2, amount: usd(100), invoice: i2 }));
      assert.equal(sim.ledger.find(auth2)?.amount, 1_200);
    } finally {
      await control('duplicate-check', { on: true });
    }
  });

  test('unreachable (5xx, nothing done), slow (answered late), hung (timed out): for the new commands', async () => {
    const auth = await openAuth(4_000);
    sim.injectFault({ kind: 'http_5xx', commands: ['cc:adjust'] });
    const down = await port().increment({ authRefNum: auth, amount: usd(100), invoice: ref('I') }).catch((e: unknown) => e);
    assert.ok(down instanceof GatewayUnavailableError);
    assert.equal(sim.ledger.find(auth)?.amount, 4_000, 'nothing done');
    sim.injectFault({ kind: 'delay', delayMs: 150, commands: ['cc:capture'] });
    const t0 = Date.now();
    approved(await port().capture({ authRefNum: auth, amount: usd(4_000), invoice: ref('C') }));
    assert.ok(Date.now() - t0 >= 140, 'answered after the delay');
    const other = await openAuth(4_000);
    sim.injectFault({ kind: 'hang', commit: true, commands: ['cc:voidrelease'] });
    const hung = await port(300).voidAuthorisation({ authRefNum: other, invoice: ref('R') }).catch((e: unknown) => e);
    assert.ok(hung instanceof GatewayUnavailableError);
    assert.equal(sim.ledger.find(other)?.status, 'voided', 'processed before hanging: the lookup must find it');
    // Faults armed over the control door apply to the new commands too.
    assert.equal((await control('faults', { kind: 'http_5xx', commands: ['cc:adjust'], times: 1 })).status, 200);
    assert.ok((await port().increment({ authRefNum: other, amount: usd(1), invoice: ref('I') }).catch((e: unknown) => e)) instanceof GatewayUnavailableError);
  });
});

describe('an authorisation made on the PIN pad, incremented and captured through the gateway', () => {
  test('PAX simulator over the HTTP processor link (the CLI and chaos wiring): same ledger, same rules', async () => {
    const pad = new PaxSimulator({ deviceId: 'pax-purser', processor: gatewayProcessorLink(sim.url), cardTimeMs: 0, clock: () => new Date(now) });
    const tcp = await pad.listenTcp(0);
    const terminal = createPaxTerminal({ id: 'pax-purser', transport: 'tcp', host: '127.0.0.1', port: tcp, timeouts: { transactionMs: 3000, adminMs: 2000 } });
    try {
      const invoice = ref('P');
      const auth = await terminal.preAuth({ ecrRef: invoice, invoice, amount: 20_000 });
      assert.equal(auth.outcome, 'approved');
      assert.ok(auth.hostRef);
      const entry = sim.ledger.find(auth.hostRef);
      assert.deepEqual([entry?.kind, entry?.deviceId, entry?.amount], ['auth', 'pax-purser', 20_000]);
      const p = port();
      approved(await p.increment({ authRefNum: auth.hostRef, amount: usd(5_000), invoice: ref('I') }));
      notApproved(await p.capture({ authRefNum: auth.hostRef, amount: usd(28_751), invoice: ref('C') }), 'declined', /tolerance/);
      const cap = approved(await p.capture({ authRefNum: auth.hostRef, amount: usd(28_750), invoice: ref('C') }));
      assert.deepEqual([sim.ledger.find(auth.hostRef)?.captured, sim.ledger.find(auth.hostRef)?.amount], [true, 28_750]);
      assert.equal(sim.ledger.find(cap.refNum)?.originalRefNum, auth.hostRef);
    } finally {
      await terminal.close();
      await pad.close();
    }
  });

  test('training wiring (TrainingDevices: the PIN pad charges through the gateway simulator in process) and the gateway switch', async () => {
    const training = await TrainingDevices.start({ cardTimeMs: 0, clock: () => new Date(now) });
    try {
      const invoice = ref('P');
      const auth = await training.terminal.preAuth({ ecrRef: invoice, invoice, amount: 15_000 });
      assert.equal(auth.outcome, 'approved');
      assert.ok(auth.hostRef);
      // The switch routes the port to the training gateway while training runs.
      const gw = new GatewaySwitch({ training: () => training }, { currency: 'USD', version: '0.1.0', log: () => undefined });
      const p = gw.cardOnFile();
      approved(await p.increment({ authRefNum: auth.hostRef, amount: usd(2_000), invoice: ref('I') }));
      const cap = approved(await p.capture({ authRefNum: auth.hostRef, amount: usd(17_000), invoice: ref('C') }));
      const ledger = training.gateway.ledger;
      assert.deepEqual([ledger.find(auth.hostRef)?.deviceId, ledger.find(auth.hostRef)?.captured, ledger.find(cap.refNum)?.kind], ['training', true, 'capture']);
      assert.equal(training.gateway.url !== sim.url, true);
      void TRAINING_GATEWAY_KEY;
    } finally {
      await training.close();
    }
  });

  test('the switch without training uses the configured gateway, and refuses in plain words without one', async () => {
    const configured = new GatewaySwitch({ training: () => undefined }, { gateway: { url: sim.url, key: KEY }, currency: 'USD', version: '0.1.0', log: () => undefined });
    const auth = approved(await configured.cardOnFile().authorise({ token: 'tok_visa', amount: usd(1_000), invoice: ref('A') }));
    assert.equal(sim.ledger.find(auth.refNum)?.kind, 'auth');
    const none = new GatewaySwitch({ training: () => undefined }, { currency: 'USD', version: '0.1.0', log: () => undefined });
    await assert.rejects(none.cardOnFile().increment({ authRefNum: auth.refNum, amount: usd(1), invoice: ref('I') }), /No payment gateway is configured/);
  });
});

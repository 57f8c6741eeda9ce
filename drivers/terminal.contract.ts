// The shared contract every PaymentTerminal driver must pass, run against a
// simulator over a real link (TCP, serial pty pair, HTTP…). Each test builds
// a fresh fixture and closes it, so faults never leak between tests.
//
// What it proves: every command gives a definite, typed answer; every fault
// ends in a definite result or an OutcomeUnknownError within the timeout (never
// a hang, never a crash); a request is never sent twice after a timeout (the
// processor's ledger shows at most one charge per ECR reference); results
// never carry a full card number.

import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import type { EntryMode } from '../src-shared/card.ts';
import { containsFullPan } from '../src-shared/card.ts';
import {
  OutcomeUnknownError,
  TerminalRequestError,
  TerminalUnavailableError,
  type PaymentTerminal,
  type TerminalStatus,
} from './terminal.ts';
import type { PaxFault } from './pax/simulator/pax-simulator-faults.ts';

/** A fault the simulator can inject: the PAX simulator's set, which other simulators map theirs onto. */
export type ContractFault = PaxFault;

/** What the contract needs from a simulator. */
export interface ContractSimulator {
  presentCard(card: { pan: string; entryMode?: EntryMode }): void;
  setFault(fault: ContractFault | null, opts?: { once?: boolean }): void;
  setDuplicateCheck(on: boolean): void;
  /** Every request the processor answered: the ground truth of who was charged. */
  /** The processor ledger's charges (drivers/pax/simulator/processor-ledger.ts LedgerEntry): sales and auths that took money. */
  processorCharges(): readonly { invoice: string; kind: string; status: string; amount: number }[];
}

/** A terminal wired to its simulator over a real link. */
export interface ContractFixture {
  terminal: PaymentTerminal;
  sim: ContractSimulator;
  /** A terminal of the same kind pointed at nothing (closed port, missing device). */
  unreachable(): PaymentTerminal;
  /** Closes terminal, simulator and link. */
  close(): Promise<void>;
}

/** Options of the fixture factory. */
export interface ContractFixtureOptions {
  /** How long the simulated customer takes to present the card (ms). */
  cardTimeMs?: number;
}

/** How a driver family differs; the defaults fit PAX over a byte stream. */
export interface ContractOptions {
  /** Amount the simulated issuer declines (default 1051). */
  declineAmount?: number;
  /** Amount the simulated issuer approves only half of (default 2052). */
  partialAmount?: number;
  /**
   * Whether a damaged answer can be asked for again (ACK/NAK links); when
   * false a damaged answer must end in OutcomeUnknownError.
   */
  recoversDamagedFrames?: boolean;
  /** Admin-call wait configured in the fixture, so the suite knows how long "never hangs" may take (default 3000). */
  adminTimeoutMs?: number;
  /**
   * Whether the device can report its prompts while a sale runs (default true);
   * false where the link has no channel for them (PAX over HTTP).
   */
  reportsPrompts?: boolean;
}

const VISA = '4111111111111111';
const MASTERCARD = '5555555555554444';
/** Transaction wait used by the fault cases. */
const TXN_TIMEOUT = 700;
/** Slack for scheduling on a busy CI machine. */
const SLACK = 1500;

let refCounter = 0;
/** A fresh, valid ECR reference per call so tests never collide. */
function ref(): string {
  refCounter++;
  return `C${process.pid % 10000}N${refCounter}`;
}

async function timed<T>(p: Promise<T>): Promise<{ ms: number; value?: T; error?: unknown }> {
  const t0 = performance.now();
  try {
    const value = await p;
    return { ms: performance.now() - t0, value };
  } catch (error) {
    return { ms: performance.now() - t0, error };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function approvedCharges(sim: ContractSimulator, invoice: string, command: 'sale' | 'auth' = 'sale') {
  // A partial approval is an approved entry holding the amount approved.
  return sim.processorCharges().filter((c) => c.invoice === invoice && c.kind === command && c.status === 'approved');
}

/**
 * Charged once, measured at the processor (issue 14 §5): exactly one request
 * of this command for this invoice reached it, and it was approved. Every
 * fixture starts with the device's duplicate check off, so a resend would
 * reach the processor and show here whatever either duplicate check answered.
 */
function assertChargedOnce(sim: ContractSimulator, invoice: string, command: 'sale' | 'auth' = 'sale'): void {
  const requests = sim.processorCharges().filter((c) => c.invoice === invoice && c.kind === command);
  assert.equal(requests.length, 1, `${requests.length} ${command} requests for ${invoice} reached the processor (${requests.map((r) => r.status).join(', ')})`);
  assert.equal(approvedCharges(sim, invoice, command).length, 1);
}

/**
 * No field but the timestamp may hold a card-number-like run (a 14-digit
 * YYYYMMDDhhmmss passes Luhn one time in ten, so it is left out).
 */
function assertNoCardNumber(value: unknown): void {
  const json = JSON.stringify(value, (k, v: unknown) => (k === 'timestamp' ? undefined : v));
  assert.equal(containsFullPan(json), false, 'a result carries a full card number');
  for (const pan of [VISA, MASTERCARD]) assert.ok(!JSON.stringify(value).includes(pan));
}

function assertUnknown(error: unknown, what: string): asserts error is OutcomeUnknownError {
  assert.ok(error instanceof OutcomeUnknownError, `${what}: expected OutcomeUnknownError, got ${String(error)}`);
  assert.equal(error.requestSent, true, `${what}: the request had been sent`);
}

/**
 * Registers the contract tests for one driver + link. `make` builds a fresh
 * fixture per test; its terminal must use admin waits of at most
 * `adminTimeoutMs` and cancel waits of at most 1 s.
 */
export function terminalContract(
  name: string,
  make: (opts?: ContractFixtureOptions) => Promise<ContractFixture>,
  options: ContractOptions = {},
): void {
  const declineAmount = options.declineAmount ?? 1051;
  const partialAmount = options.partialAmount ?? 2052;
  const recovers = options.recoversDamagedFrames ?? true;
  const adminMs = options.adminTimeoutMs ?? 3000;
  const reportsPrompts = options.reportsPrompts ?? true;

  /** Runs `body` against a fresh fixture and always closes it. */
  function withFixture(
    title: string,
    body: (f: ContractFixture, t: TestContext) => Promise<void>,
    fixtureOpts?: ContractFixtureOptions,
  ): void {
    test(title, async (t) => {
      const f = await make(fixtureOpts);
      // The device's duplicate check would hide a resend; tests that need it turn it on.
      f.sim.setDuplicateCheck(false);
      try {
        await body(f, t);
      } finally {
        await f.close();
      }
    });
  }

  describe(`PaymentTerminal contract: ${name}`, () => {
    // ---------------------------------------------------------------- commands

    withFixture('identify names the device and marks it connected', async ({ terminal }) => {
      const seen: TerminalStatus[] = [];
      terminal.onStatus((s) => seen.push(s));
      const id = await terminal.identify();
      assert.ok(id.vendor.length > 0 && id.model.length > 0 && id.serialNumber.length > 0);
      assert.equal(terminal.status().state, 'connected');
      assert.ok(seen.some((s) => s.state === 'busy'), 'went busy while asking');
    });

    withFixture('sale is approved with a masked card and charged exactly once', async ({ terminal, sim }) => {
      const ecrRef = ref();
      const statuses: string[] = [];
      terminal.onStatus((s) => statuses.push(s.state));
      const r = await terminal.sale({ ecrRef, invoice: ecrRef, amount: 1250 });
      assert.equal(r.outcome, 'approved');
      assert.equal(r.resultCode, '000000');
      assert.equal(r.amountApproved, 1250);
      assert.equal(r.amountDue, 0);
      assert.equal(r.ecrRef, ecrRef);
      assert.equal(r.maskedPan, '411111******1111');
      assert.equal(r.cardBrand, 'visa');
      assert.ok(r.terminalRef && r.hostRef && r.authCode);
      assertNoCardNumber(r);
      assertChargedOnce(sim, ecrRef);
      assert.deepEqual(statuses.slice(-2), ['busy', 'connected']);
    });

    withFixture(
      'a sale reports present card, PIN and authorising before its result',
      async ({ terminal }, t) => {
        if (!reportsPrompts) return t.skip('this link has no channel for the device to report its prompts while a sale runs');
        const ecrRef = ref();
        const seen: { prompt: string; settled: boolean }[] = [];
        let settled = false;
        terminal.onStatus((s) => {
          if (s.state === 'busy' && s.prompt && seen.at(-1)?.prompt !== s.prompt) seen.push({ prompt: s.prompt, settled });
        });
        const r = await terminal.sale({ ecrRef, invoice: ecrRef, amount: 1234 }).finally(() => {
          settled = true;
        });
        assert.equal(r.outcome, 'approved');
        assert.deepEqual(seen.map((x) => x.prompt), ['present_card', 'enter_pin', 'authorising']);
        assert.ok(seen.every((x) => !x.settled), 'every prompt came before the result');
        assert.equal(terminal.status().state, 'connected', 'a status frame never outlives the result');
      },
      { cardTimeMs: 300 },
    );

    withFixture(
      'prompts reported, then the answer lost: still OutcomeUnknownError, never a result',
      async ({ terminal, sim }, t) => {
        if (!reportsPrompts) return t.skip('this link has no channel for the device to report its prompts while a sale runs');
        const ecrRef = ref();
        const prompts = new Set<string>();
        terminal.onStatus((s) => {
          if (s.state === 'busy' && s.prompt) prompts.add(s.prompt);
        });
        sim.setFault({ kind: 'drop_response' }, { once: true });
        const r = await timed(terminal.sale({ ecrRef, invoice: ecrRef, amount: 2210, timeoutMs: TXN_TIMEOUT }));
        assertUnknown(r.error, 'answer lost after prompts');
        assert.equal(r.error.reason, 'timeout');
        assert.ok(prompts.has('enter_pin') && prompts.has('authorising'), `prompts seen: ${[...prompts].join(', ')}`);
        assertChargedOnce(sim, ecrRef);
      },
      { cardTimeMs: 200 },
    );

    withFixture('the card read is reported: brand, masked number, entry mode', async ({ terminal, sim }) => {
      sim.presentCard({ pan: MASTERCARD, entryMode: 'contactless' });
      const ecrRef = ref();
      const r = await terminal.sale({ ecrRef, invoice: ecrRef, amount: 999 });
      assert.equal(r.cardBrand, 'mastercard');
      assert.equal(r.maskedPan, '555555******4444');
      assert.equal(r.entryMode, 'contactless');
    });

    withFixture('a declined sale is a state, not an exception, and charges nothing', async ({ terminal, sim }) => {
      const ecrRef = ref();
      const r = await terminal.sale({ ecrRef, invoice: ecrRef, amount: declineAmount });
      assert.equal(r.outcome, 'declined');
      assert.equal(r.amountApproved, 0);
      assert.equal(approvedCharges(sim, ecrRef).length, 0);
    });

    withFixture('a partial approval reports what was approved and what is still due', async ({ terminal }) => {
      const ecrRef = ref();
      const r = await terminal.sale({ ecrRef, invoice: ecrRef, amount: partialAmount });
      assert.equal(r.outcome, 'partially_approved');
      assert.ok(r.amountApproved > 0 && r.amountApproved < partialAmount);
      assert.equal(r.amountApproved + r.amountDue, partialAmount);
    });

    withFixture('refund and void of a sale are approved', async ({ terminal }) => {
      const saleRef = ref();
      const sale = await terminal.sale({ ecrRef: saleRef, invoice: saleRef, amount: 3000 });
      const voidRef = ref();
      const v = await terminal.void({ ecrRef: voidRef, invoice: voidRef, amount: 3000, originalTerminalRef: sale.terminalRef, originalEcrRef: saleRef });
      assert.equal(v.outcome, 'approved');
      const refundRef = ref();
      const refund = await terminal.refund({ ecrRef: refundRef, invoice: refundRef, amount: 500 });
      assert.equal(refund.outcome, 'approved');
      assert.equal(refund.amountApproved, 500);
    });

    withFixture('pre-auth, incremental auth and capture', async ({ terminal, sim }, t) => {
      if (!terminal.capabilities.preAuth) return t.skip('capabilities.preAuth is false');
      const authRef = ref();
      const auth = await terminal.preAuth({ ecrRef: authRef, invoice: authRef, amount: 10000 });
      assert.equal(auth.outcome, 'approved');
      assertChargedOnce(sim, authRef, 'auth');
      const incRef = ref();
      const inc = await terminal.incrementalAuth({ ecrRef: incRef, invoice: authRef, amount: 2500, originalTerminalRef: auth.terminalRef, originalHostRef: auth.hostRef });
      assert.equal(inc.outcome, 'approved');
      const capRef = ref();
      const cap = await terminal.capture({ ecrRef: capRef, invoice: authRef, amount: 12500, originalTerminalRef: auth.terminalRef, originalHostRef: auth.hostRef });
      assert.equal(cap.outcome, 'approved');
    });

    withFixture('a follow-up on an unknown original is declined, not charged', async ({ terminal }) => {
      const r = ref();
      const res = await terminal.capture({ ecrRef: r, invoice: r, amount: 100, originalTerminalRef: '999999' });
      assert.equal(res.outcome, 'declined');
    });

    withFixture('tokenize returns a token and charges nothing', async ({ terminal, sim }, t) => {
      if (!terminal.capabilities.tokenize) return t.skip('capabilities.tokenize is false');
      const ecrRef = ref();
      const r = await terminal.tokenize({ ecrRef, invoice: ecrRef });
      assert.equal(r.outcome, 'approved');
      assert.ok(r.token && r.token.length > 0);
      assertNoCardNumber(r.token);
      assert.equal(sim.processorCharges().filter((c) => c.invoice === ecrRef).length, 0);
    });

    withFixture('a retry with the same ECR ref is answered duplicate, not charged again', async ({ terminal, sim }) => {
      sim.setDuplicateCheck(true);
      const ecrRef = ref();
      const first = await terminal.sale({ ecrRef, invoice: ecrRef, amount: 1500 });
      assert.equal(first.outcome, 'approved');
      const again = await terminal.sale({ ecrRef, invoice: ecrRef, amount: 1500 });
      assert.equal(again.outcome, 'duplicate');
      assertChargedOnce(sim, ecrRef);
    });

    withFixture('lookup finds a transaction by ECR ref, and nothing for an unknown one', async ({ terminal }) => {
      const ecrRef = ref();
      const sale = await terminal.sale({ ecrRef, invoice: ecrRef, amount: 4321 });
      const found = await terminal.lookup(ecrRef);
      assert.equal(found.length, 1);
      assert.equal(found[0].transactionType, 'sale');
      assert.equal(found[0].kind, 'sale');
      assert.equal(found[0].result.outcome, 'approved');
      assert.equal(found[0].result.terminalRef, sale.terminalRef);
      assert.equal(found[0].result.amountApproved, 4321);
      assertNoCardNumber(found);
      assert.deepEqual(await terminal.lookup(ref()), []);
    });

    withFixture('lookup of a voided sale says voided; an unvoided one does not', async ({ terminal }) => {
      const saleRef = ref();
      const sale = await terminal.sale({ ecrRef: saleRef, invoice: saleRef, amount: 3456 });
      const before = await terminal.lookup(saleRef);
      assert.equal(before.length, 1);
      assert.notEqual(before[0].voided, true);
      const voidRef = ref();
      const v = await terminal.void({ ecrRef: voidRef, invoice: voidRef, amount: 3456, originalTerminalRef: sale.terminalRef, originalEcrRef: saleRef });
      assert.equal(v.outcome, 'approved');
      const after = await terminal.lookup(saleRef);
      assert.equal(after.length, 1);
      assert.equal(after[0].voided, true);
      assert.equal(after[0].result.terminalRef, sale.terminalRef);
    });

    withFixture('batch close totals the batch', async ({ terminal }) => {
      for (const amount of [1000, 2345]) {
        const r = ref();
        await terminal.sale({ ecrRef: r, invoice: r, amount });
      }
      const b = await terminal.batchClose({ timeoutMs: adminMs });
      assert.equal(b.resultCode, '000000');
      assert.equal(b.totalCount, 2);
      assert.equal(b.totalAmount, 3345);
      const empty = await terminal.batchClose({ timeoutMs: adminMs });
      assert.equal(empty.totalCount, 0);
    });

    withFixture('bad requests are refused before anything is sent', async ({ terminal, sim }) => {
      const before = sim.processorCharges().length;
      const bad: Array<[string, () => Promise<unknown>]> = [
        ['zero amount', () => terminal.sale({ ecrRef: 'A1', invoice: 'A1', amount: 0 })],
        ['negative amount', () => terminal.sale({ ecrRef: 'A1', invoice: 'A1', amount: -100 })],
        ['fractional amount', () => terminal.sale({ ecrRef: 'A1', invoice: 'A1', amount: 12.5 })],
        ['NaN amount', () => terminal.refund({ ecrRef: 'A1', invoice: 'A1', amount: Number.NaN })],
        ['ECR ref too long', () => terminal.sale({ ecrRef: 'A'.repeat(17), invoice: 'A1', amount: 100 })],
        ['ECR ref with hyphens', () => terminal.sale({ ecrRef: 'R1-T1-P1', invoice: 'A1', amount: 100 })],
        ['void without original', () => terminal.void({ ecrRef: 'A1', invoice: 'A1', amount: 100 })],
        ['lookup of a bad ref', () => terminal.lookup('no such ref!')],
      ];
      for (const [what, call] of bad) {
        await assert.rejects(call(), TerminalRequestError, what);
      }
      assert.equal(sim.processorCharges().length, before);
    });

    // ------------------------------------------------------------------ faults

    withFixture('answer dropped after charging: OutcomeUnknownError in time, charged once, found by lookup', async ({ terminal, sim }) => {
      const ecrRef = ref();
      // With the device's duplicate check off, a resend would reach the processor: count every request it saw.
      sim.setDuplicateCheck(false);
      sim.setFault({ kind: 'drop_response' }, { once: true });
      const r = await timed(terminal.sale({ ecrRef, invoice: ecrRef, amount: 2200, timeoutMs: TXN_TIMEOUT }));
      assertUnknown(r.error, 'dropped answer');
      assert.equal(r.error.reason, 'timeout');
      assert.ok(r.ms < TXN_TIMEOUT + SLACK, `ended in ${r.ms} ms`);
      await sleep(300);
      assert.equal(sim.processorCharges().filter((c) => c.invoice === ecrRef).length, 1, 'never resent after the timeout');
      assertChargedOnce(sim, ecrRef);
      const found = await terminal.lookup(ecrRef);
      assert.equal(found.length, 1);
      assert.equal(found[0].result.outcome, 'approved');
    });

    withFixture('a device that hangs: OutcomeUnknownError in time, nothing charged', async ({ terminal, sim }) => {
      const ecrRef = ref();
      sim.setFault({ kind: 'hang' }, { once: true });
      const r = await timed(terminal.sale({ ecrRef, invoice: ecrRef, amount: 2200, timeoutMs: TXN_TIMEOUT }));
      assertUnknown(r.error, 'hang');
      assert.ok(r.ms < TXN_TIMEOUT + SLACK);
      assert.equal(approvedCharges(sim, ecrRef).length, 0);
      assert.deepEqual(await terminal.lookup(ecrRef), []);
    });

    withFixture('a slow answer within the wait is taken; a later one is never mistaken for the next', async ({ terminal, sim }) => {
      const ok = ref();
      sim.setFault({ kind: 'delay', ms: 200 }, { once: true });
      const r = await terminal.sale({ ecrRef: ok, invoice: ok, amount: 1100, timeoutMs: 3000 });
      assert.equal(r.outcome, 'approved');

      const late = ref();
      sim.setFault({ kind: 'delay', ms: TXN_TIMEOUT + 300 }, { once: true });
      const lost = await timed(terminal.sale({ ecrRef: late, invoice: late, amount: 1200, timeoutMs: TXN_TIMEOUT }));
      assertUnknown(lost.error, 'late answer');
      // The next requests get their own answers, even while the late one arrives.
      const next = ref();
      const n = await terminal.sale({ ecrRef: next, invoice: next, amount: 1300, timeoutMs: 5000 });
      assert.equal(n.outcome, 'approved');
      assert.equal(n.ecrRef, next);
      assert.equal(n.amountApproved, 1300);
      const found = await terminal.lookup(late, { timeoutMs: adminMs });
      assert.equal(found.length, 1);
      assertChargedOnce(sim, late);
    });

    withFixture('link reset half-way through the answer: OutcomeUnknownError, charged once', async ({ terminal, sim }) => {
      const ecrRef = ref();
      sim.setFault({ kind: 'reset_mid_frame' }, { once: true });
      const r = await timed(terminal.sale({ ecrRef, invoice: ecrRef, amount: 2300, timeoutMs: TXN_TIMEOUT }));
      assertUnknown(r.error, 'reset mid frame');
      assert.ok(r.ms < TXN_TIMEOUT + SLACK);
      assertChargedOnce(sim, ecrRef);
      assert.equal((await terminal.lookup(ecrRef, { timeoutMs: adminMs })).length, 1);
    });

    withFixture(
      recovers ? 'a damaged answer is asked for again (NAK) and taken' : 'a damaged answer cannot be asked for again: OutcomeUnknownError',
      async ({ terminal, sim }) => {
        const ecrRef = ref();
        sim.setFault({ kind: 'corrupt_lrc' }, { once: true });
        const r = await timed(terminal.sale({ ecrRef, invoice: ecrRef, amount: 2400, timeoutMs: 3000 }));
        if (recovers) {
          assert.equal((r.value as { outcome?: string } | undefined)?.outcome, 'approved', String(r.error));
        } else {
          assertUnknown(r.error, 'damaged answer');
          assert.equal(r.error.reason, 'bad_response');
        }
        assertChargedOnce(sim, ecrRef);
      },
    );

    withFixture('an answer damaged every time ends in OutcomeUnknownError, charged once', async ({ terminal, sim }) => {
      const ecrRef = ref();
      sim.setFault({ kind: 'corrupt_lrc' });
      const r = await timed(terminal.sale({ ecrRef, invoice: ecrRef, amount: 2500, timeoutMs: 3000 }));
      sim.setFault(null);
      assertUnknown(r.error, 'always damaged');
      assert.equal(r.error.reason, 'bad_response');
      assert.ok(r.ms < 3000 + SLACK);
      assertChargedOnce(sim, ecrRef);
    });

    withFixture('a device that refuses every frame (NAK): unavailable, nothing charged', async ({ terminal, sim }) => {
      const ecrRef = ref();
      sim.setFault({ kind: 'nak_always' });
      const r = await timed(terminal.sale({ ecrRef, invoice: ecrRef, amount: 2600, timeoutMs: 3000 }));
      sim.setFault(null);
      assert.ok(r.error instanceof TerminalUnavailableError, `got ${String(r.error)}`);
      assert.ok(r.ms < 3000 + SLACK);
      assert.equal(approvedCharges(sim, ecrRef).length, 0);
      // The link still works afterwards.
      const ok = ref();
      assert.equal((await terminal.sale({ ecrRef: ok, invoice: ok, amount: 100 })).outcome, 'approved');
    });

    withFixture('a device that reboots on the request: OutcomeUnknownError, then it answers again', async ({ terminal, sim }) => {
      const ecrRef = ref();
      sim.setFault({ kind: 'reboot' }, { once: true });
      const r = await timed(terminal.sale({ ecrRef, invoice: ecrRef, amount: 2700, timeoutMs: TXN_TIMEOUT }));
      assertUnknown(r.error, 'reboot');
      assert.ok(r.ms < TXN_TIMEOUT + SLACK);
      assert.equal(approvedCharges(sim, ecrRef).length, 0);
      assert.deepEqual(await terminal.lookup(ecrRef, { timeoutMs: adminMs }), []);
      assert.ok((await terminal.identify()).serialNumber);
    });

    withFixture('admin calls end in time when the device hangs', async ({ terminal, sim }) => {
      sim.setFault({ kind: 'hang' });
      for (const [what, call] of [
        ['identify', () => terminal.identify()],
        ['lookup', () => terminal.lookup('A1', { timeoutMs: 500 })],
        ['batch close', () => terminal.batchClose({ timeoutMs: 500 })],
      ] as const) {
        const r = await timed<unknown>(call());
        assertUnknown(r.error, what);
        assert.ok(r.ms < adminMs + SLACK, `${what} took ${r.ms} ms`);
      }
      sim.setFault(null);
    });

    test('a device that cannot be reached: TerminalUnavailableError, status disconnected', async () => {
      const f = await make();
      const dead = f.unreachable();
      try {
        const r = await timed(dead.sale({ ecrRef: 'D1', invoice: 'D1', amount: 100, timeoutMs: TXN_TIMEOUT }));
        assert.ok(r.error instanceof TerminalUnavailableError, `got ${String(r.error)}`);
        assert.ok(r.ms < adminMs + SLACK);
        assert.equal(dead.status().state, 'disconnected');
        await assert.rejects(dead.identify(), TerminalUnavailableError);
        assert.equal(await dead.cancel(), false);
      } finally {
        await dead.close();
        await f.close();
      }
    });

    // ------------------------------------------------------------------ cancel

    withFixture(
      'cancel during a sale aborts it: confirmed, sale aborted, nothing charged',
      async ({ terminal, sim }, t) => {
        if (!terminal.capabilities.cancel) {
          assert.equal(await terminal.cancel(), false, 'a driver that cannot cancel says so');
          return t.skip('capabilities.cancel is false: cancel cannot reach the device on this link');
        }
        const ecrRef = ref();
        const sale = terminal.sale({ ecrRef, invoice: ecrRef, amount: 5000, timeoutMs: 5000 });
        await sleep(250);
        assert.equal(terminal.status().state, 'busy');
        assert.equal(await terminal.cancel(), true);
        const r = await sale;
        assert.equal(r.outcome, 'aborted');
        assert.equal(approvedCharges(sim, ecrRef).length, 0);
      },
      { cardTimeMs: 1500 },
    );

    withFixture(
      'cancel when idle resolves false; an unanswered A14 still ends with the sale\'s own definite answer',
      async ({ terminal, sim }, t) => {
        assert.equal(await terminal.cancel(), false);
        if (!terminal.capabilities.cancel) return t.skip('capabilities.cancel is false: cancel cannot reach the device on this link');
        const ecrRef = ref();
        const sale = terminal.sale({ ecrRef, invoice: ecrRef, amount: 5100, timeoutMs: 5000 });
        await sleep(150);
        // The A14 gets no frame at all (item 3); the sale's T01 is the word that counts.
        sim.setFault({ kind: 'hang' }, { once: true });
        const c = await timed(terminal.cancel());
        assert.equal(c.value, true, 'the sale answered definitely within the cancel wait');
        assert.ok(c.ms < 1000 + SLACK);
        const r = await sale;
        assert.equal(r.outcome, 'approved');
        assertChargedOnce(sim, ecrRef);
      },
      { cardTimeMs: 800 },
    );

    withFixture('closing the terminal mid-request ends the call with OutcomeUnknownError', async ({ terminal, sim }) => {
      sim.setFault({ kind: 'hang' }, { once: true });
      const ecrRef = ref();
      const pending = timed(terminal.sale({ ecrRef, invoice: ecrRef, amount: 100, timeoutMs: 10_000 }));
      await sleep(150);
      await terminal.close();
      const r = await pending;
      assertUnknown(r.error, 'closed mid request');
      assert.ok(r.ms < 2000);
    });
  });
}

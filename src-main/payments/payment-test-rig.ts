// Test rig for the payment integration tests: a real journal file in a temp
// folder, the real TicketService, the gateway simulator (real HTTP, the one
// processor ledger), PAX simulators on real TCP charging through that ledger,
// real PaxTerminal drivers and the real CardknoxClient. Nothing is mocked.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'node:test';
import type { TicketSnapshot } from '../../src-shared/domain.ts';
import type { ProcessorLink } from '../../src-shared/processor-link.ts';
import { createPaxTerminal } from '../../drivers/pax/pax-terminal-factory.ts';
import type { PaxTerminal } from '../../drivers/pax/pax-terminal.ts';
import { PaxSimulator } from '../../drivers/pax/simulator/pax-simulator.ts';
import { CardknoxClient } from '../gateways/cardknox-client.ts';
import { GatewaySimulator } from '../gateways/simulator/gateway-simulator.ts';
import { gatewayProcessorLink } from '../gateways/simulator/gateway-processor-link.ts';
import type { LedgerEntry } from '../../drivers/pax/simulator/processor-ledger.ts';
import { openJournal, type Journal } from '../journal/journal.ts';
import { AttemptRepository } from '../journal/attempt-repository.ts';
import { MissingPaymentFinder } from '../reconcile/find-missing.ts';
import { OrphanRepository } from '../reconcile/orphan-repository.ts';
import { TicketService } from '../tickets/ticket-service.ts';
import { PaymentCoordinator, type PaymentCoordinatorOptions } from './payment-coordinator.ts';

/** The register every rig runs as. */
export const RIG_REGISTER = { id: 'reg-1', code: '1', name: 'Front till' };

/** Catalogue of the rig: prices chosen for the simulators' rules (…52 cents = partial approval, on every simulated processor). */
export const RIG_CATALOG = [
  { id: 'coffee', name: 'Coffee', price: 1000, currency: 'USD', category: 'drinks' },
  { id: 'meal', name: 'Meal', price: 2052, currency: 'USD', category: 'food' },
  { id: 'cake', name: 'Cake', price: 450, currency: 'USD', category: 'food' },
];

/** Gateway key of the rig (a test value, not a secret). */
export const RIG_GATEWAY_KEY = 'test-key-rig';

/** Short timeouts so a lost answer becomes in_doubt quickly. */
export const RIG_PAX_TIMEOUTS = { transactionMs: 1500, adminMs: 1500, cancelMs: 600, connectMs: 1000 };

/** One simulated PIN pad and the driver talking to it. */
export interface RigPad {
  sim: PaxSimulator;
  port: number;
  terminal: PaxTerminal;
}

/** A running rig. */
export interface Rig {
  dir: string;
  journalPath: string;
  journal: Journal;
  tickets: TicketService;
  gateway: GatewaySimulator;
  client: CardknoxClient;
  pads: Record<string, RigPad>;
  coordinator: PaymentCoordinator;
  orphans: OrphanRepository;
  /** Find Missing Payments over the rig's gateway (wired into the coordinator only with `autoFindMissing`). */
  finder: MissingPaymentFinder;
  /** Opens a ticket holding these catalogue items. */
  ticketWith(...itemIds: string[]): TicketSnapshot;
  /** Approved sale entries of the processor ledger for an invoice (voided ones included). */
  charges(invoice: string): LedgerEntry[];
  /** Closes the coordinator, drivers, simulators and the journal. */
  close(): Promise<void>;
}

/** Options of a rig. */
export interface RigOptions {
  padIds?: string[];
  /** Charge through this link instead of the gateway simulator's ledger (e.g. an InMemoryProcessor for partial approvals). */
  processor?: ProcessorLink;
  coordinator?: Partial<PaymentCoordinatorOptions>;
  /** Reuse an existing journal file / folder. */
  dir?: string;
  /** Let the coordinator run Find Missing Payments after every error. */
  autoFindMissing?: boolean;
  /** How long the simulated customer takes at the PIN pad, ms (default 5). */
  cardTimeMs?: number;
  /** PIN pads charge over HTTP through the gateway simulator (so its processor faults apply), giving up after this many ms. */
  processorOverHttpTimeoutMs?: number;
  /** The register (default RIG_REGISTER): rigs of several registers sharing one ledger need their own codes. */
  register?: { id: string; code: string; name: string };
}

/** Builds a CardknoxClient for the rig's gateway. */
export function rigClient(url: string): CardknoxClient {
  return new CardknoxClient({ url, key: RIG_GATEWAY_KEY, softwareName: 'CashierDeskTest', softwareVersion: '0.1', currency: 'USD', timeoutMs: 2000 });
}

/** Starts a rig. */
export async function startRig(opts: RigOptions = {}): Promise<Rig> {
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cashier-pay-'));
  const journalPath = path.join(dir, 'journal.sqlite');
  const journal = openJournal({ path: journalPath });
  const register = opts.register ?? RIG_REGISTER;
  const tickets = new TicketService(journal, { register, currency: 'USD', catalog: RIG_CATALOG });
  // Every processor rule in force, refund only after settlement included (a PIN pad's batch close settles its charges).
  const gateway = await GatewaySimulator.start({ key: RIG_GATEWAY_KEY });
  const client = rigClient(gateway.url);
  const pads: Record<string, RigPad> = {};
  for (const id of opts.padIds ?? ['pad1']) {
    const processor =
      opts.processor ??
      (opts.processorOverHttpTimeoutMs !== undefined
        ? gatewayProcessorLink(gateway.url, { timeoutMs: opts.processorOverHttpTimeoutMs })
        : gateway.processorLink());
    const sim = new PaxSimulator({ deviceId: id, processor, cardTimeMs: opts.cardTimeMs ?? 5 });
    const port = await sim.listenTcp(0);
    const terminal = createPaxTerminal({ id, transport: 'tcp', host: '127.0.0.1', port, timeouts: RIG_PAX_TIMEOUTS });
    pads[id] = { sim, port, terminal };
  }
  const attempts = new AttemptRepository(journal);
  const orphans = new OrphanRepository(journal);
  const finder = new MissingPaymentFinder({ journal, attempts, tickets, orphans, gateway: client, registerCode: register.code });
  const coordinator = new PaymentCoordinator({
    journal,
    tickets,
    attempts,
    missingPayments: finder,
    autoFindMissing: opts.autoFindMissing ?? false,
    registerCode: register.code,
    terminals: Object.values(pads).map((p) => p.terminal),
    gateway: client,
    backoff: { initialMs: 50, maxMs: 200 },
    lookupTimeoutMs: 1500,
    ...opts.coordinator,
  });
  let closed = false;
  return {
    dir,
    journalPath,
    journal,
    tickets,
    gateway,
    client,
    pads,
    coordinator,
    orphans,
    finder,
    ticketWith(...itemIds) {
      const t = tickets.create();
      for (const id of itemIds) tickets.addLine(t.id, id, 1);
      return tickets.get(t.id);
    },
    charges(invoice) {
      return gateway.ledger.byInvoice(invoice).filter((e) => e.kind === 'sale' && e.status !== 'declined');
    },
    async close() {
      if (closed) return;
      closed = true;
      await coordinator.close();
      for (const p of Object.values(pads)) {
        await p.terminal.close();
        await p.sim.close();
      }
      await gateway.close();
      journal.close();
      if (!opts.dir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** For one test file: a startRig whose rigs are all closed after each test, passed or failed. */
export function rigPerTest(): (opts?: RigOptions) => Promise<Rig> {
  const open: Rig[] = [];
  afterEach(async () => {
    for (const r of open.splice(0)) await r.close();
  });
  return async (opts) => {
    const r = await startRig(opts);
    open.push(r);
    return r;
  };
}

/** Waits until cond() holds, polling every 10 ms; fails after ms, naming `what`. */
export async function until(cond: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The journal's attempt events (type and state) for one attempt, oldest first. */
export function attemptEvents(journal: Journal, attemptId: string): { type: string; state: string }[] {
  return journal.db
    .prepare("SELECT type, payload FROM events WHERE entity = 'attempt' AND entity_id = ? ORDER BY seq")
    .all(attemptId)
    .map((r) => {
      const row = r as { type: string; payload: string };
      return { type: row.type, state: (JSON.parse(row.payload) as { state: string }).state };
    });
}

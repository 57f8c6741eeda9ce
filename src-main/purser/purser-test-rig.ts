// Test rig for the purser's card-life tests: a real journal file, the gateway
// simulator over real HTTP on 127.0.0.1 (the one processor ledger), a PAX
// simulator on real TCP charging through that ledger, the real PaxTerminal
// driver and the real Cardknox client's card-on-file port. The sender's timers
// never fire by themselves: a test runs a pass when it wants one ("send now"),
// so every step is deterministic. Nothing is mocked.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'node:test';
import type { EntryMode } from '../../src-shared/card.ts';
import type { PaymentTerminal } from '../../drivers/terminal.ts';
import type { PurserParameterName, PurserParameterValue } from '../../src-shared/purser-types.ts';
import { createPaxTerminal } from '../../drivers/pax/pax-terminal-factory.ts';
import type { PaxTerminal } from '../../drivers/pax/pax-terminal.ts';
import { PaxSimulator } from '../../drivers/pax/simulator/pax-simulator.ts';
import type { LedgerEntry } from '../../drivers/pax/simulator/processor-ledger.ts';
import { CardknoxClient } from '../gateways/cardknox-client.ts';
import type { CardOnFileGateway } from '../gateways/card-on-file-gateway.ts';
import { DEFAULT_CARDS, GatewaySimulator } from '../gateways/simulator/gateway-simulator.ts';
import { readCard } from '../../drivers/pax/simulator/pax-simulator-rules.ts';
import { openJournal, type Journal } from '../journal/journal.ts';
import type { ProcessorLimits } from './purser-authorisation-plan.ts';
import { buildPurserRoom, type PurserRoom, type PurserRoomOptions } from './purser-room.ts';
import type { SenderHookPoint } from './purser-queue-sender.ts';
import type { RecordRow } from './purser-repository.ts';

export const PURSER_RIG_KEY = 'purser-rig-key';
/** Well-known test card numbers (not real cards). */
export const TEST_CARDS = { visa: '4111111111111111', visa2: '4012888888881881', mastercard: '5555555555554444', amex: '378282246310005' } as const;

/** A running purser rig. */
export interface PurserRig {
  dir: string;
  journal: Journal;
  room: PurserRoom;
  gateway: GatewaySimulator;
  pad: PaxSimulator;
  terminal: PaxTerminal;
  /** The PIN pad's lock address (host:port), as pin-pad-lock.ts keys it. */
  padAddress: string;
  changed: string[];
  /** Checks a guest in. */
  guest(name?: string, cabin?: string): string;
  /** The next card read on the PIN pad. */
  present(pan: string, entryMode?: EntryMode): void;
  set(name: PurserParameterName, value: PurserParameterValue): void;
  /** One sender pass ("send now"). */
  send(): Promise<void>;
  record(id: string): RecordRow;
  /** Processor ledger entries carrying this invoice (the ground truth). */
  ledger(reference: string): LedgerEntry[];
  /** Makes the gateway unreachable (every request refused with a server error) or reachable again. */
  offline(on: boolean): void;
  /**
   * The desk stopped (room and journal closed, as by a crash: nothing more is
   * written), `whileDown` run (another process on the same journal file), and
   * the desk started again on the same journal; the simulators live on.
   */
  restart(whileDown?: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

export interface PurserRigOptions {
  hook?: (point: SenderHookPoint, record: RecordRow) => void | Promise<void>;
  /** Wraps the gateway port (a deliberately broken variant in a test). */
  wrapGateway?: (g: CardOnFileGateway) => CardOnFileGateway;
  dir?: string;
  /** The journal's clock (the sender reads time from it). */
  clock?: () => Date;
  /** The gateway simulator's clock, epoch ms (its authorisation validity window runs on it). */
  gatewayClock?: () => number;
  /** The processor limits the folio plans for (default the purser's defaults). */
  limits?: ProcessorLimits;
  /** Wraps the PIN pad's driver (a deliberately failing variant in a test). */
  wrapTerminal?: (t: PaymentTerminal) => PaymentTerminal;
  /** Extra room options (the PIN pad locks, the register's code). */
  room?: Partial<Pick<PurserRoomOptions, 'pinPads' | 'registerCode'>>;
  /**
   * The sender's settle time, ms. Default 0: most card-life tests run one pass
   * after another on the real clock and are about other things; the tests of
   * late processing inject one and step the journal's clock across it.
   */
  settleMs?: number;
}

export async function startPurserRig(opts: PurserRigOptions = {}): Promise<PurserRig> {
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cashier-purser-'));
  const openDeskJournal = () => openJournal({ path: path.join(dir, 'journal.sqlite'), integrityCheck: 'none', clock: opts.clock });
  let journal = openDeskJournal();
  // The PIN pad's tokens are good at the gateway too (one token vault, as at Cardknox): authorisations by token (purser-authorisation-plan.ts).
  const padTokens = Object.fromEntries(Object.values(TEST_CARDS).map((pan) => [readCard(pan).token, { maskedPan: readCard(pan).maskedPan, cardBrand: readCard(pan).brand }]));
  const gateway = await GatewaySimulator.start({ key: PURSER_RIG_KEY, cards: { ...DEFAULT_CARDS, ...padTokens }, ...(opts.gatewayClock ? { clock: opts.gatewayClock } : {}) });
  const pad = new PaxSimulator({ deviceId: 'pad1', processor: gateway.processorLink(), cardTimeMs: 0 });
  const port = await pad.listenTcp(0);
  const terminal = createPaxTerminal({ id: 'pad1', transport: 'tcp', host: '127.0.0.1', port, timeouts: { transactionMs: 3000, adminMs: 2000, batchMs: 3000 } });
  const seen = opts.wrapTerminal ? opts.wrapTerminal(terminal) : terminal;
  const client = new CardknoxClient({ url: gateway.url, key: PURSER_RIG_KEY, softwareName: 'CashierDeskTest', softwareVersion: '0.1', currency: 'USD', timeoutMs: 2000 });
  const port2 = client.cardOnFile();
  const cof = opts.wrapGateway ? opts.wrapGateway(port2) : port2;
  const changed: string[] = [];
  let faultId: number | undefined;
  const buildRoom = () => buildPurserRoom({
    journal,
    terminal: (id) => (id === 'pad1' ? seen : undefined),
    gateway: () => cof,
    currency: 'USD',
    changed: (g) => changed.push(g),
    // Passes run when the test says so.
    timers: { setTimeout: () => 0, clearTimeout: () => undefined },
    hook: opts.hook,
    limits: opts.limits,
    settleMs: opts.settleMs ?? 0,
    ...opts.room,
  });
  let room = buildRoom();
  return {
    dir,
    get journal() {
      return journal;
    },
    get room() {
      return room;
    },
    gateway,
    pad,
    terminal,
    padAddress: `127.0.0.1:${port}`,
    changed,
    guest(name = 'Test Guest', cabin = '5001') {
      return room.service.addGuest({ name, cabin, embarkDate: '2026-11-28', disembarkDate: '2026-12-05' }).id;
    },
    present(pan, entryMode = 'chip') {
      pad.presentCard({ pan, entryMode });
    },
    set(name, value) {
      room.service.setParameter(name, value, 'test-manager');
    },
    send: () => room.sender.runOnce(),
    record: (id) => room.repo.record(id)!,
    ledger: (reference) => gateway.ledger.byInvoice(reference),
    offline(on) {
      if (on) faultId = gateway.injectFault({ kind: 'http_5xx', times: 'always' });
      else if (faultId !== undefined) gateway.clearFaults(faultId);
      if (!on) faultId = undefined;
    },
    async restart(whileDown) {
      await room.close();
      journal.close();
      await whileDown?.();
      journal = openDeskJournal();
      room = buildRoom();
    },
    async close() {
      await room.close();
      await terminal.close();
      await pad.close();
      await gateway.close();
      journal.close();
      if (!opts.dir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** For one test file: rigs closed after each test. */
export function purserRigPerTest(): (opts?: PurserRigOptions) => Promise<PurserRig> {
  const open: PurserRig[] = [];
  afterEach(async () => {
    for (const r of open.splice(0)) await r.close();
  });
  return async (opts) => {
    const r = await startPurserRig(opts);
    open.push(r);
    return r;
  };
}

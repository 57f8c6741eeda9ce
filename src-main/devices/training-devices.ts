// Training mode's hardware: a gateway simulator (real HTTP on loopback, owner
// of the processor ledger), a PAX simulator charging through it, a real
// PaxTerminal talking to that simulator over loopback TCP, and a receipt
// printer simulator with its real ESC/POS driver. Everything above the
// drivers runs exactly as with real devices; only the far ends are simulated.

import { createPaxTerminal } from '../../drivers/pax/pax-terminal-factory.ts';
import { PaxSimulator } from '../../drivers/pax/simulator/pax-simulator.ts';
import type { PaxTimeouts } from '../../drivers/pax/pax-terminal.ts';
import { tcpPrinter, type EscPosPrinter } from '../../drivers/printer/escpos-printer.ts';
import { PrinterSimulator } from '../../drivers/printer/simulator/printer-simulator.ts';
import { GatewaySimulator } from '../gateways/simulator/gateway-simulator.ts';
import { defaultDeclineRule } from '../gateways/simulator/simulated-processor.ts';
import { MonitoredTerminal } from './monitored-terminal.ts';
import { TrainingDeclines } from './training-cards.ts';

/** Id of the training PIN pad, as payment attempts record it. */
export const TRAINING_TERMINAL_ID = 'training-pin-pad';
/** Id of the training printer. */
export const TRAINING_PRINTER_ID = 'training-printer';
/** The gateway simulator's key in training mode (not a secret: nothing real is behind it). */
export const TRAINING_GATEWAY_KEY = 'training';

/** Options of the training devices. */
export interface TrainingOptions {
  /** How long the simulated customer takes to present a card, ms (default 1000). */
  cardTimeMs?: number;
  /** Waits of the training PIN pad's driver (default: a sale gives up 15 s after the card time, so a lost answer is shown soon). */
  paxTimeouts?: Partial<PaxTimeouts>;
  clock?: () => Date;
  /**
   * File the training processor keeps its ledger in (see trainingLedgerPath):
   * a force-close during a lost-approval exercise then finds the approval
   * after restart, as with real hardware. Default: memory only.
   */
  ledgerFile?: string;
}

/**
 * Where the training processor's ledger lives: a file beside the journal
 * (issue 10 §5), so it survives the app like a real processor would. None for
 * an in-memory journal.
 */
export function trainingLedgerPath(journalPath: string): string | undefined {
  if (journalPath === '' || journalPath === ':memory:') return undefined;
  return `${journalPath}.training-ledger.jsonl`;
}

/** The running simulators and the drivers connected to them. */
export class TrainingDevices {
  private constructor(
    /** The gateway simulator (its url and TRAINING_GATEWAY_KEY serve a Cardknox client). */
    readonly gateway: GatewaySimulator,
    /** The simulated PIN pad (for fault injection in tests). */
    readonly pinPadSimulator: PaxSimulator,
    /** The PaxTerminal connected to it over loopback TCP. */
    readonly terminal: MonitoredTerminal,
    /** The simulated printer (what it printed). */
    readonly printerSimulator: PrinterSimulator,
    /** The ESC/POS driver connected to it. */
    readonly printer: EscPosPrinter,
    /** Cards whose next authorisation the training processor declines (the purser's decline cascade). */
    readonly declines: TrainingDeclines,
  ) {}

  /** Starts everything; on a failure, stops what already started and rethrows. */
  static async start(opts: TrainingOptions = {}): Promise<TrainingDevices> {
    const clock = opts.clock ?? (() => new Date());
    const stops: (() => Promise<void>)[] = [];
    const declines = new TrainingDeclines();
    try {
      const gateway = await GatewaySimulator.start({
        key: TRAINING_GATEWAY_KEY,
        // A trainee's one-shot decline first, then the simulator's own rule (its decline card).
        declineRule: (req) => declines.take(req) ?? defaultDeclineRule(req),
        clock: () => clock().getTime(),
        ...(opts.ledgerFile ? { ledgerFile: opts.ledgerFile } : {}),
        // Every authorisation rule (simulator/authorisation-rules.ts) applies, refund only after settlement included:
        // the training PIN pad's batch close settles its charges; setAuthorisationRules changes them.
      });
      stops.push(() => gateway.close());
      const cardTimeMs = opts.cardTimeMs ?? 1000;
      const sim = new PaxSimulator({ deviceId: 'training', processor: gateway.processorLink(), cardTimeMs, clock });
      stops.push(() => sim.close());
      const port = await sim.listenTcp(0);
      const timeouts = { transactionMs: cardTimeMs + 15_000, adminMs: 5000, cancelMs: 3000, ...opts.paxTimeouts };
      const terminal = new MonitoredTerminal(createPaxTerminal({ id: TRAINING_TERMINAL_ID, transport: 'tcp', host: '127.0.0.1', port, timeouts, clock }));
      stops.push(() => terminal.close());
      const printerSimulator = await PrinterSimulator.start(0);
      stops.push(() => printerSimulator.close());
      const printer = tcpPrinter('127.0.0.1', printerSimulator.port);
      return new TrainingDevices(gateway, sim, terminal, printerSimulator, printer, declines);
    } catch (err) {
      await Promise.allSettled(stops.reverse().map((s) => s()));
      throw err;
    }
  }

  /** Stops drivers first, then the simulators behind them. */
  async close(): Promise<void> {
    await Promise.allSettled([this.terminal.close(), this.printer.close()]);
    await Promise.allSettled([this.pinPadSimulator.close(), this.printerSimulator.close(), this.gateway.close()]);
  }
}

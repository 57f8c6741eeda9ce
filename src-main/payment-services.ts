// The payment side of the host: the coordinator, Find Missing Payments, the
// orphan queue, receipts and the gateway client, built over one journal and
// the device service. PIN pads, the printer and (in training) the gateway are
// looked up per use, because devices can be reassigned while the app runs.

import type { AttemptSnapshot, FindMissingReport, OrphanSnapshot, ReceiptResult } from '../src-shared/domain.ts';
import { AppError } from '../src-shared/errors.ts';
import { CardknoxClient } from './gateways/cardknox-client.ts';
import type { GatewayReportRow } from './gateways/gateway-report-row.ts';
import { gatewayEndpoints } from './gateways/cardknox-protocol.ts';
import { TRAINING_GATEWAY_KEY } from './devices/training-devices.ts';
import type { DeviceService } from './devices/device-service.ts';
import { AttemptRepository } from './journal/attempt-repository.ts';
import type { Journal } from './journal/journal.ts';
import { PaymentCoordinator, type PaymentLogEntry } from './payments/payment-coordinator.ts';
import type { GatewayReportPort } from './payments/payment-ports.ts';
import { MissingPaymentFinder } from './reconcile/find-missing.ts';
import { OrphanRepository, type OrphanRow } from './reconcile/orphan-repository.ts';
import { ReceiptService } from './receipts/receipt-service.ts';
import type { ReceiptStore } from './receipts/receipt-builder.ts';
import type { TicketService } from './tickets/ticket-service.ts';

/** The real gateway's settings (the key is a secret: never logged). */
export interface GatewayConfig {
  /**
   * The gateway's base address (https://x1.cardknox.com/). An old full
   * endpoint URL (".../gateway") is accepted too: the client derives /gateway,
   * /gatewayjson and /reportjson from the base (cardknox-protocol.ts).
   */
  url: string;
  key: string;
  softwareName?: string;
  softwareVersion?: string;
}

/**
 * Gateway settings from CASHIER_DESK_GATEWAY_URL (the base address, or an old
 * full /gateway URL whose base is derived) and CASHIER_DESK_GATEWAY_KEY, or
 * undefined when either is unset.
 */
export function gatewayFromEnv(env: NodeJS.ProcessEnv): GatewayConfig | undefined {
  const url = env.CASHIER_DESK_GATEWAY_URL?.trim();
  const key = env.CASHIER_DESK_GATEWAY_KEY?.trim();
  if (!url || !key) return undefined;
  let base = url;
  try {
    base = gatewayEndpoints(url).base;
  } catch {
    // Left as given: GatewaySwitch logs it and treats the gateway as not configured.
  }
  return { url: base, key };
}

/** What the payment services are built from. */
export interface PaymentServicesOptions {
  journal: Journal;
  tickets: TicketService;
  devices: DeviceService;
  registerCode: string;
  currency: string;
  /** The real gateway (unused in training mode, which uses the training gateway simulator). */
  gateway?: GatewayConfig;
  store: ReceiptStore;
  version: string;
  /** Payment tuning for tests: lookup timeout and backoff between resolution passes. */
  tuning?: { lookupTimeoutMs?: number; backoff?: { initialMs: number; maxMs: number } };
  log: (line: string) => void;
}

/** Payments, reconciliation and receipts of one register. */
export class PaymentServices {
  readonly coordinator: PaymentCoordinator;
  readonly receipts: ReceiptService;
  private readonly orphans: OrphanRepository;
  private readonly gateway: GatewaySwitch;
  private readonly background = new Set<Promise<unknown>>();

  constructor(private readonly o: PaymentServicesOptions) {
    const { journal, tickets, devices } = o;
    this.gateway = new GatewaySwitch(devices, o);
    this.orphans = new OrphanRepository(journal);
    this.receipts = new ReceiptService({
      journal,
      printer: () => devices.printer() ?? null,
      training: () => devices.health().trainingMode,
      store: o.store,
      log: (e) => o.log(`receipts: ${e.event}${e.ticketId ? ` ticket=${e.ticketId}` : ''}${e.attemptId ? ` attempt=${e.attemptId}` : ''}${e.detail ? ` ${e.detail}` : ''}`),
    });
    const attempts = new AttemptRepository(journal);
    const finder = new MissingPaymentFinder({
      journal,
      attempts,
      tickets,
      orphans: this.orphans,
      gateway: this.gateway,
      registerCode: o.registerCode,
    });
    this.coordinator = new PaymentCoordinator({
      journal,
      tickets,
      attempts,
      registerCode: o.registerCode,
      terminals: () => {
        const t = devices.activeTerminal();
        return t ? [t] : [];
      },
      gateway: this.gateway,
      // After every payment error; without a gateway it only logs that it could not ask.
      missingPayments: finder,
      autoFindMissing: true,
      receipts: this.receipts,
      ...(o.tuning?.lookupTimeoutMs !== undefined ? { lookupTimeoutMs: o.tuning.lookupTimeoutMs } : {}),
      ...(o.tuning?.backoff ? { backoff: o.tuning.backoff } : {}),
      log: (e) => o.log(paymentLogLine(e)),
    });
  }

  /** Every attempt of a ticket, oldest first; AppError 'not_found' for an unknown ticket. */
  attemptsOf(ticketId: string): AttemptSnapshot[] {
    this.o.tickets.get(ticketId);
    return this.coordinator.attemptsOf(ticketId);
  }

  /** Find Missing Payments; AppError 'gateway_unavailable' when no gateway is configured or it cannot be asked. */
  async findMissing(ticketId: string | undefined): Promise<FindMissingReport> {
    if (ticketId) this.o.tickets.get(ticketId);
    if (!this.gateway.configured()) {
      throw new AppError(
        'gateway_unavailable',
        'No payment gateway is configured, so Find Missing Payments cannot ask which cards were charged. Payments in doubt are still checked with the PIN pad. Ask a manager to set the gateway URL and key.',
      );
    }
    const r = await this.coordinator.findMissing(ticketId ? { ticketId } : {});
    const orphans = (r.orphaned ?? []).map(toOrphanSnapshot);
    return { checked: r.rowsChecked ?? 0, attached: r.attached, orphans, message: findMissingMessage(r.rowsChecked ?? 0, r.attached.length, orphans.length) };
  }

  /** Processor charges no ticket claims, oldest first. */
  orphanList(): OrphanSnapshot[] {
    return this.orphans.listOpen().map(toOrphanSnapshot);
  }

  /** Whether the last receipt of a ticket printed; null when none was attempted. */
  lastReceipt(ticketId: string): ReceiptResult | null {
    this.o.tickets.get(ticketId);
    const r = this.receipts.lastReceipt(ticketId);
    return r ? { printed: r.status === 'printed', message: r.message } : null;
  }

  /** Prints a ticket's receipt again. */
  async reprint(ticketId: string): Promise<ReceiptResult> {
    const r = await this.receipts.reprint(ticketId);
    return { printed: r.printed, message: r.message };
  }

  /** Prints the receipt of a ticket a cash payment closed, without making the cashier wait. */
  printAfterCash(ticketId: string): void {
    const p = this.receipts.printForTicket(ticketId).catch((err) => this.o.log(`receipts: cash receipt failed: ${err instanceof Error ? err.message : String(err)}`));
    this.background.add(p);
    void p.finally(() => this.background.delete(p));
  }

  /** Stops retries and waits for payments and receipts in progress. */
  async close(): Promise<void> {
    await this.coordinator.close();
    await Promise.allSettled([...this.background]);
  }
}

/**
 * The gateway as payments see it: the training gateway simulator while
 * training mode runs (it can start and stop at run time), else the configured
 * gateway, else a refusal that keeps attempts in doubt rather than guessing.
 */
class GatewaySwitch implements GatewayReportPort {
  private readonly configuredClient: CardknoxClient | undefined;
  private training: { url: string; client: CardknoxClient } | undefined;

  constructor(
    private readonly devices: DeviceService,
    private readonly o: Pick<PaymentServicesOptions, 'gateway' | 'currency' | 'version' | 'log'>,
  ) {
    const g = o.gateway;
    let configured: CardknoxClient | undefined;
    try {
      configured = g && this.client(g.url, g.key, g.softwareName, g.softwareVersion);
    } catch (err) {
      // A bad address must not stop the register: payments stay in doubt rather than guessed.
      o.log(`gateway: not configured: ${(err as Error).message}`);
    }
    this.configuredClient = configured;
  }

  configured(): boolean {
    return this.current() !== undefined;
  }

  findByInvoice(invoice: string, begin: number, end: number): Promise<GatewayReportRow[]> {
    return this.need().findByInvoice(invoice, begin, end);
  }

  report(query: { kind?: 'all' | 'approved'; begin: number; end: number; invoice?: string }): Promise<GatewayReportRow[]> {
    return this.need().report(query);
  }

  private need(): CardknoxClient {
    const c = this.current();
    if (!c) throw new AppError('gateway_unavailable', 'No payment gateway is configured; only the PIN pad can be asked about this payment.');
    return c;
  }

  private current(): CardknoxClient | undefined {
    const rig = this.devices.training();
    if (!rig) return this.configuredClient;
    const url = rig.gateway.url;
    if (this.training?.url !== url) this.training = { url, client: this.client(url, TRAINING_GATEWAY_KEY) };
    return this.training.client;
  }

  private client(url: string, key: string, softwareName = 'CashierDesk', softwareVersion = this.o.version): CardknoxClient {
    return new CardknoxClient({
      url,
      key,
      softwareName,
      softwareVersion,
      currency: this.o.currency,
      timeoutMs: 15_000,
      // The client's log entries carry no key and no card data (see cardknox-client.ts).
      log: (e) => {
        if (e.event === 'failure') this.o.log(`gateway: ${e.command} failed${e.reason ? `: ${e.reason}` : ''}`);
      },
    });
  }
}

function toOrphanSnapshot(o: OrphanRow): OrphanSnapshot {
  return {
    id: o.id,
    refNum: o.refNum,
    invoice: o.invoice,
    amount: o.amount,
    currency: o.currency,
    ...(o.maskedPan ? { maskedPan: o.maskedPan } : {}),
    ...(o.cardBrand ? { cardBrand: o.cardBrand } : {}),
    chargedAt: o.enteredAt,
    reason: o.message,
    status: o.status,
    createdAt: o.createdAt,
  };
}

function findMissingMessage(checked: number, attached: number, orphans: number): string {
  const seen = `Checked ${checked} card charge${checked === 1 ? '' : 's'} at the gateway`;
  if (attached === 0 && orphans === 0) return `${seen}: nothing is missing.`;
  const parts: string[] = [];
  if (attached > 0) parts.push(`${attached} missing payment${attached === 1 ? ' was' : 's were'} found and recorded on ${attached === 1 ? 'its ticket' : 'their tickets'}`);
  if (orphans > 0) parts.push(`${orphans} charge${orphans === 1 ? '' : 's'} belong${orphans === 1 ? 's' : ''} to no ticket and wait${orphans === 1 ? 's' : ''} for a manager under Orphan payments`);
  return `${seen}: ${parts.join('; ')}.`;
}

function paymentLogLine(e: PaymentLogEntry): string {
  return ['payments:', e.event, e.attemptId && `attempt=${e.attemptId}`, e.ticketId && `ticket=${e.ticketId}`, e.ecrRef && `ref=${e.ecrRef}`, e.detail]
    .filter(Boolean)
    .join(' ');
}

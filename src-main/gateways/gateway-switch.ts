// The gateway as payments and reconciliation see it: the training gateway
// simulator while training mode runs, else the configured Cardknox gateway,
// else a refusal. Also the gateway settings from the environment.

import { AppError } from '../../src-shared/errors.ts';
import type { DeviceService } from '../devices/device-service.ts';
import { TRAINING_GATEWAY_KEY } from '../devices/training-devices.ts';
import type { GatewayReportPort } from '../payments/payment-ports.ts';
import type { CardOnFileGateway } from './card-on-file-gateway.ts';
import { CardknoxClient, type GatewayResult } from './cardknox-client.ts';
import type { GatewayReportRow } from './gateway-report-row.ts';
import type { Money } from '../../src-shared/money.ts';
import { gatewayEndpoints } from './cardknox-protocol.ts';

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

/** How the switch is built. */
export interface GatewaySwitchOptions {
  /** The real gateway (unused in training mode, which uses the training gateway simulator). */
  gateway?: GatewayConfig;
  currency: string;
  version: string;
  log: (line: string) => void;
  /** Injected clock (epoch ms) for the probe's window; default Date.now. */
  now?: () => number;
  /** Told whether each gateway request was answered (true) or failed (false). */
  onLink?: (ok: boolean) => void;
}

/**
 * The gateway as payments see it: the training gateway simulator while
 * training mode runs (it can start and stop at run time), else the configured
 * gateway, else a refusal that keeps attempts in doubt rather than guessing.
 */
export class GatewaySwitch implements GatewayReportPort {
  private readonly configuredClient: CardknoxClient | undefined;
  private training: { url: string; client: CardknoxClient } | undefined;

  constructor(
    private readonly devices: Pick<DeviceService, 'training'>,
    private readonly o: GatewaySwitchOptions,
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

  /** cc:void of a transaction by its reference (issue 11 §3). */
  void(req: { refNum: string }): Promise<GatewayResult> {
    return this.need().void(req);
  }

  /** cc:refund of all or part of a charge by its reference, under the refund's own invoice (issue 11 §3). */
  refund(req: { refNum: string; amount: Money; invoice?: string }): Promise<GatewayResult> {
    return this.need().refund(req);
  }

  /**
   * The purser's card-on-file port (card-on-file-gateway.ts) over whichever
   * gateway is current at each call: the training simulator while training
   * mode runs, else the configured gateway; refused (gateway_unavailable)
   * when neither is there.
   */
  cardOnFile(): CardOnFileGateway {
    const port = (): CardOnFileGateway => this.need().cardOnFile();
    return {
      authorise: async (r) => port().authorise(r),
      increment: async (r) => port().increment(r),
      capture: async (r) => port().capture(r),
      voidAuthorisation: async (r) => port().voidAuthorisation(r),
      voidTransaction: async (r) => port().voidTransaction(r),
      refund: async (r) => port().refund(r),
      sale: async (r) => port().sale(r),
      findByInvoice: async (invoice, sinceMs, untilMs) => port().findByInvoice(invoice, sinceMs, untilMs),
    };
  }

  /** The smallest report the gateway answers (an empty window now): resolves when it answers. */
  async probe(): Promise<void> {
    const now = (this.o.now ?? Date.now)();
    await this.need().report({ kind: 'approved', begin: now, end: now });
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
        // Whether the gateway answers: a success after failures is its link coming back (payments then check at once).
        if (e.event === 'failure') this.o.onLink?.(false);
        else if (e.event === 'response') this.o.onLink?.(true);
      },
    });
  }
}

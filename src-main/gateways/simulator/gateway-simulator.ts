// A Cardknox-style gateway on loopback: a real HTTP server with these doors.
//   POST /gateway      transactions, form-encoded (checks xKey)
//   POST /gatewayjson  transactions, JSON
//   POST /reportjson   reports, JSON (a form body is read too)
//                      (paths and sources: cardknox-protocol.ts)
//   POST /_processor   JSON ProcessorLink for the PAX simulators (no key: the
//                      terminal's own host link, loopback only)
//   /_control/*        faults and ledger queries for tests and the chaos run:
//                      only with the key (X-Gateway-Key header) or the run's
//                      control token in the path (controlUrl), and never from
//                      another origin (issue 10 §5: a web page must not be able
//                      to arm faults or read the ledger with a cross-site POST)
// Anything else answers 404 with a body naming the real endpoints.
// Every charge through any door lands in the one ledger of its processor.

import { randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { z } from 'zod';
import type { CardBrand } from '../../../src-shared/card.ts';
import { containsFullPan, toGatewayMasked } from '../../../src-shared/card.ts';
import { parseDecimalString, toDecimalString } from '../../../src-shared/money.ts';
import type { ProcessorLink, ProcessorRequest, ProcessorResponse } from '../../../src-shared/processor-link.ts';
import {
  canonicalFields,
  CARD_TYPES,
  DUPLICATE_FIELDS,
  ENDPOINT_PATHS,
  encodeForm,
  decodeForm,
  ENTRY_METHODS,
  EXACT_MATCH_PREFIX,
  formatGatewayDate,
  MAX_REPORT_RECORDS,
  parseGatewayDate,
  REQUIRED_FIELDS,
  type WireFields,
} from '../cardknox-protocol.ts';
import { FaultBook, type FaultSpec, faultSpecSchema } from './gateway-faults.ts';
import type { LedgerEntry, ProcessorLedger } from '../../../drivers/pax/simulator/processor-ledger.ts';
import { SimulatedProcessor, type SimulatedProcessorOptions } from './simulated-processor.ts';
import type { AuthorisationRules } from './authorisation-rules.ts';

/** A card the simulated gateway holds a token for. */
export interface SimulatedCard {
  maskedPan: string;
  cardBrand: CardBrand;
}

/** Tokens every simulator knows: the well-known test cards, masked. tok_decline is declined. */
export const DEFAULT_CARDS: Record<string, SimulatedCard> = {
  tok_visa: { maskedPan: '411111******1111', cardBrand: 'visa' },
  tok_visa_4242: { maskedPan: '424242******4242', cardBrand: 'visa' },
  tok_mastercard: { maskedPan: '555555******4444', cardBrand: 'mastercard' },
  tok_amex: { maskedPan: '378282*****0005', cardBrand: 'amex' },
  tok_discover: { maskedPan: '601111******1117', cardBrand: 'discover' },
  tok_decline: { maskedPan: '411111******1111', cardBrand: 'visa' },
};

/** Options of the simulator. */
export interface GatewaySimulatorOptions extends SimulatedProcessorOptions {
  /** The xKey requests must carry. */
  key: string;
  /** Port (default 0: any free one). */
  port?: number;
  /** Currency of the gateway account (default USD). */
  currency?: string;
  /** Token vault (default DEFAULT_CARDS). */
  cards?: Record<string, SimulatedCard>;
  /** Structured log of each request (never the key or card data). */
  log?: (line: Record<string, unknown>) => void;
  /** Secret path segment of controlUrl (default: random per run). */
  controlToken?: string;
}

/** Header carrying the gateway key on control requests. */
export const CONTROL_KEY_HEADER = 'x-gateway-key';

const MAX_BODY_BYTES = 1024 * 1024;

const processorRequestSchema = z
  .object({
    command: z.enum(['sale', 'auth', 'capture', 'incremental', 'refund', 'void', 'settle']),
    invoice: z.string().max(64),
    amount: z.number().int().nonnegative(),
    currency: z.string().regex(/^[A-Z]{3}$/),
    cardToken: z.string().max(128),
    maskedPan: z.string().max(32),
    cardBrand: z.enum(['visa', 'mastercard', 'amex', 'discover', 'diners', 'jcb', 'other']),
    entryMode: z.enum(['manual', 'swipe', 'contactless', 'scanner', 'chip', 'fallback_swipe', 'unknown']),
    deviceId: z.string().max(64),
    allowDuplicate: z.boolean().optional(),
    originalRefNum: z.string().max(64).optional(),
  })
  .strict()
  .refine((r) => !containsFullPan(r.maskedPan) && !containsFullPan(r.cardToken), {
    message: 'maskedPan and cardToken must not hold a card number',
  });

/** Checks a ProcessorRequest from outside; throws a RangeError that names the bad fields. */
export function parseProcessorRequest(input: unknown): ProcessorRequest {
  const r = processorRequestSchema.safeParse(input);
  if (!r.success) {
    throw new RangeError(`Bad processor request: ${r.error.issues.map((i) => `${i.path.join('.') || '(request)'}: ${i.message}`).join('; ')}`);
  }
  return r.data;
}

/** Gateway follow-up commands and the processor command each becomes (sources: cardknox-protocol.ts). */
const FOLLOW_UP_COMMANDS = new Map<string, ProcessorRequest['command']>([
  ['cc:capture', 'capture'],
  ['cc:adjust', 'incremental'],
  ['cc:void', 'void'],
  ['cc:voidrelease', 'void'],
  ['cc:refund', 'refund'],
]);

/** Body of POST /_control/rules: any subset of the authorisation rules. */
const rulesSchema = z
  .object({
    maxIncrements: z.number().int().min(0).max(1000).optional(),
    authValidityMs: z.number().int().nonnegative().optional(),
    captureTolerancePercent: z.number().int().min(0).max(100).optional(),
    refundNeedsSettlement: z.boolean().optional(),
  })
  .strict();

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

const json = (status: number, value: unknown): Answer => ({ status, contentType: 'application/json', body: JSON.stringify(value) });

/** xCommand of a report row by ledger kind (a void of an uncaptured authorisation reads cc:voidrelease, see #row). */
const COMMAND_NAMES: Record<LedgerEntry['kind'], string> = {
  sale: 'cc:sale',
  auth: 'cc:authonly',
  refund: 'cc:refund',
  incremental: 'cc:adjust',
  capture: 'cc:capture',
  void: 'cc:void',
};

/** The running simulator. */
export class GatewaySimulator {
  /** The gateway's base address, e.g. http://127.0.0.1:41234/ (clients derive /gateway, /gatewayjson, /reportjson). */
  readonly url: string;
  /** Control endpoints with this run's token in the path: `${controlUrl}/faults` needs no other credential. */
  readonly controlUrl: string;
  /** Rules and ledger. */
  readonly processor: SimulatedProcessor;
  /** Armed faults. */
  readonly faults = new FaultBook();
  readonly #server: http.Server;
  readonly #opts: GatewaySimulatorOptions;
  readonly #currency: string;
  readonly #cards: Record<string, SimulatedCard>;
  readonly #sleepers = new Set<() => void>();
  readonly #hung = new Set<Socket>();
  readonly #controlToken: string;
  readonly #origin: string;
  #closed = false;

  private constructor(server: http.Server, opts: GatewaySimulatorOptions, processor: SimulatedProcessor) {
    this.#server = server;
    this.#opts = opts;
    this.processor = processor;
    this.#currency = opts.currency ?? 'USD';
    this.#cards = opts.cards ?? DEFAULT_CARDS;
    this.#origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    this.url = `${this.#origin}/`;
    // Not an id: a secret, so it comes from the CSPRNG rather than the injected generator.
    this.#controlToken = opts.controlToken ?? randomBytes(18).toString('base64url');
    this.controlUrl = `${this.#origin}/_control/${this.#controlToken}`;
  }

  /** Starts a simulator on 127.0.0.1. */
  static async start(opts: GatewaySimulatorOptions): Promise<GatewaySimulator> {
    if (!opts.key) throw new RangeError('The gateway simulator needs a key');
    const processor = new SimulatedProcessor(opts);
    const server = http.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
    });
    if (opts.controlToken !== undefined && !/^[A-Za-z0-9_-]{16,}$/.test(opts.controlToken)) {
      throw new RangeError('The control token must be at least 16 letters, digits, "-" or "_"');
    }
    const sim = new GatewaySimulator(server, opts, processor);
    server.on('request', (req, res) => {
      sim.#handle(req, res).catch((err: unknown) => {
        sim.#log({ event: 'internal_error', error: err instanceof Error ? err.message : String(err) });
        if (!res.headersSent) sim.#send(res, json(500, { error: 'internal error' }));
      });
    });
    return sim;
  }

  /** Currency of the gateway account. */
  get currency(): string {
    return this.#currency;
  }

  /** The processor ledger (ground truth of every charge). */
  get ledger(): ProcessorLedger {
    return this.processor.ledger;
  }

  /** Arms a fault; returns its id. */
  injectFault(spec: FaultSpec): number {
    return this.faults.add(spec);
  }

  /** Disarms one fault, or all. */
  clearFaults(id?: number): void {
    this.faults.clear(id);
  }

  /**
   * Settles the current batch (the processor's batch close): what it held can
   * no longer be voided, only refunded. Also POST /_control/settle.
   */
  settle(): { batch: string; count: number; amount: number } {
    return this.processor.closeBatch();
  }

  /** Changes the authorisation rules (authorisation-rules.ts) at run time; also POST /_control/rules. */
  setAuthorisationRules(rules: Partial<AuthorisationRules>): AuthorisationRules {
    return this.processor.setAuthorisationRules(rules);
  }

  /** In-process ProcessorLink to this simulator's ledger (faults do not apply: use the HTTP link for those). */
  processorLink(): ProcessorLink {
    return { submit: async (request) => this.processor.submit(parseProcessorRequest(request)).response };
  }

  /**
   * A sale keyed at the gateway's virtual terminal (no register involved): it
   * goes through the gateway door's own rules, so it lands in the ledger like
   * any cc:sale. Answers the gateway's fields (xResult, xRefNum, xAuthAmount…).
   */
  virtualTerminalSale(sale: { invoice: string; amount: number; token?: string }): Record<string, string> {
    const out = this.#gateway({
      xKey: this.#opts.key,
      xVersion: '5.0.0',
      xSoftwareName: 'VirtualTerminal',
      xSoftwareVersion: '1.0',
      xCommand: 'cc:sale',
      xAmount: toDecimalString(sale.amount, this.#currency),
      xToken: sale.token ?? 'tok_visa',
      xInvoice: sale.invoice,
    });
    this.#log({ door: 'virtual_terminal', command: 'cc:sale', invoice: sale.invoice, result: out.xResult });
    return flatten(out);
  }

  /** Stops listening and drops every connection, hung ones included. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const wake of this.#sleepers) wake();
    const done = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    for (const s of this.#hung) s.destroy();
    await done;
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/_control' || path.startsWith('/_control/')) return this.#send(res, await this.#control(req, path));
    const door = gatewayDoor(path);
    if (!door && path !== '/_processor') return this.#send(res, notFound(path));
    if (req.method !== 'POST') return this.#send(res, json(405, { error: `Use POST for ${path}` }));
    let body: string;
    try {
      body = await readBody(req);
    } catch {
      return this.#send(res, json(413, { error: `Request larger than ${MAX_BODY_BYTES} bytes` }));
    }
    if (door) {
      const fields = readFields(body, req.headers['content-type'] ?? '');
      if (!fields) return this.#send(res, json(400, { error: `The body of ${path} must be a JSON object or form-encoded fields` }));
      const command = fields.xCommand ?? '';
      // /gateway answers a form unless JSON is asked for; the JSON doors answer JSON.
      const wantsJson = door !== 'gateway' || /json/i.test(req.headers.accept ?? '');
      return this.#serve(res, this.faults.take('gateway', command), () => {
        const out = this.#door(door, fields);
        this.#log({ door, command, invoice: fields.xInvoice, result: out.xResult });
        return wantsJson ? json(200, out) : { status: 200, contentType: 'application/x-www-form-urlencoded', body: encodeForm(flatten(out)) };
      });
    }
    if (path === '/_processor') {
      let request: ProcessorRequest;
      try {
        request = parseProcessorRequest(JSON.parse(body));
      } catch (err) {
        return this.#send(res, json(400, { error: err instanceof RangeError ? err.message : 'Body is not JSON' }));
      }
      // Noted before any simulated network delay: the chaos tally sees a sale sent while an earlier one was still on its way.
      const arrivedAt = this.processor.now();
      return this.#serve(res, this.faults.take('processor', request.command), () => {
        const { response } = this.processor.submit(request, arrivedAt);
        this.#log({ door: 'processor', command: request.command, invoice: request.invoice, device: request.deviceId, result: response.result });
        return json(200, response);
      });
    }
    return this.#send(res, notFound(path));
  }

  /** Reports only at /reportjson, transactions only at /gateway and /gatewayjson, as on the real gateway. */
  #door(door: GatewayDoor, f: WireFields): Record<string, string | Record<string, string>[]> {
    const isReport = /^report:/i.test(f.xCommand ?? '');
    if (door === 'report' && f.xCommand && !isReport) return gatewayError(`Transactions go to /${ENDPOINT_PATHS.gateway} or /${ENDPOINT_PATHS.gatewayJson}, not /${ENDPOINT_PATHS.report}`);
    if (door !== 'report' && isReport) return gatewayError(`Reports go to /${ENDPOINT_PATHS.report}`);
    return this.#gateway(f);
  }

  async #serve(res: http.ServerResponse, fault: FaultSpec | null, process: () => Answer): Promise<void> {
    if (fault) this.#log({ event: 'fault', kind: fault.kind });
    switch (fault?.kind) {
      case 'http_5xx':
        return this.#send(res, { status: fault.status ?? 503, contentType: 'text/plain', body: 'Service Unavailable' });
      case 'hang':
        if (fault.commit) process();
        if (res.socket) this.#hung.add(res.socket);
        return;
      case 'delay':
        if (!(await this.#sleep(fault.delayMs ?? 0))) return;
        break;
      case 'drop_after_commit':
        process();
        res.socket?.destroy();
        return;
      default:
        break;
    }
    this.#send(res, process());
  }

  #gateway(f: WireFields): Record<string, string | Record<string, string>[]> {
    const missing = REQUIRED_FIELDS.filter((k) => !f[k]);
    if (missing.length > 0) return gatewayError(`Required: ${missing.join(', ')}`);
    // Never echo the key, right or wrong.
    if (f.xKey !== this.#opts.key) return gatewayError('Invalid xKey');
    if (f.xCardNum || f.xMagstripe || f.xCVV) return gatewayError('This gateway accepts tokens only: do not send card data');
    const amount = (field: string, required: boolean): number | string => {
      if (!f[field]) return required ? `Required: ${field}` : 0;
      try {
        return parseDecimalString(f[field], this.#currency);
      } catch {
        return `Invalid ${field}`;
      }
    };
    const command = f.xCommand;
    if (command === 'report:all' || command === 'report:approved') return this.#report(f, command === 'report:approved');
    const base = { invoice: f.xInvoice ?? '', currency: this.#currency, deviceId: 'gateway', entryMode: 'manual' as const };
    let request: ProcessorRequest;
    if (command === 'cc:sale' || command === 'cc:authonly') {
      const a = amount('xAmount', true);
      if (typeof a === 'string') return gatewayError(a);
      const card = f.xToken ? this.#cards[f.xToken] : undefined;
      if (!card) return gatewayError(f.xToken ? 'Invalid xToken' : 'Required: xToken');
      request = {
        ...base,
        command: command === 'cc:sale' ? 'sale' : 'auth',
        amount: a,
        cardToken: f.xToken,
        maskedPan: card.maskedPan,
        cardBrand: card.cardBrand,
        allowDuplicate: f.xAllowDuplicate === '1' || f.xAllowDuplicate?.toLowerCase() === 'true',
      };
    } else if (FOLLOW_UP_COMMANDS.has(command)) {
      // Follow-ups name the original by xRefNum (cc:capture, cc:adjust, cc:void,
      // cc:voidrelease, cc:refund: cardknox-protocol.ts) and may carry their own xInvoice.
      if (!f.xRefNum) return gatewayError('Required: xRefNum');
      const a = amount('xAmount', command === 'cc:refund' || command === 'cc:adjust');
      if (typeof a === 'string') return gatewayError(a);
      if (command === 'cc:voidrelease') {
        // A voided one goes on to the processor: a resend of this release is answered there as a duplicate.
        const o = this.processor.ledger.get(f.xRefNum);
        if (o && o.status !== 'voided' && !(o.kind === 'auth' && o.status === 'approved' && !o.captured)) return gatewayError('Only an open authorization can be released; void or refund a captured one');
      }
      request = { ...base, command: FOLLOW_UP_COMMANDS.get(command) ?? 'void', amount: a, cardToken: '', maskedPan: '', cardBrand: 'other', originalRefNum: f.xRefNum };
    } else {
      return gatewayError(`Unsupported xCommand ${command.slice(0, 40)}`);
    }
    const { response, entry } = this.processor.submit(request);
    const out = this.#wire(response, entry, f.xToken);
    // cc:adjust answers the increment it approved (its own entry); the authorised total is the original's amount.
    if (command === 'cc:adjust' && out.xResult === 'A' && entry) out.xAuthAmount = toDecimalString(entry.amount, this.#currency);
    return out;
  }

  #wire(r: ProcessorResponse, entry: LedgerEntry | undefined, token?: string): Record<string, string> {
    const money = (n: number): string => toDecimalString(n, this.#currency);
    if (r.result === 'duplicate') {
      return {
        xResult: 'D',
        xStatus: 'Declined',
        xError: r.text,
        xRefNum: r.refNum,
        ...(r.original
          ? {
              [DUPLICATE_FIELDS.refNum]: r.original.refNum,
              [DUPLICATE_FIELDS.authCode]: r.original.authCode ?? '',
              [DUPLICATE_FIELDS.amount]: money(r.original.amountApproved),
              xMaskedCardNumber: wireMasked(r.original.maskedPan),
              xCardType: CARD_TYPES[r.original.cardBrand],
            }
          : {}),
      };
    }
    if (r.result === 'error') return { ...gatewayError(r.text), xRefNum: r.refNum };
    const common = {
      xRefNum: r.refNum,
      xDate: formatGatewayDate(entry?.enteredAt ?? 0),
      ...(entry ? { xInvoice: entry.invoice, xMaskedCardNumber: wireMasked(entry.maskedPan), xCardType: CARD_TYPES[entry.cardBrand], xEntryMethod: ENTRY_METHODS[entry.entryMode] } : {}),
    };
    if (r.result === 'declined') return { xResult: 'D', xStatus: 'Declined', xError: r.text, xErrorCode: '00051', ...common };
    return {
      xResult: 'A',
      xStatus: 'Approved',
      xError: '',
      xAuthCode: r.authCode ?? '',
      xAuthAmount: money(r.amountApproved),
      xBatch: r.batch ?? '',
      ...(token ? { xToken: token } : {}),
      ...common,
    };
  }

  #report(f: WireFields, approvedOnly: boolean): Record<string, string | Record<string, string>[]> {
    const begin = parseGatewayDate(f.xBeginDate ?? '');
    // A date alone ends the window at that day's last millisecond.
    const end = parseGatewayDate(f.xEndDate ?? '', { endOfDay: true });
    if (begin === null || end === null) {
      return gatewayError('xBeginDate and xEndDate are required: YYYY-MM-DD or MM/DD/YYYY, optionally with HH:mm:ss[.SSS] (UTC)');
    }
    const max = f.xMaxRecords ? Number(f.xMaxRecords) : MAX_REPORT_RECORDS;
    if (!Number.isSafeInteger(max) || max < 1) return gatewayError('Invalid xMaxRecords');
    const inv = f.xInvoice;
    const invoice = inv === undefined ? undefined : inv.startsWith(EXACT_MATCH_PREFIX) ? { exact: inv.slice(1) } : { contains: inv };
    const rows = this.processor.ledger
      .query({ begin, end, approvedOnly, ...(invoice ? { invoice } : {}), limit: Math.min(max, MAX_REPORT_RECORDS) })
      .map((e) => this.#row(e));
    return { xResult: 'A', xStatus: 'Approved', xError: '', xRecordsReturned: String(rows.length), xReportData: rows };
  }

  #row(e: LedgerEntry): Record<string, string> {
    const original = e.kind === 'void' && e.originalRefNum ? this.processor.ledger.get(e.originalRefNum) : undefined;
    const command = original?.kind === 'auth' && !original.captured ? 'cc:voidrelease' : COMMAND_NAMES[e.kind];
    return {
      xRefNum: e.refNum,
      xCommand: command,
      xAmount: toDecimalString(e.amount, e.currency),
      xCurrency: e.currency,
      xEnteredDate: formatGatewayDate(e.enteredAt),
      xInvoice: e.invoice,
      xMaskedCardNumber: wireMasked(e.maskedPan),
      xCardType: CARD_TYPES[e.cardBrand],
      xEntryMethod: ENTRY_METHODS[e.entryMode],
      xResult: e.status === 'declined' ? 'D' : 'A',
      xResponseError: e.status === 'declined' ? e.text : '',
      xVoid: e.status === 'voided' ? '1' : '0',
      xAuthCode: e.authCode ?? '',
      xDeviceId: e.deviceId,
      xBatch: e.batch,
    };
  }

  /** Who may use the control doors: null when allowed, else the refusal. Also strips the token from the path. */
  #controlAccess(req: http.IncomingMessage, path: string): { refusal: Answer } | { path: string } {
    // A browser always names the page's origin on a cross-site request (and on
    // any POST); tools and the chaos harness send none. Only our own origin passes.
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== this.#origin) {
      return { refusal: json(403, { error: 'Control requests from another origin are refused' }) };
    }
    const parts = path.split('/'); // ['', '_control', token-or-route, ...]
    if (parts.length > 3 && sameSecret(parts[2], this.#controlToken)) return { path: ['', '_control', ...parts.slice(3)].join('/') };
    const key = req.headers[CONTROL_KEY_HEADER];
    if (typeof key === 'string' && sameSecret(key, this.#opts.key)) return { path };
    return { refusal: json(401, { error: `Control requests need the gateway key in the ${CONTROL_KEY_HEADER} header, or the control URL this simulator printed` }) };
  }

  async #control(req: http.IncomingMessage, rawPath: string): Promise<Answer> {
    const access = this.#controlAccess(req, rawPath);
    if ('refusal' in access) {
      this.#log({ event: 'control_refused', status: access.refusal.status });
      req.resume();
      return access.refusal;
    }
    const path = access.path;
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const route = `${req.method} ${path}`;
    let body: unknown = undefined;
    if (req.method === 'POST') {
      try {
        const text = await readBody(req);
        // JSON only: a form or text/plain body is what a cross-site page can send without asking.
        if (text && !/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
          return json(415, { error: 'Control bodies must be sent as application/json' });
        }
        body = text ? JSON.parse(text) : {};
      } catch {
        return json(400, { error: 'Body must be JSON, at most 1 MB' });
      }
    }
    switch (route) {
      case 'GET /_control/ledger': {
        const invoice = url.searchParams.get('invoice') ?? undefined;
        const filter = invoice !== undefined ? { invoice } : {};
        return json(200, {
          summary: this.ledger.summary(filter),
          entries: invoice !== undefined ? this.ledger.byInvoice(invoice) : this.ledger.all(),
        });
      }
      case 'GET /_control/requests':
        return json(200, { requests: this.ledger.requests() });
      case 'POST /_control/duplicate-check': {
        const on = (body as { on?: unknown } | undefined)?.on;
        if (typeof on !== 'boolean') return json(400, { error: 'Send {"on": true|false}' });
        this.processor.setDuplicateCheck(on);
        return json(200, { on });
      }
      case 'GET /_control/double-charges':
        return json(200, { doubleCharges: this.ledger.doubleCharges() });
      case 'GET /_control/faults':
        return json(200, { faults: this.faults.list() });
      case 'POST /_control/faults': {
        const r = faultSpecSchema.safeParse(body);
        if (!r.success) return json(400, { error: r.error.issues.map((i) => `${i.path.join('.') || '(fault)'}: ${i.message}`).join('; ') });
        return json(200, { id: this.faults.add(r.data) });
      }
      case 'DELETE /_control/faults':
        this.faults.clear();
        return json(200, { cleared: true });
      case 'POST /_control/batch-close':
      case 'POST /_control/settle':
        return json(200, this.settle());
      case 'GET /_control/rules':
        return json(200, this.processor.authorisationRules);
      case 'POST /_control/rules': {
        const r = rulesSchema.safeParse(body);
        if (!r.success) return json(400, { error: r.error.issues.map((i) => `${i.path.join('.') || '(rules)'}: ${i.message}`).join('; ') });
        try {
          return json(200, this.setAuthorisationRules(r.data));
        } catch (err) {
          return json(400, { error: (err as Error).message });
        }
      }
      case 'POST /_control/duplicate-window': {
        const ms = (body as { ms?: unknown } | undefined)?.ms;
        if (typeof ms !== 'number' || !Number.isSafeInteger(ms) || ms < 0) return json(400, { error: 'Send {"ms": <whole milliseconds>}' });
        this.processor.setDuplicateWindow(ms);
        return json(200, { ms });
      }
      default:
        return json(404, { error: `No control endpoint ${route}` });
    }
  }

  #send(res: http.ServerResponse, a: Answer): void {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(a.status, { 'content-type': a.contentType, 'content-length': Buffer.byteLength(a.body) });
    res.end(a.body);
  }

  #sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.#sleepers.delete(wake);
        resolve(false);
      };
      const timer = setTimeout(() => {
        this.#sleepers.delete(wake);
        resolve(true);
      }, ms);
      this.#sleepers.add(wake);
    });
  }

  #log(line: Record<string, unknown>): void {
    this.#opts.log?.(line);
  }
}

type GatewayDoor = 'gateway' | 'gatewayJson' | 'report';

/** Which gateway door a path is (case-insensitive, a trailing "/" allowed), or null. */
function gatewayDoor(path: string): GatewayDoor | null {
  const p = path.toLowerCase().replace(/\/$/, '');
  for (const [door, name] of Object.entries(ENDPOINT_PATHS)) if (p === `/${name}`) return door as GatewayDoor;
  return null;
}

function notFound(path: string): Answer {
  return json(404, {
    error:
      `No such endpoint ${path.slice(0, 80)}: transactions go to /${ENDPOINT_PATHS.gateway} (form) or ` +
      `/${ENDPOINT_PATHS.gatewayJson} (JSON), reports to /${ENDPOINT_PATHS.report}`,
  });
}

/** Fields of a JSON or form body under their canonical names; null when it is neither. */
function readFields(body: string, contentType: string): WireFields | null {
  const trimmed = body.trim();
  let raw: Record<string, unknown>;
  if (/json/i.test(contentType) || trimmed.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(trimmed || '{}');
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
      raw = parsed as Record<string, unknown>;
    } catch {
      return null;
    }
  } else raw = decodeForm(trimmed);
  const out: WireFields = {};
  for (const [k, v] of Object.entries(canonicalFields(raw))) if (typeof v === 'string') out[k] = v;
  return out;
}

/** A ledger masked number as the gateway writes it ("4xxxxxxxxxxx2224"); empty when there is none. */
function wireMasked(masked: string): string {
  return masked ? (toGatewayMasked(masked) ?? '') : '';
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function gatewayError(text: string): Record<string, string> {
  return { xResult: 'E', xStatus: 'Error', xError: text, xRefNum: '' };
}

/** Form encoding needs strings: the report rows travel as one JSON string. */
function flatten(out: Record<string, string | Record<string, string>[]>): WireFields {
  const flat: WireFields = {};
  for (const [k, v] of Object.entries(out)) flat[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return flat;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new RangeError('body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

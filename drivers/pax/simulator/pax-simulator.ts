// A simulated PAX terminal on real transports: a TCP server, an HTTP server
// (GET /?<base64 frame>) and a serial endpoint (serialport on one end of a
// socat pty pair). It charges through an injected ProcessorLink, so the
// processor's ledger is the ground truth of who was charged. Device behaviour
// lives in pax-simulator-device.ts, the issuer's rules in
// pax-simulator-rules.ts, faults in pax-simulator-faults.ts.

import http from 'node:http';
import net from 'node:net';
import { SerialPort } from 'serialport';
import type { EntryMode } from '../../../src-shared/card.ts';
import type { ProcessorLink } from '../../../src-shared/processor-link.ts';
import { InMemoryProcessor } from './in-memory-processor.ts';
import type { LedgerEntry } from './processor-ledger.ts';
import { decodeFrame, encodeFrame, EOT, NAK, PaxFrameError } from '../pax-frame.ts';
import { decodeRequest, encodeResponse, encodeStatusReport, PaxMessageError, PAX_RESULT, type PaxRequest, type PaxResponse } from '../pax-messages.ts';
import type { TerminalPrompt } from '../../terminal.ts';
import { PAX_DEFAULT_BAUD } from '../pax-protocol-choices.ts';
import { DeviceRebootedError, paxTimestamp, SimDevice, type SignatureAction, type SimDeviceStatus, type SimRecord, type SimUploadSummary } from './pax-simulator-device.ts';
import { FaultPlan, type FaultArming, type PaxFault } from './pax-simulator-faults.ts';
import { settledWithin, withTimeout } from '../../with-timeout.ts';
import { corruptLrc, LinkSession, type Reception, type ReplyPlan } from './pax-simulator-link.ts';
import { batchCloseResponse, creditResponse, formatErrorResponse, reportResponse, safUploadResponse, transactionInput } from './pax-simulator-responses.ts';

export type { PaxFault } from './pax-simulator-faults.ts';
export type { SignatureAction, SimRecord, SimUploadSummary } from './pax-simulator-device.ts';

/** Options of a simulated terminal. */
export interface PaxSimulatorOptions {
  /** Device id reported to the processor and as terminal id on batch close (letters, digits, - and _). */
  deviceId: string;
  /** Where charges go; an InMemoryProcessor of its own when absent. */
  processor?: ProcessorLink;
  /** Local duplicate check by ECR ref (default on). */
  duplicateCheck?: boolean;
  clock?: () => Date;
  /** How long a transaction waits for the card (present card, PIN) before authorising; default 50 ms. */
  cardTimeMs?: number;
  model?: string;
  serialNumber?: string;
  /** How long to wait for the ECR's ACK of a response before giving up on it; default 1500 ms. */
  ackTimeoutMs?: number;
  /**
   * Least gap between the ACK of a request and its answer on TCP and serial,
   * ms (pax-protocol-choices.ts item 21). Default 2, as a real terminal leaves
   * one; 0 sends ACK and answer back to back (the round-trip bench).
   */
  ackGapMs?: number;
  /** Receives one line per internal failure (never card data). */
  log?: (line: string) => void;
}

type Transport = 'tcp' | 'http' | 'serial';

const NONE: ReplyPlan = { kind: 'none' };
/** What the simulated display says with each status frame. */
const STATUS_TEXT: Record<TerminalPrompt, string> = {
  present_card: 'INSERT, TAP OR SWIPE CARD',
  enter_pin: 'ENTER PIN',
  authorising: 'AUTHORIZING',
  signature: 'PLEASE SIGN',
  remove_card: 'REMOVE CARD',
  processing: 'PROCESSING',
};
const APP_VERSION = 'SIM-1.0';
/** A pty or USB adapter opens in milliseconds; longer means it never will. */
const SERIAL_OPEN_TIMEOUT_MS = 5000;
/** Longest close() waits for a server or port to let go. */
const CLOSE_TIMEOUT_MS = 3000;

/** A simulated PAX terminal (see file comment). */
export class PaxSimulator {
  /** Device id. */
  readonly deviceId: string;
  private readonly device: SimDevice;
  private readonly processor: ProcessorLink;
  private readonly faults = new FaultPlan();
  private readonly model: string;
  private readonly serialNumber: string;
  private readonly ackTimeoutMs: number;
  private readonly ackGapMs: number;
  private readonly log: (line: string) => void;
  private readonly clock: () => Date;
  private readonly servers: net.Server[] = [];
  private readonly sockets = new Set<net.Socket>();
  private readonly sessions = new Set<LinkSession>();
  private readonly serialPorts: SerialPort[] = [];
  private readonly sleeps = new Set<() => void>();
  private closed = false;

  constructor(opts: PaxSimulatorOptions) {
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(opts.deviceId)) {
      throw new RangeError('deviceId must be 1-32 letters, digits, "-" or "_"');
    }
    const cardTimeMs = opts.cardTimeMs ?? 50;
    if (!Number.isInteger(cardTimeMs) || cardTimeMs < 0) throw new RangeError('cardTimeMs must be a whole number of milliseconds, 0 or more');
    const clock = opts.clock ?? (() => new Date());
    this.deviceId = opts.deviceId;
    this.clock = clock;
    this.processor = opts.processor ?? new InMemoryProcessor({ clock });
    this.model = opts.model ?? 'A920';
    this.serialNumber = opts.serialNumber ?? `SIM${opts.deviceId.toUpperCase().replace(/[^A-Z0-9]/g, '')}`.slice(0, 20);
    this.ackTimeoutMs = opts.ackTimeoutMs ?? 1500;
    this.ackGapMs = opts.ackGapMs ?? 2;
    this.log = opts.log ?? (() => undefined);
    this.device = new SimDevice({ deviceId: opts.deviceId, processor: this.processor, clock, cardTimeMs, duplicateCheck: opts.duplicateCheck ?? true });
    // A reboot restarts the device's network: every open connection drops.
    this.device.onReboot(() => {
      for (const s of this.sockets) s.destroy();
      for (const session of this.sessions) session.resetInput();
    });
  }

  /** Starts the TCP endpoint; resolves the bound port. */
  listenTcp(port = 0, host = '127.0.0.1'): Promise<number> {
    const server = net.createServer((socket) => this.serveSocket(socket));
    return this.listen(server, port, host);
  }

  /** Starts the HTTP endpoint (GET /?<base64 frame>) on 127.0.0.1; resolves the bound port. */
  listenHttp(port = 0): Promise<number> {
    const server = http.createServer((req, res) => this.serveHttp(req, res));
    server.on('connection', (s) => this.track(s));
    return this.listen(server, port, '127.0.0.1');
  }

  /** Opens a serial device (e.g. one end of a socat pty pair) and serves it. */
  async attachSerial(path: string, baudRate = PAX_DEFAULT_BAUD): Promise<void> {
    this.assertOpen();
    const port = new SerialPort({ path, baudRate, dataBits: 8, parity: 'none', stopBits: 1, autoOpen: false });
    const opened = new Promise<void>((resolve, reject) =>
      port.open((err) => (err ? reject(new Error(`Cannot open serial port ${path}: ${err.message}`)) : resolve())),
    );
    try {
      await withTimeout(opened, SERIAL_OPEN_TIMEOUT_MS, () => new Error(`Opening serial port ${path} took more than ${SERIAL_OPEN_TIMEOUT_MS} ms`));
    } catch (err) {
      opened.then(() => port.close(() => undefined), () => undefined);
      throw err;
    }
    this.serialPorts.push(port);
    const session = new LinkSession(
      { write: (b) => void port.write(b), destroy: () => undefined },
      (fields, push) => this.receive(fields, 'serial', push),
      this.ackTimeoutMs,
      this.ackGapMs,
    );
    this.sessions.add(session);
    port.on('data', (chunk: Buffer) => session.onData(chunk));
    port.on('error', (err) => this.log(`serial ${path}: ${err.message}`));
    port.on('close', () => {
      session.close();
      this.sessions.delete(session);
    });
  }

  /**
   * The card the next transaction reads (default: Visa test card
   * 4111111111111111, inserted, expiring 12/30): entryMode 'chip' (inserted),
   * 'swipe', 'contactless' (tapped)…; expiry MMYY.
   */
  presentCard(card: { pan: string; entryMode?: EntryMode; expiry?: string }): void {
    this.device.presentCard(card.pan, card.entryMode, card.expiry);
  }

  /** What the customer does at every later signature prompt: signs (default) or cancels. */
  setSignatureAction(action: SignatureAction): void {
    this.device.setSignatureAction(action);
  }

  /** From now on the issuer declines this card, online and at store-and-forward upload. */
  markCardDeclined(pan: string): void {
    this.device.markCardDeclined(pan);
  }

  /** Arms a fault for the next request frame (once, then optionally another for every later frame) or for every frame until cleared with null. */
  setFault(fault: PaxFault | null, opts?: FaultArming): void {
    this.faults.set(fault, opts);
  }

  /** Turns the local duplicate check on or off. */
  setDuplicateCheck(on: boolean): void {
    this.device.setDuplicateCheck(on);
  }

  /**
   * Offline mode, the host link down: sales and auths are approved locally
   * (000001, a temporary token when one was asked for) and queued for the
   * upload (B08 from the ECR, or uploadOffline()).
   */
  setOffline(on: boolean): void {
    this.device.setOffline(on);
  }

  /** Uploads queued offline approvals to the processor; resolves how many it accepted (0 while offline). */
  uploadOffline(): Promise<number> {
    return this.device.uploadOffline();
  }

  /** The upload with its counts, as B08 does it; null while the host link is down. */
  uploadStored(): Promise<SimUploadSummary | null> {
    return this.device.uploadStored();
  }

  /** Offline approvals not yet uploaded. */
  pendingOffline(): readonly SimRecord[] {
    return this.device.pendingOffline();
  }

  /** Reboots the device: drops the in-flight request and open connections, forgets the duplicate window. */
  reboot(): void {
    this.device.reboot();
  }

  /** What the device is doing now. */
  status(): SimDeviceStatus {
    return this.device.status();
  }

  /** The open batch (local detail report), oldest first. */
  records(): readonly SimRecord[] {
    return this.device.records();
  }

  /** The ledger of the in-memory processor (charges that took money); throws when the processor is another kind. */
  processorCharges(): readonly LedgerEntry[] {
    if (!(this.processor instanceof InMemoryProcessor)) {
      throw new Error('This simulator charges through an external processor; read the charges from the gateway simulator');
    }
    return this.processor.charges();
  }

  /** Stops every endpoint, drops connections and pending answers. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.device.reboot();
    for (const wake of this.sleeps) wake();
    for (const session of this.sessions) session.close();
    for (const s of this.sockets) s.destroy();
    await Promise.all([
      ...this.servers.map(async (s) => {
        // close() waits for every connection, keep-alive ones included: drop them all first.
        if (s instanceof http.Server) s.closeAllConnections();
        if (!(await settledWithin(new Promise<void>((resolve) => s.close(() => resolve())), CLOSE_TIMEOUT_MS))) {
          // A connection we never saw still holds it: stop it keeping the process alive.
          s.unref();
          this.log(`${this.deviceId}: a server did not close within ${CLOSE_TIMEOUT_MS} ms`);
        }
      }),
      ...this.serialPorts.map(async (p) => {
        if (p.isOpen && !(await settledWithin(new Promise<void>((resolve) => p.close(() => resolve())), CLOSE_TIMEOUT_MS))) {
          this.log(`${this.deviceId}: serial port ${p.path} did not close within ${CLOSE_TIMEOUT_MS} ms`);
        }
      }),
    ]);
  }

  // -------------------------------------------------------------------------

  private assertOpen(): void {
    if (this.closed) throw new Error(`PAX simulator ${this.deviceId} is closed`);
  }

  private async listen(server: net.Server, port: number, host: string): Promise<number> {
    this.assertOpen();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.servers.push(server);
    return (server.address() as net.AddressInfo).port;
  }

  private track(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
  }

  private serveSocket(socket: net.Socket): void {
    this.track(socket);
    // Small frames answered at once: Nagle would hold the answer behind the ACK.
    socket.setNoDelay(true);
    const session = new LinkSession(
      { write: (b) => void (socket.writable && socket.write(b)), destroy: () => socket.destroy() },
      (fields, push) => this.receive(fields, 'tcp', push),
      this.ackTimeoutMs,
      this.ackGapMs,
    );
    this.sessions.add(session);
    socket.on('data', (chunk) => session.onData(chunk));
    socket.on('close', () => {
      session.close();
      this.sessions.delete(session);
    });
  }

  private serveHttp(req: http.IncomingMessage, res: http.ServerResponse): void {
    // Browser-based clients (PAX's POSLink JS, Cardknox's JS SDK) read the answer
    // cross-origin: the terminal allows any origin (pax-protocol-choices.ts item 22).
    res.setHeader('access-control-allow-origin', '*');
    const refuse = (status: number, text: string): void => {
      res.writeHead(status, { 'content-type': 'text/plain' }).end(`${text}\n`);
    };
    if (req.method !== 'GET') return refuse(405, 'Use GET /?<base64 of a PAX frame>');
    const url = req.url ?? '';
    const q = url.indexOf('?');
    let fields: string[][];
    try {
      const b64 = decodeURIComponent(url.slice(q + 1));
      if (q < 0 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(b64)) throw new PaxFrameError('malformed', 'Expected GET /?<base64 of a PAX frame>');
      fields = decodeFrame(Buffer.from(b64, 'base64'));
    } catch (err) {
      return refuse(400, `Bad PAX request: ${err instanceof Error ? err.message : 'undecodable'}`);
    }
    const rec = this.receive(fields, 'http');
    if (rec.ack === 'nak') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.of(NAK));
      return;
    }
    void rec.reply.then((plan) => {
      // 'none' leaves the request unanswered: the ECR's timeout decides, as with a silent device.
      if (plan.kind === 'none' || res.writableEnded || res.destroyed) return;
      const body = plan.kind === 'eot' ? Buffer.of(EOT) : plan.corrupt === 'no' ? plan.frame : corruptLrc(plan.frame);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
      if (plan.kind === 'frame' && plan.resetMidFrame) {
        res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
        return;
      }
      res.end(body);
    });
  }

  /**
   * One request frame arrived: decide the immediate reaction (faults first),
   * then the answer. `push` sends status frames on a stream link (none over
   * HTTP). Faults act on the final answer only: a device that hangs, reboots
   * or refuses sends no status either; one that drops, delays or damages its
   * answer still reports its progress intact (pax-protocol-choices.ts item 15).
   */
  private receive(fields: string[][], via: Transport, push?: (frame: Buffer) => void): Reception {
    if (this.closed) return { ack: 'none', reply: Promise.resolve(NONE) };
    const taken = this.faults.take();
    const fault = taken?.fault;
    if (fault?.kind === 'nak_always') return { ack: 'nak', reply: Promise.resolve(NONE) };
    if (fault?.kind === 'hang') return { ack: 'none', reply: Promise.resolve(NONE) };
    if (fault?.kind === 'reboot') {
      this.device.reboot();
      return { ack: 'none', reply: Promise.resolve(NONE) };
    }
    const generation = this.device.bootGeneration;
    const reply = this.answer(fields, via, push && this.statusSender(push, generation)).then(async (plan): Promise<ReplyPlan> => {
      if (plan.kind !== 'frame' || !fault) return plan;
      switch (fault.kind) {
        case 'drop_response':
          return NONE;
        case 'delay':
          await this.sleep(fault.ms);
          return this.closed || generation !== this.device.bootGeneration ? NONE : plan;
        case 'reset_mid_frame':
          return { ...plan, resetMidFrame: true };
        case 'corrupt_lrc':
          return { ...plan, corrupt: taken?.once ? 'first' : 'always' };
      }
    });
    // The cancel is answered while the transaction it stops still runs (item 3).
    return { ack: 'ack', reply, outOfTurn: fields[0]?.[0] === 'A14' };
  }

  /** Sends one status frame per prompt, until the device reboots or the simulator closes. */
  private statusSender(push: (frame: Buffer) => void, generation: number): (prompt: TerminalPrompt, version?: string) => void {
    return (prompt, version) => {
      if (this.closed || generation !== this.device.bootGeneration) return;
      push(encodeFrame(encodeStatusReport({ prompt, version, text: STATUS_TEXT[prompt] })));
    };
  }

  private async answer(fields: string[][], via: Transport, status?: (prompt: TerminalPrompt, version?: string) => void): Promise<ReplyPlan> {
    let req: PaxRequest;
    try {
      req = decodeRequest(fields);
    } catch (err) {
      const bad = err instanceof PaxMessageError && err.code === 'format_error' ? formatErrorResponse(fields, err.message) : null;
      return bad ? this.frame(bad) : { kind: 'eot' };
    }
    if (req.command === 'A14') {
      // No public client knows an A15: the terminal answers a cancel with EOT and
      // the aborted T00 with its own T01 100002 (item 3). Over HTTP the terminal
      // is blocked inside the transaction's request and cannot be reached.
      if (via !== 'http') this.device.cancel();
      return { kind: 'eot' };
    }
    try {
      return this.frame(await this.respond(req, via, status));
    } catch (err) {
      if (err instanceof DeviceRebootedError) return NONE;
      this.log(`${this.deviceId}: ${req.command} failed inside the simulator: ${err instanceof Error ? err.message : String(err)}`);
      return { kind: 'eot' };
    }
  }

  private async respond(req: PaxRequest, via: Transport, status?: (prompt: TerminalPrompt, version?: string) => void): Promise<PaxResponse> {
    switch (req.command) {
      case 'A00':
        return {
          command: 'A01', status: '0', version: req.version, resultCode: PAX_RESULT.approved, resultText: 'OK',
          serialNumber: this.serialNumber, model: this.model, appVersion: APP_VERSION,
        };
      case 'A14':
        throw new Error('A14 is answered with EOT before it gets here');
      case 'T00': {
        const onPrompt = req.reportStatus && status ? (p: TerminalPrompt) => status(p, req.version) : undefined;
        return creditResponse((await this.device.transact(transactionInput(req), onPrompt)).record, req.version);
      }
      case 'R02':
        return reportResponse(await this.device.reportRecords(), req);
      case 'B00':
        return batchCloseResponse(await this.device.closeBatch(), this.deviceId, req.version, paxTimestamp(this.clock()));
      case 'B08':
        // Every SAF indicator uploads the pending records: a record the host
        // declined at upload is final here, resending it would be declined again.
        return safUploadResponse(await this.device.uploadStored(), paxTimestamp(this.clock()), req.version);
    }
  }

  private frame(res: PaxResponse): ReplyPlan {
    return { kind: 'frame', frame: encodeFrame(encodeResponse(res)), corrupt: 'no', resetMidFrame: false };
  }

  /** Waits, but wakes early (false) when the simulator closes. */
  private sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const wake = (): void => finish(false);
      const timer = setTimeout(() => finish(true), ms);
      const finish = (slept: boolean): void => {
        clearTimeout(timer);
        this.sleeps.delete(wake);
        resolve(slept);
      };
      this.sleeps.add(wake);
    });
  }
}

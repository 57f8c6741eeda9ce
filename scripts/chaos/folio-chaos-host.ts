// The host process of the folio chaos run (issue 12 §6): the real purser room
// (src-main/purser: repository, service, store-and-forward sender) on a
// journal file, the real PaxTerminal driver on TCP to the PAX simulator, and
// the real Cardknox client's card-on-file port to the gateway simulator, both
// simulators in processes of their own so the processor ledger outlives every
// SIGKILL of this one. The driver (folio-chaos-run.ts) talks to it through
// ChaosHost (chaos-host-client.ts), the payments chaos run's host client.
//
// Kill points (FOLIO_KILL_POINTS) are armed from CHAOS_KILL_AT at spawn and by
// 'arm' requests; each fires once, through the sender's injected hook. With
// 'startup' armed, the first hook point reached by the pass this host runs
// before it says it is ready kills it. A broken variant for the harness's own
// tests comes from CHAOS_BROKEN_REGISTER (folio-chaos-broken.ts).
//
// The sender's timers are real but its resend interval is cut to a quarter
// (the parameter's minimum is 1 s): the run's minutes are the ship's hours.
//
// Usage: folio-chaos-host.ts --journal FILE --gateway URL --key K --tcp PORT

import fs from 'node:fs';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { createPaxTerminal } from '../../drivers/pax/pax-terminal-factory.ts';
import { CardknoxClient } from '../../src-main/gateways/cardknox-client.ts';
import { openJournal } from '../../src-main/journal/journal.ts';
import { buildPurserRoom } from '../../src-main/purser/purser-room.ts';
import type { SenderHookPoint } from '../../src-main/purser/purser-queue-sender.ts';
import { AppError } from '../../src-shared/errors.ts';
import { BROKEN_ENV, KILL_ENV } from './chaos-host-protocol.ts';
import { brokenGateway, checkoutWithoutIncrement, isBrokenFolioHost } from './folio-chaos-broken.ts';
import { FOLIO_KILL_POINTS, type DumpGuest, type FolioDump, type FolioKillPoint, type FolioRequest } from './folio-chaos-protocol.ts';
import type { PaymentRow, RecordRow } from '../../src-main/purser/purser-repository.ts';

/** The register code of the chaos run's purser workstation (the first part of every queue reference). */
const FOLIO_REGISTER_CODE = 'F';

/** The sender's settle time: well above the 'late' fault's longest delay (folio-chaos-run.ts, 2.5 s), on the real clock. */
const FOLIO_SETTLE_MS = 5000;

/** The one PIN pad of the workstation (4-14: one per workstation). */
const FOLIO_PAD_ID = 'pad1';

const { values: args } = parseArgs({
  options: { journal: { type: 'string' }, gateway: { type: 'string' }, key: { type: 'string' }, tcp: { type: 'string' } },
  strict: true,
});
for (const k of ['journal', 'gateway', 'key', 'tcp'] as const) {
  if (!args[k]) {
    process.stderr.write(`folio-chaos-host: --${k} is required\n`);
    process.exit(2);
  }
}

const out = (line: object): void => void process.stdout.write(`${JSON.stringify(line)}\n`);
const logLine = (e: object): void => void process.stderr.write(`${JSON.stringify({ t: Date.now(), pid: process.pid, ...e })}\n`);

const broken = process.env[BROKEN_ENV] ?? '';
if (broken !== '' && !isBrokenFolioHost(broken)) {
  process.stderr.write(`folio-chaos-host: unknown ${BROKEN_ENV} ${broken}\n`);
  process.exit(2);
}
const armed = new Set<FolioKillPoint>((process.env[KILL_ENV] ?? '').split(',').filter((p): p is FolioKillPoint => (FOLIO_KILL_POINTS as readonly string[]).includes(p)));
let startingUp = true;

function killAt(point: FolioKillPoint): void {
  // Written synchronously so the driver learns which point killed us before the pipe closes.
  fs.writeSync(1, `${JSON.stringify({ event: 'kill_point', point })}\n`);
  process.kill(process.pid, 'SIGKILL');
}

function atHook(point: SenderHookPoint): void {
  if (startingUp && armed.has('startup')) killAt('startup');
  if (armed.has(point)) killAt(point);
}

const journal = openJournal({ path: args.journal!, integrityCheck: 'none' });
const terminal = createPaxTerminal({ id: FOLIO_PAD_ID, transport: 'tcp', host: '127.0.0.1', port: Number(args.tcp), timeouts: { transactionMs: 3000, adminMs: 1500, connectMs: 700 } });
const client = new CardknoxClient({ url: args.gateway!, key: args.key!, softwareName: 'CashierDeskFolioChaos', softwareVersion: '0.1', currency: 'USD', timeoutMs: 1500 });
const realPort = client.cardOnFile();
const gatewayPort = broken !== '' && isBrokenFolioHost(broken) ? brokenGateway(broken, realPort) : realPort;
const room = buildPurserRoom({
  journal,
  terminal: (id) => (id === FOLIO_PAD_ID ? terminal : undefined),
  gateway: () => gatewayPort,
  currency: 'USD',
  registerCode: FOLIO_REGISTER_CODE,
  changed: () => undefined,
  timers: { setTimeout: (cb, ms) => setTimeout(cb, Math.ceil(ms / 4)), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) },
  hook: (point) => atHook(point),
  // The payments' 90 s would outlast the run's drain: the run's longest late answer is 2.5 s after a 1.5 s timeout.
  settleMs: FOLIO_SETTLE_MS,
  log: (line) => logLine({ event: 'purser', detail: line }),
});
const { service, sender, repo } = room;

/** Sender passes until nothing is open (but what waits for a manager's batch) or the deadline passes. */
async function drain(timeoutMs: number): Promise<{ open: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await sender.runOnce();
    const open = repo.openRecords().filter((r) => r.voided === 0 && r.awaiting_batch === 0).length;
    if (open === 0 || Date.now() > deadline) return { open };
    await new Promise((r) => setTimeout(r, 150));
  }
}

function dump(): FolioDump {
  const db = journal.db;
  const guests = db
    .prepare("SELECT g.id, g.number, COALESCE((SELECT SUM(amount) FROM folio_lines f WHERE f.guest_id = g.id AND f.kind = 'posting'), 0) AS posted FROM guests g ORDER BY g.number")
    .all() as DumpGuest[];
  const records = db.prepare('SELECT * FROM purser_records ORDER BY seq').all() as RecordRow[];
  const payments = db.prepare('SELECT * FROM purser_payments ORDER BY created_at, rowid').all() as PaymentRow[];
  return { guests, records, payments };
}

async function handle(req: FolioRequest): Promise<unknown> {
  switch (req.cmd) {
    case 'setParameter':
      service.setParameter(req.name, req.value, 'chaos-manager');
      return { ok: true };
    case 'addGuest':
      return { guestId: service.addGuest({ name: req.name, cabin: req.cabin, embarkDate: '2026-11-28', disembarkDate: '2026-12-05' }).id };
    case 'register':
      return { message: (await service.register(req.guestId, FOLIO_PAD_ID)).message };
    case 'post':
      service.addPosting(req.guestId, req.amount, 'Chaos posting');
      return { ok: true };
    case 'addAuthorisation':
      service.addAuthorisation(req.cardId, req.amount);
      return { ok: true };
    case 'checkout':
      if (req.method === 'card' && broken === 'capture_without_increment') {
        const message = checkoutWithoutIncrement(room, req.guestId, req.amount);
        if (message) return { message };
      }
      return { message: (await service.pay(req.guestId, req.amount, req.method)).message };
    case 'refund':
      return { message: (await service.pay(req.guestId, -req.amount, 'card')).message };
    case 'voidPayment':
      return { message: service.voidPayment(req.paymentId).message };
    case 'guest':
      return service.get(req.guestId);
    case 'arm':
      armed.add(req.point);
      return { ok: true };
    case 'send':
      await sender.runOnce();
      return { ok: true };
    case 'drain':
      return drain(req.timeoutMs);
    case 'dump':
      return dump();
    case 'shutdown':
      await room.close();
      await terminal.close();
      journal.close();
      setImmediate(() => process.exit(0));
      return { ok: true };
    default:
      throw new AppError('invalid_request', `Unknown folio chaos host command ${(req as { cmd: string }).cmd}`);
  }
}

async function main(): Promise<void> {
  // Start-up: the queue resumes where the last process left it, before anything new is taken.
  await sender.runOnce();
  startingUp = false;
  sender.start();
  out({ event: 'ready', open: repo.openRecords().length });
  const rl = readline.createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    let msg: { id: number } & FolioRequest;
    try {
      msg = JSON.parse(line) as { id: number } & FolioRequest;
    } catch {
      logLine({ event: 'folio_chaos_bad_line' });
      return;
    }
    handle(msg).then(
      (value) => out({ re: msg.id, ok: true, value }),
      (err: unknown) => {
        if (!(err instanceof AppError)) logLine({ event: 'folio_chaos_host_error', cmd: msg.cmd, detail: err instanceof Error ? err.stack : String(err) });
        out({
          re: msg.id,
          ok: false,
          error: err instanceof AppError ? { code: err.code, message: err.message } : { code: 'internal', message: err instanceof Error ? err.message : String(err) },
        });
      },
    );
  });
  // The driver closing our stdin means it is gone: do not linger.
  rl.on('close', () => process.exit(0));
}

void main().catch((err: unknown) => {
  logLine({ event: 'folio_chaos_host_failed', detail: err instanceof Error ? err.stack : String(err) });
  process.exit(1);
});

// Control surface of a simulator running in its own process (chaos runs, e2e):
// a small HTTP JSON API on 127.0.0.1 mapping to PaxSimulator's methods.
//   POST /fault            {"fault": {"kind":"delay","ms":500} | null, "once"?: true}
//   POST /card             {"pan": "5555555555554444", "entryMode"?: "contactless", "expiry"?: "1230"}
//                          (entryMode chip = inserted, swipe = swiped, contactless = tapped)
//   POST /signature        {"action": "sign" | "cancel"}  (what the customer does at the signature prompt)
//   POST /card-declined    {"pan": "..."}  (the issuer declines this card from now on, also at upload)
//   POST /duplicate-check  {"on": false}
//   POST /offline          {"on": true}   (host link down: auths approved offline, queued)
//   POST /upload-offline   {}            → {"uploaded": n}
//   POST /reboot           {}
//   GET  /records          → {"records": [...]}  (masked card numbers only)
//   GET  /charges          → {"charges": [...]}  (in-memory processor only)
//   GET  /status           → {"status": {...}, "pendingOffline": n}
// Bad requests get 4xx with {"error": "what is wrong"}; never a crash.

import http from 'node:http';
import type { EntryMode } from '../../../src-shared/card.ts';
import { parseFault } from './pax-simulator-faults.ts';
import type { PaxSimulator } from './pax-simulator.ts';

const MAX_BODY_BYTES = 64 * 1024;
const ENTRY_MODES: readonly EntryMode[] = ['manual', 'swipe', 'contactless', 'scanner', 'chip', 'fallback_swipe', 'unknown'];

class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function only(body: Record<string, unknown>, allowed: string[]): void {
  const unknown = Object.keys(body).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) throw new ControlError(400, `unknown field(s): ${unknown.join(', ')}; allowed: ${allowed.join(', ') || 'none'}`);
}

function flag(body: Record<string, unknown>, name: string): boolean {
  const v = body[name];
  if (typeof v !== 'boolean') throw new ControlError(400, `"${name}" must be true or false`);
  return v;
}

function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new ControlError(413, `body larger than ${MAX_BODY_BYTES} bytes`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('error', reject);
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8').trim();
      if (text === '') return resolve({});
      try {
        const v: unknown = JSON.parse(text);
        if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
        resolve(v as Record<string, unknown>);
      } catch {
        reject(new ControlError(400, 'body must be a JSON object'));
      }
    });
  });
}

async function route(sim: PaxSimulator, method: string, path: string, body: Record<string, unknown>): Promise<unknown> {
  const key = `${method} ${path}`;
  switch (key) {
    case 'POST /fault': {
      only(body, ['fault', 'once']);
      if (!('fault' in body)) throw new ControlError(400, '"fault" is required (an object like {"kind":"hang"}, or null to clear)');
      const once = body.once === undefined ? false : flag(body, 'once');
      try {
        sim.setFault(parseFault(body.fault), { once });
      } catch (err) {
        throw new ControlError(400, (err as Error).message);
      }
      return { ok: true };
    }
    case 'POST /card': {
      only(body, ['pan', 'entryMode', 'expiry']);
      if (typeof body.pan !== 'string') throw new ControlError(400, '"pan" must be a string (a test card number)');
      const entryMode = body.entryMode ?? 'chip';
      if (!ENTRY_MODES.includes(entryMode as EntryMode)) throw new ControlError(400, `"entryMode" must be one of ${ENTRY_MODES.join(', ')}`);
      if (body.expiry !== undefined && typeof body.expiry !== 'string') throw new ControlError(400, '"expiry" must be MMYY, e.g. "1230"');
      try {
        sim.presentCard({ pan: body.pan, entryMode: entryMode as EntryMode, expiry: body.expiry });
      } catch (err) {
        throw new ControlError(400, (err as Error).message);
      }
      return { ok: true };
    }
    case 'POST /signature': {
      only(body, ['action']);
      if (body.action !== 'sign' && body.action !== 'cancel') throw new ControlError(400, '"action" must be "sign" or "cancel"');
      sim.setSignatureAction(body.action);
      return { ok: true };
    }
    case 'POST /card-declined': {
      only(body, ['pan']);
      if (typeof body.pan !== 'string') throw new ControlError(400, '"pan" must be a string (a test card number)');
      try {
        sim.markCardDeclined(body.pan);
      } catch (err) {
        throw new ControlError(400, (err as Error).message);
      }
      return { ok: true };
    }
    case 'POST /duplicate-check':
      only(body, ['on']);
      sim.setDuplicateCheck(flag(body, 'on'));
      return { ok: true };
    case 'POST /offline':
      only(body, ['on']);
      sim.setOffline(flag(body, 'on'));
      return { ok: true };
    case 'POST /upload-offline':
      only(body, []);
      return { uploaded: await sim.uploadOffline() };
    case 'POST /reboot':
      only(body, []);
      sim.reboot();
      return { ok: true };
    case 'GET /records':
      return { records: sim.records() };
    case 'GET /charges':
      try {
        return { charges: sim.processorCharges() };
      } catch (err) {
        throw new ControlError(409, (err as Error).message);
      }
    case 'GET /status':
      return { deviceId: sim.deviceId, status: sim.status(), pendingOffline: sim.pendingOffline().length };
    default:
      throw new ControlError(404, `no such control endpoint: ${key}`);
  }
}

/** Starts the control API for a simulator on 127.0.0.1; resolves the server and its port. */
export async function startControlServer(sim: PaxSimulator, port = 0): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer((req, res) => {
    const send = (status: number, payload: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
    };
    const path = (req.url ?? '/').split('?')[0];
    const method = req.method ?? 'GET';
    (method === 'POST' ? readJson(req) : Promise.resolve({}))
      .then((body) => route(sim, method, path, body))
      .then(
        (payload) => send(200, payload),
        (err: unknown) => send(err instanceof ControlError ? err.status : 500, { error: err instanceof Error ? err.message : 'internal error' }),
      );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return { server, port: (server.address() as { port: number }).port };
}

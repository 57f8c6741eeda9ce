// PaxTerminal against a scripted raw terminal on loopback TCP: wire behaviours
// the simulator does not produce (EOT, foreign answers, garbage content, NAK of
// the request) and the rule that a request is never written again after a
// timeout, counted on the wire.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { OutcomeUnknownError, TerminalUnavailableError } from '../terminal.ts';
import { ACK, EOT, FrameDecoder, NAK, encodeFrame, type Field } from './pax-frame.ts';
import { decodeRequest, encodeResponse, encodeStatusReport, type PaxCreditRequest } from './pax-messages.ts';
import { PaxTerminal } from './pax-terminal.ts';
import { PaxTcpTransport } from './pax-tcp-transport.ts';
import { createPaxTerminal } from './pax-terminal-factory.ts';

/** What the scripted terminal does with the n-th request frame it receives (0-based, across connections). */
type Script = (req: string[][], n: number, socket: net.Socket) => void;

const servers: net.Server[] = [];
after(async () => {
  for (const s of servers) await new Promise<void>((r) => s.close(() => r()));
});

async function scripted(script: Script): Promise<{ port: number; frames: string[][][]; bytes: () => number }> {
  const frames: string[][][] = [];
  let bytes = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const d = new FrameDecoder();
    socket.on('data', (chunk) => {
      bytes += chunk.length;
      for (const item of d.push(chunk)) {
        if (item.type === 'frame') {
          frames.push(item.fields);
          script(item.fields, frames.length - 1, socket);
        }
      }
    });
  });
  // Close lingering test sockets with the server so the runner can exit.
  const close = server.close.bind(server);
  server.close = ((cb?: (err?: Error) => void) => {
    for (const s of sockets) s.destroy();
    return close(cb);
  }) as typeof server.close;
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, frames, bytes: () => bytes };
}

function terminalAt(port: number): PaxTerminal {
  return new PaxTerminal({
    id: 't',
    transport: new PaxTcpTransport({ host: '127.0.0.1', port, connectTimeoutMs: 1000 }),
    timeouts: { adminMs: 800, cancelMs: 500 },
    clock: () => new Date(2026, 0, 2, 3, 4, 5),
  });
}

function t01(ecrRef: string, code = '000000', extra: Partial<Record<'amount', number>> = {}): Field[] {
  return encodeResponse({
    command: 'T01', resultCode: code, resultText: code === '000000' ? 'APPROVED' : 'X',
    host: { authCode: 'OK1', hostRef: 'H1' }, transType: 'sale', amountApproved: extra.amount ?? 1250, amountDue: 0,
    account: { maskedPan: '411111******1111', entryMode: 'chip', cardBrand: 'visa' },
    trace: { terminalRef: '7', ecrRef, timestamp: '20260102030405' }, additional: {},
  });
}

test('the request on the wire carries the documented T00 fields and the injected clock', async () => {
  const term = await scripted((req, _n, s) => {
    s.write(Buffer.from([ACK]));
    s.write(encodeFrame(t01(req[5][0])));
  });
  const t = terminalAt(term.port);
  const r = await t.sale({ ecrRef: 'R1T5P1', invoice: 'INV5', amount: 1250, clerkId: '9' });
  assert.equal(r.outcome, 'approved');
  const req = decodeRequest(term.frames[0]) as PaxCreditRequest;
  assert.equal(req.transType, 'sale');
  assert.equal(req.amount, 1250);
  assert.equal(req.ecrRef, 'R1T5P1');
  assert.equal(req.invoice, 'INV5');
  assert.equal(req.clerkId, '9');
  assert.equal(req.timestamp, '20260102030405');
  assert.equal(req.allowDuplicate, false);
  await t.close();
});

test('a timeout after the request was written is OutcomeUnknownError and the request is written once', async () => {
  const term = await scripted((_req, _n, s) => s.write(Buffer.from([ACK]))); // then silence
  const t = terminalAt(term.port);
  const t0 = performance.now();
  await assert.rejects(t.sale({ ecrRef: 'R1T6P1', invoice: 'R1T6P1', amount: 100, timeoutMs: 300 }), (e) => {
    return e instanceof OutcomeUnknownError && e.reason === 'timeout' && e.requestSent;
  });
  assert.ok(performance.now() - t0 < 1500);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(term.frames.length, 1, 'never resent after a timeout');
  await t.close();
});

test('a NAK of the request before any ACK makes the driver resend it, up to 3 times', async () => {
  const term = await scripted((req, n, s) => {
    if (n < 2) s.write(Buffer.from([NAK]));
    else s.write(encodeFrame(t01(req[5][0])));
  });
  const t = terminalAt(term.port);
  const r = await t.sale({ ecrRef: 'R1T7P1', invoice: 'R1T7P1', amount: 1250 });
  assert.equal(r.outcome, 'approved');
  assert.equal(term.frames.length, 3);

  const never = await scripted((_req, _n, s) => s.write(Buffer.from([NAK])));
  const t2 = terminalAt(never.port);
  await assert.rejects(t2.sale({ ecrRef: 'R1T8P1', invoice: 'R1T8P1', amount: 100 }), TerminalUnavailableError);
  assert.equal(never.frames.length, 4, 'first send plus 3 resends');
  await t.close();
  await t2.close();
});

test('a NAK after the terminal acknowledged the request does not resend it', async () => {
  const term = await scripted((_req, _n, s) => s.write(Buffer.from([ACK, NAK])));
  const t = terminalAt(term.port);
  await assert.rejects(t.sale({ ecrRef: 'R1T9P1', invoice: 'R1T9P1', amount: 100, timeoutMs: 300 }), OutcomeUnknownError);
  assert.equal(term.frames.length, 1);
  await t.close();
});

test('EOT means refused unprocessed: outcome aborted', async () => {
  const term = await scripted((_req, _n, s) => s.write(Buffer.from([EOT])));
  const t = terminalAt(term.port);
  const r = await t.sale({ ecrRef: 'R1T10P1', invoice: 'R1T10P1', amount: 100 });
  assert.equal(r.outcome, 'aborted');
  assert.equal(r.resultCode, 'EOT');
  assert.equal(r.amountApproved, 0);
  await t.close();
});

test('an answer for another ECR ref is not taken for ours', async () => {
  const term = await scripted((_req, _n, s) => s.write(encodeFrame(t01('OTHERREF'))));
  const t = terminalAt(term.port);
  await assert.rejects(t.sale({ ecrRef: 'R1T11P1', invoice: 'R1T11P1', amount: 100, timeoutMs: 300 }), (e) => e instanceof OutcomeUnknownError && e.reason === 'timeout');
  await t.close();
});

test('a well-framed answer with unreadable content is OutcomeUnknownError bad_response', async () => {
  const term = await scripted((req, _n, s) => s.write(encodeFrame(['0', 'T01', '1.28', '000000', 'OK', '', '01', ['12.50'], '', ['1', req[5][0]]])));
  const t = terminalAt(term.port);
  await assert.rejects(t.sale({ ecrRef: 'R1T12P1', invoice: 'R1T12P1', amount: 100 }), (e) => e instanceof OutcomeUnknownError && e.reason === 'bad_response');
  await t.close();
});

test('an unknown result code is outcome error (needs a lookup), 100001 too', async () => {
  for (const code of ['123456', '100001']) {
    const term = await scripted((req, _n, s) => s.write(encodeFrame(t01(req[5][0], code, { amount: 0 }))));
    const t = terminalAt(term.port);
    const r = await t.sale({ ecrRef: 'R1T13P1', invoice: 'R1T13P1', amount: 100 });
    assert.equal(r.outcome, 'error', code);
    await t.close();
  }
});

test('a lookup the device cannot answer is OutcomeUnknownError, never "no record"', async () => {
  const term = await scripted((_req, _n, s) => s.write(encodeFrame(['0', 'R03', '1.28', '100003', 'FORMAT ERROR', '0', '0'])));
  const t = terminalAt(term.port);
  await assert.rejects(t.lookup('R1T14P1'), (e) => e instanceof OutcomeUnknownError && e.reason === 'bad_response');
  await t.close();
});

test('lookup pages through every record the device reports', async () => {
  const term = await scripted((req, _n, s) => {
    const n = Number(req[5][0]);
    s.write(
      encodeFrame([
        '0', 'R03', '1.28', '000000', 'OK', '3', String(n), ['00', 'OK', 'A', `H${n}`], '00', n === 2 ? '16' : '01', '',
        ['500'], ['411111******1111', '4', '', '', '', '', '01'], [String(n + 1), req[8][0]], '', '', '', n === 1 ? ['RESULTCODE=000100', 'RESULTTEXT=DECLINED'] : '',
      ]),
    );
  });
  const t = terminalAt(term.port);
  const recs = await t.lookup('R1T15P1');
  assert.deepEqual(recs.map((r) => [r.transactionType, r.result.outcome, r.result.hostRef]), [
    ['sale', 'approved', 'H0'],
    ['sale', 'declined', 'H1'],
    ['void', 'approved', 'H2'],
  ]);
  assert.deepEqual(term.frames.map((f) => f[5][0]), ['0', '1', '2']);
  await t.close();
});

test('status goes busy during a request and disconnected when the device is gone', async () => {
  const term = await scripted((req, _n, s) => s.write(encodeFrame(t01(req[5][0]))));
  const t = terminalAt(term.port);
  const seen: string[] = [];
  const off = t.onStatus((s) => seen.push(s.state === 'busy' ? `busy:${s.command}:${s.prompt}` : s.state));
  await t.sale({ ecrRef: 'R1T16P1', invoice: 'R1T16P1', amount: 1250 });
  off();
  assert.deepEqual(seen, ['busy:sale:present_card', 'connected']);
  await t.close();
  assert.equal(t.status().state, 'disconnected');
});

test('the factory refuses incomplete settings with a clear message', () => {
  assert.throws(() => createPaxTerminal({ id: 'x', transport: 'tcp' }), /host/);
  assert.throws(() => createPaxTerminal({ id: 'x', transport: 'serial' }), /serial port path/);
  assert.throws(() => createPaxTerminal({ id: 'x', transport: 'tcp', host: 'h', port: 70000 }), /port/);
  assert.throws(() => createPaxTerminal({ id: 'x', transport: 'ftp' as 'tcp', host: 'h' }), /tcp, serial or http/);
  assert.equal(createPaxTerminal({ id: 'x', transport: 'http', host: 'h' }).capabilities.cancel, false);
  assert.equal(createPaxTerminal({ id: 'x', transport: 'tcp', host: 'h' }).capabilities.cancel, true);
});

test('status frames are acknowledged and shown, never taken as the answer: no T01 stays OutcomeUnknownError', async () => {
  let acks = 0;
  const term = await scripted((_req, _n, s) => {
    s.on('data', (chunk: Buffer) => {
      for (const b of chunk) if (b === ACK) acks++;
    });
    s.write(Buffer.from([ACK]));
    s.write(encodeFrame(encodeStatusReport({ prompt: 'enter_pin', text: 'ENTER PIN' })));
    // Status frames with content this driver cannot read, one shaped like an approval: still only status.
    s.write(encodeFrame(['0', 'S01', '1.28', '000000', 'APPROVED']));
    s.write(encodeFrame(['0', 'S01', '1.28', 'XX']));
  });
  const t = terminalAt(term.port);
  const prompts: string[] = [];
  t.onStatus((st) => {
    if (st.state === 'busy' && st.prompt) prompts.push(st.prompt);
  });
  await assert.rejects(
    t.sale({ ecrRef: 'R1T8P1', invoice: 'R1T8P1', amount: 1250, timeoutMs: 600 }),
    (e: unknown) => e instanceof OutcomeUnknownError && e.reason === 'timeout' && e.requestSent,
  );
  assert.deepEqual(prompts, ['present_card', 'enter_pin']);
  assert.equal(acks, 3, 'each status frame was acknowledged');
  assert.equal(term.frames.length, 1, 'the request was written once');
  const req = decodeRequest(term.frames[0]) as PaxCreditRequest;
  assert.equal(req.reportStatus, true, 'the driver asked for status over TCP');
  assert.equal(t.status().state, 'connected');
});

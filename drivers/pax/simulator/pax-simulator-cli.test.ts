import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import readline from 'node:readline';
import { withTimeout } from '../../with-timeout.ts';
import { InMemoryProcessor } from './in-memory-processor.ts';
import type { PaxCreditResponse } from '../pax-messages.ts';
import { parseCliArgs } from './pax-simulator-cli.ts';
import { connectTcp, tcpRequest } from './pax-simulator-test-rig.ts';

const CLI = new URL('./pax-simulator-cli.ts', import.meta.url).pathname;

interface Started {
  child: ChildProcess;
  ports: { tcpPort: number; httpPort?: number; controlPort: number; deviceId: string };
}

// A simulator whose test failed half-way must not outlive the run.
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

async function startCli(args: string[]): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const lines = readline.createInterface({ input: child.stdout! });
  const firstLine = new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`simulator CLI exited with ${code}`)));
  });
  const first = await withTimeout(firstLine, 15000, () => {
    child.kill('SIGKILL');
    return new Error('simulator CLI did not start in time');
  });
  return { child, ports: JSON.parse(first) };
}

async function control(port: number, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
  });
  return { status: res.status, json: await res.json() };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

const sale = (ecrRef: string, amount: number) => ({ command: 'T00' as const, transType: 'sale' as const, amount, ecrRef });

describe('pax-simulator-cli', { concurrency: true }, () => {
  test('argument parsing rejects unknown options and bad ports with the usage', () => {
    assert.deepEqual(parseCliArgs(['--port', '0', '--device-id', 'X1', '--no-duplicate-check']), {
      port: 0, deviceId: 'X1', controlPort: 0, duplicateCheck: false,
    });
    assert.throws(() => parseCliArgs(['--nope']), /unknown option --nope[\s\S]*usage/);
    assert.throws(() => parseCliArgs(['--port', '70000']), /port number/);
    assert.throws(() => parseCliArgs(['--port']), /needs a value/);
  });

  describe('a simulator process with its own ledger, driven through the control API', () => {
    let s: Started;
    before(async () => {
      s = await startCli(['--port', '0', '--http', '0', '--control-port', '0', '--device-id', 'CLI1', '--card-time-ms', '5']);
    });
    after(async () => stopChild(s.child));

    test('prints its ports and answers on TCP and HTTP', async () => {
      assert.equal(s.ports.deviceId, 'CLI1');
      assert.ok(s.ports.tcpPort > 0 && s.ports.httpPort! > 0 && s.ports.controlPort > 0);
      assert.equal((await tcpRequest(s.ports.tcpPort, { command: 'A00' })).command, 'A01');
    });

    test('fault, card, duplicate check, offline, reboot, records and charges', async () => {
      const c = s.ports.controlPort;
      assert.equal((await control(c, 'POST', '/fault', { fault: { kind: 'drop_response' }, once: true })).status, 200);
      const { link, socket } = await connectTcp(s.ports.tcpPort);
      link.send(sale('C1', 1000));
      assert.equal((await link.next()).type, 'ack');
      assert.equal((await link.next(300)).type, 'timeout');
      socket.destroy();
      const charges = await control(c, 'GET', '/charges');
      assert.deepEqual(charges.json.charges.map((x: { invoice: string }) => x.invoice), ['C1']);

      assert.equal((await control(c, 'POST', '/card', { pan: '378282246310005' })).status, 200);
      const amex = (await tcpRequest(s.ports.tcpPort, sale('C2', 500))) as PaxCreditResponse;
      assert.equal(amex.account.cardBrand, 'amex');

      assert.equal((await tcpRequest(s.ports.tcpPort, sale('C2', 500))).resultCode, '100011');
      assert.equal((await control(c, 'POST', '/duplicate-check', { on: false })).status, 200);
      assert.equal((await control(c, 'POST', '/reboot', {})).status, 200);

      assert.equal((await control(c, 'POST', '/offline', { on: true })).status, 200);
      assert.equal((await tcpRequest(s.ports.tcpPort, sale('C3', 700))).resultCode, '000001');
      assert.equal((await control(c, 'GET', '/status')).json.pendingOffline, 1);
      await control(c, 'POST', '/offline', { on: false });
      assert.deepEqual((await control(c, 'POST', '/upload-offline', {})).json, { uploaded: 1 });

      const records = (await control(c, 'GET', '/records')).json.records as { ecrRef: string; maskedPan: string }[];
      assert.deepEqual(records.map((r) => r.ecrRef), ['C1', 'C2', 'C3']);
      assert.ok(records.every((r) => !/\d{13,}/.test(r.maskedPan)));
    });

    test('bad control requests get a 4xx with a reason; the process keeps serving', async () => {
      const c = s.ports.controlPort;
      const bad = [
        await control(c, 'POST', '/fault', { fault: { kind: 'explode' } }),
        await control(c, 'POST', '/fault', { fault: { kind: 'delay', ms: -1 } }),
        await control(c, 'POST', '/fault', { fault: null, extra: 1 }),
        await control(c, 'POST', '/card', { pan: '1234' }),
        await control(c, 'POST', '/offline', { on: 'yes' }),
        await control(c, 'GET', '/nothing'),
      ];
      assert.deepEqual(bad.map((b) => b.status), [400, 400, 400, 400, 400, 404]);
      assert.ok(bad.every((b) => typeof b.json.error === 'string' && b.json.error.length > 0));
      assert.ok(!JSON.stringify(bad).includes('1234'), 'a rejected card number is not echoed');
      assert.equal((await control(c, 'GET', '/status')).status, 200);
    });
  });

  describe('two simulator processes sharing one processor ledger over --processor-url', () => {
    const ledger = new InMemoryProcessor();
    let server: http.Server;
    let a: Started;
    let b: Started;
    before(async () => {
      server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (ch: Buffer) => chunks.push(ch));
        req.on('end', () => {
          void ledger.submit(JSON.parse(Buffer.concat(chunks).toString())).then((answer) => {
            res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
          });
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/processor`;
      [a, b] = await Promise.all([
        startCli(['--port', '0', '--device-id', 'LANEA', '--processor-url', url, '--card-time-ms', '5']),
        startCli(['--port', '0', '--device-id', 'LANEB', '--processor-url', url, '--card-time-ms', '5']),
      ]);
    });
    after(async () => {
      await Promise.all([stopChild(a.child), stopChild(b.child)]);
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    });

    test('the same invoice on another terminal is a processor duplicate, charged once', async () => {
      assert.equal((await tcpRequest(a.ports.tcpPort, sale('SHARED1', 1200))).resultCode, '000000');
      assert.equal((await tcpRequest(b.ports.tcpPort, sale('SHARED1', 1200))).resultCode, '100011');
      const charges = ledger.charges();
      assert.equal(charges.length, 1);
      assert.equal(charges[0].deviceId, 'LANEA');
      assert.deepEqual(ledger.requests().map((e) => e.deviceId), ['LANEA', 'LANEB']);
    });
  });
});

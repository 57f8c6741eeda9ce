// Runs the gateway simulator as its own process (for the PAX simulators, the
// chaos run and browser mode):
//   gateway-simulator-cli.ts --port P --key K [--duplicate-window-ms N] [--refund-before-settlement] [--log-requests]
// (--refund-before-settlement: allow a refund of an unsettled transaction, which real
// processors refuse; the register's chaos run refunds after a PIN pad batch close,
// which does not settle at this processor.)
// (--log-requests: one JSON line per transaction request on stderr, door, command,
// invoice and result, never the key or card data: the folio chaos run counts from
// it the requests that reached the processor under one invoice.)
// Prints one JSON line with the URLs once listening (url: the gateway's base
// address; controlUrl: the control doors with this run's secret token in the
// path); stops on SIGINT/SIGTERM.

import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { GatewaySimulator } from './gateway-simulator.ts';

/** Parses the command line; throws a RangeError saying what is wrong. */
export function parseCliArgs(argv: string[]): { port: number; key: string; duplicateWindowMs?: number; authorisationRules?: { refundNeedsSettlement: boolean }; logRequests?: true } {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '0' },
      key: { type: 'string' },
      'duplicate-window-ms': { type: 'string' },
      'refund-before-settlement': { type: 'boolean', default: false },
      'log-requests': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`--port must be 0-65535, got ${values.port}`);
  if (!values.key) throw new RangeError('--key is required (the xKey clients must send)');
  const w = values['duplicate-window-ms'];
  if (w !== undefined && !/^\d+$/.test(w)) throw new RangeError(`--duplicate-window-ms must be whole milliseconds, got ${w}`);
  return {
    port,
    key: values.key,
    ...(w !== undefined ? { duplicateWindowMs: Number(w) } : {}),
    ...(values['refund-before-settlement'] ? { authorisationRules: { refundNeedsSettlement: false } } : {}),
    ...(values['log-requests'] ? { logRequests: true as const } : {}),
  };
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseCliArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\nUsage: gateway-simulator-cli --port P --key K [--duplicate-window-ms N] [--refund-before-settlement] [--log-requests]\n`);
    process.exit(2);
  }
  const { logRequests, ...options } = args;
  const sim = await GatewaySimulator.start({
    ...options,
    ...(logRequests ? { log: (line: Record<string, unknown>) => void process.stderr.write(`${JSON.stringify({ t: Date.now(), ...line })}\n`) } : {}),
  });
  const base = sim.url.replace(/\/$/, '');
  process.stdout.write(
    // controlUrl carries this run's control token: `${controlUrl}/faults` works with no other credential.
    `${JSON.stringify({ event: 'listening', url: sim.url, processorUrl: `${base}/_processor`, controlUrl: sim.controlUrl })}\n`,
  );
  const stop = (): void => {
    void sim.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main();

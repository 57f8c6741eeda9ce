// Runs one simulated PAX terminal in its own process (chaos runs, e2e, manual
// testing):
//   node --import tsx drivers/pax/simulator/pax-simulator-cli.ts --port 10009 [--serial PATH]
//     [--http PORT] [--device-id ID] [--processor-url URL] [--control-port P]
//     [--card-time-ms N] [--no-duplicate-check]
// Prints one JSON line with the bound ports, then serves until SIGINT/SIGTERM.
// Without --processor-url it charges an in-memory ledger of its own (GET /charges).

import { pathToFileURL } from 'node:url';
import type { ProcessorLink } from '../../../src-shared/processor-link.ts';
import { PAX_DEFAULT_PORT } from '../pax-protocol-choices.ts';
import { PaxSimulator } from './pax-simulator.ts';
import { startControlServer } from './pax-simulator-control.ts';
import { httpProcessorLink, type ProcessorLinkFactory } from './pax-simulator-processor-client.ts';

/** Parsed command line. */
export interface SimulatorCliOptions {
  port: number;
  serial?: string;
  http?: number;
  deviceId: string;
  processorUrl?: string;
  controlPort: number;
  cardTimeMs?: number;
  duplicateCheck: boolean;
}

const USAGE =
  'usage: pax-simulator-cli.ts --port 10009 [--serial PATH] [--http PORT] [--device-id ID] [--processor-url URL] [--control-port P] [--card-time-ms N] [--no-duplicate-check]';

function portArg(name: string, v: string | undefined): number {
  const n = Number(v);
  if (v === undefined || !/^\d{1,5}$/.test(v) || n > 65535) throw new RangeError(`${name} needs a port number 0-65535\n${USAGE}`);
  return n;
}

/** Parses argv (without node and script); throws RangeError with the usage on bad input. */
export function parseCliArgs(argv: readonly string[]): SimulatorCliOptions {
  const opts: SimulatorCliOptions = { port: PAX_DEFAULT_PORT, deviceId: 'PAXSIM1', controlPort: 0, duplicateCheck: true };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new RangeError(`${name} needs a value\n${USAGE}`);
      return v;
    };
    switch (name) {
      case '--port': opts.port = portArg(name, value()); break;
      case '--http': opts.http = portArg(name, value()); break;
      case '--control-port': opts.controlPort = portArg(name, value()); break;
      case '--serial': opts.serial = value(); break;
      case '--device-id': opts.deviceId = value(); break;
      case '--processor-url': opts.processorUrl = value(); break;
      case '--card-time-ms': {
        const v = value();
        if (!/^\d{1,7}$/.test(v)) throw new RangeError(`--card-time-ms needs a whole number of milliseconds\n${USAGE}`);
        opts.cardTimeMs = Number(v);
        break;
      }
      case '--no-duplicate-check': opts.duplicateCheck = false; break;
      case '--help': throw new RangeError(USAGE);
      default: throw new RangeError(`unknown option ${name}\n${USAGE}`);
    }
  }
  return opts;
}

/** A running simulator process's parts. */
export interface RunningSimulator {
  sim: PaxSimulator;
  /** What the CLI prints on start. */
  ports: { deviceId: string; tcpPort: number; httpPort?: number; serial?: string; controlPort: number };
  stop(): Promise<void>;
}

/** Starts everything the options ask for. The processor factory is a hook for another processor wire format. */
export async function startSimulator(
  opts: SimulatorCliOptions,
  processorFactory: ProcessorLinkFactory = httpProcessorLink,
): Promise<RunningSimulator> {
  const processor: ProcessorLink | undefined = opts.processorUrl ? processorFactory(opts.processorUrl) : undefined;
  const sim = new PaxSimulator({
    deviceId: opts.deviceId,
    processor,
    duplicateCheck: opts.duplicateCheck,
    cardTimeMs: opts.cardTimeMs,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  try {
    const tcpPort = await sim.listenTcp(opts.port);
    const httpPort = opts.http === undefined ? undefined : await sim.listenHttp(opts.http);
    if (opts.serial) await sim.attachSerial(opts.serial);
    const control = await startControlServer(sim, opts.controlPort);
    return {
      sim,
      ports: { deviceId: opts.deviceId, tcpPort, httpPort, serial: opts.serial, controlPort: control.port },
      async stop() {
        control.server.closeAllConnections();
        await new Promise<void>((resolve) => control.server.close(() => resolve()));
        await sim.close();
      },
    };
  } catch (err) {
    await sim.close();
    throw err;
  }
}

async function main(): Promise<void> {
  let running: RunningSimulator;
  try {
    running = await startSimulator(parseCliArgs(process.argv.slice(2)));
  } catch (err) {
    process.stderr.write(`pax-simulator: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  }
  process.stdout.write(`${JSON.stringify(running.ports)}\n`);
  const stop = (): void => {
    void running.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main();

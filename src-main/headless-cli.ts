// `npm run headless`: starts browser mode and prints exactly one line to stdout
// when ready (the e2e fixtures parse it). Everything else goes to stderr.
//
//   node --import tsx src-main/headless-cli.ts [--journal PATH] [--port N] [--static DIR] [--training]
//     [--cancel-after-seconds N] [--card-time-ms N] [--sale-timeout-ms N] [--purser-settle-ms N]
// --card-time-ms and --sale-timeout-ms tune the training PIN pad (e2e runs use short values);
// --purser-settle-ms the purser sender's settle time (e2e runs whose gateway never processes late).

import path from 'node:path';
import { parseArgs } from 'node:util';
import { startHeadless } from './headless.ts';
import { hostConfigFromEnv } from './host-env-config.ts';

/** The ready line's prefix; the full line is `<prefix>http://127.0.0.1:<port>/?token=<token>`. */
export const READY_PREFIX = 'cashier-desk headless: ';

const USAGE = 'usage: headless-cli.ts [--journal PATH] [--port N] [--static DIR] [--training] [--cancel-after-seconds N] [--card-time-ms N] [--sale-timeout-ms N] [--purser-settle-ms N]';

/** A whole number option within bounds, or undefined when not given; throws a message naming the option. */
function wholeNumber(name: string, value: string | undefined, min: number, max: number, meaning: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) throw new Error(`--${name} must be a whole number from ${min} to ${max} (${meaning}), not "${value}".`);
  return n;
}

function parse(): { journal?: string; port: number; staticDir: string; training: boolean; cancelAfterSeconds?: number; cardTimeMs?: number; saleTimeoutMs?: number; purserSettleMs?: number } {
  const { values } = parseArgs({
    options: {
      journal: { type: 'string' },
      port: { type: 'string', default: '0' },
      static: { type: 'string', default: 'dist-renderer' },
      training: { type: 'boolean', default: false },
      'cancel-after-seconds': { type: 'string' },
      'card-time-ms': { type: 'string' },
      'sale-timeout-ms': { type: 'string' },
      'purser-settle-ms': { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be a whole number from 0 to 65535 (0 = any free port), not "${values.port}".`);
  }
  return {
    journal: values.journal,
    port,
    staticDir: path.resolve(values.static),
    training: values.training,
    cancelAfterSeconds: wholeNumber('cancel-after-seconds', values['cancel-after-seconds'], 0, 3600, 'seconds before Cancel appears'),
    saleTimeoutMs: wholeNumber('sale-timeout-ms', values['sale-timeout-ms'], 500, 600_000, 'how long the training PIN pad answer is awaited, ms'),
    cardTimeMs: wholeNumber('card-time-ms', values['card-time-ms'], 0, 600_000, "the training customer's time at the PIN pad, ms"),
    purserSettleMs: wholeNumber('purser-settle-ms', values['purser-settle-ms'], 0, 600_000, 'how long after sending the purser waits before a record the gateway does not know is sent again, ms'),
  };
}

async function main(): Promise<void> {
  let args: ReturnType<typeof parse>;
  let fromEnv: ReturnType<typeof hostConfigFromEnv>;
  try {
    fromEnv = hostConfigFromEnv(process.env);
    args = parse();
  } catch (err) {
    process.stderr.write(`cashier-desk headless: ${err instanceof Error ? err.message : String(err)}\n`);
    process.stderr.write(`${USAGE}\n`);
    process.exit(2);
  }
  const headless = await startHeadless({
    host: {
      // Flags win over the environment (CASHIER_DESK_*; see host-env-config.ts).
      ...fromEnv,
      journalPath: args.journal ?? fromEnv.journalPath,
      trainingMode: args.training || fromEnv.trainingMode,
      cancelAfterSeconds: args.cancelAfterSeconds ?? fromEnv.cancelAfterSeconds,
      ...(args.purserSettleMs !== undefined ? { purser: { settleMs: args.purserSettleMs } } : {}),
      devices: {
        training: {
          ...(args.cardTimeMs !== undefined ? { cardTimeMs: args.cardTimeMs } : {}),
          ...(args.saleTimeoutMs !== undefined ? { paxTimeouts: { transactionMs: args.saleTimeoutMs } } : {}),
        },
      },
    },
    port: args.port,
    staticDir: args.staticDir,
  });
  const status = headless.host.status();
  if (!status.journal.healthy) process.stderr.write(`cashier-desk headless: journal unavailable: ${status.journal.message}\n`);
  process.stdout.write(`${READY_PREFIX}${headless.url}\n`);
  // Tests read the training processor's ledger (the ground truth of every charge) through this loopback address.
  void headless.host.ready.then(() => {
    const training = headless.host.devices.training();
    if (training) process.stderr.write(`cashier-desk headless: training gateway ${training.gateway.url}\n`);
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`cashier-desk headless: ${signal}, shutting down\n`);
    // Every wait has a limit: a stuck close must not keep the process alive.
    setTimeout(() => process.exit(1), 5000).unref();
    headless.close().then(
      () => process.exit(0),
      (err) => {
        process.stderr.write(`cashier-desk headless: shutdown failed: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err) => {
  const code = (err as { code?: string }).code;
  const message =
    code === 'EADDRINUSE'
      ? 'that port is already in use; choose another with --port, or --port 0 for any free port.'
      : err instanceof Error
        ? err.message
        : String(err);
  process.stderr.write(`cashier-desk headless: could not start: ${message}\n`);
  process.exit(1);
});

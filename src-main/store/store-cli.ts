// `npm run store -- <command>`: the store server's tools.
//   init --data DIR [--port N]   create and start a local store (Debian's PostgreSQL), print the URL
//   start --data DIR             start it again (after a reboot)
//   stop --data DIR              stop it
//   migrate (--data DIR | --url ADMIN_URL)   bring the store's schema up to this release
//   verify [--data DIR | --url URL]          recompute every register's hash chain in the store
// URLs default to CASHIER_DESK_STORE_URL; passwords come from the URL or
// PGPASSWORD and are never printed.

import { parseArgs } from 'node:util';
import path from 'node:path';
import { adminClientConfig, initLocalStore, registerClientConfig, registerUrl, startLocalStore, stopLocalStore } from './local-store.ts';
import { parseStoreUrl, STORE_URL_VARIABLE } from './store-config.ts';
import { migrateStore } from './schema/store-schema.ts';
import { verifyStore } from './store-verify.ts';
import type pg from 'pg';

const USAGE = `usage: npm run store -- init --data DIR [--port N] | start --data DIR | stop --data DIR | migrate (--data DIR | --url ADMIN_URL) | verify [--data DIR | --url URL]`;

function clientFrom(values: { data?: string; url?: string }, role: 'admin' | 'register'): pg.ClientConfig {
  if (values.data) return role === 'admin' ? adminClientConfig(values.data) : registerClientConfig(values.data);
  const url = values.url ?? process.env[STORE_URL_VARIABLE];
  if (!url) throw new Error(`Give --data DIR, --url URL or set ${STORE_URL_VARIABLE}.`);
  return parseStoreUrl(url, process.env).client;
}

/** Runs one command; returns the exit code. */
export async function runStoreCli(argv: string[], out: (line: string) => void = console.log): Promise<number> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({ args: rest, options: { data: { type: 'string' }, port: { type: 'string' }, url: { type: 'string' } }, strict: true });
  const needData = () => {
    if (!values.data) throw new Error(`${command} needs --data DIR.`);
    return path.resolve(values.data);
  };
  switch (command) {
    case 'init': {
      const dir = needData();
      const port = values.port === undefined ? undefined : Number(values.port);
      if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) throw new Error(`--port must be a TCP port number, not "${values.port}".`);
      const info = await initLocalStore(dir, { port, log: out });
      out(`store: ${info.created ? 'created and started' : 'started'} on 127.0.0.1:${info.port}, database ${info.database}`);
      out(`store: register URL ${registerUrl(info)}`);
      out(`store: point each register at it with`);
      out(`  export ${STORE_URL_VARIABLE}=${registerUrl(info)}`);
      out(`  export PGPASSWORD="$(cat ${path.join(dir, 'register.password')})"`);
      out(`store: stop it with: npm run store -- stop --data ${dir}`);
      return 0;
    }
    case 'start': {
      const dir = needData();
      const info = await startLocalStore(dir);
      out(`store: running on 127.0.0.1:${info.port}; register URL ${registerUrl(info)}`);
      return 0;
    }
    case 'stop': {
      const dir = needData();
      out((await stopLocalStore(dir)) ? `store: stopped (${dir})` : `store: was not running (${dir})`);
      return 0;
    }
    case 'migrate': {
      const r = await migrateStore(clientFrom(values, 'admin'));
      out(r.from === r.to ? `store: schema already at version ${r.to}` : `store: schema migrated from version ${r.from} to ${r.to}`);
      return 0;
    }
    case 'verify': {
      const report = await verifyStore(clientFrom(values, 'register'));
      for (const r of report.registers) out(`store verify: register ${r.registerId} events=${r.events} head=${r.headSeq} ${r.ok ? 'ok' : 'BROKEN'}`);
      for (const b of report.breaks) out(`store verify: register ${b.registerId} seq ${b.seq}: ${b.kind}: ${b.detail}`);
      out(`store verify: registers=${report.registers.length} ${report.ok ? 'ok' : `breaks=${report.breaks.length}`}`);
      return report.ok ? 0 : 1;
    }
    default:
      out(USAGE);
      return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
  }
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname);
if (isMain) {
  runStoreCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`store: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}

// A throw-away PostgreSQL cluster for tests: initdb in a temp folder, the
// postmaster on 127.0.0.1 on a free port, trust authentication (the cluster
// lives seconds and listens only on loopback). The postmaster is our direct
// child in its own process group, so a test can SIGKILL the whole server at
// once (a crash or power cut of the store machine) and start it again on the
// same data folder: PostgreSQL then replays its WAL like after any crash.

import { type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { handToServer, runServerProgram, spawnServerProgram } from './postgres-binaries.ts';
import { migrateStore } from './schema/store-schema.ts';

/** A running throw-away cluster. */
export interface StoreTestCluster {
  /** 127.0.0.1 port the postmaster listens on (the same after restart()). */
  readonly port: number;
  /** The cluster's data folder (owned by the postgres user when we are root). */
  readonly dataDir: string;
  /** Superuser URL of the `postgres` database (trust auth: no password). */
  readonly url: string;
  /** Creates an empty database (superuser-owned) and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Creates a database with the store schema applied and returns its URL (superuser). */
  createStoreDatabase(name?: string): Promise<string>;
  /** SIGKILLs the postmaster and its backends at once; resolves when they are gone. */
  kill(): Promise<void>;
  /** Starts the postmaster again on the same data folder and port; resolves when it accepts connections. */
  restart(): Promise<void>;
  /** True while the postmaster runs. */
  running(): boolean;
  /** Fast shutdown, then removes the temp folder. */
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (closed again before returning: a race we accept in tests). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves once a connection to url succeeds; rejects after timeoutMs with the last error and the server log tail. */
export async function waitForPostgres(url: string, timeoutMs: number, logFile?: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    try {
      await c.connect();
      await c.query('SELECT 1');
      await c.end();
      return;
    } catch (err) {
      last = err;
      await c.end().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const tail = logFile && fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n').slice(-10).join('\n') : '';
  throw new Error(`PostgreSQL did not accept connections within ${timeoutMs} ms: ${last instanceof Error ? last.message : String(last)}\n${tail}`);
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function killAllOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A test that throws before stop() must not leave postmasters behind.
  process.on('exit', () => {
    for (const child of live) {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

let dbCounter = 0;

/** Starts a throw-away cluster (about a second: initdb plus start). */
export async function startStoreTestCluster(opts: { startTimeoutMs?: number; /** Keep fsync on (benchmarks: a store's real commit cost). */ durable?: boolean } = {}): Promise<StoreTestCluster> {
  const startTimeoutMs = opts.startTimeoutMs ?? 30_000;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cashier-store-'));
  fs.chmodSync(root, 0o755);
  handToServer(root);
  const dataDir = path.join(root, 'data');
  const logFile = path.join(root, 'postgres.log');
  await runServerProgram('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  killAllOnExit();

  const launch = async (): Promise<void> => {
    const log = fs.openSync(logFile, 'a');
    const args = [
      '-D', dataDir,
      '-c', 'listen_addresses=127.0.0.1',
      '-c', `port=${port}`,
      '-c', 'unix_socket_directories=',
      // Speed only: without fsync a power cut could lose commits, but kill() is a process crash, after which the
      // OS still holds every WAL write: a commit acknowledged before kill() is there after restart().
      '-c', `fsync=${opts.durable ? 'on' : 'off'}`,
      '-c', 'full_page_writes=off',
      '-c', 'max_connections=60',
      '-c', 'shared_buffers=16MB',
    ];
    const c = spawnServerProgram('postgres', args, { detached: true, stdio: ['ignore', log, log] });
    fs.closeSync(log);
    child = c;
    live.add(c);
    exited = new Promise((resolve) => c.on('exit', () => resolve()));
    void exited.then(() => live.delete(c));
    // After a SIGKILL the old backends may hold the shared memory a moment: retry the start until it takes.
    const deadline = Date.now() + startTimeoutMs;
    for (;;) {
      const died = await Promise.race([exited.then(() => true), waitForPostgres(url, 2000, logFile).then(() => false, () => undefined)]);
      if (died === false) return;
      if (Date.now() > deadline) throw new Error(`PostgreSQL did not start: see ${logFile}\n${fs.readFileSync(logFile, 'utf8').split('\n').slice(-10).join('\n')}`);
      if (died === true) return launch();
    }
  };
  await launch();

  const cluster: StoreTestCluster = {
    port,
    dataDir,
    url,
    async createDatabase(name?: string): Promise<string> {
      const db = name ?? `store_${process.pid}_${++dbCounter}`;
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(db)}`);
      } finally {
        await admin.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${db}`;
    },
    async createStoreDatabase(name?: string): Promise<string> {
      const dbUrl = await cluster.createDatabase(name);
      await migrateStore({ connectionString: dbUrl });
      return dbUrl;
    },
    async kill(): Promise<void> {
      const c = child;
      if (!c?.pid || c.exitCode !== null || c.signalCode !== null) return;
      process.kill(-c.pid, 'SIGKILL');
      await exited;
    },
    async restart(): Promise<void> {
      if (cluster.running()) return;
      await launch();
    },
    running(): boolean {
      return !!child && child.exitCode === null && child.signalCode === null;
    },
    async stop(): Promise<void> {
      const c = child;
      if (c?.pid && cluster.running()) {
        c.kill('SIGINT'); // fast shutdown
        const timer = setTimeout(() => {
          try {
            process.kill(-c.pid!, 'SIGKILL');
          } catch {
            // gone
          }
        }, 5000);
        await exited;
        clearTimeout(timer);
      }
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
  return cluster;
}

/** A throw-away cluster with one store database and a pool on it: what a test file of store queries starts before its tests. */
export interface StoreTestPool {
  readonly cluster: StoreTestCluster;
  readonly pool: pg.Pool;
  /** Ends the pool, then stops the cluster. */
  stop(): Promise<void>;
}

/** Starts a cluster, creates a store database and opens a pool of `max` connections on it. */
export async function startStoreTestPool(max = 4): Promise<StoreTestPool> {
  const cluster = await startStoreTestCluster();
  const url = await cluster.createStoreDatabase().catch(async (err: unknown) => {
    await cluster.stop();
    throw err;
  });
  const pool = new pg.Pool({ connectionString: url, max });
  // The cluster's shutdown ends idle connections: not a test failure.
  pool.on('error', () => undefined);
  return {
    cluster,
    pool,
    stop: async () => {
      await pool.end();
      await cluster.stop();
    },
  };
}

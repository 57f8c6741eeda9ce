// A local store server made with Debian's PostgreSQL (`npm run store -- init
// --data DIR`): a cluster in DIR/pgdata listening on 127.0.0.1 only, password
// (SCRAM) authentication, the store database with its schema, and a login
// role for registers that is a member of the register group role (INSERT and
// SELECT on the replicated tables, no DDL, no UPDATE or DELETE). initdb and
// pg_ctl run as the postgres user when we are root (PostgreSQL refuses root).
//
// DIR holds: pgdata/ and log/ (the server's), store.json (port, database,
// role names), admin.password and register.password (mode 0600, never printed).

import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { handToServer, runServerProgram, serverIdentity } from './postgres-binaries.ts';
import { migrateStore } from './schema/store-schema.ts';
import { REGISTER_GROUP_ROLE } from './schema/store-migration.ts';

/** What store.json records. */
export interface LocalStoreInfo {
  port: number;
  database: string;
  adminUser: string;
  registerUser: string;
}

/** The store database's name in a local store. */
export const LOCAL_STORE_DATABASE = 'cashier_store';
/** The login role registers use in a local store. */
export const LOCAL_REGISTER_USER = 'cashier_desk_register';

const paths = (dir: string) => ({
  data: path.join(dir, 'pgdata'),
  log: path.join(dir, 'log'),
  logFile: path.join(dir, 'log', 'postgres.log'),
  info: path.join(dir, 'store.json'),
  adminPassword: path.join(dir, 'admin.password'),
  registerPassword: path.join(dir, 'register.password'),
});

/** The URL registers use (no password: it goes in PGPASSWORD). */
export function registerUrl(info: LocalStoreInfo): string {
  return `postgres://${info.registerUser}@127.0.0.1:${info.port}/${info.database}`;
}

/** Reads store.json of an initialised store folder. */
export function readLocalStore(dir: string): LocalStoreInfo {
  const p = paths(dir);
  if (!fs.existsSync(p.info)) throw new Error(`${dir} holds no store: run "npm run store -- init --data ${dir}" first.`);
  return JSON.parse(fs.readFileSync(p.info, 'utf8')) as LocalStoreInfo;
}

/** Client settings of the store's administrator (DDL, migrations). */
export function adminClientConfig(dir: string, database?: string): pg.ClientConfig {
  const info = readLocalStore(dir);
  return { host: '127.0.0.1', port: info.port, user: info.adminUser, password: fs.readFileSync(paths(dir).adminPassword, 'utf8').trim(), database: database ?? info.database };
}

/** Client settings of the registers' role. */
export function registerClientConfig(dir: string): pg.ClientConfig {
  const info = readLocalStore(dir);
  return { host: '127.0.0.1', port: info.port, user: info.registerUser, password: fs.readFileSync(paths(dir).registerPassword, 'utf8').trim(), database: info.database };
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

async function choosePort(wanted: number | undefined): Promise<number> {
  if (wanted !== undefined) {
    if (!(await portFree(wanted))) throw new Error(`Port ${wanted} on 127.0.0.1 is in use: choose another with --port.`);
    return wanted;
  }
  for (let port = 5432; port < 5532; port++) if (await portFree(port)) return port;
  throw new Error('No free port between 5432 and 5531 on 127.0.0.1: choose one with --port.');
}

const secret = () => crypto.randomBytes(24).toString('base64url');

function writeSecret(file: string, value: string): void {
  fs.writeFileSync(file, value + '\n', { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}

/** True while the cluster in dir runs (pg_ctl status). */
export async function localStoreRunning(dir: string): Promise<boolean> {
  try {
    await runServerProgram('pg_ctl', ['-D', paths(dir).data, 'status']);
    return true;
  } catch {
    return false;
  }
}

/** Starts an initialised store (no-op when running). */
export async function startLocalStore(dir: string): Promise<LocalStoreInfo> {
  const info = readLocalStore(dir);
  if (!(await localStoreRunning(dir))) {
    const p = paths(dir);
    await runServerProgram('pg_ctl', ['-D', p.data, '-l', p.logFile, '-w', '-t', '60', 'start']);
  }
  return info;
}

/**
 * Creates (or, when dir already holds one, starts) a local store and returns
 * what registers need. `log` receives progress lines (never a password).
 */
export async function initLocalStore(dir: string, opts: { port?: number; log?: (line: string) => void } = {}): Promise<LocalStoreInfo & { created: boolean }> {
  const log = opts.log ?? (() => undefined);
  dir = path.resolve(dir);
  const p = paths(dir);
  if (fs.existsSync(p.info)) {
    const info = await startLocalStore(dir);
    await migrateStore(adminClientConfig(dir));
    log(`store: ${dir} already holds a store; it is running`);
    return { ...info, created: false };
  }
  if (fs.existsSync(p.data) && fs.readdirSync(p.data).length > 0) {
    throw new Error(`${p.data} is not empty but ${p.info} is missing: it was not made by "store init". Choose an empty folder.`);
  }
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  for (const d of [p.data, p.log]) {
    fs.mkdirSync(d, { recursive: true, mode: 0o700 });
    handToServer(d);
  }
  if (serverIdentity()) {
    // The postgres user must be able to walk down to DIR: a folder under /root is not reachable for it.
    for (let d = dir; d !== path.dirname(d); d = path.dirname(d)) {
      const mode = fs.statSync(d).mode;
      if ((mode & 0o001) === 0 && fs.statSync(d).uid !== serverIdentity()!.uid) {
        throw new Error(`The postgres user cannot reach ${dir} (${d} is closed to other users). Choose a folder such as /srv/cashier-store or /var/lib/cashier-store.`);
      }
    }
  }
  const port = await choosePort(opts.port);
  const adminPassword = secret();
  const registerPassword = secret();
  // initdb reads the superuser's password from a file the postgres user can read; it is removed at once.
  const pwfile = path.join(p.log, '.initdb-password');
  fs.writeFileSync(pwfile, adminPassword + '\n', { mode: 0o600 });
  handToServer(pwfile);
  try {
    log(`store: creating the PostgreSQL cluster in ${p.data}`);
    await runServerProgram('initdb', ['-D', p.data, '-U', 'postgres', `--pwfile=${pwfile}`, '--auth-host=scram-sha-256', '--auth-local=scram-sha-256', '-E', 'UTF8', '--locale=C']);
  } finally {
    fs.rmSync(pwfile, { force: true });
  }
  // Loopback only, no Unix socket (none of its folders need to exist): a store for other machines is set up by its administrator.
  fs.appendFileSync(path.join(p.data, 'postgresql.conf'), `\n# cashier-desk store init\nlisten_addresses = '127.0.0.1'\nport = ${port}\nunix_socket_directories = ''\npassword_encryption = 'scram-sha-256'\n`);
  const info: LocalStoreInfo = { port, database: LOCAL_STORE_DATABASE, adminUser: 'postgres', registerUser: LOCAL_REGISTER_USER };
  writeSecret(p.adminPassword, adminPassword);
  writeSecret(p.registerPassword, registerPassword);
  fs.writeFileSync(p.info, JSON.stringify(info, null, 2) + '\n');
  log(`store: starting PostgreSQL on 127.0.0.1:${port}`);
  await startLocalStore(dir);

  const admin = new pg.Client(adminClientConfig(dir, 'postgres'));
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${LOCAL_STORE_DATABASE}`);
    await admin.query(`REVOKE CONNECT ON DATABASE postgres FROM PUBLIC`);
  } finally {
    await admin.end();
  }
  await migrateStore(adminClientConfig(dir));
  const store = new pg.Client(adminClientConfig(dir));
  await store.connect();
  try {
    await store.query(`CREATE ROLE ${LOCAL_REGISTER_USER} LOGIN PASSWORD ${store.escapeLiteral(registerPassword)} IN ROLE ${REGISTER_GROUP_ROLE}`);
    await store.query(`REVOKE CONNECT ON DATABASE ${LOCAL_STORE_DATABASE} FROM PUBLIC`);
    await store.query(`GRANT CONNECT ON DATABASE ${LOCAL_STORE_DATABASE} TO ${REGISTER_GROUP_ROLE}`);
  } finally {
    await store.end();
  }
  return { ...info, created: true };
}

/** Stops the local store in dir (fast shutdown: open connections are ended, committed data kept). */
export async function stopLocalStore(dir: string): Promise<boolean> {
  dir = path.resolve(dir);
  readLocalStore(dir);
  if (!(await localStoreRunning(dir))) return false;
  await runServerProgram('pg_ctl', ['-D', paths(dir).data, '-m', 'fast', '-w', '-t', '60', 'stop']);
  return true;
}

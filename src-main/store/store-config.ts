// CASHIER_DESK_STORE_URL: the one setting that makes a register part of a
// store. Unset (or empty) means the embedded default: no store code runs and
// nothing connects. Credentials come from the URL or, as libpq does, from
// PGUSER / PGPASSWORD, so the password can stay out of the URL (and out of
// `ps`). TLS when sslmode asks for it, with libpq's meanings:
// disable/allow/prefer: plain (the pg client cannot fall back, so "prefer" is
// plain on loopback and should be "require" across a network); require: TLS
// without checking the certificate; verify-ca / verify-full: checked against
// sslrootcert (verify-full also checks the host name).
// The password is never part of any message or description this file builds.

import fs from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type pg from 'pg';

/** The environment variable holding the store's URL. */
export const STORE_URL_VARIABLE = 'CASHIER_DESK_STORE_URL';

/** A parsed store setting. */
export interface StoreConfig {
  /** What pg.Client / pg.Pool take. */
  client: pg.ClientConfig;
  /** The URL without its password, for logs and the manager's screen. */
  display: string;
}

const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;

/** The URL with any password replaced, for messages (also for URLs that fail to parse). */
export function redactStoreUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    for (const k of [...u.searchParams.keys()]) if (k.toLowerCase() === 'password') u.searchParams.set(k, '***');
    return u.toString();
  } catch {
    // Not a URL: hide whatever sits between "//user:" and "@".
    return url.replace(/:[^:@\s/]*@/g, ':***@').replace(/(password=)[^&\s]*/gi, '$1***');
  }
}

/**
 * Parses the store setting from an environment; undefined when unset (the
 * embedded default). Throws an Error naming the variable (never the password)
 * when the value is unusable.
 */
export function storeConfigFromEnv(env: NodeJS.ProcessEnv): StoreConfig | undefined {
  const raw = env[STORE_URL_VARIABLE]?.trim();
  if (!raw) return undefined;
  return parseStoreUrl(raw, env);
}

/** Parses a postgres:// URL with PGUSER / PGPASSWORD from env as fallbacks. */
export function parseStoreUrl(raw: string, env: NodeJS.ProcessEnv = {}): StoreConfig {
  const shown = redactStoreUrl(raw);
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new Error(`${STORE_URL_VARIABLE} is not a URL ("${shown}"); expected postgres://user@host:5432/database.`);
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    throw new Error(`${STORE_URL_VARIABLE} must start with postgres:// (it is "${shown}").`);
  }
  if (!u.hostname) throw new Error(`${STORE_URL_VARIABLE} names no host ("${shown}").`);
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!database) throw new Error(`${STORE_URL_VARIABLE} names no database ("${shown}"); add it after the host: postgres://user@host:5432/store.`);
  const port = u.port ? Number(u.port) : 5432;
  const user = u.username ? decodeURIComponent(u.username) : env.PGUSER;
  if (!user) throw new Error(`${STORE_URL_VARIABLE} names no user ("${shown}"): put it in the URL or set PGUSER.`);
  const password = u.password ? decodeURIComponent(u.password) : env.PGPASSWORD;

  const params = new Map([...u.searchParams].map(([k, v]) => [k.toLowerCase(), v]));
  const mode = (params.get('sslmode') ?? env.PGSSLMODE ?? 'prefer').toLowerCase();
  if (!(SSL_MODES as readonly string[]).includes(mode)) {
    throw new Error(`${STORE_URL_VARIABLE}: sslmode "${mode}" is not one of ${SSL_MODES.join(', ')}.`);
  }
  let ssl: ConnectionOptions | false = false;
  if (mode === 'require') ssl = { rejectUnauthorized: false };
  if (mode === 'verify-ca' || mode === 'verify-full') {
    const rootCert = params.get('sslrootcert') ?? env.PGSSLROOTCERT;
    const tls: ConnectionOptions = { rejectUnauthorized: true };
    if (rootCert) {
      try {
        tls.ca = fs.readFileSync(rootCert, 'utf8');
      } catch (err) {
        throw new Error(`${STORE_URL_VARIABLE}: the sslrootcert file ${rootCert} could not be read (${(err as NodeJS.ErrnoException).code ?? 'error'}).`);
      }
    }
    // verify-ca checks the chain only, as libpq does.
    if (mode === 'verify-ca') tls.checkServerIdentity = () => undefined;
    ssl = tls;
  }

  const client: pg.ClientConfig = { host: u.hostname.replace(/^\[|\]$/g, ''), port, database, user, ssl };
  if (password !== undefined) client.password = password;
  const app = params.get('application_name');
  client.application_name = app ?? 'cashier-desk';
  const display = `postgres://${encodeURIComponent(user)}@${u.host}/${encodeURIComponent(database)}${mode === 'prefer' ? '' : `?sslmode=${mode}`}`;
  return { client, display };
}

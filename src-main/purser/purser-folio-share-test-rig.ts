// Test rig for the shared folio: purser desks (each its own journal, purser
// room, PIN pad and gateway simulators: purser-test-rig.ts) that share one
// store (a throw-away PostgreSQL cluster, store-test-rig.ts), each reaching it
// through its own TCP proxy on 127.0.0.1 that a test can cut and restore (the
// desk's store link going down and coming back). Nothing is mocked.

import net from 'node:net';
import { PostgresSharedFolio, type PostgresSharedFolioOptions } from '../store/shared-folio-store.ts';
import { PurserFolioShare } from './purser-folio-share.ts';
import type { PurserRig, PurserRigOptions } from './purser-test-rig.ts';

/** A TCP proxy to one port on 127.0.0.1 that can be cut (every connection dropped, new ones refused) and restored. */
export interface LinkProxy {
  port: number;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startLinkProxy(targetPort: number): Promise<LinkProxy> {
  let cut = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((inbound) => {
    if (cut) {
      inbound.destroy();
      return;
    }
    const outbound = net.connect(targetPort, '127.0.0.1');
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    inbound.pipe(outbound);
    outbound.pipe(inbound);
    inbound.on('close', () => outbound.destroy());
    outbound.on('close', () => inbound.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    cut() {
      cut = true;
      for (const s of sockets) s.destroy();
    },
    restore() {
      cut = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** One purser desk in the shared folio. */
export interface FolioDesk {
  code: string;
  /** The store database's name. */
  dbName: string;
  rig: PurserRig;
  store: PostgresSharedFolio;
  proxy: LinkProxy;
  /** The desk's shared folio (rebuilt after rig.restart(): call again). */
  share(): PurserFolioShare;
  close(): Promise<void>;
}

/**
 * A desk with register code `code` on the store database `dbName` of the
 * cluster listening on `storePort`. `openRig` opens the purser rig (the test
 * file's per-test rig factory).
 */
export async function startFolioDesk(o: {
  code: string;
  storePort: number;
  dbName: string;
  openRig: (opts: PurserRigOptions) => Promise<PurserRig>;
  store?: Partial<PostgresSharedFolioOptions>;
}): Promise<FolioDesk> {
  const rig = await o.openRig({ room: { registerCode: o.code } });
  const proxy = await startLinkProxy(o.storePort);
  const store = new PostgresSharedFolio({ client: { connectionString: `postgres://postgres@127.0.0.1:${proxy.port}/${o.dbName}` }, connectTimeoutMs: 1000, queryTimeoutMs: 5000, ...o.store });
  let built: { room: unknown; share: PurserFolioShare } | undefined;
  return {
    code: o.code,
    dbName: o.dbName,
    rig,
    store,
    proxy,
    share() {
      if (!built || built.room !== rig.room) {
        built = { room: rig.room, share: new PurserFolioShare({ repo: rig.room.repo, service: rig.room.service, queue: rig.room.sender, store, register: o.code }) };
      }
      return built.share;
    },
    async close() {
      await store.close();
      await proxy.close();
    },
  };
}

/**
 * Lines up concurrent callers: each waits until `parties` have arrived or
 * `waitMs` passed. Under the store's lock the second desk cannot arrive while
 * the first holds the guest, so the first goes on after waitMs; without the
 * lock both arrive, having both read the folio before either claimed.
 */
export function lineUp(parties: number, waitMs: number): { arrive: () => Promise<void>; met: number; alone: number } {
  let waiting: (() => void)[] = [];
  const stats = {
    met: 0,
    alone: 0,
    arrive: () =>
      new Promise<void>((resolve) => {
        waiting.push(resolve);
        if (waiting.length >= parties) {
          const all = waiting;
          waiting = [];
          stats.met++;
          for (const f of all) f();
          return;
        }
        setTimeout(() => {
          const i = waiting.indexOf(resolve);
          if (i >= 0) {
            waiting.splice(i, 1);
            stats.alone++;
            resolve();
          }
        }, waitMs);
      }),
  };
  return stats;
}

// A TCP proxy between one register and the store's PostgreSQL, on real
// sockets on 127.0.0.1, so a test can cut that register's store link and
// restore it while the other registers stay connected (issue 13 §5). A cut
// destroys every connection through the proxy at once (the register sees its
// sockets reset mid-query, as when a cable is pulled) and refuses new ones
// until restored: the listening port stays bound but closes each new socket
// at once, so a reconnecting client fails fast instead of waiting on a
// timeout, and the port a register was given never changes.

import net from 'node:net';

/** One register's proxied store link. */
export interface StoreLinkProxy {
  /** Port the register connects to (127.0.0.1). */
  readonly port: number;
  /** True while the link is cut. */
  readonly isCut: boolean;
  /** Connections accepted and passed through so far. */
  readonly accepted: number;
  /** Connections refused while cut. */
  readonly refused: number;
  /** Connections open through the proxy now. */
  readonly open: number;
  /** Destroys every connection through the proxy and refuses new ones until restore(). */
  cut(): void;
  /** Lets new connections through again. */
  restore(): void;
  /**
   * Arms a lost answer: the next client request holding `marker` (e.g. "COMMIT")
   * reaches the store whole, then the link is cut before any answer comes
   * back (the client's socket is reset, the store's side ended after what was
   * sent). Until restore(), new connections are refused, as after cut().
   */
  loseAnswerTo(marker: string): void;
  /** A PostgreSQL URL through this proxy, from the store's own URL (same user, password and database). */
  urlFor(storeUrl: string): string;
  /** Stops listening and destroys every connection. */
  close(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1 (a free port) to target host:port. */
export async function startStoreLinkProxy(target: { host: string; port: number }): Promise<StoreLinkProxy> {
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket; losing?: boolean }>();
  let cut = false;
  let loseMarker: Buffer | undefined;
  let accepted = 0;
  let refused = 0;
  const server = net.createServer((client) => {
    if (cut) {
      refused++;
      client.destroy();
      return;
    }
    accepted++;
    const upstream = net.connect({ host: target.host, port: target.port });
    const pair: { client: net.Socket; upstream: net.Socket; losing?: boolean } = { client, upstream };
    pairs.add(pair);
    const drop = (): void => {
      pairs.delete(pair);
      client.destroy();
      // A lost answer: what the client sent still reaches the store (end flushes it), nothing comes back.
      if (pair.losing) upstream.end();
      else upstream.destroy();
    };
    // A reset on either side is the other side's reset too: nothing is left half-open.
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
    // After the pipe's own listener, so the request is already handed to the store's socket.
    client.on('data', (chunk: Buffer) => {
      if (!loseMarker || !chunk.includes(loseMarker)) return;
      loseMarker = undefined;
      cut = true;
      pair.losing = true;
      upstream.unpipe(client);
      client.resetAndDestroy();
      // The whole link is down, as after cut(): the register's other connections too.
      for (const p of pairs) {
        if (p === pair) continue;
        pairs.delete(p);
        p.client.resetAndDestroy();
        p.upstream.destroy();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as net.AddressInfo).port;
  const destroyAll = (): void => {
    for (const p of pairs) {
      // resetAndDestroy sends RST, as a pulled cable looks to the peer once it notices.
      p.client.resetAndDestroy();
      p.upstream.destroy();
    }
    pairs.clear();
  };
  return {
    port,
    get isCut() {
      return cut;
    },
    get accepted() {
      return accepted;
    },
    get refused() {
      return refused;
    },
    get open() {
      return pairs.size;
    },
    cut() {
      cut = true;
      destroyAll();
    },
    restore() {
      cut = false;
    },
    loseAnswerTo(marker) {
      loseMarker = Buffer.from(marker);
    },
    urlFor(storeUrl) {
      const u = new URL(storeUrl);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    async close() {
      cut = true;
      destroyAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

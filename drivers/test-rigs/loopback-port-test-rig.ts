// Ports for "nobody is listening" tests: taken from the OS, then released.
import net from 'node:net';

/** A loopback port nobody listens on (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  // A client aiming at a port handed out earlier may land here while it is
  // open; close() would wait for that connection forever, so drop it at once.
  const s = net.createServer((c) => c.destroy());
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

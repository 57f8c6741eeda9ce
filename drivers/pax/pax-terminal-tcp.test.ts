// The terminal contract for PAX over TCP against the simulator on loopback.
import net from 'node:net';
import { terminalContract } from '../terminal.contract.ts';
import { createPaxTerminal } from './pax-terminal-factory.ts';
import { PaxSimulator } from './pax-simulator.ts';
import { CONTRACT_TIMEOUTS } from './pax-terminal-test-fixture.ts';

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

terminalContract('PAX over TCP', async (opts) => {
  const sim = new PaxSimulator({ deviceId: 'TCP1', cardTimeMs: opts?.cardTimeMs ?? 20 });
  const port = await sim.listenTcp(0);
  const terminal = createPaxTerminal({ id: 'pax-tcp', transport: 'tcp', host: '127.0.0.1', port, timeouts: CONTRACT_TIMEOUTS });
  const deadPort = await closedPort();
  return {
    terminal,
    sim,
    unreachable: () => createPaxTerminal({ id: 'pax-dead', transport: 'tcp', host: '127.0.0.1', port: deadPort, timeouts: CONTRACT_TIMEOUTS }),
    close: async () => {
      await terminal.close();
      await sim.close();
    },
  };
});

// The terminal contract for PAX over HTTP GET against the simulator on
// loopback. HTTP cannot cancel (capabilities.cancel is false: the contract's
// cancel cases then only check that cancel resolves false) and cannot ask for
// a damaged answer again.
import net from 'node:net';
import { terminalContract } from '../terminal.contract.ts';
import { createPaxTerminal } from './pax-terminal-factory.ts';
import { PaxSimulator } from './pax-simulator.ts';
import { CONTRACT_TIMEOUTS } from './pax-terminal-test-fixture.ts';

async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

terminalContract(
  'PAX over HTTP',
  async (opts) => {
    const sim = new PaxSimulator({ deviceId: 'HTTP1', cardTimeMs: opts?.cardTimeMs ?? 20 });
    const port = await sim.listenHttp(0);
    const terminal = createPaxTerminal({ id: 'pax-http', transport: 'http', host: '127.0.0.1', port, timeouts: CONTRACT_TIMEOUTS });
    const deadPort = await closedPort();
    return {
      terminal,
      sim,
      unreachable: () => createPaxTerminal({ id: 'pax-dead', transport: 'http', host: '127.0.0.1', port: deadPort, timeouts: CONTRACT_TIMEOUTS }),
      close: async () => {
        await terminal.close();
        await sim.close();
      },
    };
  },
  { recoversDamagedFrames: false },
);

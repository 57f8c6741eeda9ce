// The terminal contract for PAX over RS-232: a real pty pair from socat per
// test, the simulator on one end, the driver on the other.
import { after } from 'node:test';
import { terminalContract } from '../terminal.contract.ts';
import { createPaxTerminal } from './pax-terminal-factory.ts';
import { PaxSimulator } from './pax-simulator.ts';
import { CONTRACT_TIMEOUTS, startPtyPair, type PtyPair } from './pax-terminal-test-fixture.ts';

const pairs = new Set<PtyPair>();
after(async () => {
  for (const p of pairs) await p.stop();
});

terminalContract('PAX over serial (socat pty pair)', async (opts) => {
  const pair = await startPtyPair();
  pairs.add(pair);
  const sim = new PaxSimulator({ deviceId: 'SER1', cardTimeMs: opts?.cardTimeMs ?? 20 });
  await sim.attachSerial(pair.a, 9600);
  const terminal = createPaxTerminal({ id: 'pax-serial', transport: 'serial', serialPath: pair.b, baudRate: 9600, timeouts: CONTRACT_TIMEOUTS });
  return {
    terminal,
    sim,
    unreachable: () =>
      createPaxTerminal({ id: 'pax-dead', transport: 'serial', serialPath: `${pair.b}-missing`, timeouts: CONTRACT_TIMEOUTS }),
    close: async () => {
      await terminal.close();
      await sim.close();
      await pair.stop();
      pairs.delete(pair);
    },
  };
});

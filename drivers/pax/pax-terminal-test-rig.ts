// Shared by the PAX contract test files: the waits their terminals use and
// the fixture that wires a PaxTerminal to the simulator over one real link.
import type { ContractFixture, ContractFixtureOptions } from '../terminal.contract.ts';
import { closedPort } from '../test-rigs/loopback-port-test-rig.ts';
import { startPtyPair } from '../test-rigs/socat-pair-test-rig.ts';
import { createPaxTerminal, type PaxTerminalConfig } from './pax-terminal-factory.ts';
import { PaxSimulator } from './simulator/pax-simulator.ts';
import type { PaxTimeouts } from './pax-terminal.ts';

// scripts/chaos starts its serial pair from here.
export { startPtyPair, type PtyPair } from '../test-rigs/socat-pair-test-rig.ts';

/** Timeouts of the contract fixtures: short, so fault cases finish fast (admin matches the contract's default). */
export const CONTRACT_TIMEOUTS: Partial<PaxTimeouts> = { transactionMs: 5000, adminMs: 3000, cancelMs: 1000, batchMs: 3000, connectMs: 1000 };

type PaxLink = PaxTerminalConfig['transport'];

const DEVICE_IDS: Record<PaxLink, string> = { tcp: 'TCP1', http: 'HTTP1', serial: 'SER1' };

/** Where a terminal finds the simulator, where it finds nothing, and how to take the link down. */
interface Wiring {
  reach: Partial<PaxTerminalConfig>;
  nowhere: Partial<PaxTerminalConfig>;
  stop(): Promise<void>;
}

async function wire(sim: PaxSimulator, link: PaxLink): Promise<Wiring> {
  const host = '127.0.0.1';
  switch (link) {
    case 'tcp':
    case 'http': {
      const port = link === 'tcp' ? await sim.listenTcp(0) : await sim.listenHttp(0);
      return { reach: { host, port }, nowhere: { host, port: await closedPort() }, stop: async () => undefined };
    }
    case 'serial': {
      const pair = await startPtyPair();
      try {
        await sim.attachSerial(pair.a, 9600);
      } catch (err) {
        await pair.stop();
        throw err;
      }
      return { reach: { serialPath: pair.b, baudRate: 9600 }, nowhere: { serialPath: `${pair.b}-missing` }, stop: () => pair.stop() };
    }
  }
}

/** The contract's fixture factory for PAX over `link`: a fresh simulator, link and terminal per test. */
export function paxContractFixture(link: PaxLink): (opts?: ContractFixtureOptions) => Promise<ContractFixture> {
  return async (opts) => {
    const sim = new PaxSimulator({ deviceId: DEVICE_IDS[link], cardTimeMs: opts?.cardTimeMs ?? 20 });
    let wiring: Wiring;
    try {
      wiring = await wire(sim, link);
    } catch (err) {
      await sim.close();
      throw err;
    }
    const terminal = createPaxTerminal({ id: `pax-${link}`, transport: link, ...wiring.reach, timeouts: CONTRACT_TIMEOUTS });
    return {
      terminal,
      sim,
      unreachable: () => createPaxTerminal({ id: 'pax-dead', transport: link, ...wiring.nowhere, timeouts: CONTRACT_TIMEOUTS }),
      close: async () => {
        await terminal.close();
        await sim.close();
        await wiring.stop();
      },
    };
  };
}

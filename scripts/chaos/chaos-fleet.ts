// The simulators of a chaos run, each in its own process: the gateway
// simulator (owner of the one processor ledger) and three PAX simulators, on
// TCP, on a socat serial pair and on HTTP, all charging through the gateway
// simulator's /_processor door. Faults are armed through their control APIs.

import path from 'node:path';
import { startPtyPair, type PtyPair } from '../../drivers/pax/pax-terminal-test-rig.ts';
import type { FaultSpec } from '../../src-main/gateways/simulator/gateway-faults.ts';
import type { LedgerEntry, SaleRequestRecord } from '../../drivers/pax/simulator/processor-ledger.ts';
import type { PaxFault } from '../../drivers/pax/simulator/pax-simulator-faults.ts';
import { PAD_IDS, type PadId } from './chaos-host-protocol.ts';
import { httpJson, startTsChild, type Child } from './chaos-processes.ts';

/** Gateway key of chaos runs (a test value, not a secret). */
export const CHAOS_GATEWAY_KEY = 'chaos-test-key';

interface GatewayInfo {
  url: string;
  processorUrl: string;
  controlUrl: string;
}

interface PadInfo {
  deviceId: string;
  tcpPort: number;
  httpPort?: number;
  serial?: string;
  controlPort: number;
}

/** The running simulators. */
export interface Fleet {
  gatewayUrl: string;
  /** Where the host reaches each PIN pad. */
  tcpPort: number;
  httpPort: number;
  /** The host's end of the serial pair. */
  serialPath: string;
  /** Arms a once-fault on a PIN pad's next request frame. */
  padFault(pad: PadId, fault: PaxFault): Promise<void>;
  /** Presents a test card for the PIN pad's next transaction. */
  presentCard(pad: PadId, pan: string): Promise<void>;
  /** Arms a gateway simulator fault. */
  gatewayFault(spec: FaultSpec): Promise<void>;
  /** Clears every fault on every simulator. */
  clearFaults(): Promise<void>;
  /** Every processor ledger entry (ground truth). */
  ledger(): Promise<LedgerEntry[]>;
  /** Every sale/auth request that reached the processor, duplicates refused included. */
  requests(): Promise<SaleRequestRecord[]>;
  /** Turns the duplicate checks of the processor and of every PIN pad on or off. */
  setDuplicateCheck(on: boolean): Promise<void>;
  /** Stops every process. */
  stop(): Promise<void>;
}

/** Starts the gateway simulator, the serial pair and the three PAX simulators. */
export async function startFleet(dir: string, opts: { cardTimeMs: number }): Promise<Fleet> {
  const children: Child<unknown>[] = [];
  let pty: PtyPair | undefined;
  const stop = async (): Promise<void> => {
    await Promise.all(children.map((c) => c.stop('SIGTERM', 3000)));
    await pty?.stop();
  };
  try {
    const gw = await startTsChild<GatewayInfo>('src-main/gateways/simulator/gateway-simulator-cli.ts', ['--port', '0', '--key', CHAOS_GATEWAY_KEY], {
      logFile: path.join(dir, 'gateway.log'),
    });
    children.push(gw);
    pty = await startPtyPair();
    const common = (id: PadId): string[] => ['--port', '0', '--device-id', id, '--processor-url', gw.info.processorUrl, '--control-port', '0', '--card-time-ms', String(opts.cardTimeMs)];
    const startPad = (id: PadId, extra: string[]): Promise<Child<PadInfo>> =>
      startTsChild<PadInfo>('drivers/pax/simulator/pax-simulator-cli.ts', [...common(id), ...extra], { logFile: path.join(dir, `${id}.log`) });
    const pads = await Promise.all([startPad(PAD_IDS[0], []), startPad(PAD_IDS[1], ['--serial', pty.a]), startPad(PAD_IDS[2], ['--http', '0'])]);
    children.push(...pads);
    const control = new Map<PadId, string>(pads.map((p, i) => [PAD_IDS[i], `http://127.0.0.1:${p.info.controlPort}`]));
    const controlUrl = gw.info.controlUrl;
    return {
      gatewayUrl: gw.info.url,
      tcpPort: pads[0].info.tcpPort,
      httpPort: pads[2].info.httpPort!,
      serialPath: pty.b,
      async padFault(pad, fault) {
        await httpJson(`${control.get(pad)}/fault`, { body: { fault, once: true } });
      },
      async presentCard(pad, pan) {
        await httpJson(`${control.get(pad)}/card`, { body: { pan } });
      },
      async gatewayFault(spec) {
        await httpJson(`${controlUrl}/faults`, { body: spec });
      },
      async clearFaults() {
        await Promise.all([...control.values()].map((c) => httpJson(`${c}/fault`, { body: { fault: null } })));
        await httpJson(`${controlUrl}/faults`, { method: 'DELETE' });
      },
      async ledger() {
        return (await httpJson<{ entries: LedgerEntry[] }>(`${controlUrl}/ledger`, { timeoutMs: 60_000 })).entries;
      },
      async requests() {
        return (await httpJson<{ requests: SaleRequestRecord[] }>(`${controlUrl}/requests`, { timeoutMs: 60_000 })).requests;
      },
      async setDuplicateCheck(on) {
        await Promise.all([
          httpJson(`${controlUrl}/duplicate-check`, { body: { on } }),
          ...[...control.values()].map((c) => httpJson(`${c}/duplicate-check`, { body: { on } })),
        ]);
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

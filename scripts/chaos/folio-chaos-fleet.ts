// The simulators of a folio chaos run, each in its own process (started with
// the payments chaos run's startTsChild, chaos-processes.ts): the gateway
// simulator (owner of the one processor ledger, logging every transaction
// request it passes to the processor) and the workstation's PAX simulator on
// TCP, charging through the gateway simulator's /_processor door. The host
// link of either goes down and comes back through their control APIs.

import path from 'node:path';
import type { LedgerEntry, SaleRequestRecord } from '../../drivers/pax/simulator/processor-ledger.ts';
import type { FaultSpec } from '../../src-main/gateways/simulator/gateway-faults.ts';
import { CHAOS_GATEWAY_KEY } from './chaos-fleet.ts';
import { httpJson, startTsChild, type Child } from './chaos-processes.ts';

interface GatewayInfo {
  url: string;
  processorUrl: string;
  controlUrl: string;
}

interface PadInfo {
  tcpPort: number;
  controlPort: number;
}

/** The running simulators of a folio run. */
export interface FolioFleet {
  gatewayUrl: string;
  key: string;
  /** Where the host reaches the PIN pad. */
  tcpPort: number;
  /** The gateway simulator's log (its request log among the lines). */
  gatewayLog: string;
  /** The next card read on the PIN pad. */
  presentCard(pan: string): Promise<void>;
  /** The PIN pad's host link down (authorisations approved offline, queued) or back. */
  padOffline(on: boolean): Promise<void>;
  /** The gateway unreachable (every request answered 503 without processing) or back; back also clears one-shot faults. */
  gatewayOffline(on: boolean): Promise<void>;
  /** Arms a gateway simulator fault. */
  gatewayFault(spec: FaultSpec): Promise<void>;
  /** The processor's duplicate checks (charges and follow-ups) and the PIN pad's, on or off. */
  setDuplicateCheck(on: boolean): Promise<void>;
  /** Changes the processor's authorisation rules (e.g. its capture tolerance). */
  setRules(rules: { captureTolerancePercent?: number; maxIncrements?: number }): Promise<void>;
  /** Closes the processor's batch (settles what it holds: refunds become possible, voids not). */
  settle(): Promise<void>;
  ledger(): Promise<LedgerEntry[]>;
  requests(): Promise<SaleRequestRecord[]>;
  stop(): Promise<void>;
}

/** Starts the gateway simulator and the PAX simulator. */
export async function startFolioFleet(dir: string): Promise<FolioFleet> {
  const children: Child<unknown>[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(children.map((c) => c.stop('SIGTERM', 3000)));
  };
  try {
    const gatewayLog = path.join(dir, 'gateway.log');
    const gw = await startTsChild<GatewayInfo>('src-main/gateways/simulator/gateway-simulator-cli.ts', ['--port', '0', '--key', CHAOS_GATEWAY_KEY, '--log-requests'], { logFile: gatewayLog });
    children.push(gw);
    const pad = await startTsChild<PadInfo>(
      'drivers/pax/simulator/pax-simulator-cli.ts',
      ['--port', '0', '--device-id', 'pad1', '--processor-url', gw.info.processorUrl, '--control-port', '0', '--card-time-ms', '10'],
      { logFile: path.join(dir, 'pad1.log') },
    );
    children.push(pad);
    const padControl = `http://127.0.0.1:${pad.info.controlPort}`;
    const control = gw.info.controlUrl;
    let offlineFault = false;
    return {
      gatewayUrl: gw.info.url,
      key: CHAOS_GATEWAY_KEY,
      tcpPort: pad.info.tcpPort,
      gatewayLog,
      async presentCard(pan) {
        await httpJson(`${padControl}/card`, { body: { pan } });
      },
      async padOffline(on) {
        await httpJson(`${padControl}/offline`, { body: { on } });
      },
      async gatewayOffline(on) {
        if (on === offlineFault) return;
        offlineFault = on;
        if (on) await httpJson(`${control}/faults`, { body: { kind: 'http_5xx', target: 'gateway', times: 'always', status: 503 } satisfies FaultSpec });
        else await httpJson(`${control}/faults`, { method: 'DELETE' });
      },
      async gatewayFault(spec) {
        await httpJson(`${control}/faults`, { body: spec });
      },
      async setDuplicateCheck(on) {
        await Promise.all([httpJson(`${control}/duplicate-check`, { body: { on } }), httpJson(`${padControl}/duplicate-check`, { body: { on } })]);
      },
      async setRules(rules) {
        await httpJson(`${control}/rules`, { body: rules });
      },
      async settle() {
        await httpJson(`${control}/settle`, { body: {} });
      },
      async ledger() {
        return (await httpJson<{ entries: LedgerEntry[] }>(`${control}/ledger`, { timeoutMs: 60_000 })).entries;
      },
      async requests() {
        return (await httpJson<{ requests: SaleRequestRecord[] }>(`${control}/requests`, { timeoutMs: 60_000 })).requests;
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

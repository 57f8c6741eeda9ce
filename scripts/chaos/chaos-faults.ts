// The random faults of a chaos run: what can go wrong on a PIN pad, on its
// link to the processor, and on the gateway the register asks when in doubt.
// Each is armed for the next request only, so the run keeps moving.

import type { FaultSpec } from '../../src-main/gateways/simulator/gateway-faults.ts';
import type { PaxFault } from '../../drivers/pax/simulator/pax-simulator-faults.ts';
import type { PadId } from './chaos-host-protocol.ts';
import type { Fleet } from './chaos-fleet.ts';
import type { ChaosRandom } from './chaos-random.ts';

/** A fault chosen for one cashier action. */
export type ChaosFault = { on: 'pad'; fault: PaxFault } | { on: 'gateway'; spec: FaultSpec };

const REPORTS = ['report:approved', 'report:all'];

/** The fault kinds a run picks from. */
export const FAULT_KINDS = [
  'drop_response', 'delay', 'reset_mid_frame', 'corrupt_lrc', 'hang', 'reboot', 'processor_5xx',
  'processor_drop_after_commit', 'processor_hang_commit', 'processor_late', 'gateway_report_5xx', 'gateway_report_hang',
] as const;

/** Picks a fault (weights favour the PIN-pad faults that leave a charge in doubt); `only` narrows the kinds. */
export function pickFault(rng: ChaosRandom, only?: readonly string[]): ChaosFault {
  const kind = rng.weighted<string>(weights().filter(([k]) => !only || only.includes(k)));
  return faultOf(kind, rng);
}

function weights(): [string, number][] {
  return [
    ['drop_response', 3],
    ['delay', 2],
    ['reset_mid_frame', 2],
    ['corrupt_lrc', 2],
    ['hang', 1],
    ['reboot', 1],
    ['processor_5xx', 1],
    ['processor_drop_after_commit', 1.5],
    ['processor_hang_commit', 0.5],
    ['processor_late', 0.7],
    ['gateway_report_5xx', 1],
    ['gateway_report_hang', 0.5],
  ];
}

function faultOf(kind: string, rng: ChaosRandom): ChaosFault {
  switch (kind) {
    case 'delay':
      // Below and above the register's 1.5 s sale timeout.
      return { on: 'pad', fault: { kind: 'delay', ms: rng.int(100, 2500) } };
    case 'drop_response':
    case 'reset_mid_frame':
    case 'corrupt_lrc':
    case 'hang':
    case 'reboot':
      return { on: 'pad', fault: { kind } };
    case 'processor_5xx':
      return { on: 'gateway', spec: { kind: 'http_5xx', target: 'processor', commands: ['sale'], status: rng.pick([500, 502, 503]) } };
    case 'processor_drop_after_commit':
      return { on: 'gateway', spec: { kind: 'drop_after_commit', target: 'processor', commands: ['sale'] } };
    case 'processor_late':
      // Charged after the PIN pad gave up on its host (5 s): the charge lands when everyone may have called it absent.
      return { on: 'gateway', spec: { kind: 'delay', target: 'processor', commands: ['sale'], delayMs: rng.int(2000, 7000) } };
    case 'processor_hang_commit':
      return { on: 'gateway', spec: { kind: 'hang', target: 'processor', commands: ['sale'], commit: true } };
    case 'gateway_report_5xx':
      return { on: 'gateway', spec: { kind: 'http_5xx', commands: REPORTS, times: rng.int(1, 4) } };
    default:
      return { on: 'gateway', spec: { kind: 'hang', commands: REPORTS } };
  }
}

/** Arms a fault; for a PIN-pad fault, on the pad the cashier is about to use. */
export async function armFault(fleet: Fleet, pad: PadId, f: ChaosFault): Promise<void> {
  if (f.on === 'pad') await fleet.padFault(pad, f.fault);
  else await fleet.gatewayFault(f.spec);
}

/** Short label for the run log. */
export function faultLabel(f: ChaosFault): string {
  return f.on === 'pad' ? `pad:${f.fault.kind}` : `gateway:${f.spec.target ?? 'gateway'}:${f.spec.kind}`;
}

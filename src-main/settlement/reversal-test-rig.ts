// Test support: a ReversalService over a payment rig (real journal, PAX
// simulators on TCP, the gateway simulator over HTTP, one processor ledger).

import { AttemptRepository } from '../journal/attempt-repository.ts';
import type { Rig } from '../payments/payment-test-rig.ts';
import { ReversalService, type ReversalServiceOptions } from './reversal-service.ts';

/** A reversal service wired to the rig's coordinator, PIN pads and gateway client. */
export function rigReversals(rig: Rig, extra: Partial<ReversalServiceOptions> = {}): ReversalService {
  const pending: Promise<unknown>[] = [];
  return new ReversalService({
    journal: rig.journal,
    attempts: new AttemptRepository(rig.journal),
    outcome: rig.coordinator.outcome,
    resolution: rig.coordinator.resolution,
    terminals: () => new Map(Object.values(rig.pads).map((p) => [p.terminal.id, p.terminal])),
    gateway: () => rig.client,
    timeoutMs: 1500,
    track: (p) => void pending.push(p.catch(() => undefined)),
    ...extra,
  });
}

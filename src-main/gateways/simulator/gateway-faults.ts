// Fault injection for the gateway simulator: the failures Find Missing
// Payments exists for (seed 000) must be reproducible on demand.

import { z } from 'zod';

/** How a request is spoiled. */
export type FaultKind =
  /** Answer HTTP `status` (default 503) without processing. */
  | 'http_5xx'
  /** Never answer; with `commit`, process first. */
  | 'hang'
  /** Wait `delayMs`, then process and answer normally. */
  | 'delay'
  /** Process (the charge is recorded), then destroy the socket without an answer. */
  | 'drop_after_commit';

/** Which door of the simulator a fault applies to. */
export type FaultTarget = 'gateway' | 'processor';

/** A fault to inject. */
export interface FaultSpec {
  kind: FaultKind;
  /** Door it applies to (default gateway). */
  target?: FaultTarget;
  /** Only these commands (xCommand such as "cc:sale", or a processor command such as "sale"); all when absent. */
  commands?: string[];
  /** How many requests it spoils, or "always" (default 1). */
  times?: number | 'always';
  /** For delay. */
  delayMs?: number;
  /** For http_5xx. */
  status?: number;
  /** For hang: process the request before hanging. */
  commit?: boolean;
}

/** Validates a fault from outside the process. */
export const faultSpecSchema = z
  .object({
    kind: z.enum(['http_5xx', 'hang', 'delay', 'drop_after_commit']),
    target: z.enum(['gateway', 'processor']).optional(),
    commands: z.array(z.string().min(1)).optional(),
    times: z.union([z.number().int().positive(), z.literal('always')]).optional(),
    delayMs: z.number().int().nonnegative().max(600_000).optional(),
    status: z.number().int().min(500).max(599).optional(),
    commit: z.boolean().optional(),
  })
  .strict()
  .refine((f) => f.kind !== 'delay' || f.delayMs !== undefined, { message: 'a delay fault needs delayMs' });

interface ArmedFault {
  id: number;
  spec: FaultSpec;
  left: number;
}

/** The armed faults; each request takes at most one. */
export class FaultBook {
  #faults: ArmedFault[] = [];
  #nextId = 1;

  /** Arms a fault; returns its id. */
  add(spec: FaultSpec): number {
    const checked = faultSpecSchema.parse(spec);
    const id = this.#nextId++;
    this.#faults.push({ id, spec: checked, left: checked.times === 'always' ? Infinity : (checked.times ?? 1) });
    return id;
  }

  /** Disarms one fault, or all. */
  clear(id?: number): void {
    this.#faults = id === undefined ? [] : this.#faults.filter((f) => f.id !== id);
  }

  /** The armed faults. */
  list(): { id: number; spec: FaultSpec; left: number | 'always' }[] {
    return this.#faults.map((f) => ({ id: f.id, spec: f.spec, left: f.left === Infinity ? 'always' : f.left }));
  }

  /** Takes the first fault that applies to this request, using one of its times. */
  take(target: FaultTarget, command: string): FaultSpec | null {
    const f = this.#faults.find((x) => (x.spec.target ?? 'gateway') === target && (!x.spec.commands || x.spec.commands.includes(command)));
    if (!f) return null;
    f.left--;
    if (f.left <= 0) this.#faults = this.#faults.filter((x) => x !== f);
    return f.spec;
  }
}

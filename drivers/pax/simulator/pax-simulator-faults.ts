// Fault injection for the PAX simulator: one fault at a time, either for the
// next request frame only ("once") or for every frame until cleared. Every
// request frame that reaches the device (T00, A14, R02, B00, A00…) consumes a
// once-fault, so set it right before the request it is meant for.

/** A fault the simulator can inject. */
export type PaxFault =
  /** Process the request (the card is charged), then never send the response. */
  | { kind: 'drop_response' }
  /** Process the request, then hold the response for `ms` milliseconds. */
  | { kind: 'delay'; ms: number }
  /** Process the request (charged), write half the response frame, then destroy the connection. */
  | { kind: 'reset_mid_frame' }
  /** Process the request, send the response with a wrong LRC (resends after NAK too, unless once). */
  | { kind: 'corrupt_lrc' }
  /** Answer NAK to every frame from the ECR; nothing is processed. */
  | { kind: 'nak_always' }
  /** Accept the request and never answer; nothing is processed, nothing charged. */
  | { kind: 'hang' }
  /** Reboot on the request: drop it (not processed), drop the connection, forget the duplicate window. */
  | { kind: 'reboot' };

/** Every fault kind, for validating control requests. */
export const PAX_FAULT_KINDS = ['drop_response', 'delay', 'reset_mid_frame', 'corrupt_lrc', 'nak_always', 'hang', 'reboot'] as const;

/** Longest delay a fault may ask for, so a typo cannot wedge a chaos run. */
export const MAX_FAULT_DELAY_MS = 600_000;

/**
 * Validates an untrusted fault description (from the control API). Returns the
 * fault, or throws a RangeError saying what is wrong.
 */
export function parseFault(value: unknown): PaxFault | null {
  if (value === null) return null;
  if (typeof value !== 'object' || value === null) throw new RangeError('fault must be an object like {"kind":"hang"} or null');
  const v = value as Record<string, unknown>;
  const kind = v.kind;
  if (typeof kind !== 'string' || !(PAX_FAULT_KINDS as readonly string[]).includes(kind)) {
    throw new RangeError(`fault.kind must be one of ${PAX_FAULT_KINDS.join(', ')}`);
  }
  const allowed = kind === 'delay' ? ['kind', 'ms'] : ['kind'];
  const unknown = Object.keys(v).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) throw new RangeError(`fault has unknown field(s): ${unknown.join(', ')}`);
  if (kind === 'delay') {
    const ms = v.ms;
    if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 0 || ms > MAX_FAULT_DELAY_MS) {
      throw new RangeError(`fault.ms must be a whole number of milliseconds between 0 and ${MAX_FAULT_DELAY_MS}`);
    }
    return { kind, ms };
  }
  return { kind } as PaxFault;
}

/** How a fault is armed: for every frame (default), or once and then, optionally, another fault for every frame after. */
export interface FaultArming {
  once?: boolean;
  /** With once: the fault every later frame gets until cleared (e.g. drop the sale's answer, then answer nothing more). */
  then?: PaxFault;
}

/** The fault currently armed. */
export class FaultPlan {
  private fault: PaxFault | null = null;
  private once = false;
  private then: PaxFault | null = null;

  /** Arms a fault (or clears it with null). */
  set(fault: PaxFault | null, opts: FaultArming = {}): void {
    this.fault = fault === null ? null : parseFault(fault);
    this.once = opts.once ?? false;
    this.then = this.fault && this.once && opts.then ? parseFault(opts.then) : null;
  }

  /** The fault for the request frame that just arrived, and whether it was a once-fault (now used up). */
  take(): { fault: PaxFault; once: boolean } | null {
    const f = this.fault;
    if (f === null) return null;
    const once = this.once;
    if (once) {
      this.fault = this.then;
      this.once = false;
      this.then = null;
    }
    return { fault: f, once };
  }
}

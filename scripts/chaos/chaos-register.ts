// The chaos run's register, shared by the host (which builds it) and the tally
// (which tells the register's own slots from foreign invoices).

/** Register of the chaos run. */
export const CHAOS_REGISTER = { id: 'chaos-reg', code: '7', name: 'Chaos till' };

/** Its code, the first part of every ECR reference it makes. */
export const CHAOS_REGISTER_CODE = CHAOS_REGISTER.code;

/** A register of a store run (four of them): its own id and code, so its slots never collide with another's. */
export function storeRegister(code: string): { id: string; code: string; name: string } {
  return { id: `reg${code}`, code, name: `Chaos till ${code}` };
}

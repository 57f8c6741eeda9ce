// The chaos run's register, shared by the host (which builds it) and the tally
// (which tells the register's own slots from foreign invoices).

/** Register of the chaos run. */
export const CHAOS_REGISTER = { id: 'chaos-reg', code: '7', name: 'Chaos till' };

/** Its code, the first part of every ECR reference it makes. */
export const CHAOS_REGISTER_CODE = CHAOS_REGISTER.code;

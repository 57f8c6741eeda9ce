// The ECR reference / invoice of a ticket payment slot (DESIGN §1, invariant 3).
// Derived only from register, ticket number and slot, so it is the same on every
// retry, after every restart and on every terminal: the terminal's duplicate
// check and the gateway's invoice check then recognise a retry as a retry.
//
// PAX accepts at most 16 characters, letters and digits only, so the separators
// are letters: R<register>T<ticket>P<slot>, e.g. "R1T42P1". The design writes
// it as <register>-<ticket no>-<slot>; hyphens are not accepted by the device.

/** Longest ECR reference the PAX devices accept. */
export const ECR_REF_MAX_LENGTH = 16;

/** Builds the ECR reference of a ticket payment slot. Throws if it would not fit. */
export function ecrReference(registerCode: string, ticketNumber: number, slot: number): string {
  if (!/^[A-Za-z0-9]{1,4}$/.test(registerCode)) {
    throw new RangeError(`Register code "${registerCode}" must be 1-4 letters or digits`);
  }
  if (!Number.isSafeInteger(ticketNumber) || ticketNumber < 1 || ticketNumber > 99_999_999) {
    throw new RangeError(`Ticket number ${ticketNumber} must be between 1 and 99999999`);
  }
  if (!Number.isSafeInteger(slot) || slot < 1 || slot > 99) {
    throw new RangeError(`Payment slot ${slot} must be between 1 and 99`);
  }
  const ref = `R${registerCode.toUpperCase()}T${ticketNumber}P${slot}`;
  // 1 + 4 + 1 + 8 + 1 + 2 = 17 at the extreme; refuse rather than truncate.
  if (ref.length > ECR_REF_MAX_LENGTH) throw new RangeError(`ECR reference ${ref} is longer than ${ECR_REF_MAX_LENGTH}`);
  return ref;
}

/** Parses a reference built by ecrReference; null for anything else. */
export function parseEcrReference(ref: string): { registerCode: string; ticketNumber: number; slot: number } | null {
  const m = /^R([A-Z0-9]{1,4})T(\d{1,8})P(\d{1,2})$/.exec(ref);
  if (!m) return null;
  return { registerCode: m[1], ticketNumber: Number(m[2]), slot: Number(m[3]) };
}

/** True for a string the PAX devices accept as an ECR reference. */
export function isValidEcrRef(ref: string): boolean {
  return /^[A-Za-z0-9]{1,16}$/.test(ref);
}

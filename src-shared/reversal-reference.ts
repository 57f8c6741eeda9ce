// The reference of a void or refund (issue 11 §3): derived only from the
// original's own ECR reference, the kind and the count of reversals of that
// kind on it, so it is the same after every restart and a lookup by it finds
// exactly this reversal. PAX takes at most 16 letters and digits: "V" marks a
// void and "F" a refund (R is taken by the register prefix), e.g. R1T42P1F2.

import { ECR_REF_MAX_LENGTH } from './ecr-reference.ts';

/** What a reversal does to its original. */
export type ReversalKind = 'void' | 'refund';

const MARK: Record<ReversalKind, string> = { void: 'V', refund: 'F' };

/** The reference of the n-th reversal of this kind on the original; null when it would not fit 16 characters. */
export function reversalReference(originalEcrRef: string, kind: ReversalKind, n: number): string | null {
  if (!Number.isSafeInteger(n) || n < 1 || n > 99) return null;
  const ref = `${originalEcrRef}${MARK[kind]}${n}`;
  return ref.length <= ECR_REF_MAX_LENGTH && /^[A-Za-z0-9]+$/.test(ref) ? ref : null;
}

/** The original's ECR reference inside a reversal reference (null for a reference that is not one). */
export function originalOfReversalReference(ref: string): { original: string; kind: ReversalKind; n: number } | null {
  const m = /^(R[A-Z0-9]{1,4}T\d{1,8}P\d{1,2})([VF])(\d{1,2})$/.exec(ref);
  if (!m) return null;
  return { original: m[1], kind: m[2] === 'V' ? 'void' : 'refund', n: Number(m[3]) };
}

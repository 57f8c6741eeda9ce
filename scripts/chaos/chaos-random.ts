// Seeded PRNG for the chaos run: the same seed makes the same decisions
// (faults, cashier behaviour, kill delays), so a failing seed can be replayed.
// Wall-clock interleaving still varies between runs; the decisions do not.

import { mulberry32 } from '../../src-shared/seeded-random.ts';

/** Seeded choices over mulberry32 (src-shared/seeded-random.ts): good enough to pick faults; not for anything secret. */
export class ChaosRandom {
  readonly #next: () => number;

  constructor(seed: number) {
    this.#next = mulberry32(seed);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.#next();
  }

  /** Whole number in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick() needs at least one item');
    return items[Math.floor(this.next() * items.length)];
  }

  /** Picks by weight: [[value, weight], …]. */
  weighted<T>(choices: readonly (readonly [T, number])[]): T {
    const total = choices.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [v, w] of choices) {
      r -= w;
      if (r < 0) return v;
    }
    return choices[choices.length - 1][0];
  }
}

/** Stream n of a run (ticket n, guest n): its decisions do not depend on what other streams drew before. */
export function streamRandom(seed: number, n: number): ChaosRandom {
  return new ChaosRandom(Math.imul(seed + 1, 0x9e3779b1) ^ Math.imul(n + 1, 0x85ebca6b));
}

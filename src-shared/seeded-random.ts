// One seeded PRNG for fuzz tests, crash tests and chaos runs: the same seed
// gives the same sequence, so a failing run can be replayed. Not for anything
// secret.

/** mulberry32: returns a function giving numbers uniform in [0, 1), fixed by `seed`. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

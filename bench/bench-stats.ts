// Order statistics shared by the benchmarks, so every bench reports p50/p99
// the same way and their ratios compare like with like.

/** The p-quantile (0 ≤ p ≤ 1) by nearest rank from below: sorted[min(n − 1, floor(p·n))]; xs is not changed. */
export function quantile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
}

/** The median as the benches report it: the upper middle value (quantile 0.5). */
export function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}

// One timeout helper for every driver: a device wait that never ends would hang
// the register, so each wait is raced against a timer that never keeps the
// process alive.

/** Resolves like `promise`, or rejects with `onTimeout()` after `ms` milliseconds. */
export function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Waits for `promise` at most `ms` milliseconds; resolves true when it settled
 * in time, false otherwise. For teardown, which must never wait forever.
 */
export function settledWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  const settled = promise.then(
    () => true,
    () => true,
  );
  return withTimeout(settled, ms, () => new Error('still waiting')).catch(() => false);
}

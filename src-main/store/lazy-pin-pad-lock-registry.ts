// A PinPadLockRegistry whose real registry arrives later: the host builds its
// devices before the store's code is loaded (loaded only when a store is
// configured, so the embedded default never loads the PostgreSQL client).
// Until the store registry is there, and if it never comes, the machine's own
// registry answers.

import type { PinPadLock, PinPadLockHolder, PinPadLockRegistry } from '../devices/pin-pad-lock.ts';

/** See file comment. */
export class LazyPinPadLockRegistry implements PinPadLockRegistry {
  private real: PinPadLockRegistry | undefined;
  private readonly ready: Promise<PinPadLockRegistry>;

  constructor(
    coming: Promise<PinPadLockRegistry | undefined>,
    private readonly fallback: PinPadLockRegistry,
  ) {
    this.ready = coming.then(
      (r) => (this.real = r ?? fallback),
      () => (this.real = fallback),
    );
  }

  async acquire(address: string): Promise<PinPadLock> {
    return (await this.ready).acquire(address);
  }

  async holder(address: string): Promise<PinPadLockHolder | undefined> {
    return (await this.ready).holder(address);
  }

  heldHere(address: string): boolean {
    return (this.real ?? this.fallback).heldHere(address);
  }
}

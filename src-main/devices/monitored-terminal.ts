// A PaymentTerminal that also keeps its status live. A PIN pad only reports
// its state when it is asked something, so an idle one that was unplugged
// would show "connected" forever; this wrapper asks it (identify, PAX A00)
// now and then, and only when nothing else is using it: a probe never runs
// alongside a payment, and a payment that starts during a probe waits for the
// probe (at most the driver's admin timeout) rather than share the link.

import type {
  BatchCloseResult,
  FollowUpRequest,
  PaymentTerminal,
  TerminalCapabilities,
  TerminalIdentity,
  TerminalRecord,
  TerminalResult,
  TerminalStatus,
  TerminalStatusListener,
  TransactionRequest,
} from '../../drivers/terminal.ts';

/** A PaymentTerminal with probe() for the status bar. */
export class MonitoredTerminal implements PaymentTerminal {
  readonly id: string;
  readonly capabilities: TerminalCapabilities;
  private inUse = 0;
  private probing: Promise<unknown> | undefined;
  private closed = false;

  constructor(private readonly inner: PaymentTerminal) {
    this.id = inner.id;
    this.capabilities = inner.capabilities;
  }

  /** True while a payment, lookup or batch close runs on it (a probe of its own does not count). */
  get busy(): boolean {
    return this.inUse > 0 || (this.probing === undefined && this.inner.status().state === 'busy');
  }

  /**
   * Asks the PIN pad who it is when it is idle, so its status follows the link.
   * Resolves true when it answered, false when it did not, undefined when skipped.
   */
  async probe(): Promise<boolean | undefined> {
    if (this.closed || this.busy || this.probing) return undefined;
    const run = this.inner.identify().then(
      () => true,
      () => false, // the driver already turned the failure into a status event
    );
    this.probing = run;
    try {
      return await run;
    } finally {
      this.probing = undefined;
    }
  }

  /** Current status. */
  status(): TerminalStatus {
    return this.inner.status();
  }

  /** Subscribe to status changes. */
  onStatus(listener: TerminalStatusListener): () => void {
    return this.inner.onStatus(listener);
  }

  /** Ask the device who it is. */
  identify(): Promise<TerminalIdentity> {
    return this.use(() => this.inner.identify());
  }

  /** Card sale. */
  sale(req: TransactionRequest): Promise<TerminalResult> {
    return this.use(() => this.inner.sale(req));
  }

  /** Return to a card. */
  refund(req: TransactionRequest): Promise<TerminalResult> {
    return this.use(() => this.inner.refund(req));
  }

  /** Void of an earlier transaction. */
  void(req: FollowUpRequest): Promise<TerminalResult> {
    return this.use(() => this.inner.void(req));
  }

  /** Pre-authorisation. */
  preAuth(req: TransactionRequest): Promise<TerminalResult> {
    return this.use(() => this.inner.preAuth(req));
  }

  /** Incremental authorisation. */
  incrementalAuth(req: FollowUpRequest): Promise<TerminalResult> {
    return this.use(() => this.inner.incrementalAuth(req));
  }

  /** Capture of an earlier auth. */
  capture(req: FollowUpRequest): Promise<TerminalResult> {
    return this.use(() => this.inner.capture(req));
  }

  /** Tokenize without charging. */
  tokenize(req: Omit<TransactionRequest, 'amount'> & { amount?: number }): Promise<TerminalResult> {
    return this.use(() => this.inner.tokenize(req));
  }

  /** Cancel goes straight through: it must reach the device while a sale waits. */
  cancel(): Promise<boolean> {
    return this.inner.cancel();
  }

  /** Lookup by ECR reference. */
  lookup(ecrRef: string, opts?: { timeoutMs?: number }): Promise<TerminalRecord[]> {
    return this.use(() => this.inner.lookup(ecrRef, opts));
  }

  /** Batch close. */
  get detailReport(): PaymentTerminal['detailReport'] {
    const inner = this.inner.detailReport?.bind(this.inner);
    return inner ? (opts) => this.use(() => inner(opts)) : undefined;
  }

  /** Store-and-forward upload, when the driver has one (the purser's queue drain after the link returns). */
  get forwardStored(): PaymentTerminal['forwardStored'] {
    const inner = this.inner.forwardStored?.bind(this.inner);
    return inner ? (opts) => this.use(() => inner(opts)) : undefined;
  }

  batchClose(opts?: { timeoutMs?: number }): Promise<BatchCloseResult> {
    return this.use(() => this.inner.batchClose(opts));
  }

  /** Stops probing and releases the device. */
  async close(): Promise<void> {
    this.closed = true;
    await this.inner.close();
  }

  private async use<T>(fn: () => Promise<T>): Promise<T> {
    // Counted before waiting, so no new probe starts while this call waits.
    this.inUse++;
    try {
      await this.probing;
      return await fn();
    } finally {
      this.inUse--;
    }
  }
}

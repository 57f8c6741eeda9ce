// The terminal's side of one byte link (a TCP connection or a serial line):
// frames in, ACK/NAK, responses out with the ECR's ACK/NAK and up to three
// resends (pax-protocol-choices.ts, item 8). What to answer is decided by the
// simulator; this file only moves bytes, so TCP and serial behave alike.

import { ACK, EOT, FrameDecoder, NAK } from '../pax-frame.ts';
import { PAX_MAX_NAK_RETRIES } from '../pax-protocol-choices.ts';

/** What the simulator wants sent back for one request. */
export type ReplyPlan =
  | { kind: 'none' }
  | { kind: 'eot' }
  | {
      kind: 'frame';
      frame: Buffer;
      /** Damage the LRC on the first transmission only, or on every one (resends too). */
      corrupt: 'no' | 'first' | 'always';
      /** Write half the frame, then drop the link. */
      resetMidFrame: boolean;
    };

/** The simulator's immediate reaction to a frame, and its answer to come. */
export interface Reception {
  /** What to send at once: ACK for a good frame, NAK to refuse it, nothing when hung or rebooting. */
  ack: 'ack' | 'nak' | 'none';
  reply: Promise<ReplyPlan>;
  /** Answered as soon as ready, not in turn: the A14 cancel, answered while the transaction it stops still runs. */
  outOfTurn?: boolean;
}

/**
 * Receives decoded request frames. `push` sends an unsolicited frame on the
 * same link (an intermediate status frame), in turn with the answers.
 */
export type FrameReceiver = (fields: string[][], push: (frame: Buffer) => void) => Reception;

/** The raw link under a session. */
export interface LinkIo {
  write(bytes: Buffer): void;
  /** Drops the link (TCP: destroy the socket; serial: nothing to drop). */
  destroy(): void;
}

/** A response frame with its LRC damaged. */
export function corruptLrc(frame: Buffer): Buffer {
  const bad = Buffer.from(frame);
  bad[bad.length - 1] ^= 0xff;
  return bad;
}

/** One link's conversation with the ECR. */
export class LinkSession {
  private readonly decoder = new FrameDecoder();
  private ackWaiter: ((answer: 'ack' | 'nak' | 'gone') => void) | null = null;
  private sending: Promise<void> = Promise.resolve();
  /** The last answer in arrival order: a terminal answers its requests in the order it took them. */
  private replies: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly io: LinkIo,
    private readonly receive: FrameReceiver,
    private readonly ackTimeoutMs: number,
    /**
     * Least time between the ACK of a request and the answer (item 21): a real
     * terminal leaves a short gap, and some clients read an ACK-first read as
     * ACK only. 0 sends them back to back.
     */
    private readonly ackGapMs = 0,
  ) {}

  /** Feeds bytes read from the link. Never throws. */
  onData(chunk: Buffer): void {
    for (const item of this.decoder.push(chunk)) {
      switch (item.type) {
        case 'frame':
          this.onFrame(item.fields);
          break;
        case 'error':
          // Bad LRC, oversized or cut-short frame: ask for it again, keep serving.
          this.write(Buffer.of(NAK));
          break;
        case 'ack':
        case 'nak':
          this.ackWaiter?.(item.type);
          break;
        case 'eot':
          this.ackWaiter?.('gone');
          break;
      }
    }
  }

  /** Forgets partial input (after a device reboot on a line that stays up). */
  resetInput(): void {
    this.decoder.reset();
  }

  /** Stops sending; pending waits end at once. */
  close(): void {
    this.closed = true;
    this.ackWaiter?.('gone');
  }

  private write(bytes: Buffer): void {
    if (!this.closed) this.io.write(bytes);
  }

  /** Queues an unsolicited frame (sent intact, resent on NAK like any answer). */
  pushFrame(frame: Buffer): void {
    if (this.closed) return;
    this.sending = this.sending.then(() => this.send({ kind: 'frame', frame, corrupt: 'no', resetMidFrame: false }));
  }

  private onFrame(fields: string[][]): void {
    const rec = this.receive(fields, (frame) => this.pushFrame(frame));
    if (rec.ack === 'ack') this.write(Buffer.of(ACK));
    else if (rec.ack === 'nak') this.write(Buffer.of(NAK));
    const ackedAt = performance.now();
    // In arrival order, as a single-threaded terminal answers: an answer held
    // back (a delay fault) holds back the answers to later requests too, so a
    // late answer is never overtaken by a later one. Status frames still go at once.
    const inOrder = rec.outOfTurn ? rec.reply : this.replies.then(() => rec.reply);
    if (!rec.outOfTurn) this.replies = inOrder.catch(() => undefined);
    inOrder.then(
      (plan) => {
        // One response at a time on a link, so an ACK is never credited to the wrong one.
        this.sending = this.sending.then(async () => {
          const wait = this.ackGapMs - (performance.now() - ackedAt);
          if (wait > 0 && plan.kind !== 'none') await new Promise((r) => setTimeout(r, wait));
          return this.send(plan);
        });
      },
      () => undefined,
    );
  }

  private async send(plan: ReplyPlan): Promise<void> {
    if (this.closed || plan.kind === 'none') return;
    if (plan.kind === 'eot') return this.write(Buffer.of(EOT));
    if (plan.resetMidFrame) {
      this.write(plan.frame.subarray(0, Math.floor(plan.frame.length / 2)));
      this.io.destroy();
      return;
    }
    for (let attempt = 0; attempt <= PAX_MAX_NAK_RETRIES && !this.closed; attempt++) {
      const damaged = plan.corrupt === 'always' || (plan.corrupt === 'first' && attempt === 0);
      this.write(damaged ? corruptLrc(plan.frame) : plan.frame);
      if ((await this.waitAck()) !== 'nak') return;
    }
  }

  private waitAck(): Promise<'ack' | 'nak' | 'gone'> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => done('gone'), this.ackTimeoutMs);
      timer.unref();
      const done = (answer: 'ack' | 'nak' | 'gone'): void => {
        clearTimeout(timer);
        this.ackWaiter = null;
        resolve(answer);
      };
      this.ackWaiter = done;
      if (this.closed) done('gone');
    });
  }
}

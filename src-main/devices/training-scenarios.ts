// training.simulate: makes the training simulators misbehave the way real
// devices do, so a trainee sees every payment flow once. A fault meant for
// "the next payment" is armed only when that payment starts: the status
// probe also talks to the simulated PIN pad, and an armed once-fault would be
// spent on the probe instead.

import { DECLINE_CARD_PAN } from '../../drivers/pax/pax-simulator-rules.ts';
import type { PaxFault } from '../../drivers/pax/pax-simulator.ts';
import { AppError } from '../../src-shared/errors.ts';
import type { TrainingDevices } from './training-devices.ts';

/** A training scenario (the contract's training.simulate values). */
export type TrainingScenario =
  | 'normal'
  | 'decline'
  | 'partial_approval'
  | 'lose_approval'
  | 'ignore_cancel'
  | 'terminal_offline'
  | 'printer_out_of_paper';

/** A fault waiting for the next sale. */
type Pending = { fault: PaxFault; rig: TrainingDevices } | undefined;

/** Runs training scenarios against the training simulators. */
export class TrainingScenarios {
  private pending: Pending;

  /**
   * @param rig the running training simulators, or undefined outside training mode
   * @param timing when Cancel appears on the payment screen and how long the PIN pad's answer is awaited (for the trainee's instructions)
   */
  constructor(
    private readonly rig: () => TrainingDevices | undefined,
    private readonly timing: { cancelAfterSeconds: number; answerWaitSeconds: number },
  ) {}

  /** Sets the scenario up; answers what will happen next, in words for the trainee. AppError 'conflict' outside training mode. */
  simulate(scenario: TrainingScenario): { message: string } {
    const rig = this.rig();
    if (!rig) throw new AppError('conflict', 'Only in training mode.');
    switch (scenario) {
      case 'normal':
        this.pending = undefined;
        rig.pinPadSimulator.setFault(null);
        rig.printerSimulator.setFaults({ paperOut: false, paperNearEnd: false, coverOpen: false, error: false, noAnswer: false });
        rig.printerSimulator.loadPaper();
        return { message: 'Everything works normally again: the PIN pad answers, cards are approved and receipts print.' };
      case 'decline':
        // The simulated card is read by transactions only, so it can be set now.
        rig.pinPadSimulator.presentCard({ pan: DECLINE_CARD_PAN });
        return {
          message:
            "The next card will be declined by the bank. The payment screen says so and nothing is charged; ask the customer for another card or take cash.",
        };
      case 'partial_approval':
        return {
          message:
            'Partial approvals cannot be simulated in training yet: the training payment processor approves whole amounts only. Nothing was changed; the next card payment works normally.',
        };
      case 'lose_approval':
        this.pending = { fault: { kind: 'drop_response' }, rig };
        return {
          message:
            `On the next card payment the bank approves, but the PIN pad's answer is lost on the way back. After about ${this.timing.answerWaitSeconds} seconds without an answer the screen shows "The card may have been charged. Checking…" while the register asks the PIN pad; it then finds the approval and records it once. Do not charge the card again.`,
        };
      case 'ignore_cancel':
        this.pending = { fault: { kind: 'hang' }, rig };
        return {
          message: `The PIN pad will not answer the next card payment. After ${this.timing.cancelAfterSeconds} seconds press Cancel: the PIN pad does not confirm it, so the payment is shown as "may have been charged" and checked. Nothing was charged, so it ends as not charged; then take the payment again.`,
        };
      case 'terminal_offline':
        this.pending = undefined;
        rig.pinPadSimulator.setFault({ kind: 'nak_always' });
        return {
          message:
            "The PIN pad is now offline: card payments are refused before anything is charged and the status bar shows the PIN pad's problem. Take cash, or choose Normal to bring the PIN pad back.",
        };
      case 'printer_out_of_paper':
        rig.printerSimulator.setFaults({ paperOut: true });
        return {
          message:
            'The receipt printer is now out of paper: payments still go through, and the register says the receipt did not print. Choose Normal to load paper, then press Reprint.',
        };
    }
  }

  /** Arms the fault waiting for the next sale; call right before the sale. Returns a function that puts it back if the sale never started. */
  armForSale(): () => void {
    const p = this.pending;
    if (!p || p.rig !== this.rig()) {
      this.pending = undefined;
      return () => undefined;
    }
    this.pending = undefined;
    p.rig.pinPadSimulator.setFault(p.fault, { once: true });
    return () => {
      p.rig.pinPadSimulator.setFault(null);
      this.pending ??= p;
    };
  }
}

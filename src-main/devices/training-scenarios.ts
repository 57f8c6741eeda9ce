// training.simulate: makes the training simulators misbehave the way real
// devices do, so a trainee sees every payment flow once. A fault meant for
// "the next payment" is armed only when that payment starts: the status
// probe also talks to the simulated PIN pad, and an armed once-fault would be
// spent on the probe instead. Faults of the processor itself (a partial
// approval) are armed at once: only a sale reaches the processor.

import { DECLINE_CARD_PAN } from '../../drivers/pax/simulator/pax-simulator-rules.ts';
import type { PaxFault } from '../../drivers/pax/simulator/pax-simulator.ts';
import { ecrReference } from '../../src-shared/ecr-reference.ts';
import { AppError } from '../../src-shared/errors.ts';
import type { RequestOf } from '../../src-shared/ipc-contract.ts';
import { formatMoney } from '../../src-shared/money.ts';
import { trainingCardNumber, type TrainingCard } from './training-cards.ts';
import type { TrainingDevices } from './training-devices.ts';

/** A training scenario (the contract's training.simulate values). */
export type TrainingScenario = RequestOf<'training.simulate'>['scenario'];

/** Arms a fault on the simulators for the sale starting now; returns what undoes it. */
type Arm = (rig: TrainingDevices) => () => void;

/** A fault waiting for the next sale. */
type Pending = { arm: Arm; rig: TrainingDevices } | undefined;

/** Ticket numbers of stray charges start here: far above any ticket a training register opens, so none ever claims them. */
export const STRAY_TICKET_BASE = 90_000_000;
/** Amount of a stray charge, minor units (cents other than 51/52, which the simulated issuer treats specially). */
export const STRAY_AMOUNT = 1234;
/** The gateway report commands the missing_payment scenario makes fail. */
const REPORT_COMMANDS = ['report:all', 'report:approved'];

/** The PIN pad gets one fault for the sale's own frame; the sale's fault is undone if it never started. */
const paxFault =
  (fault: PaxFault, then?: PaxFault): Arm =>
  (rig) => {
    rig.pinPadSimulator.setFault(fault, { once: true, ...(then ? { then } : {}) });
    return () => rig.pinPadSimulator.setFault(null);
  };

/** missing_payment: the approval's answer is lost, then the PIN pad refuses every frame and the gateway's reports fail, until normal. */
const loseEverything: Arm = (rig) => {
  const undoPad = paxFault({ kind: 'drop_response' }, { kind: 'nak_always' })(rig);
  const id = rig.gateway.injectFault({ kind: 'http_5xx', status: 503, commands: REPORT_COMMANDS, times: 'always' });
  return () => {
    undoPad();
    rig.gateway.clearFaults(id);
  };
};

/** Brand names as a trainee reads them. */
const BRAND_WORDS: Record<TrainingCard['brand'], string> = { visa: 'Visa', mastercard: 'Mastercard', amex: 'American Express', discover: 'Discover' };

/** Runs training scenarios against the training simulators. */
export class TrainingScenarios {
  private pending: Pending;
  private strays = 0;
  /** The gateway fault that keeps the training gateway unreachable while the ship is offline. */
  private shipOfflineFault: number | undefined;

  /**
   * @param rig the running training simulators, or undefined outside training mode
   * @param timing when Cancel appears on the payment screen and how long the PIN pad's answer is awaited (for the trainee's instructions)
   * @param registerCode this register's code, the start of its invoices (for stray_charge)
   */
  constructor(
    private readonly rig: () => TrainingDevices | undefined,
    private readonly timing: { cancelAfterSeconds: number; answerWaitSeconds: number },
    private readonly registerCode = '1',
  ) {}

  /** The running simulators; AppError 'conflict' outside training mode. */
  private training(): TrainingDevices {
    const rig = this.rig();
    if (!rig) throw new AppError('conflict', 'Only in training mode.');
    return rig;
  }

  /** Sets the scenario up; answers what will happen next, in words for the trainee. AppError 'conflict' outside training mode. */
  simulate(scenario: TrainingScenario): { message: string } {
    const rig = this.training();
    switch (scenario) {
      case 'normal':
        this.pending = undefined;
        rig.pinPadSimulator.setFault(null);
        rig.pinPadSimulator.setOffline(false);
        this.shipOfflineFault = undefined;
        rig.declines.clear();
        rig.gateway.clearFaults();
        rig.gateway.processor.partiallyApproveNext(false);
        rig.printerSimulator.setFaults({ paperOut: false, paperNearEnd: false, coverOpen: false, error: false, noAnswer: false });
        rig.printerSimulator.loadPaper();
        return { message: 'Everything works normally again: the PIN pad and the gateway answer, cards are approved in full and receipts print.' };
      case 'decline':
        // The simulated card is read by transactions only, so it can be set now.
        rig.pinPadSimulator.presentCard({ pan: DECLINE_CARD_PAN });
        return {
          message:
            "The next card will be declined by the bank. The payment screen says so and nothing is charged; ask the customer for another card or take cash.",
        };
      case 'partial_approval':
        rig.gateway.processor.partiallyApproveNext();
        return {
          message:
            'The bank will approve only half of the next card payment. The payment screen says "Partially approved" and the rest stays due on the ticket: only the approved half was charged. Take another card (Try again) or cash for the rest.',
        };
      case 'lose_approval':
        this.pending = { arm: paxFault({ kind: 'drop_response' }), rig };
        return {
          message:
            `On the next card payment the bank approves, but the PIN pad's answer is lost on the way back. After about ${this.timing.answerWaitSeconds} seconds without an answer the screen shows "The card may have been charged. Checking…" while the register asks the PIN pad; it then finds the approval and records it once. Do not charge the card again.`,
        };
      case 'ignore_cancel':
        this.pending = { arm: paxFault({ kind: 'hang' }), rig };
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
      case 'missing_payment':
        this.pending = { arm: loseEverything, rig };
        return {
          message:
            `On the next card payment the bank approves, but the answer is lost, and then neither the PIN pad nor the gateway can be reached to ask about it. After about ${this.timing.answerWaitSeconds} seconds the screen shows "The card may have been charged. Checking…" and says it cannot reach them: the payment stays in doubt and the register will not charge this ticket again. Choose Normal to bring the connections back, then press Find Missing Payments: it finds the charge and records it once ("Already paid"). Do not charge the card again.`,
        };
      case 'stray_charge':
        return { message: this.strayCharge(rig) };
      case 'printer_out_of_paper':
        rig.printerSimulator.setFaults({ paperOut: true });
        return {
          message:
            'The receipt printer is now out of paper: payments still go through, and the register says the receipt did not print. Choose Normal to load paper, then press Reprint.',
        };
    }
  }

  /**
   * The ship's link to the card company (seed 002 table 4-17): offline, the
   * training PIN pad approves on its own (a temporary token, kept for upload:
   * pax-protocol-choices.ts item 25) and the training gateway refuses every
   * request as a server that cannot be reached would; online, both answer again.
   */
  shipLink(online: boolean): { message: string } {
    const rig = this.training();
    rig.pinPadSimulator.setOffline(!online);
    if (this.shipOfflineFault !== undefined) rig.gateway.clearFaults(this.shipOfflineFault);
    this.shipOfflineFault = online ? undefined : rig.gateway.injectFault({ kind: 'http_5xx', status: 503, target: 'gateway', times: 'always' });
    return {
      message: online
        ? 'The ship is back online: the PIN pad uploads what it approved offline and the waiting authorisations and settlements go out (press Send now to send them at once).'
        : 'The ship is now offline: the PIN pad approves cards on its own with a temporary token, and the card company cannot be reached, so authorisations and settlements wait in the queue. Choose Back online to bring the link back.',
    };
  }

  /** The card the training PIN pad reads next (a test number of that brand ending in those digits, built here). */
  presentCard(card: TrainingCard): { message: string } {
    const rig = this.training();
    rig.pinPadSimulator.presentCard({ pan: trainingCardNumber(card) });
    return { message: `The next card read on the PIN pad is a ${BRAND_WORDS[card.brand]} ending ${card.lastFour}.` };
  }

  /** The card company declines the next authorisation (initial or added) of this card, once. */
  declineNext(card: TrainingCard): { message: string } {
    const rig = this.training();
    rig.declines.arm(card);
    return { message: `The card company will decline the next authorisation of the ${BRAND_WORDS[card.brand]} ending ${card.lastFour}.` };
  }

  /** Arms the fault waiting for the next sale; call right before the sale. Returns a function that puts it back if the sale never started. */
  armForSale(): () => void {
    const p = this.pending;
    this.pending = undefined;
    if (!p || p.rig !== this.rig()) return () => undefined;
    const undo = p.arm(p.rig);
    return () => {
      undo();
      this.pending ??= p;
    };
  }

  /** Keys a charge at the training gateway's virtual terminal with an invoice of this register that no ticket has; answers the trainee's words. */
  private strayCharge(rig: TrainingDevices): string {
    const invoice = ecrReference(this.registerCode, STRAY_TICKET_BASE + ++this.strays, 1);
    const r = rig.gateway.virtualTerminalSale({ invoice, amount: STRAY_AMOUNT });
    if (r.xResult !== 'A') throw new AppError('internal', `The training gateway refused the stray charge (${r.xError || r.xResult}); nothing was charged. Choose Normal and try again.`);
    const amount = formatMoney(STRAY_AMOUNT, rig.gateway.currency);
    return (
      `Someone keyed a charge of ${amount} on card ${r.xMaskedCardNumber} with invoice ${invoice} at the gateway's own virtual terminal: the customer was charged, but no ticket on this register has that invoice. ` +
      'Open Orphan payments (F6) and press Find Missing Payments: the charge is queued there, with its reason, for a manager to record on the right ticket or refund. Never charge the customer again for it.'
    );
  }
}

// The training commands, and the hook that arms a chosen training fault for
// the next card sale. The card command path knows nothing of training: the
// scenarios install themselves on the payment coordinator's sale hook, which
// runs once the attempt is journaled and before the PIN pad hears a byte (so
// no status probe spends the fault first).

import type { Handlers } from '../../src-shared/ipc-contract.ts';
import type { TrainingScenarios } from './training-scenarios.ts';

/** Something that runs a hook as each card sale starts (PaymentCoordinator.onSaleStarted). */
export interface SaleHooks {
  onSaleStarted(hook: () => void): () => void;
}

/** The training commands (the purser's three are manager-only: the dispatcher's guard runs first). */
export function trainingHandlers(scenarios: TrainingScenarios): Pick<Handlers, 'training.simulate' | 'training.shipLink' | 'training.presentCard' | 'training.declineNext'> {
  return {
    'training.simulate': ({ scenario }) => scenarios.simulate(scenario),
    'training.shipLink': ({ online }) => scenarios.shipLink(online),
    'training.presentCard': (card) => scenarios.presentCard(card),
    'training.declineNext': (card) => scenarios.declineNext(card),
  };
}

/** Arms the pending training fault as each sale starts; returns the uninstall. */
export function installTrainingHook(scenarios: TrainingScenarios, sales: SaleHooks): () => void {
  return sales.onSaleStarted(() => void scenarios.armForSale());
}

// The purser's IPC commands (issue 12): each one a call on the purser service or
// the queue sender; parameters and the batch send are manager-only (the
// dispatcher's guard runs first; the manager is the journal event's actor).

import type { Handlers } from '../../src-shared/ipc-contract.ts';
import type { purserCommands } from '../../src-shared/purser-contract.ts';
import { managerActor } from '../staff/staff-handlers.ts';
import type { CabinCardWaiters } from './purser-cabin-cards.ts';
import type { PurserFolioShare } from './purser-folio-share.ts';
import type { PurserQueueSender } from './purser-queue-sender.ts';
import type { PurserService } from './purser-service.ts';

type PurserCommand = keyof typeof purserCommands;

/** The purser room as the handlers reach it (refusing while the journal is not open). */
export interface PurserRoomPort {
  service(): PurserService;
  sender(): PurserQueueSender;
  cabinCards(): CabinCardWaiters;
  /** The shared folio, when this desk is part of a store (postings are decided there). */
  share?(): PurserFolioShare | undefined;
}

export function purserHandlers(room: PurserRoomPort): Pick<Handlers, PurserCommand> {
  return {
    'purser.guest.search': ({ query }) => room.service().search(query),
    'purser.guest.get': ({ guestId }) => room.service().get(guestId),
    'purser.guest.byCabinCard': ({ cardNumber }) => room.service().byCabinCard(cardNumber),
    'purser.guest.awaitCabinCard': ({ waitSeconds }) => room.cabinCards().awaitCard(waitSeconds * 1000),
    'purser.posting.add': ({ guestId, amount, description }) => {
      const service = room.service();
      const share = room.share?.();
      return share ? share.addPosting(guestId, amount, description) : service.addPosting(guestId, amount, description);
    },
    'purser.card.register': ({ guestId, terminalId }) => room.service().register(guestId, terminalId),
    'purser.card.activate': ({ cardId }) => room.service().activate(cardId),
    'purser.card.deactivate': ({ cardId }) => room.service().deactivate(cardId),
    'purser.card.addAuthorisation': ({ cardId, amount }) => room.service().addAuthorisation(cardId, amount),
    'purser.card.setRouting': ({ guestId, cardIds }) => room.service().setRouting(guestId, cardIds),
    'purser.invoice.pay': ({ guestId, amount, method, terminalId }) => {
      const service = room.service();
      const share = room.share?.();
      return share ? share.pay(guestId, amount, method, terminalId) : service.pay(guestId, amount, method, terminalId);
    },
    'purser.payment.void': ({ paymentId }) => room.service().voidPayment(paymentId),
    'purser.queue.status': () => room.sender().summary(),
    'purser.queue.sendNow': async () => {
      await room.sender().runOnce();
      return room.sender().summary();
    },
    'purser.settlement.sendBatch': async () => {
      room.service().releaseBatch();
      await room.sender().runOnce();
      return room.sender().summary();
    },
    'purser.parameters.get': () => room.service().parameters(),
    'purser.parameters.set': ({ name, value }, ctx) => room.service().setParameter(name, value, managerActor(ctx).staffId),
  };
}

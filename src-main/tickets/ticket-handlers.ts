// The ticket commands: the catalogue and ringing, voiding and reading tickets.

import type { Handlers } from '../../src-shared/ipc-contract.ts';
import type { TicketService } from './ticket-service.ts';

/** Ticket commands over the ticket service (a getter: it throws while the journal is unavailable). */
export function ticketHandlers(
  tickets: () => TicketService,
): Pick<Handlers, 'catalog.list' | 'ticket.create' | 'ticket.get' | 'ticket.listOpen' | 'ticket.addLine' | 'ticket.removeLine' | 'ticket.void' | 'ticket.history' | 'ticket.events'> {
  return {
    'catalog.list': () => tickets().catalog(),
    'ticket.create': () => tickets().create(),
    'ticket.get': ({ ticketId }) => tickets().get(ticketId),
    'ticket.listOpen': () => tickets().listOpen(),
    'ticket.addLine': ({ ticketId, itemId, quantity }) => tickets().addLine(ticketId, itemId, quantity),
    'ticket.removeLine': ({ ticketId, lineId }) => tickets().removeLine(ticketId, lineId),
    'ticket.void': ({ ticketId }) => tickets().void(ticketId),
    'ticket.history': ({ query }) => tickets().historyToday(query),
    'ticket.events': ({ ticketId }) => tickets().events(ticketId),
  };
}

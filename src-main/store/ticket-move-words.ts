// The words of moving tickets between registers, apart from the service so the
// host's handlers can use them without loading the PostgreSQL client.

/** Plain words of this room's own refusals. */
export const TRANSFER_WORDS = {
  unknownRegister: 'That register is not known to the store. Pick one from the list.',
  notForHere: 'That ticket was not moved to this register. Refresh the list of tickets moved here.',
  offline: 'The store cannot be reached, so tickets cannot be moved, shown or opened here now. Try again when the link is back.',
} as const;

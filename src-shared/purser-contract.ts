// The shipboard purser's commands (issue 12): guests, folios, cards on file, the
// store-and-forward queue. Spread into the one command index in ipc-contract.ts.

export const purserCommands = {} as const;

// The store server's commands (issue 13): store link, shared queues, transfers.
// Spread into the one command index in ipc-contract.ts.

export const storeCommands = {} as const;

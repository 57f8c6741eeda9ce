// Host settings from the environment, shared by the Electron shell and browser
// mode so a register is configured the same way whichever way it starts.
//
// The register code matters for money: it is the first part of every ECR
// reference and gateway invoice, so two registers of one merchant must never
// share it, or the gateway would take one register's first sale for a
// duplicate of the other's.

import type { HostConfig } from './host.ts';

/** Every variable read, with what it sets. */
export const HOST_ENV_VARIABLES = {
  CASHIER_DESK_JOURNAL: 'journal file (default: the per-user data folder)',
  CASHIER_DESK_TRAINING: '1 = always training mode; 0 = never',
  CASHIER_DESK_REGISTER_ID: 'register id (letters, digits, _ or -)',
  CASHIER_DESK_REGISTER_CODE: '1-4 letters or digits, unique per merchant: starts every ECR reference',
  CASHIER_DESK_REGISTER_NAME: 'register name shown on screen and receipts',
  CASHIER_DESK_CURRENCY: 'ISO 4217 currency of the register (default USD)',
  CASHIER_DESK_CANCEL_AFTER_SECONDS: 'seconds before Cancel appears on Please Complete Payment (default 30)',
} as const;

/** Reads host settings from an environment; throws a message naming the variable on a bad value. */
export function hostConfigFromEnv(env: NodeJS.ProcessEnv): Partial<HostConfig> {
  const config: Partial<HostConfig> = {};
  if (env.CASHIER_DESK_JOURNAL) config.journalPath = env.CASHIER_DESK_JOURNAL;
  const training = env.CASHIER_DESK_TRAINING;
  if (training !== undefined && training !== '') {
    if (training !== '0' && training !== '1') throw new Error(`CASHIER_DESK_TRAINING must be 1 or 0, not "${training}".`);
    config.trainingMode = training === '1';
  }
  const { CASHIER_DESK_REGISTER_ID: id, CASHIER_DESK_REGISTER_CODE: code, CASHIER_DESK_REGISTER_NAME: name } = env;
  if (id || code || name) {
    if (!id || !code) {
      throw new Error('Set both CASHIER_DESK_REGISTER_ID and CASHIER_DESK_REGISTER_CODE to configure a register.');
    }
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw new Error(`CASHIER_DESK_REGISTER_ID "${id}" must be letters, digits, _ or -.`);
    if (!/^[A-Za-z0-9]{1,4}$/.test(code)) throw new Error(`CASHIER_DESK_REGISTER_CODE "${code}" must be 1-4 letters or digits.`);
    config.register = { id, code: code.toUpperCase(), name: name || `Register ${code.toUpperCase()}` };
  }
  if (env.CASHIER_DESK_CURRENCY) {
    if (!/^[A-Z]{3}$/.test(env.CASHIER_DESK_CURRENCY)) {
      throw new Error(`CASHIER_DESK_CURRENCY must be an ISO 4217 code such as USD, not "${env.CASHIER_DESK_CURRENCY}".`);
    }
    config.currency = env.CASHIER_DESK_CURRENCY;
  }
  const cancel = env.CASHIER_DESK_CANCEL_AFTER_SECONDS;
  if (cancel !== undefined && cancel !== '') {
    if (!/^\d{1,4}$/.test(cancel) || Number(cancel) > 3600) {
      throw new Error(`CASHIER_DESK_CANCEL_AFTER_SECONDS must be a whole number of seconds from 0 to 3600, not "${cancel}".`);
    }
    config.cancelAfterSeconds = Number(cancel);
  }
  return config;
}

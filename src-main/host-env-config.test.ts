import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostConfigFromEnv } from './host-env-config.ts';

test('an empty environment leaves every default to the host', () => {
  assert.deepEqual(hostConfigFromEnv({}), {});
});

test('register, currency, training, journal and cancel delay are read', () => {
  assert.deepEqual(
    hostConfigFromEnv({
      CASHIER_DESK_JOURNAL: '/data/j.sqlite',
      CASHIER_DESK_TRAINING: '0',
      CASHIER_DESK_REGISTER_ID: 'front-2',
      CASHIER_DESK_REGISTER_CODE: 'f2',
      CASHIER_DESK_CURRENCY: 'EUR',
      CASHIER_DESK_CANCEL_AFTER_SECONDS: '45',
    }),
    {
      journalPath: '/data/j.sqlite',
      trainingMode: false,
      register: { id: 'front-2', code: 'F2', name: 'Register F2' },
      currency: 'EUR',
      cancelAfterSeconds: 45,
    },
  );
});

test('bad values are refused with the variable named', () => {
  assert.throws(() => hostConfigFromEnv({ CASHIER_DESK_TRAINING: 'yes' }), /CASHIER_DESK_TRAINING/);
  assert.throws(() => hostConfigFromEnv({ CASHIER_DESK_REGISTER_CODE: 'F2' }), /both CASHIER_DESK_REGISTER_ID/);
  assert.throws(
    () => hostConfigFromEnv({ CASHIER_DESK_REGISTER_ID: 'a', CASHIER_DESK_REGISTER_CODE: 'R-12' }),
    /CASHIER_DESK_REGISTER_CODE "R-12"/,
  );
  assert.throws(() => hostConfigFromEnv({ CASHIER_DESK_CURRENCY: 'usd' }), /ISO 4217/);
  assert.throws(() => hostConfigFromEnv({ CASHIER_DESK_CANCEL_AFTER_SECONDS: '2.5' }), /whole number/);
});

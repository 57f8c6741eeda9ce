// The pieces every command table is built from: ids, amounts, and the two
// declarations (a command anyone may send, and a manager-only one). They live
// apart from ipc-contract.ts so each domain's own contract file (purser, store)
// can declare its commands without importing the index that spreads them.

import { z } from 'zod';
import { MAX_AMOUNT } from './money.ts';

/** An id: letters, digits, '_' and '-', at most 64 characters. */
export const Id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an id of letters, digits, _ or -');
/** An amount in integer minor units. */
export const Amount = z.number().int('must be a whole number of minor units').min(0).max(MAX_AMOUNT);
/** A strictly positive amount in integer minor units. */
export const PositiveAmount = Amount.min(1, 'must be more than zero');

export const Empty = z.strictObject({});

/** Declares one command: its request schema, its result type (a phantom) and one line of doc. */
export const command =
  <Res>() =>
  <Req extends z.ZodType>(request: Req, doc: string) =>
    ({ request, doc }) as { request: Req; doc: string; result?: Res; access?: 'manager' };

/**
 * Declares a manager-only command (issue 11 §1): the dispatcher refuses it unless
 * the request envelope carries a live manager session, and hands the handler the
 * manager as ctx.actor. Void, refund, batch close, variance sign-off, orphan
 * refund or attach and manual resolution are declared with this, here, and
 * nowhere else.
 */
export const managerCommand =
  <Res>() =>
  <Req extends z.ZodType>(request: Req, doc: string) =>
    ({ request, doc, access: 'manager' }) as { request: Req; doc: string; result?: Res; access: 'manager' };


// The staff.* commands and the one manager guard, composed by host.ts.
// Manager-only commands reach their handler only after the dispatcher ran
// requireManager (src-shared/ipc-contract.ts `managerCommand`), so ctx.actor is
// the signed-in manager; managerActor() re-checks it for handlers called directly.

import { AppError } from '../../src-shared/errors.ts';
import type { HandlerContext, Handlers } from '../../src-shared/ipc-contract.ts';
import type { StaffActor } from '../../src-shared/staff.ts';
import type { StaffService } from './staff-service.ts';

type StaffCommand = 'staff.signIn' | 'staff.awaitCard' | 'staff.signOut' | 'staff.signInState' | 'staff.list' | 'staff.add' | 'staff.setPin' | 'staff.setCard' | 'staff.deactivate';

/** The guard the dispatcher runs before every manager-only command. */
export function createManagerGuard(staff: () => StaffService): (ctx: HandlerContext) => StaffActor {
  return (ctx) => staff().requireManager(ctx.session);
}

/** The manager a guarded handler runs for; throws when the dispatcher did not set one (defence in depth). */
export function managerActor(ctx: HandlerContext): StaffActor {
  if (!ctx.actor || ctx.actor.role !== 'manager') {
    throw new AppError('manager_required', 'A manager must sign in for this. Swipe a manager card or type a manager PIN.');
  }
  return ctx.actor;
}

/** Handlers of the staff.* commands. `staff` throws the journal's refusal when it is not open. */
export function createStaffHandlers(staff: () => StaffService): Pick<Handlers, StaffCommand> {
  return {
    'staff.signIn': ({ pin }) => staff().signInWithPin(pin),
    'staff.awaitCard': ({ waitSeconds }) => staff().awaitCard(waitSeconds * 1000),
    'staff.signOut': (_req, ctx) => {
      staff().signOut(ctx.session);
      return null;
    },
    'staff.signInState': (_req, ctx) => staff().state(ctx.session),
    'staff.list': () => staff().list(),
    'staff.add': (req, ctx) => staff().add(req, managerActor(ctx).staffId),
    'staff.setPin': ({ staffId, pin }, ctx) => staff().setPin(staffId, pin, managerActor(ctx).staffId),
    'staff.setCard': ({ staffId, cardNumber }, ctx) => staff().setCard(staffId, cardNumber, managerActor(ctx).staffId),
    'staff.deactivate': ({ staffId }, ctx) => staff().deactivate(staffId, managerActor(ctx).staffId),
  };
}

// The header's sign-in line: "Signed in: Ana (manager) — Sign out", or a
// "Manager sign-in" button when nobody is signed in.

import { useAppActions, useAppState } from '../../store/store-context.ts';

/** Who is signed in as manager, with the way out (or in). */
export function SignedInBadge() {
  const manager = useAppState((s) => s.manager);
  const actions = useAppActions();
  if (!manager) {
    return (
      <button type="button" className="nav-btn" data-testid="manager-sign-in-open" onClick={() => void actions.requestManager()}>
        Manager sign-in
      </button>
    );
  }
  return (
    <span className="signed-in" data-testid="signed-in">
      <span data-testid="signed-in-name">
        Signed in: {manager.name} ({manager.role})
      </span>
      {' — '}
      <button type="button" className="nav-btn" data-testid="sign-out" onClick={() => void actions.signOut()}>
        Sign out
      </button>
    </span>
  );
}

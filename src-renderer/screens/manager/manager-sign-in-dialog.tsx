// The manager sign-in dialog: type a manager PIN, or swipe a manager's staff card
// on the card reader while it is open. Focus is trapped like every dialog; Enter
// signs in, Escape cancels the action that asked for a manager. In training
// mode the demo manager's PIN is shown here.

import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useAppActions, useAppState } from '../../store/store-context.ts';
import { useFocusTrap } from '../common/focus-trap.ts';

/** The sign-in dialog, shown while the store says so. */
export function ManagerSignInDialog() {
  const open = useAppState((s) => s.signInOpen);
  if (!open) return null;
  return <SignInForm />;
}

function SignInForm() {
  const reason = useAppState((s) => s.signInReason);
  const state = useAppState((s) => s.signInState);
  const actions = useAppActions();
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const input = useRef<HTMLInputElement>(null);
  useFocusTrap(form, input);

  // While the dialog is open, a staff card swiped on the reader signs its manager in.
  useEffect(() => {
    let live = true;
    const wait = async () => {
      while (live) {
        const r = await actions.awaitCard();
        if (!live || r.ok) return;
        // "No card swiped" just means ask again; a refused card is said.
        if (!/No staff card was swiped/.test(r.message)) setError(r.message);
        if (/connection|did not answer|closed/i.test(r.message)) await new Promise((res) => setTimeout(res, 2000));
      }
    };
    void wait();
    return () => {
      live = false;
    };
  }, [actions]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (sending) return;
    if (!/^\d{4,8}$/.test(pin)) {
      setError('A PIN is 4 to 8 digits. Type it again.');
      input.current?.focus();
      return;
    }
    setSending(true);
    const r = await actions.signInWithPin(pin);
    setSending(false);
    // The PIN is cleared either way: it is never kept longer than the request.
    setPin('');
    if (!r.ok) {
      setError(r.message);
      input.current?.focus();
    }
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      actions.closeSignIn();
    }
  };

  const locked = state?.lockedForSeconds ?? 0;
  return (
    <div className="overlay" onKeyDown={onKeyDown}>
      <form
        ref={form}
        tabIndex={-1}
        className="dialog sign-in-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="sign-in-title"
        aria-describedby="sign-in-why"
        data-testid="manager-sign-in"
        onSubmit={submit}
      >
        <h2 id="sign-in-title">Manager sign-in</h2>
        <p id="sign-in-why" data-testid="sign-in-reason">
          {reason ?? 'This needs a manager.'} Swipe a manager card on the card reader, or type a manager PIN.
        </p>
        {state?.trainingPin && (
          <p className="training-pin" data-testid="training-pin">
            Training manager PIN: <strong>{state.trainingPin}</strong>
          </p>
        )}
        <label htmlFor="sign-in-pin">Manager PIN</label>
        <input
          id="sign-in-pin"
          ref={input}
          type="password"
          inputMode="numeric"
          autoComplete="off"
          maxLength={8}
          className="amount-input"
          data-testid="sign-in-pin"
          value={pin}
          aria-invalid={error ? 'true' : 'false'}
          aria-describedby={error ? 'sign-in-error' : undefined}
          onChange={(e) => {
            setPin(e.target.value.replace(/\D/g, ''));
            setError(null);
          }}
        />
        {locked > 0 && !error && (
          <p className="field-warn" role="status" data-testid="sign-in-locked">
            Too many wrong PINs: PIN sign-in is locked for {locked} seconds. A manager card still works.
          </p>
        )}
        {error && (
          <p id="sign-in-error" className="field-error" role="alert" data-testid="sign-in-error">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={() => actions.closeSignIn()} data-testid="sign-in-cancel">
            <kbd>Esc</kbd> Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={sending} data-testid="sign-in-submit">
            <kbd>Enter</kbd> Sign in
          </button>
        </div>
      </form>
    </div>
  );
}

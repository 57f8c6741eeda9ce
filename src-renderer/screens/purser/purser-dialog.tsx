// One modal dialog of the purser screens: focus trapped inside (Tab cycles its
// own controls), Escape closes it (and goes no further: the screen's Escape
// would leave for the register), everything behind it inert while it is open.

import { useEffect, useRef, type FormEvent, type ReactNode, type RefObject } from 'react';
import { createPortal } from 'react-dom';
import { useAppActions } from '../../store/store-context.ts';
import { useFocusTrap } from '../common/focus-trap.ts';

/** A dialog with a title; `initial` takes focus first (a text field), else the dialog itself. */
export function PurserDialog({
  title,
  testId,
  onClose,
  onSubmit,
  busy = false,
  initial,
  children,
  describedBy,
}: {
  title: string;
  testId: string;
  onClose: () => void;
  onSubmit: () => void;
  /** While the host works, Escape does not close it (the answer still has to come back). */
  busy?: boolean;
  initial?: RefObject<HTMLElement | null>;
  children: ReactNode;
  describedBy?: string;
}) {
  const ref = useRef<HTMLFormElement>(null);
  const actions = useAppActions();
  useFocusTrap(ref, initial);
  useEffect(() => {
    actions.setModalOpen(true);
    return () => actions.setModalOpen(false);
  }, [actions]);
  const titleId = `${testId}-title`;
  // Rendered at the body: the screen it opens from is made inert while it is open, and the dialog must not be.
  return createPortal(
    <div
      className="overlay"
      onKeyDown={(e) => {
        // Function keys would switch screens under the dialog: they stop here.
        if (/^F\d{1,2}$/.test(e.key)) {
          e.preventDefault();
          e.stopPropagation();
          return;
        }
        if (e.key !== 'Escape') return;
        e.preventDefault();
        e.stopPropagation();
        if (!busy) onClose();
      }}
    >
      <form
        ref={ref}
        tabIndex={-1}
        className="dialog purser-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={describedBy}
        data-testid={testId}
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          if (!busy) onSubmit();
        }}
      >
        <h2 id={titleId}>{title}</h2>
        {children}
      </form>
    </div>,
    document.body,
  );
}

/** A purser dialog's two buttons: Esc to leave it, and its submit (disabled while the host works, with what it is doing). */
export function PurserDialogActions({
  busy,
  onCancel,
  cancelWords = 'Cancel',
  cancelTestId,
  submitWords,
  busyWords,
  submitTestId,
  submitDisabled = false,
}: {
  busy: boolean;
  onCancel: () => void;
  cancelWords?: string;
  cancelTestId?: string;
  submitWords: string;
  busyWords: string;
  submitTestId: string;
  /** Disabled for another reason than busy (nothing picked yet). */
  submitDisabled?: boolean;
}) {
  return (
    <div className="dialog-actions">
      <button type="button" className="btn" disabled={busy} onClick={onCancel} data-testid={cancelTestId}>
        <kbd>Esc</kbd> {cancelWords}
      </button>
      <button type="submit" className="btn btn-primary" disabled={busy || submitDisabled} data-testid={submitTestId}>
        {busy ? busyWords : submitWords}
      </button>
    </div>
  );
}

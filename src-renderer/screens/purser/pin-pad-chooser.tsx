// Which PIN pad reads the guest's card: the one in use on this register first,
// then the other PIN pads configured here (seed 002 "Setting up the Pin Pad
// Terminal"). One radio per PIN pad, 44 px tall.

import type { PinPadChoice } from './purser-view.ts';

/** Radio buttons of the PIN pads; says so when there is none. */
export function PinPadChooser({ choices, value, onChange, name }: { choices: PinPadChoice[]; value: string | null; onChange: (id: string) => void; name: string }) {
  if (choices.length === 0) {
    return (
      <p className="field-error" role="alert" data-testid="pin-pad-none">
        No PIN pad is set up on this register. A manager adds one in Settings (F7).
      </p>
    );
  }
  return (
    <fieldset className="purser-fieldset" data-testid="pin-pad-chooser">
      <legend>PIN pad</legend>
      {choices.map((c) => (
        <label key={c.id} className="choice">
          <input type="radio" name={name} value={c.id} checked={value === c.id} onChange={() => onChange(c.id)} data-testid="pin-pad-choice" />
          {c.name}
          {c.inUse ? ' (in use on this register)' : ''}
        </label>
      ))}
    </fieldset>
  );
}

// The purser's parameters (seed 002 tables 4-1 and 4-2 and those tables 4-7 to
// 4-18 name), a manager's to change: each with its meaning and, for a switch
// or a choice, what each value does, on screen; the input checked here before
// it is sent and by the host again; saved one at a time, journaled with the
// manager's name.

import { useEffect, useState } from 'react';
import { CARD_TYPE_CODES, type CardTypeCode, type PurserParameter } from '../../../src-shared/purser-types.ts';
import { currencyExponent } from '../../../src-shared/money.ts';
import { useAppActions, useAppState } from '../../store/store-context.ts';
import { formatMoney } from '../common/money-format.ts';
import { FieldError, PlainMessage } from '../common/plain-message.tsx';
import { parameterValueWords } from './purser-words.ts';
import { parameterDraft, parseParameterDraft, type ParameterDraft } from './purser-view.ts';
import './purser.css';

const CARD_TYPE_WORDS: Record<CardTypeCode, string> = {
  AX: 'American Express',
  DS: 'Discover',
  VI: 'Visa',
  MC: 'Mastercard',
  DI: 'Discover (DI)',
  DC: 'Diners Club',
  JC: 'JCB',
  EC: 'Eurocard',
  OT: 'Other',
};

/** The screen. */
export function PurserParametersScreen() {
  const params = useAppState((s) => s.purserParameters);
  const error = useAppState((s) => s.purserParametersError);
  const manager = useAppState((s) => s.manager);
  const currency = useAppState((s) => s.appInfo?.currency ?? 'USD');
  const actions = useAppActions();

  useEffect(() => {
    void actions.loadParameters();
  }, [actions]);

  const groups = ['General', 'Interfaces'] as const;
  return (
    <main className="manager-screen purser-parameters" data-testid="purser-parameters-screen">
      <section className="panel">
        <h2>Purser parameters</h2>
        <p className="muted">
          How the purser desk authorises, settles and sends while the ship is offline. A manager changes them{manager ? ` (signed in: ${manager.name})` : ''}; each change is kept in the journal with who made it.
        </p>
        <div className="toolbar">
          <button type="button" className="btn" data-testid="purser-parameters-back" onClick={() => actions.showScreen('purser')}>
            <kbd>F1</kbd> Back to the purser desk
          </button>
        </div>
        <FieldError text={error} />
        {params === null && !error && <p className="muted">Loading…</p>}
      </section>
      {params &&
        groups.map((group) => (
          <section key={group} className="panel" aria-labelledby={`purser-params-${group}`}>
            <h2 id={`purser-params-${group}`}>{group}</h2>
            <ul className="purser-param-list">
              {params
                .filter((p) => p.group === group)
                .map((p) => (
                  <li key={p.name}>
                    <ParameterEditor param={p} currency={currency} />
                  </li>
                ))}
            </ul>
          </section>
        ))}
    </main>
  );
}

function ParameterEditor({ param, currency }: { param: PurserParameter; currency: string }) {
  const actions = useAppActions();
  const money = (n: number) => formatMoney(n, currency);
  const exponent = currencyExponent(currency);
  const [draft, setDraft] = useState<ParameterDraft>(() => parameterDraft(param, param.value, currency, exponent));
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const id = `param-${param.name}`;
  const describedBy = `${id}-meaning${message ? ` ${id}-message` : ''}`;

  const save = async () => {
    const parsed = parseParameterDraft(param, draft, currency, money);
    if (!parsed.ok) {
      setMessage({ ok: false, text: parsed.message });
      return;
    }
    setBusy(true);
    const r = await actions.setParameter(param.name, parsed.value);
    setBusy(false);
    if (r.ok) {
      const saved = r.value.find((p) => p.name === param.name);
      if (saved) setDraft(parameterDraft(saved, saved.value, currency, exponent));
      setMessage({ ok: true, text: `Saved: ${saved ? parameterValueWords(saved, saved.value, money) : 'done'}.` });
    } else setMessage({ ok: false, text: r.message });
  };

  const invalid = message && !message.ok ? 'true' : 'false';
  let input;
  if (param.kind === 'card_types') {
    const picked = Array.isArray(draft) ? draft : [];
    input = (
      <fieldset className="purser-fieldset purser-card-types" aria-describedby={describedBy}>
        <legend>{param.label}</legend>
        {CARD_TYPE_CODES.map((code) => (
          <label key={code} className="choice">
            <input
              type="checkbox"
              checked={picked.includes(code)}
              onChange={(e) => {
                setMessage(null);
                setDraft(e.target.checked ? [...picked, code] : picked.filter((c) => c !== code));
              }}
              data-testid={`${id}-${code}`}
            />
            {code} {CARD_TYPE_WORDS[code]}
          </label>
        ))}
      </fieldset>
    );
  } else if ((param.kind === 'switch' || param.kind === 'choice') && param.choices) {
    input = (
      <fieldset className="purser-fieldset" aria-describedby={describedBy}>
        <legend>{param.label}</legend>
        {param.choices.map((c) => (
          <label key={c.value} className="choice">
            <input
              type="radio"
              name={id}
              checked={draft === String(c.value)}
              onChange={() => {
                setMessage(null);
                setDraft(String(c.value));
              }}
              data-testid={`${id}-${c.value}`}
            />
            {c.value} — {c.meaning}
          </label>
        ))}
      </fieldset>
    );
  } else {
    input = (
      <label className="field" htmlFor={id}>
        {param.label}
        {param.kind === 'amount' ? ` (${currency})` : param.kind === 'seconds' ? ' (seconds)' : ''}
        <input
          id={id}
          inputMode={param.kind === 'amount' ? 'decimal' : 'numeric'}
          value={typeof draft === 'string' ? draft : ''}
          aria-invalid={invalid}
          aria-describedby={describedBy}
          onChange={(e) => {
            setMessage(null);
            setDraft(e.target.value);
          }}
          data-testid={`${id}-input`}
        />
      </label>
    );
  }

  return (
    <form
      className="purser-param"
      data-testid="purser-parameter"
      data-name={param.name}
      onSubmit={(e) => {
        e.preventDefault();
        if (!busy) void save();
      }}
    >
      <div className="purser-param-input">{input}</div>
      <div className="purser-param-about">
        <p id={`${id}-meaning`} className="purser-param-meaning" data-testid="purser-parameter-meaning">
          {param.meaning}
        </p>
        <p className="muted purser-param-now">
          Now: <strong data-testid="purser-parameter-value">{parameterValueWords(param, param.value, money)}</strong>. Default: {parameterValueWords(param, param.defaultValue, money)}.
          {param.min !== null && param.max !== null && param.kind !== 'switch' && param.kind !== 'choice'
            ? ` Allowed: ${param.kind === 'amount' ? money(param.min) : `${param.min} s`} to ${param.kind === 'amount' ? money(param.max) : `${param.max} s`}.`
            : ''}
          {/* updatedBy is a staff id: the journal keeps who, the screen says when. */}
          {param.updatedAt ? ` Last changed ${new Date(param.updatedAt).toLocaleString()}.` : ''}
        </p>
        {message && (
          <p id={`${id}-message`} className={message.ok ? 'purser-saved' : 'field-error'} role={message.ok ? 'status' : 'alert'} data-testid="purser-parameter-message">
            <PlainMessage text={message.text} />
          </p>
        )}
      </div>
      <button type="submit" className="btn" disabled={busy} data-testid="purser-parameter-save" aria-label={`Save ${param.label}`}>
        {busy ? 'Saving…' : 'Save'}
      </button>
    </form>
  );
}

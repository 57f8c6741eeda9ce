// Training mode only: the trainee picks how the simulated devices behave for
// the next payment (a decline, a partial approval, a lost approval, a missing
// payment, a cancel the PIN pad ignores, a printer out of paper…) or a stray
// charge at the gateway, and then sees that flow on the real screens.

import { useState } from 'react';
import type { TrainingScenario as Scenario } from '../../store/manager-slice.ts';
import { useAppActions, useAppState } from '../../store/store-context.ts';

const SCENARIO_WORDS: Record<Scenario, string> = {
  normal: 'Card approved (normal)',
  decline: 'Card declined',
  partial_approval: 'Partial approval',
  lose_approval: 'Approval lost on the way back',
  missing_payment: 'Missing payment (answer lost, lookups fail until Normal)',
  stray_charge: 'Stray charge keyed at the gateway (orphan)',
  ignore_cancel: 'PIN pad ignores Cancel',
  terminal_offline: 'PIN pad offline',
  printer_out_of_paper: 'Printer out of paper',
};

/** The training scenario picker; renders nothing outside training mode. */
export function TrainingControl() {
  const training = useAppState((s) => s.status?.trainingMode ?? false);
  const actions = useAppActions();
  const [scenario, setScenario] = useState<Scenario>('normal');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  if (!training) return null;
  const apply = async () => {
    const r = await actions.simulate(scenario);
    setMessage(r.ok ? { ok: true, text: r.value.message } : { ok: false, text: r.message });
  };
  return (
    <section className="panel training-control" aria-label="Training" data-testid="training-control">
      <label htmlFor="training-scenario">
        <span className="badge badge-training">TRAINING</span> Next payment:
      </label>
      <select id="training-scenario" data-testid="training-scenario" value={scenario} onChange={(e) => setScenario(e.target.value as Scenario)}>
        {(Object.keys(SCENARIO_WORDS) as Scenario[]).map((s) => (
          <option key={s} value={s}>
            {SCENARIO_WORDS[s]}
          </option>
        ))}
      </select>
      <button type="button" className="btn btn-small" data-testid="training-apply" onClick={() => void apply()}>
        Use
      </button>
      {message && (
        <span className={message.ok ? 'muted' : 'field-error'} role="status" data-testid="training-message">
          {message.text}
        </span>
      )}
    </section>
  );
}

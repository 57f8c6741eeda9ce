// Staff administration for a signed-in manager: who may use the register, as
// cashier or manager; add a person with a PIN, set a new PIN, deactivate. PINs
// and card numbers are never shown: only whether one is set.

import { useEffect, useState, type FormEvent } from 'react';
import type { StaffRole } from '../../../src-shared/staff.ts';
import { useAppActions, useAppState } from '../../store/store-context.ts';

/** The Staff screen. */
export function StaffScreen() {
  const staff = useAppState((s) => s.staff);
  const error = useAppState((s) => s.staffError);
  const manager = useAppState((s) => s.manager);
  const actions = useAppActions();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pinFor, setPinFor] = useState<string | null>(null);
  // The list is a manager's: loading it on arrival opens the sign-in when nobody is signed in.
  // Once per visit: the actions object is a fresh snapshot on every render.
  useEffect(() => {
    void actions.loadStaff();
  }, []);

  return (
    <main className="manager-screen" data-testid="staff-screen">
      <section className="panel">
        <h2>Staff</h2>
        <p className="muted">Who may use this register. Managers can change settings, void, refund and close batches; every change is journaled with who made it.</p>
        {!manager && (
          <div className="toolbar">
            <button type="button" className="btn btn-primary" data-testid="staff-sign-in" onClick={() => void actions.loadStaff()}>
              Sign in to see the staff list
            </button>
          </div>
        )}
        {error && manager && (
          <p className="field-error" role="alert" data-testid="staff-error">
            {error}
          </p>
        )}
        {message && (
          <p className={message.ok ? 'muted' : 'field-error'} role={message.ok ? 'status' : 'alert'} data-testid="staff-message">
            {message.text}
          </p>
        )}
        {manager && staff && (
          <table className="grid-table" data-testid="staff-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Role</th>
                <th>PIN</th>
                <th>Card</th>
                <th>Status</th>
                <th>Actions</th>
              </tr>
            </thead>
            <tbody>
              {staff.map((p) => (
                <tr key={p.id} data-testid="staff-row" data-name={p.name} data-active={p.active ? 'true' : 'false'}>
                  <td>{p.name}</td>
                  <td>{p.role === 'manager' ? 'Manager' : 'Cashier'}</td>
                  <td>{p.hasPin ? 'Set' : 'None'}</td>
                  <td>{p.hasCard ? 'Registered' : 'None'}</td>
                  <td>{p.active ? 'Active' : 'Deactivated'}</td>
                  <td>
                    {p.active && (
                      <>
                        <button type="button" className="btn" data-testid="staff-set-pin" onClick={() => setPinFor(pinFor === p.id ? null : p.id)}>
                          Set PIN
                        </button>{' '}
                        <button
                          type="button"
                          className="btn"
                          data-testid="staff-deactivate"
                          onClick={async () => {
                            const r = await actions.deactivateStaff(p.id);
                            setMessage(r.ok ? { ok: true, text: `${p.name} was deactivated.` } : { ok: false, text: r.message });
                          }}
                        >
                          Deactivate
                        </button>
                      </>
                    )}
                    {pinFor === p.id && (
                      <PinForm
                        name={p.name}
                        onSubmit={async (pin) => {
                          const r = await actions.setStaffPin(p.id, pin);
                          setMessage(r.ok ? { ok: true, text: `${p.name} has a new PIN.` } : { ok: false, text: r.message });
                          if (r.ok) setPinFor(null);
                        }}
                      />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {manager && (
        <AddStaffForm
          onAdded={(name, ok, text) => setMessage(ok ? { ok: true, text: `${name} was added.` } : { ok: false, text })}
        />
      )}
    </main>
  );
}

function PinForm({ name, onSubmit }: { name: string; onSubmit(pin: string): Promise<void> }) {
  const [pin, setPin] = useState('');
  return (
    <form
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        void onSubmit(pin).then(() => setPin(''));
      }}
    >
      <label htmlFor="staff-new-pin">New PIN for {name}</label>{' '}
      <input id="staff-new-pin" type="password" inputMode="numeric" autoComplete="off" maxLength={8} data-testid="staff-new-pin" value={pin} onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))} />{' '}
      <button type="submit" className="btn btn-primary" data-testid="staff-new-pin-save">
        Save PIN
      </button>
    </form>
  );
}

function AddStaffForm({ onAdded }: { onAdded(name: string, ok: boolean, message: string): void }) {
  const actions = useAppActions();
  const [name, setName] = useState('');
  const [role, setRole] = useState<StaffRole>('cashier');
  const [pin, setPin] = useState('');
  const [sending, setSending] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (sending) return;
    setSending(true);
    const r = await actions.addStaff({ name, role, ...(pin ? { pin } : {}) });
    setSending(false);
    setPin('');
    onAdded(name, r.ok, r.ok ? '' : r.message);
    if (r.ok) setName('');
  };
  return (
    <section className="panel">
      <h2>Add a person</h2>
      <form className="form-grid" onSubmit={submit} data-testid="staff-add-form">
        <div className="form-field">
          <label htmlFor="staff-name">Name</label>
          <input id="staff-name" data-testid="staff-name" autoComplete="off" maxLength={60} value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="form-field">
          <label htmlFor="staff-role">Role</label>
          <select id="staff-role" data-testid="staff-role" value={role} onChange={(e) => setRole(e.target.value as StaffRole)}>
            <option value="cashier">Cashier</option>
            <option value="manager">Manager</option>
          </select>
        </div>
        <div className="form-field">
          <label htmlFor="staff-pin">PIN (4 to 8 digits)</label>
          <input id="staff-pin" type="password" inputMode="numeric" autoComplete="off" maxLength={8} data-testid="staff-pin" value={pin} onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))} />
        </div>
        <div className="form-field">
          <span aria-hidden="true">&nbsp;</span>
          <button type="submit" className="btn btn-primary" disabled={sending} data-testid="staff-add">
            Add
          </button>
        </div>
      </form>
    </section>
  );
}

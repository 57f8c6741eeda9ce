// Device settings for a manager: this register's PIN pad, card reader and
// receipt printer; add or edit one, test its connection for real, assign it.
// Everything is saved in the journal by main; the list shows what main answered.

import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import { DEVICE_KINDS, deviceAddress, type DeviceKind } from '../../../src-shared/device-settings.ts';
import type { DeviceSnapshot, DeviceTestResult } from '../../../src-shared/domain.ts';
import { useAppActions, useAppState } from '../../store/store-context.ts';
import { JournalVerifyPanel } from './journal-verify-panel.tsx';
import {
  BAUD_CHOICES,
  draftFromForm,
  emptyForm,
  formFromDevice,
  KIND_WORDS,
  switchKind,
  TRANSPORT_WORDS,
  TRANSPORTS,
  type DeviceForm,
  type FormErrors,
  type FormField,
  type FormTransport,
} from './device-form.ts';

/** What the last test or change said, shown under the list or the form. */
interface Notice {
  ok: boolean;
  text: string;
  testId: string;
}

function testNotice(result: DeviceTestResult): Notice {
  return { ok: result.ok, text: `${result.message} (${result.elapsedMs} ms)`, testId: 'device-test-result' };
}

function NoticeLine({ notice }: { notice: Notice | null }) {
  if (!notice) return null;
  return (
    <p className={`banner ${notice.ok ? 'banner-ok' : 'banner-error'}`} role={notice.ok ? 'status' : 'alert'} data-testid={notice.testId} data-ok={notice.ok ? 'true' : 'false'}>
      {notice.text}
    </p>
  );
}

/** The Settings screen. */
export function SettingsScreen() {
  const devices = useAppState((s) => s.devices);
  const devicesError = useAppState((s) => s.devicesError);
  const actions = useAppActions();
  const [editing, setEditing] = useState<{ deviceId?: string; form: DeviceForm } | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const run = async (key: string, task: () => Promise<void>) => {
    setBusy(key);
    try {
      await task();
    } finally {
      setBusy(null);
    }
  };

  const testSaved = (d: DeviceSnapshot) =>
    run(`test-${d.id}`, async () => {
      setNotice(null);
      const r = await actions.testDevice({ deviceId: d.id });
      setNotice(r.ok ? testNotice(r.value) : { ok: false, text: r.message, testId: 'device-test-result' });
    });

  const change = (key: string, what: string, task: () => Promise<{ ok: true } | { ok: false; message: string }>) =>
    run(key, async () => {
      const r = await task();
      setNotice(r.ok ? { ok: true, text: what, testId: 'device-notice' } : { ok: false, text: r.message, testId: 'device-notice' });
    });

  return (
    <main className="manager-screen" data-testid="settings-screen">
      <section className="panel">
        <h2>Devices of this register</h2>
        <div className="toolbar">
          {DEVICE_KINDS.map((kind) => (
            <button
              key={kind}
              type="button"
              className="btn"
              data-testid={`device-add-${kind}`}
              onClick={() => {
                setNotice(null);
                setEditing({ form: emptyForm(kind) });
              }}
            >
              Add {kind === 'pin_pad' ? 'PIN pad' : KIND_WORDS[kind].toLowerCase()}
            </button>
          ))}
        </div>
        {devicesError && (
          <p className="field-error" role="alert" data-testid="devices-error">
            {devicesError}
          </p>
        )}
        {devices === null ? (
          <p className="muted">Loading…</p>
        ) : devices.length === 0 ? (
          <p className="empty" data-testid="devices-empty">
            No devices configured. Add a PIN pad, a card reader and a receipt printer.
          </p>
        ) : (
          <table className="grid-table" data-testid="devices-table">
            <thead>
              <tr>
                <th>Kind</th>
                <th>Name</th>
                <th>Model</th>
                <th>Address</th>
                <th>In use</th>
                <th>Actions</th>
              </tr>
            </thead>
            <tbody>
              {devices.map((d) => (
                <tr key={d.id} data-testid="device-row" data-device-name={d.name} data-assigned={d.assigned ? 'true' : 'false'}>
                  <td>{KIND_WORDS[d.kind]}</td>
                  <td>{d.name}</td>
                  <td>{d.model}</td>
                  <td>{deviceAddress(d)}</td>
                  <td>{d.assigned ? 'Yes' : 'No'}</td>
                  <td className="row-actions">
                    <button type="button" className="btn btn-small" data-testid="device-test" disabled={busy !== null} onClick={() => void testSaved(d)}>
                      {busy === `test-${d.id}` ? 'Testing…' : 'Test'}
                    </button>
                    <button
                      type="button"
                      className="btn btn-small"
                      data-testid="device-assign"
                      disabled={busy !== null}
                      onClick={() =>
                        void change(`assign-${d.id}`, d.assigned ? `${d.name} is no longer in use on this register.` : `${d.name} is now in use on this register.`, () =>
                          actions.assignDevice(d.id, !d.assigned),
                        )
                      }
                    >
                      {d.assigned ? 'Take out of use' : 'Assign to this register'}
                    </button>
                    <button
                      type="button"
                      className="btn btn-small"
                      data-testid="device-edit"
                      onClick={() => {
                        setNotice(null);
                        setEditing({ deviceId: d.id, form: formFromDevice(d) });
                      }}
                    >
                      Edit
                    </button>
                    <button
                      type="button"
                      className="btn btn-small"
                      data-testid="device-remove"
                      disabled={busy !== null}
                      onClick={() => void change(`remove-${d.id}`, `${d.name} was removed (kept in the journal).`, () => actions.removeDevice(d.id))}
                    >
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {!editing && <NoticeLine notice={notice} />}
      </section>
      <JournalVerifyPanel />
      {editing && (
        <DeviceEditor
          key={editing.deviceId ?? 'new'}
          deviceId={editing.deviceId}
          initial={editing.form}
          onClose={(message) => {
            setEditing(null);
            setNotice(message ? { ok: true, text: message, testId: 'device-notice' } : null);
          }}
        />
      )}
    </main>
  );
}

interface EditorProps {
  deviceId?: string;
  initial: DeviceForm;
  /** Closes the editor; a message when something was saved. */
  onClose(message?: string): void;
}

/** The add/edit form: Test connection tries the settings as typed, before they are saved. */
function DeviceEditor({ deviceId, initial, onClose }: EditorProps) {
  const actions = useAppActions();
  const [form, setForm] = useState(initial);
  const [errors, setErrors] = useState<FormErrors>({});
  const [notice, setNotice] = useState<Notice | null>(null);
  const [busy, setBusy] = useState<'test' | 'save' | null>(null);
  const assignAfterSave = useRef<HTMLInputElement>(null);

  const set = (field: FormField, value: string) => {
    setForm((f) => ({ ...f, [field]: value }));
    setErrors((e) => ({ ...e, [field]: undefined, form: undefined }));
  };

  const validated = () => {
    const r = draftFromForm(form);
    if (!r.ok) {
      setErrors(r.errors);
      setNotice({ ok: false, text: 'Some settings need fixing: see the fields marked in red.', testId: 'device-form-invalid' });
      return null;
    }
    setErrors({});
    return r.draft;
  };

  const test = async () => {
    const draft = validated();
    if (!draft) return;
    setBusy('test');
    setNotice(null);
    const r = await actions.testDevice({ device: draft });
    setBusy(null);
    setNotice(r.ok ? testNotice(r.value) : { ok: false, text: r.message, testId: 'device-test-result' });
  };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const draft = validated();
    if (!draft) return;
    setBusy('save');
    const saved = await actions.saveDevice(draft, deviceId);
    if (saved.ok && assignAfterSave.current?.checked && !saved.value.assigned) {
      const assigned = await actions.assignDevice(saved.value.id, true);
      setBusy(null);
      if (!assigned.ok) {
        setNotice({ ok: false, text: `Saved, but not put in use: ${assigned.message}`, testId: 'device-notice' });
        return;
      }
      onClose(`${saved.value.name} saved and in use on this register.`);
      return;
    }
    setBusy(null);
    if (saved.ok) onClose(`${saved.value.name} saved.`);
    else setNotice({ ok: false, text: saved.message, testId: 'device-notice' });
  };

  const field = (name: FormField, label: string, input: ReactNode, hint?: string) => (
    <div className="form-field">
      <label htmlFor={`device-${name}`}>{label}</label>
      {input}
      {hint && <span className="muted form-hint">{hint}</span>}
      {errors[name] && (
        <span className="field-error" id={`device-${name}-error`} data-testid={`device-error-${name}`}>
          {errors[name]}
        </span>
      )}
    </div>
  );
  const text = (name: FormField, opts: { inputMode?: 'numeric' | 'decimal'; placeholder?: string } = {}) => (
    <input
      id={`device-${name}`}
      data-testid={`device-field-${name}`}
      value={form[name]}
      autoComplete="off"
      inputMode={opts.inputMode}
      placeholder={opts.placeholder}
      aria-invalid={errors[name] ? 'true' : 'false'}
      aria-describedby={errors[name] ? `device-${name}-error` : undefined}
      onChange={(e) => set(name, e.target.value)}
    />
  );

  const transports = TRANSPORTS[form.kind];
  return (
    <form
      className="panel device-editor"
      data-testid="device-editor"
      aria-labelledby="device-editor-title"
      onSubmit={save}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          onClose();
        }
      }}
    >
      <h2 id="device-editor-title">{deviceId ? `Edit ${form.name || KIND_WORDS[form.kind]}` : `Add a ${form.kind === 'pin_pad' ? 'PIN pad' : KIND_WORDS[form.kind].toLowerCase()}`}</h2>
      <div className="form-grid">
        {field(
          'kind',
          'Kind',
          <select
            id="device-kind"
            data-testid="device-field-kind"
            value={form.kind}
            disabled={deviceId !== undefined}
            onChange={(e) => setForm((f) => switchKind(f, e.target.value as DeviceKind))}
          >
            {DEVICE_KINDS.map((k) => (
              <option key={k} value={k}>
                {KIND_WORDS[k]}
              </option>
            ))}
          </select>,
        )}
        {field('name', 'Name', text('name', { placeholder: 'Front counter' }))}
        {field('model', 'Model', text('model', { placeholder: form.kind === 'pin_pad' ? 'PAX A920' : form.kind === 'printer' ? 'Epson TM-T88' : 'MagTek Dynamag' }))}
        {transports.length > 1 &&
          field(
            'transport',
            'Connection',
            <select id="device-transport" data-testid="device-field-transport" value={form.transport} onChange={(e) => set('transport', e.target.value as FormTransport)}>
              {transports.map((t) => (
                <option key={t} value={t}>
                  {TRANSPORT_WORDS[t]}
                </option>
              ))}
            </select>,
          )}
        {(form.transport === 'tcp' || form.transport === 'http') && (
          <>
            {field('host', 'IP address or host name', text('host', { placeholder: '10.0.0.5' }))}
            {field('port', 'Port', text('port', { inputMode: 'numeric' }))}
          </>
        )}
        {form.transport === 'serial' && (
          <>
            {field('serialPath', 'Serial port', text('serialPath', { placeholder: '/dev/ttyUSB0 or COM3' }))}
            {field(
              'baudRate',
              'Speed (baud)',
              <select id="device-baudRate" data-testid="device-field-baudRate" value={form.baudRate} onChange={(e) => set('baudRate', e.target.value)}>
                {BAUD_CHOICES.map((b) => (
                  <option key={b} value={b}>
                    {b}
                  </option>
                ))}
              </select>,
            )}
          </>
        )}
        {form.transport === 'usb_hid' && (
          <>
            {field('vendorId', 'USB vendor id (hex)', text('vendorId', { placeholder: '0801' }))}
            {field('productId', 'USB product id (hex)', text('productId', { placeholder: 'any' }), 'Blank: any product of this vendor.')}
          </>
        )}
        {field(
          'connectSeconds',
          form.kind === 'pin_pad' ? 'Connect timeout (s)' : form.kind === 'printer' ? 'Status timeout (s)' : 'Open timeout (s)',
          text('connectSeconds', { inputMode: 'decimal', placeholder: 'default' }),
        )}
        {form.kind === 'pin_pad' && (
          <>
            {field('transactionSeconds', 'Payment timeout (s)', text('transactionSeconds', { inputMode: 'decimal', placeholder: 'default' }), 'How long a customer may take at the PIN pad.')}
            {field('cancelSeconds', 'Cancel timeout (s)', text('cancelSeconds', { inputMode: 'decimal', placeholder: 'default' }))}
          </>
        )}
      </div>
      {errors.form && (
        <p className="field-error" role="alert">
          {errors.form}
        </p>
      )}
      {!deviceId && (
        <label className="checkbox">
          <input type="checkbox" ref={assignAfterSave} defaultChecked data-testid="device-assign-on-save" /> Use it on this register once saved
        </label>
      )}
      <NoticeLine notice={notice} />
      <div className="dialog-actions">
        <button type="button" className="btn" data-testid="device-cancel" onClick={() => onClose()}>
          <kbd>Esc</kbd> Close
        </button>
        <button type="button" className="btn" data-testid="device-test-draft" disabled={busy !== null} onClick={() => void test()}>
          {busy === 'test' ? 'Testing…' : 'Test connection'}
        </button>
        <button type="submit" className="btn btn-primary" data-testid="device-save" disabled={busy !== null}>
          {busy === 'save' ? 'Saving…' : 'Save'}
        </button>
      </div>
    </form>
  );
}

// A message for the cashier in plain words, with the technical detail (an
// address, a port, an HTTP code, a device id) one click away for a manager.

import { hasTechnicalDetail, plainWords } from './plain-words.ts';

/** Plain words; the full text under "Technical detail" when it had any. */
export function PlainMessage({ text, testId }: { text: string; testId?: string }) {
  const technical = hasTechnicalDetail(text);
  return (
    <>
      <span data-testid={testId}>{technical ? plainWords(text) : text}</span>
      {technical && (
        <details className="technical-detail" data-testid={testId ? `${testId}-technical` : undefined}>
          <summary>Technical detail</summary>
          <code>{text}</code>
        </details>
      )}
    </>
  );
}

/** A field's or a dialog's error in plain words, announced (role alert); nothing while there is none. */
export function FieldError({ text, id, testId }: { text: string | null | undefined; id?: string; testId?: string }) {
  if (!text) return null;
  return (
    <p id={id} className="field-error" role="alert" data-testid={testId}>
      <PlainMessage text={text} />
    </p>
  );
}

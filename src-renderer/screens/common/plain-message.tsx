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

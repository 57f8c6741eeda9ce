// The ProcessorLink a PAX simulator in another process charges through: JSON
// over HTTP to the gateway simulator's /_processor door, so every simulator
// process shares the one ledger. It carries a card token and a masked number,
// never a card number.

import type { ProcessorLink, ProcessorRequest, ProcessorResponse } from '../../../src-shared/processor-link.ts';
import { GatewayMalformedResponseError } from '../gateway-errors.ts';
import { postOnce } from '../http-post.ts';

const RESULTS = new Set(['approved', 'partial', 'declined', 'duplicate', 'error']);

/** An HTTP ProcessorLink to the gateway simulator at `url` (its base URL); rejects with GatewayUnavailableError. */
export function gatewayProcessorLink(url: string, opts: { timeoutMs?: number } = {}): ProcessorLink {
  const endpoint = new URL('/_processor', url).toString();
  return {
    async submit(request: ProcessorRequest): Promise<ProcessorResponse> {
      const res = await postOnce({
        url: endpoint,
        body: JSON.stringify(request),
        contentType: 'application/json',
        accept: 'application/json',
        timeoutMs: opts.timeoutMs ?? 15_000,
        peer: 'simulated processor',
      });
      let parsed: unknown;
      try {
        parsed = JSON.parse(res.body);
      } catch {
        throw new GatewayMalformedResponseError('invalid JSON from the processor');
      }
      const r = parsed as Partial<ProcessorResponse> | null;
      if (!r || typeof r !== 'object' || !RESULTS.has(String(r.result)) || typeof r.refNum !== 'string' || !Number.isSafeInteger(r.amountApproved)) {
        throw new GatewayMalformedResponseError('processor answer lacks result, refNum or amountApproved');
      }
      return r as ProcessorResponse;
    },
  };
}

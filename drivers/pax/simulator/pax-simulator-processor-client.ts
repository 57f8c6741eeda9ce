// ProcessorLink over HTTP, so simulators in separate processes share one
// processor ledger (the gateway simulator's). Wire contract, kept minimal:
// POST <url> with a JSON ProcessorRequest body; 200 with a JSON
// ProcessorResponse body. A URL without a path (the gateway simulator's base
// URL) means its /_processor door. Anything else rejects (the device then answers
// 100001 and the app resolves the payment by lookup).

import type { ProcessorLink, ProcessorRequest, ProcessorResponse } from '../../../src-shared/processor-link.ts';

const RESULTS: readonly ProcessorResponse['result'][] = ['approved', 'partial', 'declined', 'duplicate', 'error'];

/** Builds a ProcessorLink from a URL; replaceable so another wire format can be plugged in. */
export type ProcessorLinkFactory = (url: string) => ProcessorLink;

/** Checks the shape of an untrusted processor answer; throws when it is not one. */
export function parseProcessorResponse(value: unknown): ProcessorResponse {
  const v = value as Partial<ProcessorResponse> | null;
  if (
    typeof v !== 'object' || v === null ||
    !RESULTS.includes(v.result as ProcessorResponse['result']) ||
    typeof v.refNum !== 'string' ||
    !Number.isSafeInteger(v.amountApproved) || (v.amountApproved as number) < 0 ||
    typeof v.text !== 'string'
  ) {
    throw new Error('The processor answered something that is not a processor response (result, refNum, amountApproved, text)');
  }
  return v as ProcessorResponse;
}

/** ProcessorLink that POSTs JSON to the given URL, giving up after timeoutMs. */
export function httpProcessorLink(url: string, timeoutMs = 5000): ProcessorLink {
  const target = new URL(url);
  if (target.pathname === '/') target.pathname = '/_processor';
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new RangeError(`Processor URL must be http(s), got ${target.protocol}`);
  return {
    async submit(request: ProcessorRequest): Promise<ProcessorResponse> {
      const res = await fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(request),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (res.status !== 200) throw new Error(`Processor at ${target.host} answered HTTP ${res.status}`);
      return parseProcessorResponse(await res.json());
    },
  };
}

// Cashier-facing text without technical detail: addresses, ports, HTTP status
// codes, URLs and device ids are taken out (they stay in the host's log and in
// the "Technical detail" a manager can open), so "The payment gateway at
// 127.0.0.1:38763 answered HTTP 503" reads "The payment gateway answered".

const URL = /\b[a-z][a-z0-9+.-]*:\/\/\S+/gi;
const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
const IPV4_PORT = /\b(?:at |on |to )?\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?\b/g;
const HOST_PORT = /\b(?:at |on |to )?(?:localhost|[a-z0-9-]+(?:\.[a-z0-9-]+)+):\d{1,5}\b/gi;
const PORT = /\b(?:on |at )?port \d{1,5}\b/gi;
const HTTP = /\b(?:with )?(?:HTTP|status)\s*\d{3}\b/gi;
const DEVICE_PATH = /\b(?:on |at )?\/dev\/[\w./-]+/g;

/** True when the text holds something a cashier should not have to read. */
export function hasTechnicalDetail(text: string): boolean {
  return [URL, UUID, IPV4_PORT, HOST_PORT, PORT, HTTP, DEVICE_PATH].some((re) => {
    re.lastIndex = 0;
    const hit = re.test(text);
    re.lastIndex = 0;
    return hit;
  });
}

/** The text with technical detail removed and the spaces and punctuation tidied. */
export function plainWords(text: string): string {
  return text
    .replace(URL, '')
    .replace(UUID, '')
    .replace(HOST_PORT, '')
    .replace(IPV4_PORT, '')
    .replace(PORT, '')
    .replace(HTTP, '')
    .replace(DEVICE_PATH, '')
    .replace(/\(\s*[,;:]?\s*\)/g, '')
    .replace(/\s+([,.;:)])/g, '$1')
    .replace(/([(])\s+/g, '$1')
    .replace(/\s{2,}/g, ' ')
    .trim();
}

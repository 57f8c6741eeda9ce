// Every PAX POSLink detail that public sources leave unconfirmed, chosen once
// here so the driver and the simulator agree and a change is made in one place
// (protocols.md marks these "(unconfirmed)" or is silent on them).
//
// 1. Protocol version sent in requests: 1.28 (the worked example's).
// 2. Response layout: every response starts `status FS command FS version FS
//    resultCode FS resultText`, status "0". A01 then carries serial number,
//    model name, OS/app version. B01 carries host (same subfields as T01),
//    total count, total amount, timestamp, terminal id, merchant id.
// 3. Cancel (A14): the terminal answers it with an A15 frame: resultCode 000000
//    when a transaction in progress was aborted, any other code when nothing
//    was (idle, or too late: already sent to the host). The aborted T00 itself
//    is answered with T01 100002.
//    Over TCP the A14 goes on its own connection; over serial on the same port,
//    and the driver routes A15 and T01 by command. Over HTTP cancel is impossible.
// 4. Result code 100001 ("timeout on the terminal") maps to outcome 'error'
//    (needs a lookup), not 'aborted': the timeout may be the host's, after the
//    issuer approved. A lookup is cheap; a lost approval is not (DESIGN §1.4).
//    100003 (format error) also maps to 'error': the device refused it, but the
//    coordinator resolves every 'error' the same way, by asking.
// 5. R02 local detail report: the driver asks record 0 filtered by ECR ref; the
//    R03 answer carries totalRecords and that record; the driver then asks for
//    records 1..total-1. No match = resultCode 000000 with totalRecords 0 (a
//    "not found" code 100023 is also accepted as no match).
// 6. An R03 record is a T01-like body. Its own result is carried in additional
//    info RESULTCODE / RESULTTEXT; absent means 000000 (the batch holds
//    approved transactions).
// 7. Serial: 9600 baud, 8 data bits, no parity, 1 stop bit.
// 8. After a frame with a good LRC the receiver answers ACK; after a bad LRC,
//    NAK, and the sender resends the same frame, at most 3 times. The driver
//    only ever asks the terminal to resend its *response*; it never resends a
//    T00 request after a timeout.
// 9. HTTP: GET http://host:port/?<base64 of the whole request frame>; the body
//    is the raw response frame (with STX/ETX/LRC), no ACK/NAK exchange.
// 10. Tokenize = T00 with transType 32 and additional info TOKENREQUEST=1; the
//    token comes back in T01 additional info TOKEN=.
// 11. The host reference of the original (for void, adjust, post-auth) travels
//    in request additional info HREF=; the original terminal reference in trace
//    subfield 4; the original ECR ref in trace subfield 7.
// 12. EOT in answer to a T00 means the terminal refused it unprocessed (also
//    what a cancel may produce): the driver reports outcome 'aborted' with
//    resultCode "EOT". EOT to any other request is an error of that request.
// 13. A lookup pages through at most 50 records of one ECR reference.
// 14. Serial runs one request at a time: a request queued behind another waits
//    for it to finish (bounded by that request's own timeout) before its own
//    wait starts. Only the A14 cancel jumps the queue.
// 15. Intermediate status (the ECR's "report status" option). The ECR asks for
//    it with additional info REPORTSTATUS=1 on a T00. While that T00 runs, the
//    terminal sends unsolicited status frames on the same link, between its
//    ACK of the T00 and the final T01:
//      `status FS S01 FS version FS statusCode FS statusText`
//    statusCode is two digits (PAX_STATUS_CODES below: 01 present card, 02 enter
//    PIN, 03 authorising, 04 signature, 05 remove card, 06 processing; any other
//    code reads as "processing"); statusText is the terminal's display line.
//    The ECR answers each with ACK (NAK when damaged, item 8) and keeps waiting
//    for the T01: a status frame is never a result, does not restart the
//    transaction timeout, and a T01 that never comes is still of unknown
//    outcome. Without REPORTSTATUS=1 the terminal sends none (older ECRs never
//    see one). Over HTTP there is no channel for them (one GET, one body): the
//    driver does not ask and the simulator sends none.

/** Protocol version the driver speaks. */
export const PAX_PROTOCOL_VERSION = '1.28';

/** Default TCP / HTTP port of a PAX terminal. */
export const PAX_DEFAULT_PORT = 10009;

/** Default serial speed. */
export const PAX_DEFAULT_BAUD = 9600;

/** How many times a damaged response may be asked for again with NAK. */
export const PAX_MAX_NAK_RETRIES = 3;

/** Result code meaning "no such record" in a report, treated as an empty result. */
export const PAX_RESULT_NOT_FOUND = '100023';

/** Additional-info key with which a T00 asks for intermediate status frames (item 15). */
export const PAX_REPORT_STATUS_KEY = 'REPORTSTATUS';

/** Command code of an intermediate status frame (item 15). */
export const PAX_STATUS_COMMAND = 'S01';

/** Status codes of an intermediate status frame (item 15). */
export const PAX_STATUS_CODES = {
  present_card: '01',
  enter_pin: '02',
  authorising: '03',
  signature: '04',
  remove_card: '05',
  processing: '06',
} as const;

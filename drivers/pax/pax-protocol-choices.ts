// Every PAX POSLink detail that public sources leave unconfirmed, chosen once
// here so the driver and the simulator agree and a change is made in one place
// (protocols.md marks these "(unconfirmed)" or is silent on them).
//
// 1. Protocol version sent in requests: 1.28 (the worked example's).
// 2. Response layout: every response starts `status FS command FS version FS
//    resultCode FS resultText`, status "0". A01 then carries serial number,
//    model name, OS/app version. B01 carries host (same subfields as T01),
//    total count, total amount, timestamp, terminal id, merchant id.
// 3. Cancel (A14): no public client knows an A15 answer (globalpayments/dotnet-sdk
//    PaxInterface Cancel catches "Terminal returned EOT"; hibou-io/hibou-odoo-suite
//    pos_pax sends A14 and reads nothing back). The terminal answers EOT or no
//    frame; the aborted T00 answers its own T01 100002. The simulator sends EOT.
//    The driver still reads a legacy A15. cancel() is true when every transaction
//    in flight got its definite T01 within cancelMs, false otherwise (in doubt).
//    Over TCP the A14 goes on its own connection; over serial on the same port.
//    Over HTTP cancel is impossible.
// 4. Result code 100001 ("timeout on the terminal") maps to outcome 'error'
//    (needs a lookup), not 'aborted': the timeout may be the host's, after the
//    issuer approved. A lookup is cheap; a lost approval is not (DESIGN §1.4).
//    100003 (format error) also maps to 'error': the device refused it, but the
//    coordinator resolves every 'error' the same way, by asking.
// 5. R02 local detail report (request layout of globalpayments/dotnet-sdk
//    PaxController BuildReportTransaction: EDC type, type, card type, record
//    number, terminal ref, auth code, ECR ref). The driver asks record 0 by ECR
//    ref, then records 1..total-1. R03 layout sent: total, record, host, EDC
//    type, type, original type, amount, account, trace, cashier, commercial,
//    check information, additional info = field 17 (globalpayments/dotnet-sdk
//    src/GlobalPayments.Api/Terminals/PAX/Responses/LocalDetailReport.cs, the
//    Objective-C laljikanjariya/ObjectiveCDemos LocalDetailReportResponse.h).
//    globalpayments/java-sdk LocalDetailReportResponse.java reads host first:
//    accepted on input too (majority sends total first). No match = 100023 NOT
//    FOUND, bare head (sent); 000000 with totalRecords 0 is also read as no match.
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
//    in request additional info HREF= (globalpayments/dotnet-sdk PaxController
//    EXT_DATA.HOST_REFERENCE_NUMBER); the original terminal reference in trace
//    subfield 4; the original ECR ref in trace subfield 7.
// 12. EOT in answer to a T00 means the terminal refused it unprocessed (also
//    what a cancel may produce): the driver reports outcome 'aborted' with
//    resultCode "EOT". EOT to any other request is an error of that request.
//    Only before the terminal ACKed the T00, and only when no cancel is
//    waiting for (or still owed, for 30 s) its own EOT: on a serial line the
//    A14's EOT shares the wire, and reading it as the sale's refusal would
//    journal a charged sale as not charged (pax-serial-cancel-eot.test.ts).
// 13. A lookup pages through at most 50 records of one ECR reference.
// 14. Serial runs one request at a time: a request queued behind another waits
//    for it to finish (bounded by that request's own timeout) before its own
//    wait starts. Only the A14 cancel jumps the queue. The terminal, single-
//    threaded, answers in the order it took requests: a request the driver
//    gave up on is still answered later. The line keeps the answers it is owed
//    (for 20 s) and hands each late frame to the oldest request that would
//    accept it; an R03 holding another ECR ref's record is never a lookup's
//    answer, and a lookup is not written while an R03 is owed (a "not found"
//    names no ref): it fails as "terminal did not answer", never "no record"
//    (pax-serial-late-answers.test.ts). Once a later request is answered, the
//    owed answers are forgotten: in order, nothing earlier is still to come.
//    The simulator answers in arrival order too (a held-back answer holds back
//    the ones behind it); only the A14's EOT is answered out of turn.
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

// 16. ECR reference "ans..16" on input: 1-16 printable characters, e.g.
//    `00001-001-0001` (the simulator accepts it); the driver sends letters and
//    digits only (src-shared/ecr-reference.ts).
// 17. Types 17 (V/SALE) and 18 (V/RETURN) void like 16 (globalpayments
//    PAX_TXN_TYPE). The driver keeps sending 16 for a void; the simulator takes all three.
// 18. Texts and void codes: real answers say `OK` with host message `APPROVAL`,
//    and `DECLINE` (TriplePlayPay/TerminalGateway TerminalTransmitter.cs prints a
//    real 1.54 T01 with both). A void of an
//    already voided original answers 100021, of an unknown original 100023;
//    both map to outcome 'declined' (nothing moved).
// 19. Amount subfields: total, tip, cash back, merchant fee, tax (cardknox-sdk-js
//    src/Pax/transactionApi.js getAmountInfo; globalpayments PaxController
//    AmountRequest). TransactionRequest.amount is the total charged; the driver
//    sends total minus tip, cash back and fee as the first subfield, then those
//    (tax is part of the amount and reported only). Answers echo them in
//    amount subfields 3-6 (cardknox-sdk-js ResponseAmountInformation).
// 20. B00's timestamp is optional (read with or without it).
// 21. ACK then answer: a real terminal leaves a short gap; the simulator waits
//    ackGapMs (default 2 ms, 0 in the round-trip bench) after its ACK. The
//    driver's stream decoder reads ACK+answer in one read or in two.
// 22. HTTP answers carry `Access-Control-Allow-Origin: *` (browser clients:
//    hibou-io/hibou-odoo-suite pos_pax, cardknox-sdk-js).
// 23. Whole-batch report (batch reconciliation): R02 with an empty ECR ref and
//    record numbers 0..total-1, one R03 each (the paging of item 5 without the
//    ECR-ref filter; globalpayments/dotnet-sdk PaxController
//    BuildReportTransaction sends the record number, LocalDetailReport.cs reads
//    TotalRecord / RecordNumber). An empty batch answers 100023. Each record's
//    additional info VOIDED=1 and OFFLINE=PENDING|UPLOADED|UPLOAD_FAILED carry
//    the void and store-and-forward states. The R00 local total report is not
//    sent: the PIN pad's totals are summed from this report, and B01 gives the
//    host's at close.
// 24. Card expiry: account subfield 3, MMYY (globalpayments/dotnet-sdk
//    Terminals/PAX/SubGroups/AccountSubGroups.cs AccountResponse.ExpireDate;
//    PAX's own arkhitech/react-native-pax-poslink2
//    ios/POSLinkSemiIntegrationSDK/Header/PLAccountResponse.h "expireDate ...
//    MMYY"; the real 1.54 answer in TriplePlayPay/TerminalGateway
//    TerminalTransmitter.cs carries `1225`). Read as month + 20YY; anything not
//    MMYY with a month 01-12 is dropped. The simulator answers it with a token
//    request only (card registration), like a real one that returns it "if
//    entered from the terminal".
// 25. Store-and-forward upload: B08 with one field, the SAF indicator 0 new
//    stored records, 1 failed records, 2 all (globalpayments/dotnet-sdk
//    Terminals/PAX/PaxEnums.cs B08_SAF_UPLOAD / B09_RSP_SAF_UPLOAD and
//    PaxInterface.cs SafUpload; globalpayments/java-sdk
//    src/main/java/com/global/api/entities/enums/SafUpload.java gives the
//    0/1/2 values). B09 answers, after the head: total count, total amount,
//    timestamp, uploaded count, uploaded amount, failed count, failed amount
//    (globalpayments/dotnet-sdk Terminals/PAX/Responses/SafUploadResponse.cs;
//    its trailing TOR info is not sent). The driver sends 0: a "failed" record
//    is one the host declined at upload and resending it would be declined
//    again. A record whose upload got no host answer stays in the new store
//    for the next B08. While the host is still unreachable the terminal
//    answers B09 100001 and uploads nothing; forwardStored() then rejects
//    (in doubt: the records are looked up, R02, item 23). An offline approval
//    is T01 000001 (item 4's table; PAX's PLTraceResponse.h numbers such
//    records in the SAF store, 5001-9000, the simulator does not); its
//    TOKEN= is a temporary one, not the card's: the host has not seen the
//    card. R02 after the upload reports OFFLINE=UPLOADED with the card's real
//    TOKEN= and the host's HRef=, or OFFLINE=UPLOAD_FAILED (item 23).
// 26. Signature capture: T00 additional info SIGN=1 (globalpayments/dotnet-sdk
//    PaxEnums.cs EXT_DATA.SIGNATURE_CAPTURE = "SIGN"); the answer's
//    SIGNSTATUS= (EXT_DATA.SIGNATURE_STATUS, read by DeviceResponse.cs) holds
//    0 captured, 1 aborted by the customer, 2 timeout, 3 not available,
//    4 uploaded, 5 upload failed: PAX's SignatureResponseStatus enum
//    (arkhitech/react-native-pax-poslink2
//    ios/POSLinkSemiIntegrationSDK/Header/PLSemiConst.h) less its NotSet=1
//    offset, the offset its SafIndicator and CardPresentIndicator enums have
//    against the wire values Global Payments sends (SafUpload.java 0/1/2;
//    AccountSubGroups.cs reads card present "0"). Aborted or timed out means
//    "cancelled": the terminal then voids its own authorisation before it
//    answers (the simulator's void: pax-simulator-device.ts
//    voidForCancelledSignature), answers the T01 still approved with
//    SIGNSTATUS=1, and its R02 record says VOIDED=1.
// 27. Entry modes the purser maps to the seed's CRD_MANUAL letters: 4 chip
//    (inserted, I), 1 swipe and 5 fallback swipe (swiped, A), 2 contactless
//    (globalpayments PaxEnums.cs EntryMode order).
// Additional info keys are read case-insensitively (upper-cased), as
// globalpayments ExtDataSubGroup does; real answers write `HRef=`.

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

/** B08 SAF indicator values (item 25). */
export const PAX_SAF_INDICATOR = { new: '0', failed: '1', all: '2' } as const;

/** Additional-info key with which a T00 asks for signature capture (item 26). */
export const PAX_SIGNATURE_KEY = 'SIGN';

/** Additional-info key of the signature status in an answer (item 26). */
export const PAX_SIGNATURE_STATUS_KEY = 'SIGNSTATUS';

/** SIGNSTATUS values (item 26). */
export const PAX_SIGNATURE_STATUS = {
  localCaptured: '0',
  aborted: '1',
  timeout: '2',
  notAvailable: '3',
  uploaded: '4',
  uploadFailed: '5',
} as const;

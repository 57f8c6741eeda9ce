// ESC/POS real-time status (DLE EOT n), shared by the driver and the simulator
// so both read the bits the same way. Bit layout per the Epson ESC/POS
// reference: every answer has bit 1 and bit 4 set and bits 0 and 7 clear.

/** DLE EOT: real-time status request prefix. */
export const DLE_EOT = [0x10, 0x04] as const;

/** The status kinds the driver asks for. */
export const STATUS_PRINTER = 1;
/** Offline cause. */
export const STATUS_OFFLINE_CAUSE = 2;
/** Roll paper sensor. */
export const STATUS_PAPER = 4;

const FIXED_BITS = 0x12;
const FIXED_MASK = 0x93;

/** n=1: offline. */
export const PRINTER_OFFLINE = 0x08;
/** n=2: cover open. */
export const CAUSE_COVER_OPEN = 0x04;
/** n=2: printing stopped at paper end. */
export const CAUSE_PAPER_END_STOP = 0x20;
/** n=2: an error occurred. */
export const CAUSE_ERROR = 0x40;
/** n=4: roll paper near its end (both bits). */
export const PAPER_NEAR_END = 0x0c;
/** n=4: roll paper not present (both bits). */
export const PAPER_END = 0x60;

/** The command bytes that ask for status kind `n`. */
export function statusRequest(n: number): Buffer {
  return Buffer.from([...DLE_EOT, n]);
}

/** True when a byte has the fixed bits of a real-time status answer. */
export function isStatusByte(b: number): boolean {
  return (b & FIXED_MASK) === FIXED_BITS;
}

/** The printer's condition as read from the three status answers. */
export interface PrinterCondition {
  online: boolean;
  coverOpen: boolean;
  paperOut: boolean;
  paperNearEnd: boolean;
  error: boolean;
}

/** Reads the answers to DLE EOT 1, 2 and 4. */
export function decodeStatus(printer: number, offlineCause: number, paper: number): PrinterCondition {
  return {
    online: (printer & PRINTER_OFFLINE) === 0,
    coverOpen: (offlineCause & CAUSE_COVER_OPEN) !== 0,
    paperOut: (paper & PAPER_END) !== 0 || (offlineCause & CAUSE_PAPER_END_STOP) !== 0,
    paperNearEnd: (paper & PAPER_NEAR_END) !== 0,
    error: (offlineCause & CAUSE_ERROR) !== 0,
  };
}

/** The answers a printer in `condition` gives to DLE EOT n (n = 1..4). */
export function encodeStatus(n: number, condition: PrinterCondition): number {
  switch (n) {
    case STATUS_PRINTER:
      return FIXED_BITS | (condition.online ? 0 : PRINTER_OFFLINE);
    case STATUS_OFFLINE_CAUSE:
      return FIXED_BITS | (condition.coverOpen ? CAUSE_COVER_OPEN : 0) | (condition.paperOut ? CAUSE_PAPER_END_STOP : 0) | (condition.error ? CAUSE_ERROR : 0);
    case STATUS_PAPER:
      return FIXED_BITS | (condition.paperNearEnd ? PAPER_NEAR_END : 0) | (condition.paperOut ? PAPER_END : 0);
    default:
      return FIXED_BITS;
  }
}

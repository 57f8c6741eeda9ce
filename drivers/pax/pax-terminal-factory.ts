// Builds a PaxTerminal from settings: which carrier, where, how long to wait.

import { PAX_DEFAULT_BAUD, PAX_DEFAULT_PORT } from './pax-protocol-choices.ts';
import { PaxHttpTransport } from './pax-http-transport.ts';
import { PaxSerialTransport } from './pax-serial-transport.ts';
import { PaxTcpTransport } from './pax-tcp-transport.ts';
import { DEFAULT_PAX_TIMEOUTS, PaxTerminal, type PaxTimeouts } from './pax-terminal.ts';
import type { PaxTransport } from './pax-transport.ts';

/** Settings of one configured PAX terminal. */
export interface PaxTerminalConfig {
  id: string;
  transport: 'tcp' | 'serial' | 'http';
  /** For tcp and http. */
  host?: string;
  /** For tcp and http; default 10009. */
  port?: number;
  /** For serial, e.g. /dev/ttyUSB0 or COM3. */
  serialPath?: string;
  /** For serial; default 9600. */
  baudRate?: number;
  timeouts?: Partial<PaxTimeouts>;
  /** Injected clock for request timestamps. */
  clock?: () => Date;
}

/** Creates the transport a config asks for; throws a RangeError naming what is missing. */
export function createPaxTransport(config: PaxTerminalConfig): PaxTransport {
  const connectTimeoutMs = config.timeouts?.connectMs ?? DEFAULT_PAX_TIMEOUTS.connectMs;
  switch (config.transport) {
    case 'tcp':
    case 'http': {
      if (!config.host) throw new RangeError(`PAX terminal "${config.id}": set the host (IP address) of the terminal`);
      const port = config.port ?? PAX_DEFAULT_PORT;
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`PAX terminal "${config.id}": port must be 1-65535`);
      const opts = { host: config.host, port, connectTimeoutMs };
      return config.transport === 'tcp' ? new PaxTcpTransport(opts) : new PaxHttpTransport(opts);
    }
    case 'serial':
      if (!config.serialPath) throw new RangeError(`PAX terminal "${config.id}": set the serial port path, e.g. /dev/ttyUSB0`);
      return new PaxSerialTransport({ path: config.serialPath, baudRate: config.baudRate ?? PAX_DEFAULT_BAUD, openTimeoutMs: connectTimeoutMs });
    default:
      throw new RangeError(`PAX terminal "${config.id}": transport must be tcp, serial or http`);
  }
}

/** Creates a PaxTerminal from its settings. */
export function createPaxTerminal(config: PaxTerminalConfig): PaxTerminal {
  return new PaxTerminal({ id: config.id, transport: createPaxTransport(config), timeouts: config.timeouts, clock: config.clock });
}

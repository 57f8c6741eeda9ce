// The terminal contract for PAX over RS-232: a real pty pair from socat per
// test, the simulator on one end, the driver on the other.
import { terminalContract } from '../terminal.contract.ts';
import { paxContractFixture } from './pax-terminal-test-rig.ts';

terminalContract('PAX over serial (socat pty pair)', paxContractFixture('serial'));

// The terminal contract for PAX over TCP against the simulator on loopback.
import { terminalContract } from '../terminal.contract.ts';
import { paxContractFixture } from './pax-terminal-test-rig.ts';

terminalContract('PAX over TCP', paxContractFixture('tcp'));

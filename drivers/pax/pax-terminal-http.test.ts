// The terminal contract for PAX over HTTP GET against the simulator on
// loopback. HTTP cannot cancel (capabilities.cancel is false: the contract's
// cancel cases then only check that cancel resolves false) and cannot ask for
// a damaged answer again, nor report its prompts while a sale runs (one GET,
// one body: pax-protocol-choices.ts item 15).
import { terminalContract } from '../terminal.contract.ts';
import { paxContractFixture } from './pax-terminal-test-rig.ts';

terminalContract('PAX over HTTP', paxContractFixture('http'), { recoversDamagedFrames: false, reportsPrompts: false });

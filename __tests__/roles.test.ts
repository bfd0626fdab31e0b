import { describe, expect, test } from '@jest/globals';
import { readRoles, type FailoverAnswer, type FailoverStatus } from '../src/jams/roles.js';

// The real shape of Get-JAMSFailoverStatus -Server <node>: one object for the node asked, values space-padded (the host
// trims them), Status Active or Passive.
const answer = (server: string, status: string, role: string): FailoverAnswer => ({
  server,
  reachable: true,
  status,
  role,
  primary: 'JAMS-PRI',
  secondary: 'JAMS-SEC',
  members: ['Status', 'Role', 'Primary', 'Secondary'],
});
const status = (self: FailoverAnswer, peer: FailoverAnswer | null): FailoverStatus => ({
  source: 'Get-JAMSFailoverStatus',
  available: true,
  computerName: 'JAMS-PRI',
  self,
  peer,
  peerSource: 'Get-JAMSFailoverStatus',
});

describe('roles from the real Get-JAMSFailoverStatus shape', () => {
  test('Active is Running and Passive is Backup Mode, compared without case', () => {
    const view = readRoles(
      status(answer('localhost', 'Active', 'Primary'), answer('JAMS-SEC', 'passive', 'Secondary')),
    );
    expect(view.self).toBe('Active');
    expect(view.selfLabel).toBe('Running');
    expect(view.configuredRole).toBe('primary');
    expect(view.peers).toEqual([{ name: 'JAMS-SEC', role: 'Standby', label: 'Backup Mode' }]);
  });

  test('a node that does not answer is Stopped, with the reason, not a failure', () => {
    const down: FailoverAnswer = {
      server: 'JAMS-SEC',
      reachable: false,
      error: 'target machine actively refused it',
    };
    const view = readRoles(status(answer('localhost', 'Active', 'Primary'), down));
    expect(view.peers[0]?.role).toBe('Stopped');
    expect(view.peers[0]?.label).toMatch(/^Stopped \(not answering: target machine actively refused it\)$/);
    const self = readRoles(status({ server: 'localhost', reachable: false, error: 'refused' }, null));
    expect(self.self).toBe('Stopped');
    expect(self.configuredRole).toBeNull();
    expect(self.peers).toEqual([]);
  });

  test("the JAMS Client's words are understood; anything else is Unknown and shows what was said", () => {
    expect(readRoles(status(answer('localhost', 'Backup Mode', 'Secondary'), null)).self).toBe('Standby');
    const odd = readRoles(status(answer('localhost', 'Initializing', 'Secondary'), null));
    expect(odd.self).toBe('Unknown');
    expect(odd.selfLabel).toBe("Unknown (status 'Initializing')");
    expect(odd.configuredRole).toBe('secondary');
  });

  test('without the JAMS module nothing is known', () => {
    const view = readRoles({
      source: 'Get-JAMSFailoverStatus',
      available: false,
      reason: 'no module',
      computerName: 'X',
    });
    expect(view).toEqual({
      self: 'Unknown',
      selfLabel: 'no module',
      configuredRole: null,
      standalone: false,
      peers: [],
      source: 'Get-JAMSFailoverStatus',
    });
  });

  test('a node JAMS names Standalone is not part of a pair: no configured role', () => {
    const view = readRoles({
      source: 'Get-JAMSFailoverStatus',
      available: true,
      computerName: 'JAMS-PRI',
      self: { server: 'localhost', reachable: true, status: 'Active', role: 'Standalone  ' },
      peer: null,
    });
    expect(view).toMatchObject({ self: 'Active', configuredRole: null, standalone: true });
  });
});

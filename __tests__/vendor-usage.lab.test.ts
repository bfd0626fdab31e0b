import { beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { editLab, injectFault, labPath, readLab } from '../lab/control.js';
import { freshLab, runStage, testShell } from './helpers/run-stage.js';

// The vendor's own ways of using JAMS from PowerShell, run unchanged in form against a lab node, as they would run on a
// real host. Each snippet is written here from the public script or KB it cites (not copied); if the lab's fakes drift
// from JAMS's shapes, these fail.
const USAGE = String.raw`
$ErrorActionPreference = 'Stop'
Import-Module JAMS
$out = [ordered]@{}

# JAMSScheduler/Users-Scripts Copy_HostKeys.ps1: the failover status of this node, its members trimmed.
$status = Get-JAMSFailoverStatus -Server localhost
$out.failover = [ordered]@{
    active = ($status.Status.Trim(' ') -eq 'Active'); role = $status.Role.Trim(' ')
    primary = $status.Primary.Trim(' '); secondary = $status.Secondary.Trim(' ')
}

# JAMSScheduler/PowerShell ManageMaintenanceWindow.ps1: read the resource, set QuantityAvailable, Update(), and back.
$resource = Get-Item JAMS::localhost\Resources\"MaintenanceWindow"
$resource.QuantityAvailable = 0
$resource.Update()
$closed = (Get-Item JAMS::localhost\Resources\"MaintenanceWindow").QuantityAvailable
$resource = Get-Item JAMS::localhost\Resources\"MaintenanceWindow"
$resource.QuantityAvailable = 999999
$resource.Update()
$out.window = [ordered]@{ closed = $closed; reopened = (Get-Item JAMS::localhost\Resources\"MaintenanceWindow").QuantityAvailable }

# The vendor's agent scripts (Test-JAMSAgent and the submit-per-agent sample): Agent.Find with a server name as text.
$agents = [MVPSI.JAMS.Agent]::Find("*", "localhost")
$out.agents = @($agents | ForEach-Object { [ordered]@{ name = $_.AgentName; online = $_.Online; platform = [string]$_.AgentPlatform } })

# An agent's Properties (JAMSShr.dll's PropertyValueCollection; REST CreateAgent.py puts Address among them).
$agent = $null
[MVPSI.JAMS.Agent]::Load([ref]$agent, 'APP01', [MVPSI.JAMS.Server]::GetServer('localhost'))
$pv = $null
$found = $agent.Properties.TryGetValue('Address', [ref]$pv)
$out.properties = [ordered]@{
    names = @($agent.Properties | ForEach-Object { $_.PropertyName })
    hasAddress = $agent.Properties.ContainsProperty('Address'); address = $agent.Properties.GetValue('Address')
    tried = $found; triedName = $pv.PropertyName; missing = $agent.Properties.GetValueOrDefault('NoSuchProperty', 'none')
}

# The vendor's V7 maintenance-window KB 115003331151: the root folder requires the resource (Schedule tab, a Resource
# requirement), i.e. a ResourceRequirement among Folder.Elements (JAMSShr.dll 7.x); adding one and Update() saves it.
$root = Get-Item JAMS::localhost\
$before = @($root.Elements | Where-Object { $_ -is [MVPSI.JAMS.ResourceRequirement] } | ForEach-Object { '{0}={1}' -f $_.ResourceName, $_.QuantityRequired })
[void]$root.Elements.Add((New-Object MVPSI.JAMS.ResourceRequirement('Other_Resource', 1)))
$root.Update()
$after = @((Get-Item JAMS::localhost\).Elements | Where-Object { $_ -is [MVPSI.JAMS.ResourceRequirement] } | ForEach-Object { $_.ResourceName })
$out.root = [ordered]@{ before = $before; after = $after }

# Public scripts: Get-JAMSEntry -State Executing, compared with the EntryState enum; .JAMSEntry is the number.
$executing = @(Get-JAMSEntry -Server localhost -State Executing)
$out.entries = @($executing | ForEach-Object {
    [ordered]@{ entry = $_.JAMSEntry; job = $_.JobName; executing = ($_.CurrentState -eq [MVPSI.JAMS.EntryState]::Executing) } })

$out | ConvertTo-Json -Depth 6 -Compress
`;

describe("the vendor's own usage runs against the lab", () => {
  let lab: string;
  let seen: {
    failover: { active: boolean; role: string; primary: string; secondary: string };
    window: { closed: number; reopened: number };
    agents: { name: string; online: boolean; platform: string }[];
    properties: Record<string, unknown>;
    root: { before: string[]; after: string[] };
    entries: { entry: number; job: string; executing: boolean }[];
  };

  beforeAll(async () => {
    ({ lab } = await freshLab());
    editLab(lab, (s) => {
      // The vendor's script names the resource MaintenanceWindow; the KB Maintenance_Window.
      s.resources['MaintenanceWindow'] = { quantityAvailable: 999999, requiredByRoot: false };
      s.resources['Other_Resource'] = { quantityAvailable: 5, requiredByRoot: false };
      // The executing entries keep executing, so what the script sees does not depend on how fast this machine is.
      for (const e of s.entries) if (e.state === 'Executing') e.finishAt = null;
    });
    const fakes = resolve('lab/ps/Lab.Fakes.ps1');
    const out = execFileSync(
      testShell(),
      [
        '-NoProfile',
        '-NonInteractive',
        '-Command',
        `. '${fakes}' -Folder $env:JU_LAB -Node primary; ${USAGE}`,
      ],
      { encoding: 'utf8', env: { ...process.env, JU_LAB: lab } },
    );
    seen = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as typeof seen;
  });

  test('Copy_HostKeys.ps1: the failover status of this node', () => {
    expect(seen.failover).toEqual({
      active: true,
      role: 'Primary',
      primary: 'JAMS-PRI',
      secondary: 'JAMS-SEC',
    });
  });

  test('ManageMaintenanceWindow.ps1: QuantityAvailable set, Update(), and back', () => {
    expect(seen.window).toEqual({ closed: 0, reopened: 999999 });
    expect(readLab(lab).resources['MaintenanceWindow']?.quantityAvailable).toBe(999999);
  });

  test('[MVPSI.JAMS.Agent]::Find("*", <server>) with .AgentName and .Online', () => {
    expect(seen.agents.map((a) => a.name)).toEqual(Object.keys(readLab(lab).agents).sort());
    expect(seen.agents.find((a) => a.name === 'APP01')).toEqual({
      name: 'APP01',
      online: true,
      platform: 'Windows',
    });
  });

  test("an agent's Properties: ContainsProperty, GetValue, TryGetValue, GetValueOrDefault", () => {
    expect(seen.properties).toEqual({
      names: ['Address', 'DeployJob', 'DeployCredential'],
      hasAddress: true,
      address: 'app01.corp.example',
      tried: true,
      triedName: 'Address',
      missing: 'none',
    });
  });

  test("the root folder's Elements hold a ResourceRequirement, and one added is saved by Update()", () => {
    expect(seen.root.before).toEqual(['Maintenance_Window=1']);
    expect(seen.root.after).toEqual(['Maintenance_Window', 'Other_Resource']);
    expect(readLab(lab).resources['Other_Resource']?.requiredByRoot).toBe(true);
  });

  test('Get-JAMSEntry -State Executing, compared with [MVPSI.JAMS.EntryState]::Executing', () => {
    const executing = readLab(lab).entries.filter((e) => e.state === 'Executing');
    expect(executing.length).toBeGreaterThan(0);
    expect(seen.entries).toEqual(executing.map((e) => ({ entry: e.id, job: e.name, executing: true })));
  });
});

describe('preflight refuses what it cannot upgrade, before anything changes', () => {
  test.each([
    [
      'standalone',
      /JAMS names JAMS-PRI \(primary\) Standalone: it is not part of a failover pair\./,
      /Failover\.config/,
    ],
    [
      'jams-6',
      /JAMS-PRI \(primary\) runs JAMS 6\.5\.18: jams-upgrade supports JAMS 7 and later\./,
      /by hand/,
    ],
  ])('%s', async (fault, message, next) => {
    const { lab, runs } = await freshLab();
    injectFault(lab, fault);
    const r = await runStage(lab, runs, { stage: 'preflight', role: 'primary' });
    expect(r.exitCode).toBe(1);
    expect(r.record.failure).toMatchObject({ hostState: 'Nothing was changed.' });
    expect(r.record.failure?.message).toMatch(message);
    expect(r.record.failure?.nextStep).toMatch(next);
    // Nothing durable was written: no Log On As record.
    expect(existsSync(labPath(lab, 'primary', 'C:\\ProgramData\\jams-upgrade\\logon-accounts.json'))).toBe(
      false,
    );
    if (fault === 'jams-6') {
      const contract = JSON.stringify(r.record.data['contract']);
      expect(contract).toContain('a JAMS 6.x folder (Requirements, no Elements)');
    }
  });

  test('a JAMS 6.x folder on a host whose version cannot be read is refused by its shape', async () => {
    const { lab, runs } = await freshLab();
    injectFault(lab, 'jams-6');
    editLab(lab, (s) => (s.nodes.primary.uninstall = []));
    rmSync(labPath(lab, 'primary', 'C:\\Program Files\\MVPSI\\JAMS\\Scheduler\\JAMSScheduler.exe'));
    const r = await runStage(lab, runs, { stage: 'preflight', role: 'primary' });
    expect(r.exitCode).toBe(1);
    expect(r.record.failure?.message).toMatch(
      /runs JAMS 6\.x \(its root folder keeps Requirements, not Elements\): jams-upgrade supports JAMS 7 and later/,
    );
  });
});

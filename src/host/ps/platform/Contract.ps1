# Contract probes: what a real host shows for each assumption in docs/unverified.md.
# Dot-sourced by JamsUpgrade.psm1; npm run package joins the folder into one file in dist/ps. Windows PowerShell 5.1
# compatible, ASCII only.

function PlatformProbe {
    # One contract probe: its observation, or the error that stopped it.
    param([scriptblock]$Probe)
    try { return [ordered]@{ ok = $true; observed = (& $Probe) } }
    catch { return [ordered]@{ ok = $false; error = $_.Exception.Message } }
}

function PlatformSample {
    # Member names and the non-secret sample values of one object.
    param($Object, [string[]]$Sample)
    $values = [ordered]@{}
    foreach ($name in $Sample) {
        $p = $null
        if ($null -ne $Object) { $p = $Object.PSObject.Properties[$name] }
        if ($null -ne $p) { $values[$name] = [string]$p.Value }
    }
    return [ordered]@{ members = (PlatformMembers $Object); sample = $values }
}

function PlatformProbeContract {
    <#
    .SYNOPSIS
    What this host shows for each assumption in docs/unverified.md; read-only.
    .PARAMETER Server
    The JAMS server (a plain host name).
    .PARAMETER Resource
    The maintenance resource's name.
    .PARAMETER Queues
    The private message queues to read.
    .OUTPUTS
    The observation: member names and non-secret samples.
    #>

    # What this host really shows for each assumption in docs/unverified.md: member names and non-secret sample values.
    # Read-only; the Node side compares it with the assumptions and warns on each that does not hold.
    param([string]$Server, [string]$Resource, [string[]]$Queues)
    $contract = [ordered]@{}
    $contract['services'] = PlatformProbe { , @(PlatformFindServices) }
    $contract['logOnAs'] = PlatformProbe {
        $first = @(Get-CimInstance -ClassName Win32_Service | Where-Object { [string]$_.DisplayName -like 'JAMS *' }) | Select-Object -First 1
        PlatformSample $first @('Name', 'StartMode', 'StartName', 'State')
    }
    $contract['uninstall'] = PlatformProbe { , @(PlatformUninstallEntries) }
    $contract['failoverConfig'] = PlatformProbe { PlatformFailoverConfig }
    $contract['jamsModule'] = PlatformProbe {
        PlatformJams
        $module = Get-Module -Name JAMS
        [ordered]@{ path = [string]$module.Path; version = [string]$module.Version }
    }
    $contract['failoverStatus'] = PlatformProbe {
        PlatformJams
        PlatformSample (@(Get-JAMSFailoverStatus -Server 'localhost' -ErrorAction Stop) | Select-Object -First 1) @('Status', 'Role', 'Primary', 'Secondary')
    }
    $contract['resource'] = PlatformProbe {
        PlatformJams
        $item = PlatformJamsItem -Path ('JAMS::' + $Server + '\Resources\' + $Resource)
        $root = Get-Item -LiteralPath ('JAMS::' + $Server + '\') -ErrorAction Stop
        $request = $null
        if ($null -ne $root.PSObject.Properties['Elements']) {
            $request = @($root.Elements | Where-Object { $null -ne $_ -and $null -ne $_.PSObject.Properties['ResourceName'] }) | Select-Object -First 1
        }
        [ordered]@{
            exists  = ($null -ne $item)
            item    = (PlatformSample $item @('QuantityAvailable'))
            root    = (PlatformSample $root @())
            request = (PlatformSample $request @('ResourceName', 'QuantityRequired'))
        }
    }
    $contract['entry'] = PlatformProbe {
        PlatformJams
        # The call the maintenance window makes; an unfiltered Get-JAMSEntry could list a whole day's schedule.
        $entry = @(Get-JAMSEntry -Server $Server -State Executing -ErrorAction Stop) | Select-Object -First 1
        PlatformSample $entry @('JAMSEntry', 'JobName', 'CurrentState', 'FinalSeverity', 'StartTimeUTC')
    }
    # The call the soak counts failures with, over the last 15 minutes (History.ps1).
    $contract['history'] = PlatformProbe { PlatformHistoryProbe -Server $Server }
    $contract['queues'] = PlatformProbe {
        $found = New-Object System.Collections.ArrayList
        foreach ($name in $Queues) {
            $q = PlatformGetQueuePermissions -Name $name
            [void]$found.Add([ordered]@{ name = $name; exists = $q.exists; entry = (@($q.entries) | Select-Object -First 1) })
        }
        if ($found.Count -gt 0) {
            $ace = @(Get-MsmqQueue -QueueType Private -ErrorAction Stop | Get-MsmqQueueACL -ErrorAction Stop) | Select-Object -First 1
            [ordered]@{ queues = $found.ToArray(); ace = (PlatformSample $ace @('AccountName', 'AccessControlEntryType', 'Right')) }
        }
    }
    $contract['agents'] = PlatformProbe {
        $agents = @(PlatformFindAgents -Server $Server)
        $type = 'MVPSI.JAMS.Agent' -as [type]
        $methods = @()
        if ($null -ne $type) { $methods = @($type.GetMethods() | ForEach-Object { $_.Name }) }
        if ($agents.Count -gt 0) {
            # The Properties entries of the first agents (not every agent has a deploy job), and which one names it.
            $names = New-Object System.Collections.ArrayList
            $deployKey = $null
            foreach ($a in @($agents | Select-Object -First 50)) {
                foreach ($p in @(PlatformAgentPropertyNames $a)) { if ($names -notcontains $p) { [void]$names.Add($p) } }
                if ($null -eq $deployKey) { $deployKey = PlatformAgentPropertyKey $a $script:AgentDeployProperties.deployJob }
            }
            [ordered]@{
                agent             = (PlatformSample $agents[0] @('AgentName', 'AgentType', 'AgentPlatform', 'Version', 'Online', 'AgentState'))
                properties        = $names.ToArray()
                deployJobProperty = $deployKey
                find              = ($methods -contains 'Find')
                load              = ($methods -contains 'Load')
                deploy            = ($methods -contains 'Deploy')
            }
        }
    }
    return $contract
}

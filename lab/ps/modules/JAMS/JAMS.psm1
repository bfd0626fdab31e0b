# The lab's JAMS module: the cmdlets, provider paths and types src/host/ps/platform/*.ps1 uses, over the lab's
# pair. The .NET types (MVPSI.JAMS.cs) follow the vendor's JAMSShr.dll, checked against lab/jams-surface/; what the
# vendor exposes through its PowerShell module (the JAMS:: provider, Get-JAMSFailoverStatus, Get-JAMSEntry) follows the
# vendor's public scripts, each cited below. The real module registers a JAMS provider; this one stands in for it with
# Test-Path, Get-Item and New-Item functions that answer JAMS:: paths and pass every other path on.
# Windows PowerShell 5.1 compatible, ASCII only.

# The types, compiled once per machine and PowerShell edition (compiling costs seconds, loading a built one does not).
if ($null -eq ('MVPSI.JAMS.Agent' -as [type])) {
    $source = [System.IO.File]::ReadAllText((Join-Path $PSScriptRoot 'MVPSI.JAMS.cs'))
    $sha = [System.Security.Cryptography.SHA256]::Create()
    $hash = ([System.BitConverter]::ToString($sha.ComputeHash([System.Text.Encoding]::UTF8.GetBytes($source)))).Replace('-', '').Substring(0, 16)
    $sha.Dispose()
    $cache = Join-Path ([System.IO.Path]::GetTempPath()) 'jams-upgrade-lab-types'
    $dll = Join-Path $cache ('MVPSI.JAMS.{0}.{1}.{2}.dll' -f $hash, $PSVersionTable.PSEdition, $PSVersionTable.PSVersion.Major)
    if (-not (Test-Path -LiteralPath $dll)) {
        [void][System.IO.Directory]::CreateDirectory($cache)
        $temp = $dll + '.' + $PID + '.tmp'
        Add-Type -TypeDefinition $source -OutputAssembly $temp -OutputType Library
        try { Move-Item -LiteralPath $temp -Destination $dll -ErrorAction Stop } catch { Remove-Item -LiteralPath $temp -ErrorAction SilentlyContinue }
    }
    Add-Type -Path $dll
}

function global:LabJamsNode {
    # The node a -Server name reaches: localhost and this host's name are this node, the peer's name is the peer.
    # A JAMS server whose JAMS Server service is not running cannot answer. Global: the items' Update() closures call it.
    param([hashtable]$State, [string]$Server)
    $self = $global:JuLab.node
    $peer = LabPeerOf $self
    $node = $null
    if (@('localhost', '.', '127.0.0.1') -contains $Server -or $Server -eq [string]$State.nodes[$self].hostName) { $node = $self }
    elseif ($Server -eq [string]$State.nodes[$peer].hostName) { $node = $peer }
    if ($null -eq $node) { throw "Could not connect to the JAMS server '$Server': No such host is known." }
    $server = LabServiceByDisplayName -Node $State.nodes[$node] -DisplayName 'JAMS Server'
    if ($null -eq $server -or $State.nodes[$node].services[$server].status -ne 'Running') {
        throw "Could not connect to the JAMS server '$Server': No connection could be made because the target machine actively refused it."
    }
    return $node
}

function LabPad {
    param([string]$Text)
    return $Text.PadRight(12)
}

function Get-JAMSFailoverStatus {
    # One object for the node asked (public scripts from 2016 on): Status Active or Passive, Role Primary or Secondary,
    # Primary and Secondary the two host names, all space-padded. What a node whose JAMS Scheduler is stopped while its
    # JAMS Server runs answers is not public; the lab answers Passive.
    [CmdletBinding()]
    param([string]$Server = 'localhost')
    return LabWithState -ReadOnly {
        param($s)
        $node = LabJamsNode -State $s -Server $Server
        $n = $s.nodes[$node]
        $status = 'Passive'
        if ($n.role -eq 'Active') { $status = 'Active' }
        $role = 'Secondary'
        if ($node -eq 'primary') { $role = 'Primary' }
        $names = @([string]$s.nodes.primary.hostName, [string]$s.nodes.secondary.hostName)
        if ($n.faults.rolesSwapped) {
            $role = @{ Primary = 'Secondary'; Secondary = 'Primary' }[$role]
            [array]::Reverse($names)
        }
        if ($n.faults.standalone) { $role = 'Standalone' }
    $answer = [ordered]@{ Status = (LabPad $status) }
        if ($n.faults.failoverShape -eq 'gui-words') { $answer.Status = (LabPad (@{ Active = 'Running'; Passive = 'Backup Mode' })[$status]) }
        if ($n.faults.failoverShape -ne 'no-role') { $answer['Role'] = (LabPad $role) }
        $answer['Primary'] = (LabPad $names[0])
        $answer['Secondary'] = (LabPad $names[1])
        [pscustomobject]$answer
    }
}

function LabEntryStart {
    # When a lab entry started executing (Unix ms), or $null: its startedAt, else its end less its run; a scheduled or
    # held entry has not started.
    param([hashtable]$Entry)
    if ($Entry.ContainsKey('startedAt') -and $null -ne $Entry.startedAt) { return [long]$Entry.startedAt }
    if (@('Scheduled', 'ResourceWait') -contains [string]$Entry.state) { return $null }
    if ($Entry.ContainsKey('finishAt') -and $null -ne $Entry.finishAt) { return [long]$Entry.finishAt - [long]$Entry.runsForMs }
    return $null
}

function Get-JAMSEntry {
    # Get-JAMSEntry -Server <s> -State Executing (public scripts, which read .JAMSEntry and .FinalStatus of its output),
    # as MVPSI.JAMS.Entry objects (JAMSShr.dll: JAMSEntry, JobName, CurrentState an EntryState, FinalSeverity a Severity,
    # FinalStatus, StartTimeUTC a DateTime, AvgElapsedTime a DeltaTime). A completed entry may show CompletedKept (the
    # EntryState after Completed) with the fault keptEntries.
    [CmdletBinding()]
    param([string]$Server = 'localhost', [string]$State)
    $list = {
        param($s)
        [void](LabJamsNode -State $s -Server $Server)
        $all = $s.entries
        if ($s.ContainsKey('deploys')) { $all = @($s.entries) + @($s.deploys) }
        foreach ($e in $all) {
            # finishAfterReads: an entry that ends after this many looks, so a test does not depend on the clock.
            if ($e.state -eq 'Executing' -and $e.ContainsKey('finishAfterReads')) {
                $e.finishAfterReads = [int]$e.finishAfterReads - 1
                if ($e.finishAfterReads -le 0) { $e.state = 'Completed' }
            }
            if ([string]::IsNullOrEmpty($State) -or $e.state -eq $State) {
                $entry = New-Object MVPSI.JAMS.Entry
                $entry.JAMSEntry = [int]$e.id
                $entry.JobName = [string]$e.name
                $shown = [string]$e.state
                if ($shown -eq 'Completed' -and $s.nodes[$global:JuLab.node].faults.keptEntries) { $shown = 'CompletedKept' }
                $entry.CurrentState = [MVPSI.JAMS.EntryState]$shown
                if (-not [string]::IsNullOrEmpty([string]$e.severity)) { $entry.FinalSeverity = [MVPSI.JAMS.Severity][string]$e.severity }
                $entry.FinalStatus = [string]$e.status
                $started = LabEntryStart $e
                if ($null -ne $started) { $entry.StartTimeUTC = [DateTimeOffset]::FromUnixTimeMilliseconds($started).UtcDateTime }
                # The job's average run: the lab's entries run for runsForMs.
                $entry.AvgElapsedTime = [MVPSI.JAMS.DeltaTime]::LabFromSeconds([int][Math]::Round([long]$e.runsForMs / 1000.0))
                $entry
            }
        }
    }
    # Only a look that counts an entry down changes the state; the others need no lock and no write.
    $found = LabWithState -ReadOnly {
        param($s)
        foreach ($e in $s.entries) { if ($e.state -eq 'Executing' -and $e.ContainsKey('finishAfterReads')) { return $null } }
        , @(& $list $s)
    }
    if ($null -eq $found) { return LabWithState $list }
    return $found
}

function LabJamsPath {
    # JAMS::<server>\<folder path> or JAMS::<server>\Resources\<name>
    param([string]$Path)
    if ($Path -notmatch '^JAMS::([^\\]+)\\(.*)$') { throw "Lab: '$Path' is not a JAMS provider path." }
    return @{ server = $Matches[1]; rest = $Matches[2].TrimEnd('\') }
}

function LabResourceItem {
    # An MVPSI.JAMS.Resource as the vendor's ManageMaintenanceWindow.ps1 uses it: QuantityAvailable, then Update() to save.
    # The fault resourceShape stands for a JAMS whose item has no QuantityAvailable (a shape the platform file refuses).
    param([hashtable]$State, [string]$Server, [string]$Name, [bool]$Exists)
    $quantity = 0
    if ($Exists) { $quantity = [int]$State.resources[$Name].quantityAvailable }
    if ($State.nodes[$global:JuLab.node].faults.resourceShape) { return [pscustomobject]@{ ResourceName = $Name; Description = 'lab resource' } }
    $resource = [MVPSI.JAMS.Resource]::LabCreate($Server, $Name, $quantity)
    $resource.Description = 'lab resource'
    return $resource
}

[MVPSI.JAMS.Resource]::LabSaver = [Action[MVPSI.JAMS.Resource, string]] {
    param($resource, $server)
    $name = $resource.ResourceName
    $quantity = [int]$resource.QuantityAvailable
    LabWithState {
        param($s)
        [void](LabJamsNode -State $s -Server $server)
        if (-not $s.resources.ContainsKey($name)) { $s.resources[$name] = @{ quantityAvailable = $quantity; requiredByRoot = $false } }
        else { $s.resources[$name].quantityAvailable = $quantity }
    }
}

function LabRootFolder {
    # The root folder as JAMS 7 shows it (JAMSShr.dll 7.x; the vendor's V7 maintenance-window KB 115003331151 sets the
    # requirement on the root folder's Schedule tab): an MVPSI.JAMS.Folder whose Elements hold a ResourceRequirement per
    # required resource, saved by Update(). The fault jams6 shows a JAMS 6.x folder: Requirements, no Elements.
    param([hashtable]$State, [string]$Server)
    if ($State.nodes[$global:JuLab.node].faults.jams6) {
        return [pscustomobject]@{ Name = ''; QualifiedName = '\'; Requirements = (New-Object System.Collections.ArrayList) }
    }
    $root = [MVPSI.JAMS.Folder]::LabCreate($Server, '', '\')
    [void]$root.Elements.Add((New-Object MVPSI.JAMS.Element))
    foreach ($name in @($State.resources.Keys | Sort-Object)) {
        if ($State.resources[$name].requiredByRoot) { [void]$root.Elements.Add((New-Object MVPSI.JAMS.ResourceRequirement -ArgumentList $name, 1)) }
    }
    return $root
}

[MVPSI.JAMS.Folder]::LabSaver = [Action[MVPSI.JAMS.Folder, string]] {
    param($folder, $server)
    $required = @($folder.Elements | Where-Object { $_ -is [MVPSI.JAMS.ResourceRequirement] } | ForEach-Object { [string]$_.ResourceName })
    LabWithState {
        param($s)
        [void](LabJamsNode -State $s -Server $server)
        foreach ($name in @($s.resources.Keys)) { $s.resources[$name].requiredByRoot = ($required -contains $name) }
    }
}

function LabJamsItemOf {
    # The item a JAMS:: path names, or $null: the root folder and the resources are what the lab knows.
    param([hashtable]$State, $Parsed)
    [void](LabJamsNode -State $State -Server $Parsed.server)
    if ($Parsed.rest -eq '') { return LabRootFolder -State $State -Server $Parsed.server }
    if ($Parsed.rest -match '^Resources\\([^\\]+)$' -and $State.resources.ContainsKey($Matches[1])) {
        return LabResourceItem -State $State -Server $Parsed.server -Name $Matches[1] -Exists $true
    }
    return $null
}

function Test-Path {
    # PowerShell's own Test-Path over the JAMS provider's items (the same JAMS::<server>\... paths the vendor's
    # ManageMaintenanceWindow.ps1 reads with Get-Item): true for the root folder and an existing resource.
    [CmdletBinding()]
    param([Parameter(Position = 0)][string[]]$Path, [string[]]$LiteralPath, [Microsoft.PowerShell.Commands.TestPathType]$PathType = 'Any', [switch]$IsValid)
    $asked = @(@($Path) + @($LiteralPath) | Where-Object { $_ })
    if (@($asked | Where-Object { $_ -notlike 'JAMS::*' }).Count -gt 0) { return Microsoft.PowerShell.Management\Test-Path @PSBoundParameters }
    foreach ($one in $asked) {
        $p = LabJamsPath -Path $one
        LabWithState -ReadOnly { param($s) $null -ne (LabJamsItemOf -State $s -Parsed $p) }
    }
}

function Get-Item {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string[]]$Path, [string[]]$LiteralPath, [switch]$Force)
    $asked = @(@($Path) + @($LiteralPath) | Where-Object { $_ })
    if (@($asked | Where-Object { $_ -notlike 'JAMS::*' }).Count -gt 0) { return Microsoft.PowerShell.Management\Get-Item @PSBoundParameters }
    foreach ($one in $asked) {
        $p = LabJamsPath -Path $one
        LabWithState -ReadOnly {
            param($s)
            $item = LabJamsItemOf -State $s -Parsed $p
            if ($null -eq $item) { throw (New-Object System.Management.Automation.ItemNotFoundException("Cannot find path '$one' because it does not exist.")) }
            $item
        }
    }
}

function New-Item {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string[]]$Path, [string]$ItemType, [string]$Name, $Value, [switch]$Force)
    if (@($Path | Where-Object { $_ -notlike 'JAMS::*' }).Count -gt 0) { return Microsoft.PowerShell.Management\New-Item @PSBoundParameters }
    foreach ($one in $Path) {
        $p = LabJamsPath -Path $one
        if ($ItemType -ne 'Resource' -or $p.rest -notmatch '^Resources\\([^\\]+)$') { throw "Lab: New-Item -ItemType $ItemType $one is not simulated." }
        $name = $Matches[1]
        LabWithState -ReadOnly {
            param($s)
            [void](LabJamsNode -State $s -Server $p.server)
            if ($s.resources.ContainsKey($name)) { throw "The resource $name already exists." }
            LabResourceItem -State $s -Server $p.server -Name $name -Exists $false
        }
    }
}

$global:JuLabAgentKeys = $null

function global:LabAgentKey {
    # The agent's name as stored: JAMS finds agents whatever the case. The names are indexed once per parsed state.
    param([hashtable]$State, [string]$Name)
    if ($null -eq $global:JuLabAgentKeys -or -not [object]::ReferenceEquals($global:JuLabAgentKeys.agents, $State.agents)) {
        $index = @{}
        if ($null -ne $State.agents) { foreach ($key in $State.agents.Keys) { $index[$key] = [string]$key } }
        $global:JuLabAgentKeys = @{ agents = $State.agents; index = $index }
    }
    $found = $global:JuLabAgentKeys.index[$Name]
    if ($null -eq $found) { throw "The agent $Name does not exist." }
    return $found
}

function global:LabAgentObject {
    # An agent definition as an MVPSI.JAMS.Agent (JAMSShr.dll 7.x): AgentType, AgentPlatform and AgentState are enums,
    # and the address, deploy job and deploy credential are Properties entries (the vendor's REST sample CreateAgent.py
    # puts Address among an agent's properties; the other two names are the platform file's first guesses). JAMS shows
    # the version an agent last reported.
    param([hashtable]$State, [string]$Key)
    $def = $State.agents[$Key]
    $agent = New-Object MVPSI.JAMS.Agent
    $agent.AgentName = $Key
    $agent.AgentType = [MVPSI.JAMS.AgentType][string]$def.type
    $agent.AgentPlatform = [MVPSI.JAMS.AgentPlatform][string]$def.platform
    if ($null -ne $def.version) { $agent.Version = [string]$def.version }
    $agent.Online = [bool]$def.online
    $agent.LabSetState([MVPSI.JAMS.AgentState][string]$def.state)
    if (-not [string]::IsNullOrEmpty([string]$def.address)) { $agent.Properties.Add('Address', [string]$def.address) }
    if ($null -ne $def.deployJob) {
        $agent.Properties.Add('DeployJob', [string]$def.deployJob)
        $agent.Properties.Add('DeployCredential', [string]$def.deployCredential)
    }
    return $agent
}

# History.Find answers from the lab's job stream (MVPSI.JAMS.cs): one completion every timing.historyPeriodMs, in the
# JAMS database both nodes share, so either node's JAMS Server answers it, while it runs. With the fault failure-rate,
# every second completion fails from the moment the lab's installer put a newer JAMS on the primary
# (newVersionOnPrimaryAt, lab/ps/Lab.State.ps1 LabCompleteInstall).
[MVPSI.JAMS.History]::LabStreamOf = [Func[string, long[]]] {
    param($server)
    $stream = LabWithState -ReadOnly {
        param($s)
        [void](LabJamsNode -State $s -Server $server)
        $period = [long]200
        if ($s.timing.ContainsKey('historyPeriodMs') -and $null -ne $s.timing.historyPeriodMs) { $period = [long]$s.timing.historyPeriodMs }
        $degradedFrom = [long]-1
        if ($s.ContainsKey('failureRateAfterUpgrade') -and $s.failureRateAfterUpgrade -and $s.ContainsKey('newVersionOnPrimaryAt') -and $null -ne $s.newVersionOnPrimaryAt) {
            $degradedFrom = [long]$s.newVersionOnPrimaryAt
        }
        , [long[]]@($period, $degradedFrom)
    }
    , [long[]]@($stream)
}

# Agent.Load, Agent.Find and Agent.Deploy call back into the lab, on the JAMS server the agent was loaded from.
[MVPSI.JAMS.Agent]::LabLoader = [Func[string, string, MVPSI.JAMS.Agent]] {
    param($name, $server)
    LabWithState -ReadOnly { param($s) [void](LabJamsNode -State $s -Server $server); LabAgentObject -State $s -Key (LabAgentKey -State $s -Name $name) }
}
[MVPSI.JAMS.Agent]::LabFinder = [Func[string, string, MVPSI.JAMS.Agent[]]] {
    param($pattern, $server)
    $found = LabWithState -ReadOnly {
        param($s)
        [void](LabJamsNode -State $s -Server $server)
        $list = New-Object System.Collections.ArrayList
        if ($null -ne $s.agents) {
            foreach ($key in @($s.agents.Keys | Sort-Object)) { if ($key -like $pattern) { [void]$list.Add((LabAgentObject -State $s -Key $key)) } }
        }
        , $list.ToArray()
    }
    , [MVPSI.JAMS.Agent[]]@($found)
}
[MVPSI.JAMS.Agent]::LabDeployer = [Action[MVPSI.JAMS.Agent, string]] {
    param($agent, $server)
    LabWithState { param($s) LabSubmitDeploy -State $s -Node (LabJamsNode -State $s -Server $server) -Name (LabAgentKey -State $s -Name $agent.AgentName) }
}

Export-ModuleMember -Function Get-JAMSFailoverStatus, Get-JAMSEntry, Test-Path, Get-Item, New-Item

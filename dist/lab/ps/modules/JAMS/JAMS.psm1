# The lab's JAMS module: the cmdlets, provider paths and types src/host/ps/Platform.Windows.ps1 uses, over the lab's
# pair. Each one says what public evidence its shape follows. The real module registers a JAMS provider; this one
# stands in for it with Get-Item and New-Item functions that answer JAMS:: paths and pass every other path on.
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
        $answer = [ordered]@{ Status = (LabPad $status) }
        if ($n.faults.failoverShape -eq 'gui-words') { $answer.Status = (LabPad (@{ Active = 'Running'; Passive = 'Backup Mode' })[$status]) }
        if ($n.faults.failoverShape -ne 'no-role') { $answer['Role'] = (LabPad $role) }
        $answer['Primary'] = (LabPad $names[0])
        $answer['Secondary'] = (LabPad $names[1])
        [pscustomobject]$answer
    }
}

function Get-JAMSEntry {
    # Get-JAMSEntry -Server <s> -State Executing (public scripts); the members JAMSEntry and JobName are what the platform
    # file assumes (no public sample shows them); CurrentState follows the vendor's EntryState, and a completed deploy
    # entry carries FinalSeverity and FinalStatus (assumed, like the platform file).
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
                $o = [ordered]@{ JAMSEntry = [int]$e.id; JobName = [string]$e.name; CurrentState = [string]$e.state }
                if ($e.ContainsKey('severity')) { $o.FinalSeverity = [string]$e.severity; $o.FinalStatus = [string]$e.status }
                [pscustomobject]$o
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
    # A Resource as the vendor's ManageMaintenanceWindow.ps1 uses it: QuantityAvailable, then Update() to save.
    param([hashtable]$State, [string]$Server, [string]$Name, [bool]$Exists)
    $quantity = 0
    if ($Exists) { $quantity = [int]$State.resources[$Name].quantityAvailable }
    $item = [ordered]@{ ResourceName = $Name; Description = 'lab resource' }
    if (-not $State.nodes[$global:JuLab.node].faults.resourceShape) { $item['QuantityAvailable'] = $quantity }
    $resource = [pscustomobject]$item
    # A closure keeps the server out of the item's members, which preflight records as the real shape.
    $server = $Server
    $resource | Add-Member -MemberType ScriptMethod -Name Update -Value {
        $name = $this.ResourceName
        $quantity = [int]$this.QuantityAvailable
        LabWithState {
            param($s)
            [void](LabJamsNode -State $s -Server $server)
            if (-not $s.resources.ContainsKey($name)) { $s.resources[$name] = @{ quantityAvailable = $quantity; requiredByRoot = $false } }
            else { $s.resources[$name].quantityAvailable = $quantity }
        }
    }.GetNewClosure()
    return $resource
}

function LabRootFolder {
    # The root folder: its resource requirements (Properties > Resources in the JAMS Client) in .Resources, saved by Update().
    param([hashtable]$State, [string]$Server)
    $requests = New-Object System.Collections.ArrayList
    foreach ($name in @($State.resources.Keys)) {
        if (-not $State.resources[$name].requiredByRoot) { continue }
        $request = New-Object MVPSI.JAMS.ResourceRequest
        $request.ResourceName = $name
        $request.QuantityRequired = 1
        [void]$requests.Add($request)
    }
    $root = [pscustomobject]@{ QualifiedName = '\'; Resources = $requests }
    $server = $Server
    $root | Add-Member -MemberType ScriptMethod -Name Update -Value {
        $required = @($this.Resources | ForEach-Object { [string]$_.ResourceName })
        LabWithState {
            param($s)
            [void](LabJamsNode -State $s -Server $server)
            foreach ($name in @($s.resources.Keys)) { $s.resources[$name].requiredByRoot = ($required -contains $name) }
        }
    }.GetNewClosure()
    return $root
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
            [void](LabJamsNode -State $s -Server $p.server)
            if ($p.rest -eq '') { return LabRootFolder -State $s -Server $p.server }
            if ($p.rest -match '^Resources\\([^\\]+)$' -and $s.resources.ContainsKey($Matches[1])) {
                return LabResourceItem -State $s -Server $p.server -Name $Matches[1] -Exists $true
            }
            throw (New-Object System.Management.Automation.ItemNotFoundException("Cannot find path '$one' because it does not exist."))
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
    # An agent definition as an MVPSI.JAMS.Agent; JAMS shows the version an agent last reported.
    param([hashtable]$State, [string]$Key)
    $def = $State.agents[$Key]
    $agent = New-Object MVPSI.JAMS.Agent
    $agent.AgentName = $Key
    $agent.AgentType = [string]$def.type
    $agent.PlatformType = [string]$def.platform
    $agent.Address = [string]$def.address
    if ($null -ne $def.version) { $agent.Version = [string]$def.version }
    $agent.Online = [bool]$def.online
    $agent.AgentState = [string]$def.state
    if ($null -ne $def.deployJob) { $agent.DeployJob = [string]$def.deployJob; $agent.DeployCredential = [string]$def.deployCredential }
    return $agent
}

# Agent.Load and Agent.Deploy call back into the lab, on the JAMS server the agent was loaded from.
[MVPSI.JAMS.Agent]::Loader = [Func[string, string, MVPSI.JAMS.Agent]] {
    param($name, $server)
    LabWithState -ReadOnly { param($s) [void](LabJamsNode -State $s -Server $server); LabAgentObject -State $s -Key (LabAgentKey -State $s -Name $name) }
}
[MVPSI.JAMS.Agent]::Deployer = [Action[MVPSI.JAMS.Agent, string]] {
    param($agent, $server)
    LabWithState { param($s) LabSubmitDeploy -State $s -Node (LabJamsNode -State $s -Server $server) -Name (LabAgentKey -State $s -Name $agent.AgentName) }
}

function Get-JAMSAgent {
    # Get-JAMSAgent [-Name <pattern>] -Server <s>: the agent definitions (the vendor's cmdlet list), as MVPSI.JAMS.Agent.
    [CmdletBinding()]
    param([Parameter(Position = 0)][string]$Name = '*', [string]$Server = 'localhost')
    return LabWithState -ReadOnly {
        param($s)
        [void](LabJamsNode -State $s -Server $Server)
        if ($null -ne $s.agents) {
            foreach ($key in @($s.agents.Keys | Sort-Object)) { if ($key -like $Name) { LabAgentObject -State $s -Key $key } }
        }
    }
}

Export-ModuleMember -Function Get-JAMSFailoverStatus, Get-JAMSEntry, Get-JAMSAgent, Get-Item, New-Item

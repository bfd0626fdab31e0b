# The lab's agents and remote hosts, part of the engine (dot-sourced by Lab.State.ps1): JAMS agent definitions in
# state.json (agents), the machines they and the desktop clients run on (remoteHosts, one folder each under
# <lab>/remote/<host>), the entries of deploy jobs (deploys, listed with the other entries) and the installers started
# on those machines (remoteInstalls), all in lazy lab time.
# Windows PowerShell 5.1 compatible, ASCII only.

function LabNewAgentState {
    # A new pair's agents and workstations, from default-state.json.
    param([hashtable]$State, [hashtable]$Template)
    $State.agents = @{}
    if ($null -ne $Template.agents) { $State.agents = $Template.agents }
    $State.remoteHosts = @{}
    if ($null -ne $Template.remoteHosts) { $State.remoteHosts = $Template.remoteHosts }
    $State.remoteInstalls = @()
    $State.deploys = @()
}

function LabRemotePath {
    # A path on a remote host: C:\X -> <lab>/remote/<host>/C/X.
    param([string]$Computer, [string]$Path)
    return LabMapPath -Path $Path -Node ('remote/' + $Computer.ToLowerInvariant())
}

function LabAgentHost {
    param([hashtable]$Agent, [string]$Name)
    if (-not [string]::IsNullOrEmpty([string]$Agent.address)) { return [string]$Agent.address }
    return $Name
}

$global:JuLabHostIndex = $null

function LabAgentsOn {
    # The names of the agents whose machine is this host, from an index built once per parsed state (a lab may have
    # hundreds of agents). Callers wrap it in @(): a plain return, not the array as one item.
    param([hashtable]$State, [string]$Computer)
    if ($null -eq $State.agents) { return }
    $index = $global:JuLabHostIndex
    if ($null -eq $index -or -not [object]::ReferenceEquals($index.agents, $State.agents)) {
        $hosts = @{}
        foreach ($name in $State.agents.Keys) {
            $machine = LabAgentHost -Agent $State.agents[$name] -Name $name
            if (-not $hosts.ContainsKey($machine)) { $hosts[$machine] = New-Object System.Collections.ArrayList }
            [void]$hosts[$machine].Add([string]$name)
        }
        $index = @{ agents = $State.agents; hosts = $hosts }
        $global:JuLabHostIndex = $index
    }
    $found = $index.hosts[$Computer]
    if ($null -eq $found) { return }
    return $found.ToArray()
}

function LabKnownHost {
    # A host the lab has: a workstation, or the machine of an agent.
    param([hashtable]$State, [string]$Computer)
    if ($null -ne $State.remoteHosts -and $State.remoteHosts.ContainsKey($Computer)) { return $true }
    return (@(LabAgentsOn -State $State -Computer $Computer).Count -gt 0)
}

function LabHostFaults {
    param([hashtable]$State, [string]$Computer)
    $faults = @{ unreachable = $false; deployFails = $false; neverOnline = $false; installerExitCode = 0 }
    if ($null -eq $State.remoteHosts -or -not $State.remoteHosts.ContainsKey($Computer)) { return $faults }
    $set = $State.remoteHosts[$Computer].faults
    if ($null -ne $set) { foreach ($key in @($set.Keys)) { $faults[$key] = $set[$key] } }
    return $faults
}

function LabInstallAgentOn {
    # The agent software of a new version on a host: its service restarts and JAMS sees it online again, unless the host's
    # agent never comes back (faults.neverOnline).
    param([hashtable]$State, [string]$Computer, [string]$Version)
    $never = [bool](LabHostFaults -State $State -Computer $Computer).neverOnline
    foreach ($name in @(LabAgentsOn -State $State -Computer $Computer)) {
        $agent = $State.agents[$name]
        $agent.version = $Version
        $agent.online = -not $never
        $agent.state = 'Idle'
        $agent.service = 'Running'
        if ($never) { $agent.state = 'Unreachable'; $agent.service = 'Stopped' }
    }
}

function LabNextId {
    param([object[]]$Items, [string]$Key, [int]$First)
    $next = $First
    foreach ($item in @($Items)) { if ($null -ne $item -and [int]$item[$Key] -ge $next) { $next = [int]$item[$Key] + 1 } }
    return $next
}

function LabDeployEnd {
    # When a deploy that starts now ends: after timing.agentDeployMs, on the scheduler's next quarter second, so the
    # deploys of one batch end together and their end is written once.
    param([hashtable]$State)
    $end = (LabNow) + [long]$State.timing.agentDeployMs
    return [long]([Math]::Ceiling($end / 250.0) * 250)
}

function LabSubmitDeploy {
    # Agent.Deploy(): the definition's deploy job as an entry that runs timing.agentDeployMs. With deployHeldByWindow it
    # inherits the root folder's maintenance-window requirement and waits for resources while the window is closed.
    param([hashtable]$State, [string]$Node, [string]$Name)
    $agent = $State.agents[$Name]
    if ([string]::IsNullOrEmpty([string]$agent.deployJob)) { throw "This agent cannot be deployed because the deployment job has not been specified." }
    $held = $false
    if ($State.ContainsKey('deployHeldByWindow') -and $State.deployHeldByWindow) {
        foreach ($r in @($State.resources.Values)) { if ($r.requiredByRoot -and [long]$r.quantityAvailable -lt 1) { $held = $true } }
    }
    $entry = @{
        id = (LabNextId -Items (@($State.entries) + @($State.deploys)) -Key 'id' -First 5001)
        name = @([string]$agent.deployJob -split '\\')[-1]; state = 'Executing'; runsForMs = [long]$State.timing.agentDeployMs
        finishAt = (LabDeployEnd -State $State); agent = $Name; version = [string]$State.nodes[$Node].version
        severity = ''; status = ''
    }
    if ($held) { $entry.state = 'ResourceWait'; $entry.finishAt = $null }
    $State.deploys = @($State.deploys) + @($entry)
}

function LabFinishDeploy {
    # A deploy job's end: it cannot reach an unreachable host, fails with a deploy credential that cannot log on
    # (faults.deployFails), and otherwise installs the scheduler's agent version there.
    param([hashtable]$State, [hashtable]$Entry)
    $agent = $State.agents[[string]$Entry.agent]
    $computer = LabAgentHost -Agent $agent -Name ([string]$Entry.agent)
    $faults = LabHostFaults -State $State -Computer $computer
    if ($faults.unreachable) {
        $Entry.severity = 'Error'
        $Entry.status = "Deploy of $($Entry.agent) failed: The network path was not found ($computer)."
    }
    elseif ($faults.deployFails) {
        $Entry.severity = 'Error'
        $Entry.status = "Deploy of $($Entry.agent) failed: Access is denied (the deploy credential could not log on to $computer)."
    }
    else {
        $Entry.severity = 'Success'
        $Entry.status = "Agent $($Entry.agent) deployed, version $($Entry.version)."
        LabInstallAgentOn -State $State -Computer $computer -Version ([string]$Entry.version)
    }
}

function LabStartRemoteInstall {
    # An installer started on a remote host (msiexec with the agent MSI, or the JAMS setup); it ends after
    # timing.remoteInstallMs. Returns its process id.
    param([hashtable]$State, [string]$Computer, [string]$Kind, [string]$Version, [string[]]$Tokens, [string]$Log, [bool]$HeldAtStart = $false)
    $id = LabNextId -Items $State.remoteInstalls -Key 'pid' -First 40001
    $State.remoteInstalls = @($State.remoteInstalls) + @(@{
            pid = $id; host = $Computer; kind = $Kind; version = $Version; tokens = $Tokens; log = $Log; heldAtStart = $HeldAtStart
            finishAt = (LabNow) + [long]$State.timing.remoteInstallMs; done = $false; exitCode = $null
        })
    return $id
}

function LabFinishRemoteInstall {
    # Like a Windows Installer package: without /qn or /quiet it would wait for a click (1602); otherwise the host's
    # faults.installerExitCode (0 by default). A success installs the agent or the desktop client of that version. The
    # verbose log is written where the command line asked.
    param([hashtable]$State, [hashtable]$Install)
    $tokens = @($Install.tokens)
    $code = [int](LabHostFaults -State $State -Computer ([string]$Install.host)).installerExitCode
    if (-not (($tokens -contains '/qn') -or ($tokens -contains '/quiet'))) { $code = 1602 }
    $Install.done = $true
    $Install.exitCode = $code
    $product = 'JAMS Client'
    if ($Install.kind -eq 'agent') { $product = 'JAMS Agent' }
    $file = $null
    if (-not [string]::IsNullOrEmpty([string]$Install.log)) { $file = LabRemotePath -Computer ([string]$Install.host) -Path ([string]$Install.log) }
    # A reader that finds the end due applies it once more under the lock: the log is written whole each time.
    if ($null -ne $file -and [System.IO.File]::Exists($file)) { [System.IO.File]::Delete($file) }
    LabAppendLog -File $file -Lines @('=== Verbose logging started (lab) ===', "Command Line: $($tokens -join ' ')", "Product: $product $($Install.version) -- Installation started.")
    if ($code -eq 0 -or $code -eq 3010 -or $code -eq 1641) {
        if ($Install.kind -eq 'agent') { LabInstallAgentOn -State $State -Computer ([string]$Install.host) -Version ([string]$Install.version) }
        else {
            if (-not $State.remoteHosts.ContainsKey([string]$Install.host)) { $State.remoteHosts[[string]$Install.host] = @{ client = $null; faults = @{} } }
            $State.remoteHosts[[string]$Install.host].client = @{ version = [string]$Install.version }
        }
        LabAppendLog -File $file -Lines @("Product: $product -- Installation completed successfully.", "Windows Installer installed the product. Product Version: $($Install.version). Installation success or error status: $code.")
    }
    else {
        LabAppendLog -File $file -Lines @('Note: 1: 1708', 'Action ended: InstallFinalize. Return value 3.', "Product: $product -- Installation failed.", "Windows Installer installed the product. Installation success or error status: $code.")
    }
    LabAppendLog -File $file -Lines @("MainEngineThread is returning $code", '=== Logging stopped ===')
}

$global:JuLabAgentsDue = $null

function LabAdvanceAgents {
    # The agent events that came due (called by LabAdvance): a deploy ends and takes effect, a held one starts once the
    # window opens, a remote installer ends. Every access calls this, so while nothing can be due it returns at once: the
    # earliest end is kept for these very lists (a new deploy or installer replaces its list).
    param([hashtable]$State, [long]$Now, [bool]$Held)
    if (-not $State.ContainsKey('deploys')) { return $false }
    $due = $global:JuLabAgentsDue
    if ($null -ne $due -and [object]::ReferenceEquals($due.deploys, $State.deploys) -and [object]::ReferenceEquals($due.installs, $State.remoteInstalls) -and $Now -lt $due.at) {
        return $false
    }
    $changed = $false
    $next = [long]::MaxValue
    foreach ($entry in $State.deploys) {
        if ($entry.state -eq 'ResourceWait') {
            if ($Held) { $next = 0; continue }
            $entry.state = 'Executing'
            $entry.finishAt = LabDeployEnd -State $State
            $changed = $true
        }
        if ($entry.state -ne 'Executing') { continue }
        if ([long]$entry.finishAt -le $Now) {
            $entry.state = 'Completed'
            LabFinishDeploy -State $State -Entry $entry
            $changed = $true
        }
        elseif ([long]$entry.finishAt -lt $next) { $next = [long]$entry.finishAt }
    }
    foreach ($install in $State.remoteInstalls) {
        if ($null -eq $install -or $install.done) { continue }
        if ([long]$install.finishAt -le $Now) {
            LabFinishRemoteInstall -State $State -Install $install
            $changed = $true
        }
        elseif ([long]$install.finishAt -lt $next) { $next = [long]$install.finishAt }
    }
    $global:JuLabAgentsDue = @{ deploys = $State.deploys; installs = $State.remoteInstalls; at = $next }
    return $changed
}

function LabWriteAgentPackage {
    # <install folder>\Agents\SetupAgentx64.msi of the node's version: a lab binary whose facts the lab's VersionInfo,
    # Get-AuthenticodeSignature and msiexec read.
    param([string]$Folder, [string]$Version)
    LabWriteBinary -File ([System.IO.Path]::Combine($Folder, 'Agents', 'SetupAgentx64.msi')) -Facts ([ordered]@{
            kind = 'msi'; version = $Version; signature = 'Valid'; signer = 'CN=JAMS Software (lab), O=Lab'
        })
}

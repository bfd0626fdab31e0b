# The lab: a simulated JAMS primary/failover pair at the PowerShell level.
# It implements the Platform* functions of src/host/ps/Platform.Windows.ps1 over one state file, so the
# product module runs unchanged against it. Loaded only when JAMS_UPGRADE_LAB names a folder; both
# nodes (primary and secondary) share that folder, so a stage on one node sees the other.
#
# Time is simulated lazily: every call advances the pair to "now" by applying the pending events
# (service transitions, role activations) in time order. Faults live in each node's "faults".
# Windows PowerShell 5.1 compatible, ASCII only.

$script:LabFolder = [string]$script:PlatformOptions.labFolder
$script:LabNode = [string]$script:PlatformOptions.node
$script:LabTemplateFolder = $PSScriptRoot
if ($script:LabNode -ne 'primary' -and $script:LabNode -ne 'secondary') {
    throw "Lab node '$script:LabNode' must be primary or secondary."
}

function LabNow { return [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds() }

function LabStatePath { return Join-Path $script:LabFolder 'state.json' }

function LabNodeFolder {
    param([string]$Node)
    return Join-Path $script:LabFolder $Node
}

function LabMapPath {
    # C:\Program Files\X -> <lab>/<node>/C/Program Files/X ; \\server\share\X -> <lab>/unc/server/share/X
    param([string]$Path, [string]$Node)
    if ($Path -match '^([A-Za-z]):[\\/](.*)$') {
        $rest = $Matches[2] -replace '\\', '/'
        return Join-Path (Join-Path (LabNodeFolder $Node) $Matches[1].ToUpper()) $rest
    }
    if ($Path -match '^\\\\(.*)$') {
        return Join-Path (Join-Path $script:LabFolder 'unc') ($Matches[1] -replace '\\', '/')
    }
    return $Path
}

function LabCopyTemplateFiles {
    param([hashtable]$State, [string]$Node)
    $target = LabMapPath -Path ([string]$State.installFolder) -Node $Node
    [void](New-Item -ItemType Directory -Path $target -Force)
    foreach ($file in @(Get-ChildItem -LiteralPath (Join-Path $script:LabTemplateFolder 'files') -File)) {
        Copy-Item -LiteralPath $file.FullName -Destination (Join-Path $target $file.Name) -Force
    }
}

function LabNewState {
    # A healthy pair: every service running under a domain account, the primary active.
    $template = ConvertTo-JuPlain (ConvertFrom-Json ([System.IO.File]::ReadAllText((Join-Path $script:LabTemplateFolder 'default-state.json'))))
    $now = LabNow
    $state = @{ timing = $template.timing; installFolder = $template.installFolder; resources = $template.resources; nodes = @{} }
    foreach ($node in @('primary', 'secondary')) {
        $n = ConvertTo-JuPlain (ConvertFrom-Json (ConvertTo-Json -InputObject $template.node -Depth 20))
        $n.hostName = $template.nodes[$node].hostName
        $n.peer = $template.nodes[$node].peer
        $n.role = 'Standby'
        if ($node -eq 'primary') { $n.role = 'Active' }
        $state.nodes[$node] = $n
        LabCopyTemplateFiles -State $state -Node $node
    }
    $entries = New-Object System.Collections.ArrayList
    foreach ($e in @($template.entries)) {
        [void]$entries.Add(@{ name = $e.name; state = $e.state; finishAt = $now + [long]$e.runsForMs })
    }
    $state.entries = $entries.ToArray()
    return $state
}

$script:LabCache = @{ stamp = $null; state = $null }

function LabStamp {
    param([string]$Path)
    $item = Get-Item -LiteralPath $Path -ErrorAction SilentlyContinue
    if ($null -eq $item) { return $null }
    return '{0}-{1}' -f $item.LastWriteTimeUtc.Ticks, $item.Length
}

function LabWithState {
    # Runs $Action on the advanced state under a lock file, then saves it if anything changed (-Write, or
    # an event that came due). Two nodes share the folder.
    param([scriptblock]$Action, [switch]$Write)
    [void](New-Item -ItemType Directory -Path $script:LabFolder -Force)
    $lockPath = Join-Path $script:LabFolder 'state.lock'
    $lock = $null
    $deadline = (LabNow) + 10000
    while ($null -eq $lock) {
        try { $lock = [System.IO.File]::Open($lockPath, 'CreateNew', 'Write', 'None') }
        catch {
            if ((LabNow) -gt $deadline) { throw "The lab state is locked ($lockPath). Delete the file if no stage is running." }
            Start-Sleep -Milliseconds 20
        }
    }
    try {
        $path = LabStatePath
        $dirty = $Write.IsPresent
        $stamp = LabStamp $path
        if ($null -ne $stamp -and $stamp -eq $script:LabCache.stamp) { $state = $script:LabCache.state }
        elseif ($null -ne $stamp) { $state = ConvertTo-JuPlain (ConvertFrom-Json ([System.IO.File]::ReadAllText($path))) }
        else { $state = LabNewState; $dirty = $true }
        # Parsing dominates a call's cost; the parsed state is reused while the file is unchanged.
        $script:LabCache = @{ stamp = $null; state = $null }
        if (LabAdvance -State $state) { $dirty = $true }
        $result = & $Action $state
        if ($dirty) {
            $temp = $path + '.tmp'
            [System.IO.File]::WriteAllText($temp, (ConvertTo-Json -InputObject $state -Depth 20), (New-Object System.Text.UTF8Encoding($false)))
            Move-Item -LiteralPath $temp -Destination $path -Force
        }
        $script:LabCache = @{ stamp = (LabStamp $path); state = $state }
        return $result
    }
    finally {
        $lock.Dispose()
        Remove-Item -LiteralPath $lockPath -Force -ErrorAction SilentlyContinue
    }
}

function LabAdvance {
    # Applies pending events up to now, earliest first, so a chain (stop -> failover) lands in order.
    param([hashtable]$State)
    $now = LabNow
    $changed = $false
    while ($true) {
        $next = $null
        foreach ($nodeName in @('primary', 'secondary')) {
            $node = $State.nodes[$nodeName]
            foreach ($svcName in @($node.services.Keys)) {
                $pending = $node.services[$svcName].pending
                if ($null -ne $pending -and $null -ne $pending.at -and [long]$pending.at -le $now) {
                    if ($null -eq $next -or [long]$pending.at -lt $next.at) { $next = @{ at = [long]$pending.at; node = $nodeName; service = $svcName } }
                }
            }
            if ($null -ne $node.activateAt -and [long]$node.activateAt -le $now) {
                if ($null -eq $next -or [long]$node.activateAt -lt $next.at) { $next = @{ at = [long]$node.activateAt; node = $nodeName; service = $null } }
            }
        }
        if ($null -eq $next) { break }
        $changed = $true
        $node = $State.nodes[$next.node]
        $peer = $State.nodes[$node.peer]
        if ($null -eq $next.service) {
            $node.activateAt = $null
            if (-not $node.faults.neverActive -and $peer.role -ne 'Active') { $node.role = 'Active' }
            continue
        }
        $svc = $node.services[$next.service]
        $svc.status = $svc.pending.to
        $svc.pending = $null
        if ($next.service -ne $node.schedulerService) { continue }
        if ($svc.status -eq 'Running') {
            $node.role = 'Standby'
            $node.activateAt = $null
            if ($node.faults.claimsActive) { $node.role = 'Active' }
            elseif ($peer.role -ne 'Active') { $node.activateAt = $next.at + [long]$State.timing.activationMs }
        }
        else {
            $node.role = 'Stopped'
            $node.activateAt = $null
            if ($peer.role -eq 'Standby') { $peer.activateAt = $next.at + [long]$State.timing.failoverMs }
        }
    }
    foreach ($entry in @($State.entries)) {
        if ($entry.state -eq 'Executing' -and $null -ne $entry.finishAt -and [long]$entry.finishAt -le $now) {
            $entry.state = 'Completed'
            $changed = $true
        }
    }
    return $changed
}

function LabServiceView {
    param([hashtable]$Node, [string]$Name)
    $svc = $Node.services[$Name]
    $dependents = New-Object System.Collections.ArrayList
    foreach ($other in @($Node.services.Keys)) {
        if (@($Node.services[$other].dependsOn) -contains $Name) { [void]$dependents.Add($other) }
    }
    return [ordered]@{
        name              = $Name
        exists            = $true
        displayName       = $svc.displayName
        status            = $svc.status
        startType         = $svc.startType
        account           = $svc.account
        dependentServices = $dependents.ToArray()
    }
}

function LabStopOne {
    param([hashtable]$State, [hashtable]$Node, [string]$Name)
    $svc = $Node.services[$Name]
    if ($svc.status -eq 'Stopped' -or $svc.status -eq 'StopPending') { return }
    if ($svc.status -eq 'StartPending') { throw "Service '$Name' cannot accept control messages at this time (StartPending)." }
    foreach ($other in @($Node.services.Keys)) {
        if (@($Node.services[$other].dependsOn) -contains $Name) { LabStopOne -State $State -Node $Node -Name $other }
    }
    $at = (LabNow) + [long]$State.timing.stopMs
    if (@($Node.faults.stuckStopPending) -contains $Name) { $at = $null }
    $svc.status = 'StopPending'
    $svc.pending = @{ to = 'Stopped'; at = $at }
}

function LabStartOne {
    param([hashtable]$State, [hashtable]$Node, [string]$Name)
    $svc = $Node.services[$Name]
    if ($svc.status -eq 'Running' -or $svc.status -eq 'StartPending') { return }
    if ($svc.status -eq 'StopPending') { throw "Service '$Name' cannot accept control messages at this time (StopPending)." }
    foreach ($dependency in @($svc.dependsOn)) {
        if ($Node.services.ContainsKey($dependency)) { LabStartOne -State $State -Node $Node -Name $dependency }
    }
    $at = (LabNow) + [long]$State.timing.startMs
    if (@($Node.faults.stuckStartPending) -contains $Name) { $at = $null }
    $svc.status = 'StartPending'
    $svc.pending = @{ to = 'Running'; at = $at }
}

function PlatformInfo {
    $hostName = LabWithState { param($s) $s.nodes[$script:LabNode].hostName }
    return [ordered]@{ platform = 'lab'; computerName = $hostName; user = 'LAB\runner'; isAdmin = $true; labFolder = $script:LabFolder; node = $script:LabNode }
}

function PlatformResolvePath {
    param([string]$Path)
    return LabMapPath -Path $Path -Node $script:LabNode
}

function PlatformGetService {
    param([string]$Name)
    return LabWithState {
        param($s)
        $node = $s.nodes[$script:LabNode]
        if (-not $node.services.ContainsKey($Name)) { return $null }
        LabServiceView -Node $node -Name $Name
    }
}

function PlatformStopService {
    param([string]$Name)
    LabWithState -Write { param($s) LabStopOne -State $s -Node $s.nodes[$script:LabNode] -Name $Name }
}

function PlatformStartService {
    param([string]$Name)
    LabWithState -Write { param($s) LabStartOne -State $s -Node $s.nodes[$script:LabNode] -Name $Name }
}

function PlatformGetInstalledVersion {
    return LabWithState {
        param($s)
        $sources = @([ordered]@{ source = 'uninstall-key'; name = 'JAMS Scheduler (lab)'; version = $s.nodes[$script:LabNode].version })
        [ordered]@{ sources = $sources }
    }
}

function PlatformGetNodeRole {
    # The same shape Get-JAMSFailoverStatus gives on a real node, with the JAMS Client's labels.
    return LabWithState {
        param($s)
        $labels = @{ Active = 'Running'; Standby = 'Backup Mode'; Stopped = 'Stopped' }
        $nodes = New-Object System.Collections.ArrayList
        foreach ($name in @('primary', 'secondary')) {
            $n = $s.nodes[$name]
            $role = 'Primary'
            if ($name -eq 'secondary') { $role = 'Secondary' }
            [void]$nodes.Add([ordered]@{ name = $n.hostName; status = $labels[[string]$n.role]; role = $role })
        }
        [ordered]@{ source = 'lab'; available = $true; self = $s.nodes[$script:LabNode].hostName; nodes = $nodes.ToArray() }
    }
}

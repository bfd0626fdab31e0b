# The lab's engine: one simulated JAMS primary/failover pair in one state.json, shared by both nodes' stages and by the
# lab installer's own process. The fakes (Lab.Fakes.ps1, the JAMS and MSMQ modules) read and change it through here.
#
# Time is simulated lazily: every access first applies the events that came due (service transitions, role changes,
# entries starting and ending), earliest first. Writers hold an OS lock (a handle opened with no sharing), so a killed
# process never leaves the lab locked, and replace the file whole (write, then rename), so readers need no lock.
# Expects $global:JuLab = @{ folder; node; template }. Windows PowerShell 5.1 compatible, ASCII only.

function LabNow { return [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds() }

function LabPeerOf {
    param([string]$Node)
    if ($Node -eq 'primary') { return 'secondary' }
    return 'primary'
}

function LabMapPath {
    # C:\Program Files\X -> <lab>/<node>/C/Program Files/X ; \\server\share\X -> <lab>/unc/server/share/X
    param([string]$Path, [string]$Node = $global:JuLab.node)
    if ($Path -match '^([A-Za-z]):[\\/](.*)$') {
        $rest = $Matches[2] -replace '\\', '/'
        return [System.IO.Path]::Combine($global:JuLab.folder, $Node, $Matches[1].ToUpper(), $rest)
    }
    if ($Path -match '^\\\\(.*)$') {
        return [System.IO.Path]::Combine($global:JuLab.folder, 'unc', ($Matches[1] -replace '\\', '/'))
    }
    return $Path
}

function LabReadBinary {
    # A lab "binary" (an installer, JAMSScheduler.exe) carries its facts on one line: jams-upgrade-lab {json}.
    param([string]$File)
    if (-not [System.IO.File]::Exists($File)) { return $null }
    $reader = New-Object System.IO.StreamReader($File)
    try {
        for ($i = 0; $i -lt 3; $i++) {
            $line = $reader.ReadLine()
            if ($null -eq $line) { break }
            $at = $line.IndexOf('jams-upgrade-lab {')
            if ($at -ge 0) { return ConvertTo-LabPlain (ConvertFrom-Json $line.Substring($at + 'jams-upgrade-lab '.Length)) }
        }
    }
    catch { return $null }
    finally { $reader.Dispose() }
    return $null
}

function ConvertTo-LabPlain {
    # ConvertFrom-Json gives PSCustomObjects on 5.1 (no -AsHashtable); the engine works on hashtables. The module has
    # the same helper, but the lab installer's process runs this engine without the module.
    param($Value)
    if ($null -eq $Value) { return $null }
    if ($Value -is [System.Management.Automation.PSCustomObject]) {
        $table = @{}
        foreach ($p in $Value.PSObject.Properties) { $table[$p.Name] = ConvertTo-LabPlain $p.Value }
        return $table
    }
    if ($Value -is [System.Array]) {
        $items = New-Object System.Collections.ArrayList
        foreach ($item in $Value) { [void]$items.Add((ConvertTo-LabPlain $item)) }
        return , $items.ToArray()
    }
    return $Value
}

function LabWriteBinary {
    # A lab binary (JAMSScheduler.exe, the agent MSI): a text file whose facts the fake VersionInfo,
    # Get-AuthenticodeSignature and msiexec read.
    param([string]$File, [string]$Version, [System.Collections.IDictionary]$Facts = $null)
    [void][System.IO.Directory]::CreateDirectory([System.IO.Path]::GetDirectoryName($File))
    if ($null -eq $Facts) { $Facts = [ordered]@{ kind = 'binary'; version = $Version } }
    $json = ConvertTo-Json -Compress -InputObject $Facts
    [System.IO.File]::WriteAllText($File, "jams-upgrade-lab $json`n", (New-Object System.Text.UTF8Encoding($false)))
}

function LabCopyTemplateFiles {
    # files/: the customised config files of the running version; new-version-files/: what the installer writes.
    param([hashtable]$State, [string]$Node, [string]$From = 'files')
    $target = LabMapPath -Path ([string]$State.installFolder) -Node $Node
    [void][System.IO.Directory]::CreateDirectory($target)
    foreach ($file in @(Get-ChildItem -LiteralPath (Join-Path $global:JuLab.template $From) -File)) {
        Copy-Item -LiteralPath $file.FullName -Destination (Join-Path $target $file.Name) -Force
    }
    LabWriteBinary -File (Join-Path $target 'JAMSScheduler.exe') -Version ([string]$State.nodes[$Node].version)
    LabWriteAgentPackage -Folder $target -Version ([string]$State.nodes[$Node].version)
}

function LabCopyHooks {
    # The snapshot-hook fixtures (lab/hooks), where a user would keep their own hook: C:\Hooks on each node.
    param([hashtable]$State, [string]$Node)
    $target = LabMapPath -Path ([string]$State.hookFolder) -Node $Node
    [void][System.IO.Directory]::CreateDirectory($target)
    foreach ($file in @(Get-ChildItem -LiteralPath (Join-Path $global:JuLab.template 'hooks') -File)) {
        Copy-Item -LiteralPath $file.FullName -Destination (Join-Path $target $file.Name) -Force
    }
}

function LabTemplate {
    # default-state.json, the pair a new lab starts as.
    return ConvertTo-LabPlain (ConvertFrom-Json ([System.IO.File]::ReadAllText((Join-Path $global:JuLab.template 'default-state.json'))))
}

function LabNewState {
    # A healthy pair: every service running under a domain account, the primary active.
    $template = LabTemplate
    $now = LabNow
    $state = @{
        timing = $template.timing; installFolder = $template.installFolder; hookFolder = $template.hookFolder
        accounts = $template.accounts; resources = $template.resources; sql = $template.sql; shares = $template.shares
        nodes = @{}
    }
    LabNewAgentState -State $state -Template $template
    foreach ($node in @('primary', 'secondary')) {
        $n = ConvertTo-LabPlain (ConvertFrom-Json (ConvertTo-Json -InputObject $template.node -Depth 20))
        $n.hostName = $template.nodes[$node].hostName
        $n.role = 'Standby'
        if ($node -eq 'primary') { $n.role = 'Active' }
        $state.nodes[$node] = $n
        LabCopyTemplateFiles -State $state -Node $node
        LabCopyHooks -State $state -Node $node
    }
    $entries = New-Object System.Collections.ArrayList
    foreach ($e in @($template.entries)) {
        [void]$entries.Add(@{ id = $e.id; name = $e.name; state = $e.state; runsForMs = $e.runsForMs; startAt = $null; finishAt = $now + [long]$e.runsForMs })
    }
    $state.entries = $entries.ToArray()
    return $state
}

$global:JuLabCache = @{ stamp = $null; state = $null }

function LabStatePath { return [System.IO.Path]::Combine($global:JuLab.folder, 'state.json') }

function LabStamp {
    param([string]$Path)
    $item = [System.IO.FileInfo]$Path
    if (-not $item.Exists) { return $null }
    return '{0}-{1}' -f $item.LastWriteTimeUtc.Ticks, $item.Length
}

function LabLoad {
    # The parsed state, reused while the file is unchanged: parsing dominates a call's cost. $null when there is none.
    $path = LabStatePath
    $stamp = LabStamp $path
    if ($null -eq $stamp) { return $null }
    if ($stamp -eq $global:JuLabCache.stamp) { return $global:JuLabCache.state }
    $state = ConvertTo-LabPlain (ConvertFrom-Json ([System.IO.File]::ReadAllText($path)))
    $global:JuLabCache = @{ stamp = $stamp; state = $state }
    return $state
}

function LabWithState {
    # Runs $Action on the state advanced to now. -ReadOnly: the caller promises not to change it; while no event is due
    # it runs without the lock. Otherwise the lock is held and a changed state is written back. The locals carry a lab
    # prefix: $Action sees this scope, and a plain $path here would shadow a caller's $Path.
    param([scriptblock]$Action, [switch]$ReadOnly)
    $labAdvanced = $null
    if ($ReadOnly.IsPresent) {
        $labState = LabLoad
        if ($null -ne $labState) {
            if (-not (LabAdvance -State $labState)) { return & $Action $labState }
            # Events came due and the cached state has them: the locked path writes it, unless another writer changed
            # the file meanwhile (then it is parsed and advanced afresh). Parsing a large lab costs far more than writing.
            $labAdvanced = $labState
        }
    }
    [void][System.IO.Directory]::CreateDirectory($global:JuLab.folder)
    try { $labLock = LabLock }
    catch { $global:JuLabCache = @{ stamp = $null; state = $null }; throw }
    try {
        $labPath = LabStatePath
        $labState = LabLoad
        $labDirty = (-not $ReadOnly.IsPresent) -or [object]::ReferenceEquals($labState, $labAdvanced)
        if ($null -eq $labState) { $labState = LabNewState; $labDirty = $true }
        $global:JuLabCache = @{ stamp = $null; state = $null }
        if (LabAdvance -State $labState) { $labDirty = $true }
        $labResult = & $Action $labState
        if ($labDirty) {
            $labTemp = $labPath + '.' + $PID + '.tmp'
            [System.IO.File]::WriteAllText($labTemp, (ConvertTo-Json -InputObject $labState -Depth 20), (New-Object System.Text.UTF8Encoding($false)))
            # Replace is one rename where Move-Item -Force deletes first: a reader never finds the file missing.
            if ([System.IO.File]::Exists($labPath)) { [System.IO.File]::Replace($labTemp, $labPath, [NullString]::Value) }
            else { [System.IO.File]::Move($labTemp, $labPath) }
        }
        $global:JuLabCache = @{ stamp = (LabStamp $labPath); state = $labState }
        return $labResult
    }
    finally { $labLock.Dispose() }
}

function LabLock {
    # FileShare.None: the operating system refuses a second opener and releases the handle when its process dies.
    $lockPath = [System.IO.Path]::Combine($global:JuLab.folder, 'state.lock')
    $deadline = (LabNow) + 30000
    while ($true) {
        try { return [System.IO.File]::Open($lockPath, 'OpenOrCreate', 'ReadWrite', 'None') }
        catch [System.IO.IOException] {
            if ((LabNow) -gt $deadline) { throw "The lab state stayed locked for 30 s ($lockPath): a stage or the lab installer is stuck." }
            Start-Sleep -Milliseconds 10
        }
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
        $peer = $State.nodes[(LabPeerOf $next.node)]
        if ($null -eq $next.service) {
            $node.activateAt = $null
            if (-not $node.faults.neverActive -and $peer.role -ne 'Active') { $node.role = 'Active' }
            continue
        }
        $svc = $node.services[$next.service]
        $svc.status = $svc.pending.to
        $svc.pending = $null
        if ($svc.displayName -ne 'JAMS Scheduler') { continue }
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
    # A scheduled entry starts when it is due, unless a resource the root folder requires is at 0 (the window).
    $held = $false
    foreach ($r in @($State.resources.Values)) { if ($r.requiredByRoot -and [long]$r.quantityAvailable -lt 1) { $held = $true } }
    foreach ($entry in @($State.entries)) {
        if ($entry.state -eq 'Scheduled' -and -not $held -and $entry.ContainsKey('startAt') -and $null -ne $entry.startAt -and [long]$entry.startAt -le $now) {
            $entry.state = 'Executing'
            $entry.finishAt = $now + [long]$entry.runsForMs
            $changed = $true
        }
        if ($entry.state -eq 'Executing' -and $null -ne $entry.finishAt -and [long]$entry.finishAt -le $now) {
            $entry.state = 'Completed'
            $changed = $true
        }
    }
    if (LabAdvanceAgents -State $State -Now $now -Held $held) { $changed = $true }
    return $changed
}

function LabServiceByDisplayName {
    # The engine finds services by what they are (display name), since a fault may rename their short names.
    param([hashtable]$Node, [string]$DisplayName)
    foreach ($name in @($Node.services.Keys)) { if ($Node.services[$name].displayName -eq $DisplayName) { return $name } }
    return $null
}

function LabDependents {
    param([hashtable]$Node, [string]$Name)
    $dependents = New-Object System.Collections.ArrayList
    foreach ($other in @($Node.services.Keys)) {
        if (@($Node.services[$other].dependsOn) -contains $Name) { [void]$dependents.Add($other) }
    }
    return $dependents.ToArray()
}

function LabServiceMs {
    # How long a service takes to stop or start (Kind stopMs or startMs): its own time in timing.services, by display
    # name, else the pair's.
    param([hashtable]$State, [hashtable]$Service, [string]$Kind)
    $own = $null
    if ($State.timing.ContainsKey('services') -and $null -ne $State.timing.services) { $own = $State.timing.services[[string]$Service.displayName] }
    if ($null -ne $own -and $own.ContainsKey($Kind)) { return [long]$own[$Kind] }
    return [long]$State.timing[$Kind]
}

function LabShareDelayMs {
    # How much longer a full read of $File takes than on a local disk: on a slow share of the lab (fault slow-share),
    # timing.shareMsPerMb per MB of it (a lab installer stands for its sizeMb). Elsewhere 0.
    param([string]$File)
    $unc = [System.IO.Path]::Combine($global:JuLab.folder, 'unc') + [System.IO.Path]::DirectorySeparatorChar
    $full = [System.IO.Path]::GetFullPath($File)
    if (-not $full.StartsWith([System.IO.Path]::GetFullPath($unc))) { return 0 }
    $parts = $full.Substring([System.IO.Path]::GetFullPath($unc).Length).Split([char[]]@('/', '\'))
    if ($parts.Count -lt 3) { return 0 }
    $share = $parts[0] + '\' + $parts[1]
    $perMb = LabWithState -ReadOnly {
        param($s)
        $found = $s.shares[$share]
        if ($null -eq $found -or -not $found.ContainsKey('slow') -or -not $found.slow) { return 0 }
        [double]$s.timing.shareMsPerMb
    }
    if ($perMb -le 0) { return 0 }
    $facts = LabReadBinary -File $full
    $mb = (New-Object System.IO.FileInfo($full)).Length / 1MB
    if ($null -ne $facts -and $facts.ContainsKey('sizeMb')) { $mb = [double]$facts.sizeMb }
    return [long]($mb * $perMb)
}

function LabRequestStop {
    # The Service Control Manager's side of a stop control: StopPending, Stopped after timing.stopMs (or never, stuck).
    param([hashtable]$State, [hashtable]$Node, [string]$Name)
    $svc = $Node.services[$Name]
    if ($svc.status -eq 'Stopped' -or $svc.status -eq 'StopPending') { return }
    if ($svc.status -eq 'StartPending') {
        throw (New-Object System.InvalidOperationException("Cannot stop $Name service on computer '.'. The service cannot accept control messages at this time."))
    }
    $at = (LabNow) + (LabServiceMs -State $State -Service $svc -Kind 'stopMs')
    if (@($Node.faults.stuckStopPending) -contains $Name) { $at = $null }
    $svc.status = 'StopPending'
    $svc.pending = @{ to = 'Stopped'; at = $at }
}

function LabRequestStart {
    # StartService: the SCM starts what the service depends on first; a wrong Log On As password fails at once (1069).
    param([hashtable]$State, [hashtable]$Node, [string]$Name)
    $svc = $Node.services[$Name]
    if ($svc.status -eq 'Running' -or $svc.status -eq 'StartPending') { return }
    if ($svc.status -eq 'StopPending') {
        throw (New-Object System.InvalidOperationException("Cannot start service $Name on computer '.'. An instance of the service is already running."))
    }
    if ($svc.logonFails) {
        throw (New-Object System.InvalidOperationException("Cannot start service $Name on computer '.'. The service did not start due to a logon failure."))
    }
    foreach ($dependency in @($svc.dependsOn)) {
        if ($Node.services.ContainsKey($dependency)) { LabRequestStart -State $State -Node $Node -Name $dependency }
    }
    $at = (LabNow) + (LabServiceMs -State $State -Service $svc -Kind 'startMs')
    if (@($Node.faults.stuckStartPending) -contains $Name) { $at = $null }
    $svc.status = 'StartPending'
    $svc.pending = @{ to = 'Running'; at = $at }
}

function LabAppendLog {
    # msiexec writes its verbose log in UTF-16 (Unicode); the lab installer does the same.
    param([string]$File, [string[]]$Lines)
    if ([string]::IsNullOrEmpty($File)) { return }
    $stamp = [DateTime]::UtcNow.ToString('HH:mm:ss:fff')
    $text = (($Lines | ForEach-Object { "MSI (s) (LAB) [$stamp]: $_" }) -join "`r`n") + "`r`n"
    [System.IO.File]::AppendAllText($File, $text, [System.Text.Encoding]::Unicode)
}

function LabCompleteInstall {
    # What the JAMS installer does to a node: a new version, JAMS Scheduler and JAMS Server reset to LocalSystem, the
    # config files replaced by the new version's defaults, the services started. A failure changes nothing.
    param([hashtable]$State, [string]$NodeName, [string]$Version, [int]$Code)
    $node = $State.nodes[$NodeName]
    if ($Code -ne 0 -and $Code -ne 3010 -and $Code -ne 1641) { return }
    LabAddProduct -Node $node
    $node.version = $Version
    if ($NodeName -eq 'primary') { LabNoteVersionOnPrimary -State $State -Version $Version }
    foreach ($svcName in @($node.services.Keys)) {
        $svc = $node.services[$svcName]
        if ($svc.displayName -eq 'JAMS Scheduler' -or $svc.displayName -eq 'JAMS Server') {
            $svc.account = 'LocalSystem'
            $svc.logonFails = $false
        }
    }
    LabCopyTemplateFiles -State $State -Node $NodeName -From 'new-version-files'
    foreach ($svcName in @($node.services.Keys)) {
        if ($node.services[$svcName].status -eq 'Stopped') { LabRequestStart -State $State -Node $node -Name $svcName }
    }
}

function LabNoteVersionOnPrimary {
    # When the primary first ran a version newer than the lab's starting one (default-state.json): the moment the fault
    # failure-rate makes every second completion of the job stream fail from. An install of the starting version or an
    # older one (a rollback) clears it.
    param([hashtable]$State, [string]$Version)
    $newer = $false
    try { $newer = [version]$Version -gt [version][string](LabTemplate).node.version } catch { $newer = $false }
    if (-not $newer) { $State.newVersionOnPrimaryAt = $null; return }
    if (-not $State.ContainsKey('newVersionOnPrimaryAt') -or $null -eq $State.newVersionOnPrimaryAt) { $State.newVersionOnPrimaryAt = LabNow }
}

function LabAddProduct {
    # An install where JAMS was removed: the setup creates the three services (LocalSystem, stopped; the install starts
    # them) and the product's Uninstall entry, as default-state.json has them. A node that has them keeps its own.
    param([hashtable]$Node)
    $template = (LabTemplate).node
    foreach ($name in @($template.services.Keys)) {
        $svc = $template.services[$name]
        if ($null -ne (LabServiceByDisplayName -Node $Node -DisplayName ([string]$svc.displayName))) { continue }
        $svc.status = 'Stopped'
        $svc.account = 'LocalSystem'
        $Node.services[$name] = $svc
    }
    if (@($Node.uninstall | Where-Object { $_.jams }).Count -eq 0) {
        $Node.uninstall = @(@($template.uninstall | Where-Object { $_.jams }) + @($Node.uninstall))
    }
}

function LabCompleteUninstall {
    # What msiexec /x of the JAMS product does to a node: its services, its Uninstall entry and the files the setup wrote
    # (JAMSScheduler.exe and the config files it installs) go. Files the setup did not write (common.config and
    # Failover.config, which configuration writes) stay; what a real JAMS removal leaves is unverified.
    param([hashtable]$State, [string]$NodeName)
    $node = $State.nodes[$NodeName]
    foreach ($name in @($node.services.Keys)) {
        if ([string]$node.services[$name].displayName -like 'JAMS *') { $node.services.Remove($name) }
    }
    $node.uninstall = @($node.uninstall | Where-Object { -not $_.jams })
    $node.version = ''
    $node.role = 'Stopped'
    $node.activateAt = $null
    $folder = LabMapPath -Path ([string]$State.installFolder) -Node $NodeName
    $written = @('JAMSScheduler.exe') + @(Get-ChildItem -LiteralPath (Join-Path $global:JuLab.template 'new-version-files') -File | ForEach-Object { $_.Name })
    foreach ($name in $written) {
        $file = Join-Path $folder $name
        if (Test-Path -LiteralPath $file) { Remove-Item -LiteralPath $file -Force }
    }
}

. (Join-Path $PSScriptRoot 'Lab.Agents.ps1')

# ---- Owners, access entries and links: what Windows keeps in each file's security descriptor ----
# state.json's security table names the paths whose owner or entries are not an administrator's (a fault's, or a folder
# the platform file created protected), by their lab path relative to the lab folder. A link is a real symbolic link on
# the lab's disk. The platform file reads these through SeamPathSecurity and judges them itself.

function LabRunnerSid { return 'S-1-5-21-3623811015-3361044348-30300820-1013' }

function LabSecurityKey {
    # A lab path's key in the security table: relative to the lab folder, '/'-separated, in lower case.
    param([string]$Local)
    $full = [System.IO.Path]::GetFullPath($Local).Replace('\', '/').TrimEnd('/')
    $root = [System.IO.Path]::GetFullPath($global:JuLab.folder).Replace('\', '/').TrimEnd('/')
    if ($full.StartsWith($root + '/', [System.StringComparison]::OrdinalIgnoreCase)) { $full = $full.Substring($root.Length + 1) }
    return $full.ToLowerInvariant()
}

function LabAce {
    # One access entry: an Allow of these rights (0x1F01FF full control, 0x1200A9 read and execute) to a SID.
    param([string]$Sid, [string]$Name, [long]$Rights = 0x1F01FF, [bool]$Inherited = $false)
    return @{ sid = $Sid; name = $Name; type = 'Allow'; rights = $Rights; inherited = $Inherited }
}

function LabDefaultSecurity {
    # A path the table does not name: what an administrator's process made, as Windows gives it (owner Administrators,
    # full control for SYSTEM and Administrators, read for Users).
    return @{
        owner = 'S-1-5-32-544'; ownerName = 'BUILTIN\Administrators'; protected = $false
        aces = @((LabAce 'S-1-5-18' 'NT AUTHORITY\SYSTEM' 0x1F01FF $true), (LabAce 'S-1-5-32-544' 'BUILTIN\Administrators' 0x1F01FF $true), (LabAce 'S-1-5-32-545' 'BUILTIN\Users' 0x1200A9 $true))
    }
}

function LabSetSecurity {
    # Records a path's owner and entries (protected: its parent's are not inherited).
    param([hashtable]$State, [string]$Local, [string]$Owner, [string]$OwnerName, [object[]]$Aces, [bool]$Protected = $false)
    if ($null -eq $State.security) { $State.security = @{} }
    $State.security[(LabSecurityKey -Local $Local)] = @{ owner = $Owner; ownerName = $OwnerName; aces = @($Aces); protected = $Protected }
}

function LabPathFacts {
    # SeamPathSecurity's facts for lab paths: existence and links from the lab's disk, owner and entries from the table.
    # In a hashtable (items), which no pipeline unrolls.
    param([hashtable]$State, [string[]]$Paths)
    $found = New-Object System.Collections.ArrayList
    foreach ($path in $Paths) {
        $info = New-Object System.IO.FileInfo($path)
        $attributes = [int]$info.Attributes
        $reparse = ($attributes -ne -1) -and (($attributes -band [int][System.IO.FileAttributes]::ReparsePoint) -ne 0)
        $container = [System.IO.Directory]::Exists($path)
        if (-not ($reparse -or $container -or [System.IO.File]::Exists($path))) { [void]$found.Add([ordered]@{ path = $path; exists = $false }); continue }
        $security = $null
        if ($null -ne $State.security) { $security = $State.security[(LabSecurityKey -Local $path)] }
        if ($null -eq $security) { $security = LabDefaultSecurity }
        [void]$found.Add([ordered]@{
                path = $path; exists = $true; container = $container; reparse = $reparse; owner = [string]$security.owner
                ownerName = [string]$security.ownerName; protected = [bool]$security.protected; aces = @($security.aces)
            })
    }
    return @{ items = $found.ToArray() }
}

function LabHeldOpen {
    # Whether another handle holds the file open for reading with FileShare.Read (as the platform file holds an installer
    # from its hash until its process ends): then a handle that writes is refused, by the operating system's lock on the
    # lab's disk as by Windows' sharing check, and the file cannot be swapped.
    param([string]$File)
    try { $probe = [System.IO.File]::Open($File, 'Open', 'ReadWrite', 'None') }
    catch [System.IO.IOException] { return $true }
    $probe.Dispose()
    return $false
}

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
    # files/: the customised config files of the running version; new-version-files/: what the installer writes.
    param([hashtable]$State, [string]$Node, [string]$From = 'files')
    $target = LabMapPath -Path ([string]$State.installFolder) -Node $Node
    [void](New-Item -ItemType Directory -Path $target -Force)
    foreach ($file in @(Get-ChildItem -LiteralPath (Join-Path $script:LabTemplateFolder $From) -File)) {
        Copy-Item -LiteralPath $file.FullName -Destination (Join-Path $target $file.Name) -Force
    }
}

function LabNewState {
    # A healthy pair: every service running under a domain account, the primary active.
    $template = ConvertTo-JuPlain (ConvertFrom-Json ([System.IO.File]::ReadAllText((Join-Path $script:LabTemplateFolder 'default-state.json'))))
    $now = LabNow
    $state = @{ timing = $template.timing; installFolder = $template.installFolder; accounts = $template.accounts; resources = $template.resources; nodes = @{} }
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

function LabWithState {
    # Runs $Action on the advanced state under a lock file, then saves it. Two nodes share the folder.
    param([scriptblock]$Action)
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
        if (Test-Path -LiteralPath $path) { $state = ConvertTo-JuPlain (ConvertFrom-Json ([System.IO.File]::ReadAllText($path))) }
        else { $state = LabNewState }
        LabAdvance -State $state
        $result = & $Action $state
        $temp = $path + '.tmp'
        [System.IO.File]::WriteAllText($temp, (ConvertTo-Json -InputObject $state -Depth 20), (New-Object System.Text.UTF8Encoding($false)))
        Move-Item -LiteralPath $temp -Destination $path -Force
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
            $install = $node.install
            if ($null -ne $install -and -not $install.done -and $null -ne $install.at -and [long]$install.at -le $now) {
                if ($null -eq $next -or [long]$install.at -lt $next.at) { $next = @{ at = [long]$install.at; node = $nodeName; service = $null; install = $true } }
            }
        }
        if ($null -eq $next) { break }
        if ($next['install']) {
            LabCompleteInstall -State $State -NodeName $next.node
            continue
        }
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
        if ($entry.state -eq 'Executing' -and $null -ne $entry.finishAt -and [long]$entry.finishAt -le $now) { $entry.state = 'Completed' }
    }
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
    if ($svc.logonFails) { throw "Service '$Name' did not start due to a logon failure (1069): the Log On As password is wrong." }
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
    LabWithState { param($s) LabStopOne -State $s -Node $s.nodes[$script:LabNode] -Name $Name }
}

function PlatformStartService {
    param([string]$Name)
    LabWithState { param($s) LabStartOne -State $s -Node $s.nodes[$script:LabNode] -Name $Name }
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

function LabSha256Text {
    param([string]$Text)
    return Get-JuSha256 -Bytes ([System.Text.Encoding]::UTF8.GetBytes($Text))
}

function LabSecret {
    # The lab reads a password the way the Windows platform does: from this process's environment.
    param([string]$Variable)
    if ([string]::IsNullOrEmpty($Variable)) { return $null }
    return [Environment]::GetEnvironmentVariable($Variable)
}

function LabIsPasswordless {
    param([string]$Account)
    $lower = $Account.ToLowerInvariant()
    return ($lower -eq 'localsystem' -or $lower.StartsWith('nt authority\') -or $lower.StartsWith('nt service\') -or $lower.EndsWith('$'))
}

function LabReadInstaller {
    # A lab installer is a small JSON file: {"labInstaller":"jams","version":"7.3.500","signature":"Valid",...}.
    param([string]$File)
    try { $doc = ConvertFrom-Json ([System.IO.File]::ReadAllText($File)) } catch { return $null }
    if ($null -eq $doc -or $null -eq $doc.PSObject.Properties['labInstaller'] -or $doc.labInstaller -ne 'jams') { return $null }
    return ConvertTo-JuPlain $doc
}

function LabSplitCommandLine {
    # Splits a command line as Windows does for arguments without embedded quotes.
    param([string]$Line)
    $tokens = New-Object System.Collections.ArrayList
    foreach ($m in [regex]::Matches($Line, '"([^"]*)"|(\S+)')) {
        if ($m.Groups[1].Success) {
            $value = $m.Groups[1].Value
            if ($value -match '(\\+)$') {
                $count = $Matches[1].Length
                $value = $value.Substring(0, $value.Length - $count) + ('\' * [int]($count / 2))
            }
            [void]$tokens.Add($value)
        }
        else { [void]$tokens.Add($m.Groups[2].Value) }
    }
    return , $tokens.ToArray()
}

function LabAppendLog {
    # msiexec writes its verbose log in UTF-16 (Unicode); the lab does the same.
    param([string]$File, [string[]]$Lines)
    if ([string]::IsNullOrEmpty($File)) { return }
    $stamp = [DateTime]::UtcNow.ToString('HH:mm:ss:fff')
    $text = (($Lines | ForEach-Object { "MSI (s) (LAB) [$stamp]: $_" }) -join "`r`n") + "`r`n"
    [System.IO.File]::AppendAllText($File, $text, [System.Text.Encoding]::Unicode)
}

function LabCompleteInstall {
    # What the JAMS installer does to a node: a new version, Scheduler and Server reset to LocalSystem, the
    # config files replaced by the new version's defaults, the services started. A failure changes nothing.
    param([hashtable]$State, [string]$NodeName)
    $node = $State.nodes[$NodeName]
    $install = $node.install
    $install.done = $true
    $code = [int]$install.exitCode
    if ($code -eq 0 -or $code -eq 3010 -or $code -eq 1641) {
        $node.version = $install.version
        foreach ($svcName in @($node.services.Keys)) {
            $svc = $node.services[$svcName]
            if ($svc.displayName -eq 'JAMS Scheduler' -or $svc.displayName -eq 'JAMS Server') {
                $svc.account = 'LocalSystem'
                $svc.logonFails = $false
            }
        }
        LabCopyTemplateFiles -State $State -Node $NodeName -From 'new-version-files'
        foreach ($svcName in @($node.services.Keys)) {
            $svc = $node.services[$svcName]
            if ($svc.status -eq 'Stopped' -and -not $svc.logonFails) { LabStartOne -State $State -Node $node -Name $svcName }
        }
        $lines = @("Product: JAMS Scheduler -- Installation completed successfully.",
            "Windows Installer installed the product. Product Name: JAMS Scheduler. Product Version: $($install.version). Installation success or error status: $code.")
        if ($code -ne 0) { $lines += 'Windows Installer requires a system restart to complete the installation.' }
    }
    else {
        $lines = @('Note: 1: 1708',
            'Action ended: InstallFinalize. Return value 3.',
            "Product: JAMS Scheduler -- Installation failed.",
            "Windows Installer installed the product. Product Name: JAMS Scheduler. Installation success or error status: $code.")
    }
    LabAppendLog -File $install.log -Lines ($lines + @("MainEngineThread is returning $code", '=== Logging stopped ==='))
}

function PlatformGetInstallerInfo {
    # The lab's stand-in for the file version and Get-AuthenticodeSignature: the lab installer's own fields.
    param([string]$Path)
    $doc = LabReadInstaller -File $Path
    if ($null -eq $doc) {
        return [ordered]@{ version = $null; versionSource = 'lab'; signature = 'NotSigned'; signer = $null; signatureMessage = 'not a lab installer' }
    }
    return [ordered]@{
        version          = [string]$doc.version
        versionSource    = 'lab installer'
        signature        = [string]$doc.signature
        signer           = [string]$doc.signer
        signatureMessage = 'lab stand-in for Get-AuthenticodeSignature'
    }
}

function PlatformStartInstaller {
    # The simulated installer: reads its log file from the command line as the real one would, finishes after
    # timing.installMs with the node's configured exit code (faults.installerExitCode), or never (installerHangs).
    param([string]$Path, [string]$CommandLine)
    $installerDoc = LabReadInstaller -File $Path
    if ($null -eq $installerDoc) { throw "$Path is not a valid application for this OS platform (not a lab installer)." }
    $tokens = LabSplitCommandLine -Line $CommandLine
    $logFile = $null
    for ($i = 0; $i -lt $tokens.Count - 1; $i++) {
        if ($tokens[$i] -eq '/log') { $logFile = LabMapPath -Path $tokens[$i + 1] -Node $script:LabNode }
    }
    $isQuiet = ($tokens -contains '/quiet') -or ($tokens -contains '/qn')
    $shownCommand = "$Path $CommandLine"
    LabAppendLog -File $logFile -Lines @("=== Verbose logging started (lab) ===", "Command Line: $CommandLine",
        "Product: JAMS Scheduler $($installerDoc.version) -- Installation started.")
    return LabWithState {
        param($s)
        $node = $s.nodes[$script:LabNode]
        if ($null -ne $node.install -and -not $node.install.done) { throw 'Lab: an installer is already running on this node (1618).' }
        $now = LabNow
        $code = [int]$node.faults.installerExitCode
        # Without /quiet the real setup would wait for a click nobody sees; the lab says "cancelled".
        if (-not $isQuiet) { $code = 1602 }
        $at = $now + [long]$s.timing.installMs
        if ($node.faults.installerHangs) { $at = $null }
        $processId = Get-Random -Minimum 1000 -Maximum 60000
        $startedAt = [DateTimeOffset]::FromUnixTimeMilliseconds($now).UtcDateTime.ToString('o')
        $node.install = @{ pid = $processId; startedAt = $startedAt; at = $at; exitCode = $code; version = [string]$installerDoc.version; log = $logFile; done = $false }
        [ordered]@{ processId = $processId; startedAt = $startedAt; commandLine = $shownCommand }
    }
}

function PlatformGetInstallerStatus {
    param([int]$ProcessId, [string]$StartedAt)
    return LabWithState {
        param($s)
        $current = $s.nodes[$script:LabNode].install
        if ($null -eq $current -or [int]$current.pid -ne $ProcessId) { [ordered]@{ running = $false; exitCode = $null } }
        elseif (-not $current.done) { [ordered]@{ running = $true; exitCode = $null } }
        else { [ordered]@{ running = $false; exitCode = [int]$current.exitCode } }
    }
}

function PlatformTestCredential {
    # The lab knows its domain accounts by the SHA-256 of their password (state.json accounts).
    param([string]$Account, [string]$PasswordVariable)
    $secret = LabSecret -Variable $PasswordVariable
    $known = LabWithState { param($s) $s.accounts[$Account] }
    if ($null -eq $known) { return [ordered]@{ checked = $true; valid = $false; reason = 'the account does not exist' } }
    if ([string]::IsNullOrEmpty($secret)) { return [ordered]@{ checked = $true; valid = $false; reason = 'no password was given' } }
    return [ordered]@{ checked = $true; valid = ((LabSha256Text -Text $secret) -eq $known.passwordSha256); reason = $null }
}

function PlatformSetServiceAccount {
    # Like Win32_Service.Change: 22 for an unknown account; a wrong password is accepted here and makes the
    # service fail to start later with a logon failure, as on Windows.
    param([string]$Name, [string]$Account, [string]$PasswordVariable)
    $secret = LabSecret -Variable $PasswordVariable
    $digest = $null
    if (-not [string]::IsNullOrEmpty($secret)) { $digest = LabSha256Text -Text $secret }
    return LabWithState {
        param($s)
        $node = $s.nodes[$script:LabNode]
        if (-not $node.services.ContainsKey($Name)) { throw "Service '$Name' was not found." }
        $svc = $node.services[$Name]
        if (LabIsPasswordless -Account $Account) {
            $svc.account = $Account
            $svc.logonFails = $false
            [ordered]@{ returnValue = 0 }
        }
        elseif ($null -eq $s.accounts[$Account]) { [ordered]@{ returnValue = 22 } }
        else {
            $svc.account = $Account
            $svc.logonFails = ($digest -ne $s.accounts[$Account].passwordSha256)
            [ordered]@{ returnValue = 0 }
        }
    }
}

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

function LabStatePath { return [System.IO.Path]::Combine($script:LabFolder, 'state.json') }

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

function LabCopyHooks {
    # The snapshot-hook fixtures (lab/hooks), where a user would keep their own hook: C:\Hooks on each node.
    param([hashtable]$State, [string]$Node)
    $target = LabMapPath -Path ([string]$State.hookFolder) -Node $Node
    [void](New-Item -ItemType Directory -Path $target -Force)
    foreach ($file in @(Get-ChildItem -LiteralPath (Join-Path $script:LabTemplateFolder 'hooks') -File)) {
        Copy-Item -LiteralPath $file.FullName -Destination (Join-Path $target $file.Name) -Force
    }
}

function LabNewState {
    # A healthy pair: every service running under a domain account, the primary active.
    $template = ConvertTo-JuPlain (ConvertFrom-Json ([System.IO.File]::ReadAllText((Join-Path $script:LabTemplateFolder 'default-state.json'))))
    $now = LabNow
    $state = @{
        timing = $template.timing; installFolder = $template.installFolder; hookFolder = $template.hookFolder
        accounts = $template.accounts; resources = $template.resources; sql = $template.sql; shares = $template.shares
        nodes = @{}
    }
    foreach ($node in @('primary', 'secondary')) {
        $n = ConvertTo-JuPlain (ConvertFrom-Json (ConvertTo-Json -InputObject $template.node -Depth 20))
        $n.hostName = $template.nodes[$node].hostName
        $n.peer = $template.nodes[$node].peer
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

$script:LabCache = @{ stamp = $null; state = $null }

function LabStamp {
    param([string]$Path)
    $item = New-Object System.IO.FileInfo($Path)
    if (-not $item.Exists) { return $null }
    return '{0}-{1}' -f $item.LastWriteTimeUtc.Ticks, $item.Length
}

function LabWithState {
    # Runs $Action on the advanced state under a lock file, then saves it, unless the caller promised only to
    # read (-ReadOnly) and no event came due. Two nodes share the folder.
    param([scriptblock]$Action, [switch]$ReadOnly)
    # .NET calls, not cmdlets, on this hot path: every primitive call in the lab passes through here.
    [void][System.IO.Directory]::CreateDirectory($script:LabFolder)
    $lockPath = [System.IO.Path]::Combine($script:LabFolder, 'state.lock')
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
        $dirty = -not $ReadOnly.IsPresent
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
        [System.IO.File]::Delete($lockPath)
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
            $install = $node.install
            if ($null -ne $install -and -not $install.done -and $null -ne $install.at -and [long]$install.at -le $now) {
                if ($null -eq $next -or [long]$install.at -lt $next.at) { $next = @{ at = [long]$install.at; node = $nodeName; service = $null; install = $true } }
            }
        }
        if ($null -eq $next) { break }
        $changed = $true
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
    $hostName = LabWithState -ReadOnly { param($s) $s.nodes[$script:LabNode].hostName }
    return [ordered]@{ platform = 'lab'; computerName = $hostName; user = 'LAB\runner'; isAdmin = $true; labFolder = $script:LabFolder; node = $script:LabNode }
}

function PlatformResolvePath {
    param([string]$Path)
    return LabMapPath -Path $Path -Node $script:LabNode
}

function PlatformGetService {
    param([string]$Name)
    return LabWithState -ReadOnly {
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
    return LabWithState -ReadOnly {
        param($s)
        $sources = @([ordered]@{ source = 'uninstall-key'; name = 'JAMS Scheduler (lab)'; version = $s.nodes[$script:LabNode].version })
        [ordered]@{ sources = $sources }
    }
}

function PlatformGetNodeRole {
    # The same shape Get-JAMSFailoverStatus gives on a real node, with the JAMS Client's labels.
    return LabWithState -ReadOnly {
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

function LabAssertJamsServer {
    # The JAMS cmdlets reach the local server as localhost or by the host's name.
    param([hashtable]$State, [string]$Server)
    $names = @('localhost', '.', [string]$State.nodes[$script:LabNode].hostName)
    if ($names -notcontains $Server) { throw "Could not connect to the JAMS server '$Server' (lab: use localhost or $($State.nodes[$script:LabNode].hostName))." }
}

function LabResourceView {
    param([hashtable]$State, [string]$Server, [string]$Name)
    $r = $null
    if ($State.resources.ContainsKey($Name)) { $r = $State.resources[$Name] }
    $quantity = $null
    $required = $false
    if ($null -ne $r) { $quantity = [int]$r.quantityAvailable; $required = [bool]$r.requiredByRoot }
    $rootQuantity = $null
    if ($required) { $rootQuantity = 1 }
    return [ordered]@{ server = $Server; name = $Name; exists = ($null -ne $r); quantityAvailable = $quantity; requiredByRoot = $required; rootQuantityRequired = $rootQuantity }
}

function PlatformGetResource {
    param([string]$Server, [string]$Name)
    return LabWithState -ReadOnly { param($s) LabAssertJamsServer -State $s -Server $Server; LabResourceView -State $s -Server $Server -Name $Name }
}

function PlatformSetResourceQuantity {
    param([string]$Server, [string]$Name, [int]$Quantity)
    LabWithState {
        param($s)
        LabAssertJamsServer -State $s -Server $Server
        if (-not $s.resources.ContainsKey($Name)) { throw "Cannot find path 'JAMS::$Server\Resources\$Name' because it does not exist." }
        $s.resources[$Name].quantityAvailable = $Quantity
    }
}

function PlatformNewResource {
    param([string]$Server, [string]$Name, [int]$Quantity)
    LabWithState {
        param($s)
        LabAssertJamsServer -State $s -Server $Server
        if ($s.resources.ContainsKey($Name)) { throw "The resource $Name already exists." }
        $s.resources[$Name] = @{ quantityAvailable = $Quantity; requiredByRoot = $true }
    }
}

function PlatformAddRootRequirement {
    param([string]$Server, [string]$Name, [int]$Quantity)
    LabWithState {
        param($s)
        LabAssertJamsServer -State $s -Server $Server
        if (-not $s.resources.ContainsKey($Name)) { throw "The resource $Name does not exist." }
        $s.resources[$Name].requiredByRoot = $true
    }
}

function PlatformGetExecutingEntries {
    param([string]$Server)
    return LabWithState {
        param($s)
        LabAssertJamsServer -State $s -Server $Server
        $found = New-Object System.Collections.ArrayList
        foreach ($e in @($s.entries)) {
            # finishAfterReads: an entry that ends after this many looks, so a test does not depend on the clock.
            if ($e.state -eq 'Executing' -and $e.ContainsKey('finishAfterReads')) {
                $e.finishAfterReads = [int]$e.finishAfterReads - 1
                if ($e.finishAfterReads -le 0) { $e.state = 'Completed' }
            }
            if ($e.state -eq 'Executing') { [void]$found.Add([ordered]@{ entry = [string]$e.id; name = [string]$e.name }) }
        }
        , $found.ToArray()
    }
}

function LabBackupChecksum {
    param([string[]]$Lines)
    $bytes = [System.Text.Encoding]::UTF8.GetBytes(($Lines -join "`n"))
    $sha = [System.Security.Cryptography.SHA256]::Create()
    try { return ([System.BitConverter]::ToString($sha.ComputeHash($bytes)) -replace '-', '') }
    finally { $sha.Dispose() }
}

function PlatformInvokeSql {
    # The SQL stand-in: understands exactly the two statements jams-upgrade sends, logs each call (text,
    # parameters, login kind; never the password), writes a real backup file and verifies it.
    param([string]$ConnectionString, [string]$Sql, [System.Collections.IDictionary]$Parameters, [int]$TimeoutSeconds)
    $builder = New-Object System.Data.SqlClient.SqlConnectionStringBuilder
    $builder.set_ConnectionString($ConnectionString)
    $server = $builder.get_DataSource()
    $integrated = $builder.get_IntegratedSecurity()
    $user = $builder.get_UserID()
    $password = $builder.get_Password()
    return LabWithState {
        param($s)
        $stand = $s.sql  # not $sql: PowerShell names ignore case, and $Sql is the statement
        if ($server -ne $stand.server) {
            throw "A network-related or instance-specific error occurred while establishing a connection to SQL Server. The server was not found or was not accessible. (lab: the SQL stand-in is '$($stand.server)', asked for '$server')"
        }
        if (-not $integrated) {
            if (-not $stand.logins.ContainsKey($user) -or [string]$stand.logins[$user] -cne $password) { throw "Login failed for user '$user'." }
        }
        $values = [ordered]@{}
        foreach ($key in @($Parameters.Keys)) { $values[$key] = [string]$Parameters[$key] }
        $stand.log = @($stand.log) + @(@{ sql = $Sql; parameters = $values; node = $script:LabNode; integratedSecurity = $integrated; user = $user })
        $path = [string]$Parameters['path']
        $file = LabMapPath -Path $path -Node $script:LabNode
        if ($Sql -ceq 'BACKUP DATABASE @db TO DISK = @path WITH COPY_ONLY, CHECKSUM, INIT') {
            $db = [string]$Parameters['db']
            if (@($stand.databases) -notcontains $db) { throw "Database '$db' does not exist. Make sure that the name is entered correctly." }
            if ($stand.faults.backupFails) { throw "Write on `"$path`" failed: 112(There is not enough space on the disk.) BACKUP DATABASE is terminating abnormally." }
            if (-not (Test-Path -LiteralPath (Split-Path -Parent $file))) { throw "Cannot open backup device '$path'. Operating system error 3(The system cannot find the path specified.)." }
            $lines = @('JAMS-UPGRADE LAB BACKUP', "database: $db", 'copyOnly: true', "takenAt: $([DateTime]::UtcNow.ToString('o'))", "payload: $([guid]::NewGuid())$([guid]::NewGuid())")
            $checksum = LabBackupChecksum -Lines $lines
            if ($stand.faults.backupDamaged) { $checksum = LabBackupChecksum -Lines @('damaged') }
            [System.IO.File]::WriteAllText($file, (($lines + @("checksum: $checksum")) -join "`n"), (New-Object System.Text.UTF8Encoding($false)))
            , @("Processed 1 pages for database '$db', file 'JAMS' on file 1.", "BACKUP DATABASE successfully processed 1 pages (lab).")
        }
        elseif ($Sql -ceq 'RESTORE VERIFYONLY FROM DISK = @path WITH CHECKSUM') {
            if (-not (Test-Path -LiteralPath $file -PathType Leaf)) { throw "Cannot open backup device '$path'. Operating system error 2(The system cannot find the file specified.)." }
            $lines = @([System.IO.File]::ReadAllText($file) -split "`n")
            $body = @($lines | Select-Object -First ($lines.Count - 1))
            if ($lines[0] -ne 'JAMS-UPGRADE LAB BACKUP' -or $lines[-1] -ne ('checksum: ' + (LabBackupChecksum -Lines $body))) {
                throw 'Damage to the backup set was detected. VERIFY DATABASE is terminating abnormally.'
            }
            , @('The backup set on file 1 is valid.')
        }
        else { throw "Incorrect syntax (lab: the SQL stand-in does not run this statement: $Sql)." }
    }
}

function PlatformGetFreeSpace {
    param([string]$Path)
    $asked = $Path  # LabWithState has its own $path, which would shadow $Path inside the block
    return LabWithState -ReadOnly {
        param($s)
        $space = $null
        $root = $null
        if ($asked -match '^([A-Za-z]):') {
            $root = $Matches[1].ToUpper() + ':\'
            $space = $s.nodes[$script:LabNode].disks[$Matches[1].ToUpper()]
        }
        elseif ($asked -match '^\\\\([^\\]+\\[^\\]+)') {
            $root = '\\' + $Matches[1]
            $space = $s.shares[$Matches[1]]
        }
        if ($null -eq $space) { throw "The network path or drive of '$asked' was not found." }
        $gb = [double]1073741824
        [ordered]@{ root = $root; freeBytes = [double]$space.freeGb * $gb; totalBytes = [double]$space.totalGb * $gb }
    }
}

function PlatformGetQueuePermissions {
    param([string]$Name)
    return LabWithState -ReadOnly {
        param($s)
        $queues = $s.nodes[$script:LabNode].queues
        if (-not $queues.ContainsKey($Name)) { return [ordered]@{ name = $Name; exists = $false; entries = @() } }
        [ordered]@{ name = $Name; exists = $true; entries = @($queues[$Name]) }
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

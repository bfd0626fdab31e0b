# The lab's stand-ins for the Seam* functions of src/host/ps/platform/Seams.ps1: the only code there that cannot run
# off Windows (COM, WindowsIdentity, PrincipalContext, a real SQL Server, drive letters and UNC shares). The module
# dot-sources this file after the platform file (only with JAMS_UPGRADE_LAB set), so these replace exactly those.
# Windows PowerShell 5.1 compatible, ASCII only.

function SeamMapPath {
    # C:\... and \\server\share\... are folders of the lab.
    param([string]$Path)
    return LabMapPath -Path $Path
}

function SeamIsElevated {
    return (LabWithState -ReadOnly { param($s) -not [bool]$s.nodes[$global:JuLab.node].faults.notElevated })
}

function SeamShareSpace {
    param([string]$Root)
    $share = $Root.TrimStart('\')
    return LabWithState -ReadOnly {
        param($s)
        $space = $s.shares[$share]
        if ($null -eq $space) { throw "The network path $Root was not found." }
        $gb = [double]1073741824
        [ordered]@{ freeBytes = [double]$space.freeGb * $gb; totalBytes = [double]$space.totalGb * $gb }
    }
}

function SeamMsiProductVersion {
    # A lab .msi is a lab binary: its ProductVersion is on its lab line.
    param([string]$Path)
    $facts = LabReadBinary -File $Path
    if ($null -eq $facts) { throw "$Path is not a Windows Installer package (lab)." }
    return [string]$facts.version
}

function SeamInstallerImageStart {
    # A lab installer is a shell stub of three lines (lab/control.ts writeLabInstaller: '#!/bin/sh', the facts line, the
    # exec line) followed by a small synthetic setup image, which is what a real setup file holds: it begins after the
    # third line. Any other file begins at 0.
    param([System.IO.Stream]$Stream)
    $head = New-Object byte[] ([int][Math]::Min([long]8192, $Stream.Length))
    $read = 0
    while ($read -lt $head.Length) {
        $n = $Stream.Read($head, $read, $head.Length - $read)
        if ($n -le 0) { break }
        $read += $n
    }
    $text = [System.Text.Encoding]::GetEncoding(28591).GetString($head, 0, $read)
    if (-not $text.StartsWith("#!/bin/sh`n# jams-upgrade-lab {", [System.StringComparison]::Ordinal)) { return [long]0 }
    $at = -1
    for ($line = 0; $line -lt 3; $line++) {
        $at = $text.IndexOf("`n", $at + 1)
        if ($at -lt 0) { return [long]0 }
    }
    return [long]($at + 1)
}

function SeamValidateCredential {
    # The lab knows its domain accounts by the SHA-256 of their password (state.json accounts).
    # Like the platform's, it reads the password from this process's environment itself.
    param([string]$ContextType, [string]$Domain, [string]$User, [string]$PasswordVariable)
    $Password = [Environment]::GetEnvironmentVariable($PasswordVariable)
    if ($null -eq $Password) { $Password = '' }
    $account = $User
    if (-not [string]::IsNullOrEmpty($Domain) -and $ContextType -eq 'Domain') { $account = $Domain + '\' + $User }
    $known = LabWithState -ReadOnly { param($s) $s.accounts[$account] }
    return ($null -ne $known -and (LabSha256Text -Text $Password) -eq $known.passwordSha256)
}

function SeamExitCode {
    # A POSIX exit status keeps only the low 8 bits (1603 arrives as 67): the lab installer records its whole code, and
    # the two must agree.
    param([System.Diagnostics.Process]$Process)
    $status = $Process.ExitCode
    $recorded = LabWithState -ReadOnly {
        param($s)
        $install = $s.nodes[$global:JuLab.node].install
        if ($null -ne $install -and [int]$install.pid -eq $Process.Id -and $install.done) { [int]$install.exitCode }
    }
    if ($null -ne $recorded -and ($recorded -band 255) -eq $status) { return $recorded }
    return $status
}

function SeamInvokeSql {
    # The SQL stand-in: understands exactly the statements jams-upgrade sends, logs each call (text, parameters, login
    # kind; never the password), writes a real backup file with its backup set (msdb's history keeps the set's GUID and
    # finish time), verifies it, reads its header, and restores from it (the database is RESTORING for timing.restoreMs
    # of lab time, outside the lab's lock, then ONLINE from that file). Like the platform's, it builds the connection
    # string itself, so the password is read from this process's environment and never passed as a parameter.
    param([string]$Server, [string]$Auth, [string]$User, [string]$PasswordVariable, [string]$Sql, [System.Collections.IDictionary]$Parameters, [int]$TimeoutSeconds, [switch]$Rows)
    $connection = PlatformSqlConnectionString -Server $Server -Auth $Auth -User $User -PasswordVariable $PasswordVariable
    $outcome = LabSqlStatement -ConnectionString $connection -Sql $Sql -Parameters $Parameters
    if ($outcome -is [hashtable] -and $outcome.ContainsKey('rows')) { return $outcome }
    if ($outcome -isnot [hashtable] -or -not $outcome.ContainsKey('restoring')) { return [ordered]@{ messages = @($outcome); rows = @() } }
    Start-Sleep -Milliseconds $outcome.restoreMs
    $done = LabWithState {
        param($s)
        $db = $s.sql.restored[$outcome.restoring]
        $db.state = 'ONLINE'
        $db.finishedAt = [DateTime]::UtcNow.ToString('o')
        , @("Processed 1 pages for database '$($outcome.restoring)', file 'JAMS' on file 1.", 'RESTORE DATABASE successfully processed 1 pages (lab).')
    }
    return [ordered]@{ messages = @($done); rows = @() }
}

function LabSqlInstance {
    # SQL Server answers tcp:SQL01,1433 as SQL01: the protocol prefix and the port only say how to reach it.
    param([string]$Server)
    return ($Server -replace '^(tcp|np|lpc):', '' -replace ',\s*\d+$', '').Trim()
}

function LabSqlStatement {
    # One statement against the stand-in's state, under the lab's lock.
    param([string]$ConnectionString, [string]$Sql, [System.Collections.IDictionary]$Parameters)
    $builder = New-Object System.Data.SqlClient.SqlConnectionStringBuilder
    $builder.set_ConnectionString($ConnectionString)
    $server = $builder.get_DataSource()
    $integrated = $builder.get_IntegratedSecurity()
    $user = $builder.get_UserID()
    $password = $builder.get_Password()
    $statement = $Sql
    return LabWithState {
        param($s)
        $stand = $s.sql
        if ((LabSqlInstance -Server $server) -ne (LabSqlInstance -Server $stand.server)) {
            throw "A network-related or instance-specific error occurred while establishing a connection to SQL Server. The server was not found or was not accessible. (lab: the SQL stand-in is '$($stand.server)', asked for '$server')"
        }
        if (-not $integrated) {
            if (-not $stand.logins.ContainsKey($user) -or [string]$stand.logins[$user] -cne $password) { throw "Login failed for user '$user'." }
        }
        $values = [ordered]@{}
        foreach ($key in @($Parameters.Keys)) { $values[$key] = [string]$Parameters[$key] }
        $stand.log = @($stand.log) + @(@{ sql = $statement; parameters = $values; node = $global:JuLab.node; integratedSecurity = $integrated; user = $user })
        $device = [string]$Parameters['path']
        $file = LabMapPath -Path $device
        if ($statement -ceq 'BACKUP DATABASE @db TO DISK = @path WITH COPY_ONLY, CHECKSUM, INIT') {
            $db = [string]$Parameters['db']
            if (@($stand.databases) -notcontains $db) { throw "Database '$db' does not exist. Make sure that the name is entered correctly." }
            if ($stand.faults.backupFails) { throw "Write on `"$device`" failed: 112(There is not enough space on the disk.) BACKUP DATABASE is terminating abnormally." }
            if (-not (Test-Path -LiteralPath (Split-Path -Parent $file))) { throw "Cannot open backup device '$device'. Operating system error 3(The system cannot find the path specified.)." }
            $set = [string][guid]::NewGuid()
            $finished = [DateTime]::UtcNow.ToString('yyyy-MM-ddTHH:mm:ss.fff', [System.Globalization.CultureInfo]::InvariantCulture)
            $lines = @('JAMS-UPGRADE LAB BACKUP', "database: $db", 'copyOnly: true', "takenAt: $([DateTime]::UtcNow.ToString('o'))", "payload: $([guid]::NewGuid())$([guid]::NewGuid())", "server: $($stand.server)", "backupSetGuid: $set", "finishedAt: $finished")
            $checksum = LabBackupChecksum -Lines $lines
            if ($stand.faults.backupDamaged) { $checksum = LabBackupChecksum -Lines @('damaged') }
            [System.IO.File]::WriteAllText($file, (($lines + @("checksum: $checksum")) -join "`n"), (New-Object System.Text.UTF8Encoding($false)))
            # msdb's backup history: backupset joined to backupmediafamily by the device's name as it was given.
            $history = @()
            if ($null -ne $stand['history']) { $history = @($stand['history']) }
            $stand['history'] = $history + @(@{ path = $device; guid = $set; finishedAt = $finished; database = $db; server = [string]$stand.server })
            , @("Processed 1 pages for database '$db', file 'JAMS' on file 1.", 'BACKUP DATABASE successfully processed 1 pages (lab).')
        }
        elseif ($statement -ceq 'SELECT TOP 1 b.backup_set_uuid AS BackupSetGUID, b.backup_finish_date AS BackupFinishDate, b.database_name AS DatabaseName, b.server_name AS ServerName FROM msdb.dbo.backupset AS b JOIN msdb.dbo.backupmediafamily AS m ON m.media_set_id = b.media_set_id WHERE m.physical_device_name = @path ORDER BY b.backup_finish_date DESC') {
            $found = @(@($stand['history']) | Where-Object { $null -ne $_ -and [string]$_.path -eq $device } | Sort-Object -Property { [string]$_.finishedAt } -Descending | Select-Object -First 1)
            $rows = @()
            foreach ($h in $found) { $rows += , ([ordered]@{ BackupSetGUID = [string]$h.guid; BackupFinishDate = [string]$h.finishedAt; DatabaseName = [string]$h.database; ServerName = [string]$h.server }) }
            @{ messages = @(); rows = $rows }
        }
        elseif ($statement -ceq 'RESTORE HEADERONLY FROM DISK = @path') {
            $header = LabReadBackupHeader -Device $device -File $file
            @{ messages = @(); rows = @(, ([ordered]@{ BackupSetGUID = $header['backupSetGuid']; BackupFinishDate = $header['finishedAt']; DatabaseName = $header['database']; ServerName = $header['server'] })) }
        }
        elseif ($statement -ceq 'RESTORE VERIFYONLY FROM DISK = @path WITH CHECKSUM') {
            [void](LabReadBackup -Device $device -File $file -Statement 'VERIFY DATABASE')
            , @('The backup set on file 1 is valid.')
        }
        elseif ($statement -ceq 'RESTORE DATABASE @db FROM DISK = @path WITH REPLACE, CHECKSUM') {
            $db = [string]$Parameters['db']
            $from = LabReadBackup -Device $device -File $file -Statement 'RESTORE DATABASE'
            if ($stand.faults.restoreFails) { throw 'Exclusive access could not be obtained because the database is in use. RESTORE DATABASE is terminating abnormally.' }
            if ($null -eq $stand.restored) { $stand.restored = @{} }
            $stand.restored[$db] = @{ file = $device; fromDatabase = $from; state = 'RESTORING'; startedAt = [DateTime]::UtcNow.ToString('o'); finishedAt = $null }
            @{ restoring = $db; restoreMs = [long]$s.timing.restoreMs }
        }
        else { throw "Incorrect syntax (lab: the SQL stand-in does not run this statement: $statement)." }
    }
}

function LabReadBackup {
    # A lab backup file whose checksum holds; returns the database it holds. SQL Server's messages otherwise.
    param([string]$Device, [string]$File, [string]$Statement)
    if (-not (Test-Path -LiteralPath $File -PathType Leaf)) { throw "Cannot open backup device '$Device'. Operating system error 2(The system cannot find the file specified.)." }
    $lines = @([System.IO.File]::ReadAllText($File) -split "`n")
    $body = @($lines | Select-Object -First ($lines.Count - 1))
    if ($lines[0] -ne 'JAMS-UPGRADE LAB BACKUP' -or $lines[-1] -ne ('checksum: ' + (LabBackupChecksum -Lines $body))) {
        throw "Damage to the backup set was detected. $Statement is terminating abnormally."
    }
    return ([string]$lines[1]).Replace('database: ', '')
}

function LabReadBackupHeader {
    # RESTORE HEADERONLY of a lab backup file: its key: value lines (a file written before the lab kept backup sets has no
    # set GUID, server or finish time: those are empty, as no real header is). Reads the header without the checksum, as
    # SQL Server does.
    param([string]$Device, [string]$File)
    if (-not (Test-Path -LiteralPath $File -PathType Leaf)) { throw "Cannot open backup device '$Device'. Operating system error 2(The system cannot find the file specified.)." }
    $lines = @([System.IO.File]::ReadAllText($File) -split "`n")
    if ($lines[0] -ne 'JAMS-UPGRADE LAB BACKUP') { throw "The media family on device '$Device' is incorrectly formed. SQL Server cannot process this media family. RESTORE HEADERONLY is terminating abnormally." }
    $header = @{ database = ''; server = ''; backupSetGuid = ''; finishedAt = '' }
    foreach ($line in $lines) {
        $at = $line.IndexOf(': ')
        if ($at -gt 0) { $header[$line.Substring(0, $at)] = $line.Substring($at + 2) }
    }
    return $header
}

function LabBackupChecksum {
    param([string[]]$Lines)
    return LabSha256Text -Text ($Lines -join "`n")
}

function SeamRunnerSid {
    # The lab's runner, LAB\runner: an administrator of each node, neither SYSTEM nor Administrators itself.
    return LabRunnerSid
}

function SeamPathSecurity {
    # Owners and access entries from state.json's security table, links from the lab's disk (Lab.State.ps1 LabPathFacts).
    param([string[]]$Paths)
    return , @((LabWithState -ReadOnly { param($s) LabPathFacts -State $s -Paths $Paths }).items)
}

function SeamNewProtectedFolder {
    # The folder on the lab's disk, and its protected security descriptor in the security table.
    param([string]$Path, [string[]]$Sids)
    [void][System.IO.Directory]::CreateDirectory($Path)
    $aces = @($Sids | ForEach-Object { LabAce $_ $_ })
    LabWithState { param($s) LabSetSecurity -State $s -Local $Path -Owner 'S-1-5-32-544' -OwnerName 'BUILTIN\Administrators' -Aces $aces -Protected $true }
}

function SeamRemoteFolderScript {
    # Runs in the lab's remote host (Lab.Remote.ps1): the folder under <lab>/remote/<host>, its security in the table. With
    # the host's faults.remoteFolderPreCreated, LAB\mallory made the folder first (as if the name had been guessed).
    return {
        param($Name)
        $ErrorActionPreference = 'Stop'
        $path = $env:SystemRoot + '\Temp\' + $Name
        $local = LabHere $path
        if (LabWithState -ReadOnly { param($s) [bool](LabHostFaults -State $s -Computer $global:JuLab.remote).remoteFolderPreCreated }) {
            [void][System.IO.Directory]::CreateDirectory($local)
            $mallory = 'S-1-5-21-3623811015-3361044348-30300820-1107'
            LabWithState { param($s) LabSetSecurity -State $s -Local $local -Owner $mallory -OwnerName 'LAB\mallory' -Aces @((LabAce $mallory 'LAB\mallory')) }
        }
        $existed = [System.IO.Directory]::Exists($local)
        $runner = LabRunnerSid
        if (-not $existed) {
            [void][System.IO.Directory]::CreateDirectory($local)
            $aces = @((LabAce 'S-1-5-18' 'NT AUTHORITY\SYSTEM'), (LabAce 'S-1-5-32-544' 'BUILTIN\Administrators'), (LabAce $runner 'LAB\runner'))
            LabWithState { param($s) LabSetSecurity -State $s -Local $local -Owner 'S-1-5-32-544' -OwnerName 'BUILTIN\Administrators' -Aces $aces -Protected $true }
        }
        $facts = @((LabWithState -ReadOnly { param($s) LabPathFacts -State $s -Paths @($local) }).items)[0]
        [pscustomobject]@{
            path = $path; existed = $existed; runner = $runner; exists = $true; container = $true; owner = $facts.owner
            ownerName = $facts.ownerName; reparse = $facts.reparse; aces = @($facts.aces | ForEach-Object { [pscustomobject]$_ })
        }
    }
}

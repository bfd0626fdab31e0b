# SQL: backup, verify, header and restore, each one fixed statement with its values as parameters.
# Dot-sourced by JamsUpgrade.psm1; npm run package joins the folder into one file in dist/ps. Windows PowerShell 5.1
# compatible, ASCII only.

# Fixed T-SQL: the database name and the file path are parameters, never part of the text.
$script:BackupSql = 'BACKUP DATABASE @db TO DISK = @path WITH COPY_ONLY, CHECKSUM, INIT'
$script:VerifySql = 'RESTORE VERIFYONLY FROM DISK = @path WITH CHECKSUM'
# RESTORE takes a variable for the database name as well as for the device (RESTORE DATABASE { database_name |
# @database_name_var } ... DISK = { 'device' | @device_var }), so the rollback's restore is fixed text too.
$script:RestoreSql = 'RESTORE DATABASE @db FROM DISK = @path WITH REPLACE, CHECKSUM'
# The backup file's own header (the restore compares it with what the backup stage recorded), and the backup set msdb
# recorded for the file the backup stage just wrote.
$script:HeaderSql = 'RESTORE HEADERONLY FROM DISK = @path'
$script:BackupSetSql = 'SELECT TOP 1 b.backup_set_uuid AS BackupSetGUID, b.backup_finish_date AS BackupFinishDate, b.database_name AS DatabaseName, b.server_name AS ServerName FROM msdb.dbo.backupset AS b JOIN msdb.dbo.backupmediafamily AS m ON m.media_set_id = b.media_set_id WHERE m.physical_device_name = @path ORDER BY b.backup_finish_date DESC'

function Get-JuBackupFileFacts {
    param([string]$Path)
    $local = SeamMapPath -Path $Path
    if (-not (Test-Path -LiteralPath $local -PathType Leaf)) {
        throw "The backup file $Path cannot be seen from this host. SQL Server writes it on its own machine: use a UNC share both can reach."
    }
    return [ordered]@{
        size   = (Get-Item -LiteralPath $local).Length
        sha256 = (Get-FileHash -LiteralPath $local -Algorithm SHA256).Hash
    }
}

function Invoke-JuSqlStatement {
    # One fixed statement, timed, with SQL Server's messages; -Facts adds the backup file's size and SHA-256 after it,
    # -Rows the rows it returned. The password stays in this process's environment: only its variable's name travels.
    param([string]$Server, [string]$Auth, [string]$User, [string]$PasswordVariable, [int]$TimeoutSeconds, [string]$Sql, [System.Collections.IDictionary]$Parameters, [string]$Path, [switch]$Facts, [switch]$Rows)
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $reply = SeamInvokeSql -Server $Server -Auth $Auth -User $User -PasswordVariable $PasswordVariable -Sql $Sql -Parameters $Parameters -TimeoutSeconds $TimeoutSeconds -Rows:$Rows.IsPresent
    $watch.Stop()
    $result = [ordered]@{ path = $Path; sql = $Sql; durationMs = $watch.ElapsedMilliseconds; messages = @($reply.messages) }
    if ($Rows.IsPresent) { $result['rows'] = @($reply.rows) }
    if ($Facts.IsPresent) {
        $known = Get-JuBackupFileFacts -Path $Path
        $result['size'] = $known.size
        $result['sha256'] = $known.sha256
    }
    return $result
}

function Select-JuBackupSet {
    # The four facts of a backup set both msdb and RESTORE HEADERONLY name, and nothing else of the row.
    param($Row)
    if ($null -eq $Row) { return $null }
    return [ordered]@{
        databaseName = [string]$Row['DatabaseName']
        serverName   = [string]$Row['ServerName']
        guid         = [string]$Row['BackupSetGUID']
        finishedAt   = [string]$Row['BackupFinishDate']
    }
}

function Backup-JuDatabase {
    <#
    .SYNOPSIS
    Backs the database up (COPY_ONLY, CHECKSUM) and reads what msdb recorded.
    .PARAMETER Server
    The JAMS server (a plain host name).
    .PARAMETER Database
    The database name, passed to SQL Server as a parameter.
    .PARAMETER Auth
    'windows' (the runner's account) or 'sql' (User and PasswordVariable).
    .PARAMETER User
    The SQL login for 'sql' authentication; '' otherwise.
    .PARAMETER PasswordVariable
    The name of the JU_* environment variable that holds the password; never the password itself.
    .PARAMETER TimeoutSeconds
    How long the statement may run.
    .PARAMETER Path
    The backup file, as SQL Server sees it (a UNC share both can reach).
    .OUTPUTS
    path, sql, durationMs, messages, size, sha256, backupSet and backupSetSql.
    #>

    # BACKUP DATABASE ... WITH COPY_ONLY, CHECKSUM, INIT, then the file's size and SHA-256, and the backup set msdb
    # recorded for the file (its GUID and finish time, which the restore finds again in the file's header).
    param([string]$Server, [string]$Database, [string]$Auth, [string]$User, [string]$PasswordVariable, [int]$TimeoutSeconds, [string]$Path)
    $folder = [System.IO.Path]::GetDirectoryName((SeamMapPath -Path $Path))
    if (-not (Test-Path -LiteralPath $folder)) { [void](New-Item -ItemType Directory -Path $folder -Force) }
    $result = Invoke-JuSqlStatement -Server $Server -Auth $Auth -User $User -PasswordVariable $PasswordVariable -TimeoutSeconds $TimeoutSeconds -Sql $script:BackupSql -Parameters ([ordered]@{ db = $Database; path = $Path }) -Path $Path -Facts
    $set = Invoke-JuSqlStatement -Server $Server -Auth $Auth -User $User -PasswordVariable $PasswordVariable -TimeoutSeconds $TimeoutSeconds -Sql $script:BackupSetSql -Parameters ([ordered]@{ path = $Path }) -Path $Path -Rows
    $result['backupSet'] = Select-JuBackupSet -Row (@($set.rows) | Select-Object -First 1)
    $result['backupSetSql'] = $script:BackupSetSql
    return $result
}

function Test-JuDatabaseBackup {
    <#
    .SYNOPSIS
    RESTORE VERIFYONLY of a backup file, then its facts.
    .PARAMETER Server
    The JAMS server (a plain host name).
    .PARAMETER Database
    Unused; the SQL primitives share their arguments.
    .PARAMETER Auth
    'windows' (the runner's account) or 'sql' (User and PasswordVariable).
    .PARAMETER User
    The SQL login for 'sql' authentication; '' otherwise.
    .PARAMETER PasswordVariable
    The name of the JU_* environment variable that holds the password; never the password itself.
    .PARAMETER TimeoutSeconds
    How long the statement may run.
    .PARAMETER Path
    The backup file.
    .OUTPUTS
    path, sql, durationMs, messages, size and sha256.
    #>

    # RESTORE VERIFYONLY ... WITH CHECKSUM, then the file's facts again so the caller can compare them.
    param([string]$Server, [string]$Database, [string]$Auth, [string]$User, [string]$PasswordVariable, [int]$TimeoutSeconds, [string]$Path)
    return Invoke-JuSqlStatement -Server $Server -Auth $Auth -User $User -PasswordVariable $PasswordVariable -TimeoutSeconds $TimeoutSeconds -Sql $script:VerifySql -Parameters ([ordered]@{ path = $Path }) -Path $Path -Facts
}

function Get-JuBackupHeader {
    <#
    .SYNOPSIS
    The backup sets a backup file holds, as SQL Server reads them.
    .PARAMETER Server
    The JAMS server (a plain host name).
    .PARAMETER Database
    Unused; the SQL primitives share their arguments.
    .PARAMETER Auth
    'windows' (the runner's account) or 'sql' (User and PasswordVariable).
    .PARAMETER User
    The SQL login for 'sql' authentication; '' otherwise.
    .PARAMETER PasswordVariable
    The name of the JU_* environment variable that holds the password; never the password itself.
    .PARAMETER TimeoutSeconds
    How long the statement may run.
    .PARAMETER Path
    The backup file.
    .OUTPUTS
    path, sql, durationMs, messages, size, sha256 and sets.
    #>

    # RESTORE HEADERONLY: each backup set the file holds, as SQL Server reads the file (database, server, set GUID,
    # finish time), then the file's facts, read by the path SQL Server was given.
    param([string]$Server, [string]$Database, [string]$Auth, [string]$User, [string]$PasswordVariable, [int]$TimeoutSeconds, [string]$Path)
    $result = Invoke-JuSqlStatement -Server $Server -Auth $Auth -User $User -PasswordVariable $PasswordVariable -TimeoutSeconds $TimeoutSeconds -Sql $script:HeaderSql -Parameters ([ordered]@{ path = $Path }) -Path $Path -Facts -Rows
    $sets = New-Object System.Collections.ArrayList
    foreach ($row in @($result['rows'])) { [void]$sets.Add((Select-JuBackupSet -Row $row)) }
    $result.Remove('rows')
    $result['sets'] = $sets.ToArray()
    return $result
}

function Restore-JuDatabase {
    <#
    .SYNOPSIS
    Restores the database from a checked backup file.
    .PARAMETER Server
    The JAMS server (a plain host name).
    .PARAMETER Database
    The database name, passed to SQL Server as a parameter.
    .PARAMETER Auth
    'windows' (the runner's account) or 'sql' (User and PasswordVariable).
    .PARAMETER User
    The SQL login for 'sql' authentication; '' otherwise.
    .PARAMETER PasswordVariable
    The name of the JU_* environment variable that holds the password; never the password itself.
    .PARAMETER TimeoutSeconds
    How long the statement may run.
    .PARAMETER Path
    The backup file.
    .PARAMETER ExpectSha256
    The SHA-256 the caller checked; a file changed since is refused.
    .OUTPUTS
    path, sql, durationMs, messages and sha256.
    #>

    # RESTORE DATABASE ... WITH REPLACE, CHECKSUM from a backup file the caller has checked (SHA-256, header,
    # VERIFYONLY). The file is hashed once more here, by the path SQL Server is given, right before the statement: a
    # file changed since the caller's checks is refused. The connection's database is master, so the session never holds
    # the database it replaces.
    param([string]$Server, [string]$Database, [string]$Auth, [string]$User, [string]$PasswordVariable, [int]$TimeoutSeconds, [string]$Path, [string]$ExpectSha256)
    if ($ExpectSha256 -notmatch $script:Sha256Pattern) { throw "The expected SHA-256 '$ExpectSha256' is not 64 hexadecimal digits." }
    $known = Get-JuBackupFileFacts -Path $Path
    if ($known.sha256 -ne $ExpectSha256) {
        throw "The backup file $Path has the SHA-256 $($known.sha256) right before the restore, and $ExpectSha256 was checked: it changed. Nothing was restored."
    }
    $result = Invoke-JuSqlStatement -Server $Server -Auth $Auth -User $User -PasswordVariable $PasswordVariable -TimeoutSeconds $TimeoutSeconds -Sql $script:RestoreSql -Parameters ([ordered]@{ db = $Database; path = $Path }) -Path $Path
    $result['sha256'] = $known.sha256
    return $result
}

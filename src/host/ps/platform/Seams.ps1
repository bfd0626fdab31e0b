# The seams: the only code that runs on Windows alone. The lab replaces exactly these (lab/ps/Lab.Seams.ps1).
# Dot-sourced by JamsUpgrade.psm1; npm run package joins the folder into one file in dist/ps. Windows PowerShell 5.1
# compatible, ASCII only.

function SeamMapPath {
    # A host path as this process opens it.
    param([string]$Path)
    return $Path
}

function SeamIsElevated {
    return ([Security.Principal.WindowsPrincipal][Security.Principal.WindowsIdentity]::GetCurrent()).IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)
}

function SeamShareSpace {
    # DriveInfo cannot read a UNC share; Scripting.FileSystemObject can.
    # CHECK: GetDrive('\\server\share') reports the share's AvailableSpace for the runner's account.
    param([string]$Root)
    $drive = (New-Object -ComObject Scripting.FileSystemObject).GetDrive($Root)
    return [ordered]@{ freeBytes = [double]$drive.AvailableSpace; totalBytes = [double]$drive.TotalSize }
}

function SeamMsiProductVersion {
    # The ProductVersion property of an .msi, read through the WindowsInstaller COM object.
    param([string]$Path)
    $installer = New-Object -ComObject WindowsInstaller.Installer
    $database = $installer.GetType().InvokeMember('OpenDatabase', 'InvokeMethod', $null, $installer, @($Path, 0))
    $view = $database.GetType().InvokeMember('OpenView', 'InvokeMethod', $null, $database, @("SELECT Value FROM Property WHERE Property = 'ProductVersion'"))
    [void]$view.GetType().InvokeMember('Execute', 'InvokeMethod', $null, $view, $null)
    $row = $view.GetType().InvokeMember('Fetch', 'InvokeMethod', $null, $view, $null)
    [void]$view.GetType().InvokeMember('Close', 'InvokeMethod', $null, $view, $null)
    if ($null -eq $row) { return $null }
    return [string]$row.GetType().InvokeMember('StringData', 'GetProperty', $null, $row, 1)
}

function SeamInstallerImageStart {
    # Where an installer's own bytes begin in its file: at 0 on a host. (The lab's installers are a script stub in front of
    # a synthetic setup image.)
    param([System.IO.Stream]$Stream)
    return [long]0
}

function SeamValidateCredential {
    # CHECK: PrincipalContext.ValidateCredentials (a bind, not a logon) works from the scheduler host for the JAMS service
    # account. A wrong password counts towards the account's lockout threshold.
    # The password is read here from this process's environment (PasswordVariable names it): it is never a parameter
    # value, which module logging would record.
    param([string]$ContextType, [string]$Domain, [string]$User, [string]$PasswordVariable)
    Add-Type -AssemblyName System.DirectoryServices.AccountManagement
    $context = New-Object System.DirectoryServices.AccountManagement.PrincipalContext([System.DirectoryServices.AccountManagement.ContextType]$ContextType, $Domain)
    try { return [bool]$context.ValidateCredentials($User, [Environment]::GetEnvironmentVariable($PasswordVariable)) }
    finally { $context.Dispose() }
}

function SeamExitCode {
    # A process's exit code: 32 bits on Windows, where Windows Installer's 1603 and 3010 live.
    param([System.Diagnostics.Process]$Process)
    return $Process.ExitCode
}

function SeamInvokeSql {
    # One fixed statement through System.Data.SqlClient (part of .NET Framework) with its values as parameters; returns
    # SQL Server's informational messages ("Processed 123 pages ...") and, with -Rows, the rows of its first result set
    # (column name to value; a GUID as text, a date as yyyy-MM-ddTHH:mm:ss.fff). The connection string is built here
    # (PlatformSqlConnectionString reads a SQL login's password from this process's environment, PasswordVariable names
    # it), so no password is ever a parameter value, which module logging would record.
    # CHECK: the runner's account (Windows authentication) or the SQL login may run BACKUP DATABASE (db_backupoperator or
    # sysadmin), and SQL Server's service account can write to the backup folder.
    # CHECK: for a rollback, the same login may RESTORE over the JAMS database (sysadmin, dbcreator or the database's
    # owner), and SQL Server's service account can read the backup file.
    # CHECK: the same login may read msdb.dbo.backupset and backupmediafamily (the backup set's GUID and finish time).
    param([string]$Server, [string]$Auth, [string]$User, [string]$PasswordVariable, [string]$Sql, [System.Collections.IDictionary]$Parameters, [int]$TimeoutSeconds, [switch]$Rows)
    $messages = New-Object System.Collections.ArrayList
    $table = New-Object System.Collections.ArrayList
    $connection = New-Object System.Data.SqlClient.SqlConnection
    $connection.set_ConnectionString((PlatformSqlConnectionString -Server $Server -Auth $Auth -User $User -PasswordVariable $PasswordVariable))
    $handler = [System.Data.SqlClient.SqlInfoMessageEventHandler] {
        param($source, $e)
        foreach ($m in @($e.Errors)) { [void]$messages.Add([string]$m.Message) }
    }.GetNewClosure()
    $connection.add_InfoMessage($handler)
    try {
        $connection.Open()
        $command = $connection.CreateCommand()
        $command.CommandText = $Sql
        $command.CommandTimeout = $TimeoutSeconds
        foreach ($key in @($Parameters.Keys)) {
            $parameter = $command.Parameters.Add('@' + $key, [System.Data.SqlDbType]::NVarChar, 4000)
            $parameter.Value = [string]$Parameters[$key]
        }
        if ($Rows.IsPresent) {
            $reader = $command.ExecuteReader()
            try {
                while ($reader.Read()) {
                    $row = [ordered]@{}
                    for ($i = 0; $i -lt $reader.FieldCount; $i++) {
                        $value = $reader.GetValue($i)
                        if ($value -is [System.DBNull]) { $value = $null }
                        elseif ($value -is [guid]) { $value = $value.ToString() }
                        elseif ($value -is [datetime]) { $value = $value.ToString('yyyy-MM-ddTHH:mm:ss.fff', [System.Globalization.CultureInfo]::InvariantCulture) }
                        $row[$reader.GetName($i)] = $value
                    }
                    [void]$table.Add($row)
                }
            }
            finally { $reader.Dispose() }
        }
        else { [void]$command.ExecuteNonQuery() }
    }
    finally { $connection.Dispose() }
    return [ordered]@{ messages = $messages.ToArray(); rows = $table.ToArray() }
}

function SeamRunnerSid {
    # The SID of the account this process runs as.
    return [string][Security.Principal.WindowsIdentity]::GetCurrent().User.Value
}

function SeamPathSecurity {
    # Each path as data: whether it exists, is a folder or a link (a reparse point: junction or symbolic link), its owner
    # and its access entries (SIDs, names, the access mask as a number). Nothing is judged here.
    # CHECK: Get-Acl -LiteralPath reads the owner and the DACL of a file and a folder under C:\ProgramData for an elevated
    # runner, and of a junction itself (not its target).
    param([string[]]$Paths)
    $found = New-Object System.Collections.ArrayList
    foreach ($path in $Paths) {
        $item = Get-Item -LiteralPath $path -Force -ErrorAction SilentlyContinue
        if ($null -eq $item) { [void]$found.Add([ordered]@{ path = $path; exists = $false }); continue }
        $acl = Get-Acl -LiteralPath $path
        $owner = [string]$acl.GetOwner([System.Security.Principal.SecurityIdentifier]).Value
        $ownerName = $owner
        try { $ownerName = [string]$acl.GetOwner([System.Security.Principal.NTAccount]).Value } catch { $ownerName = $owner }
        $aces = New-Object System.Collections.ArrayList
        foreach ($rule in @($acl.GetAccessRules($true, $true, [System.Security.Principal.SecurityIdentifier]))) {
            $sid = [string]$rule.IdentityReference.Value
            $name = $sid
            try { $name = [string]$rule.IdentityReference.Translate([System.Security.Principal.NTAccount]).Value } catch { $name = $sid }
            # The unsigned 32-bit access mask Windows keeps (GENERIC_READ is its sign bit).
            $mask = [long][int]$rule.FileSystemRights
            if ($mask -lt 0) { $mask += [long]4294967296 }
            [void]$aces.Add([ordered]@{
                    sid = $sid; name = $name; type = [string]$rule.AccessControlType; rights = $mask
                    inherited = [bool]$rule.IsInherited
                })
        }
        [void]$found.Add([ordered]@{
                path = $path; exists = $true; container = [bool]$item.PSIsContainer
                reparse = (([int]$item.Attributes -band [int][System.IO.FileAttributes]::ReparsePoint) -ne 0)
                owner = $owner; ownerName = $ownerName; protected = [bool]$acl.AreAccessRulesProtected; aces = $aces.ToArray()
            })
    }
    return , $found.ToArray()
}

function SeamNewProtectedFolder {
    # Creates a folder with its security in the same call, so it never has its parent's entries (C:\ProgramData lets
    # BUILTIN\Users create files and folders): owner Administrators, full control for each SID, passed on to what is
    # created inside, inheritance from the parent off.
    # CHECK: an elevated runner may make Administrators the owner (a member of it may), and Directory.CreateDirectory
    # (Windows PowerShell 5.1) and FileSystemAclExtensions.Create (PowerShell 7) apply the security to the new folder.
    param([string]$Path, [string[]]$Sids)
    $security = New-Object System.Security.AccessControl.DirectorySecurity
    $security.SetOwner((New-Object System.Security.Principal.SecurityIdentifier('S-1-5-32-544')))
    $security.SetAccessRuleProtection($true, $false)
    $inherit = [System.Security.AccessControl.InheritanceFlags]'ContainerInherit, ObjectInherit'
    foreach ($sid in $Sids) {
        $rule = New-Object System.Security.AccessControl.FileSystemAccessRule((New-Object System.Security.Principal.SecurityIdentifier($sid)),
            [System.Security.AccessControl.FileSystemRights]::FullControl, $inherit, [System.Security.AccessControl.PropagationFlags]::None,
            [System.Security.AccessControl.AccessControlType]::Allow)
        $security.AddAccessRule($rule)
    }
    if ($PSVersionTable.PSVersion.Major -lt 6) { [void][System.IO.Directory]::CreateDirectory($Path, $security) }
    else { [void][System.IO.FileSystemAclExtensions]::Create((New-Object System.IO.DirectoryInfo($Path)), $security) }
}

function SeamRemoteFolderScript {
    # The script block that makes this run's own folder on a remote host (it runs there): the folder must not exist yet,
    # is created as SeamNewProtectedFolder creates one (SYSTEM, Administrators and the session's account), and is read
    # back as SeamPathSecurity reads a path. Judged here, on the runner, by PlatformSecurityProblem.
    # CHECK: as SeamNewProtectedFolder, in a WinRM session of an administrator on the agent host.
    return {
        param($Name)
        $ErrorActionPreference = 'Stop'
        $path = $env:SystemRoot + '\Temp\' + $Name
        $existed = Test-Path -LiteralPath $path
        $runner = [string][Security.Principal.WindowsIdentity]::GetCurrent().User.Value
        if (-not $existed) {
            $security = New-Object System.Security.AccessControl.DirectorySecurity
            $security.SetOwner((New-Object System.Security.Principal.SecurityIdentifier('S-1-5-32-544')))
            $security.SetAccessRuleProtection($true, $false)
            $inherit = [System.Security.AccessControl.InheritanceFlags]'ContainerInherit, ObjectInherit'
            foreach ($sid in @('S-1-5-18', 'S-1-5-32-544', $runner) | Select-Object -Unique) {
                $security.AddAccessRule((New-Object System.Security.AccessControl.FileSystemAccessRule((New-Object System.Security.Principal.SecurityIdentifier($sid)),
                            [System.Security.AccessControl.FileSystemRights]::FullControl, $inherit, [System.Security.AccessControl.PropagationFlags]::None,
                            [System.Security.AccessControl.AccessControlType]::Allow)))
            }
            [void][System.IO.Directory]::CreateDirectory($path, $security)
        }
        $item = Get-Item -LiteralPath $path -Force
        $acl = Get-Acl -LiteralPath $path
        $aces = @()
        foreach ($rule in @($acl.GetAccessRules($true, $true, [System.Security.Principal.SecurityIdentifier]))) {
            $mask = [long][int]$rule.FileSystemRights
            if ($mask -lt 0) { $mask += [long]4294967296 }
            $aces += , ([pscustomobject]@{ sid = [string]$rule.IdentityReference.Value; name = [string]$rule.IdentityReference.Value; type = [string]$rule.AccessControlType; rights = $mask })
        }
        $owner = [string]$acl.GetOwner([System.Security.Principal.SecurityIdentifier]).Value
        [pscustomobject]@{
            path = $path; existed = $existed; runner = $runner; exists = $true; container = $true; owner = $owner; ownerName = $owner
            reparse = (([int]$item.Attributes -band [int][System.IO.FileAttributes]::ReparsePoint) -ne 0); aces = $aces
        }
    }
}

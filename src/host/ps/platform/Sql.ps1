# SQL: the connection string SeamInvokeSql opens (the password read from the environment here).
# Dot-sourced by JamsUpgrade.psm1; npm run package joins the folder into one file in dist/ps. Windows PowerShell 5.1
# compatible, ASCII only.

function PlatformSqlConnectionString {
    <#
    .SYNOPSIS
    The SQL connection string, built by SqlConnectionStringBuilder; the password comes from the environment.
    .PARAMETER Server
    The SQL Server instance.
    .PARAMETER Auth
    'windows' (the runner's account) or 'sql' (User and PasswordVariable).
    .PARAMETER User
    The SQL login for 'sql' authentication; '' otherwise.
    .PARAMETER PasswordVariable
    The name of the JU_* environment variable that holds the password; never the password itself.
    .OUTPUTS
    The connection string (text).
    #>

    # Built by SqlConnectionStringBuilder, so no value can change the string's structure. The password comes
    # from this process's environment (set by the caller), never from the call's arguments.
    param([string]$Server, [string]$Auth, [string]$User, [string]$PasswordVariable)
    # The accessors, not $builder.X = v: PowerShell treats the builder as a dictionary of keywords.
    $builder = New-Object System.Data.SqlClient.SqlConnectionStringBuilder
    $builder.set_DataSource($Server)
    $builder.set_InitialCatalog('master')
    $builder.set_ApplicationName('jams-upgrade')
    $builder.set_ConnectTimeout(30)
    if ($Auth -eq 'sql') {
        if ($PasswordVariable -notmatch '^JU_[A-Z0-9_]{1,60}$') { throw "Environment variable '$PasswordVariable' is not a plain name (letters, digits, '_', '.', '-')." }
        $password = [System.Environment]::GetEnvironmentVariable($PasswordVariable)
        if ([string]::IsNullOrEmpty($password)) { throw "The SQL password is missing: the environment variable $PasswordVariable is empty." }
        if ([string]::IsNullOrEmpty($User)) { throw 'The SQL login name is empty.' }
        $builder.set_IntegratedSecurity($false)
        $builder.set_UserID($User)
        $builder.set_Password($password)
    }
    else { $builder.set_IntegratedSecurity($true) }
    return $builder.get_ConnectionString()
}

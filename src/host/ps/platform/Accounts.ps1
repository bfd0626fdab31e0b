# Accounts: checking a password, setting a service's Log On As account.
# Dot-sourced by JamsUpgrade.psm1; npm run package joins the folder into one file in dist/ps. Windows PowerShell 5.1
# compatible, ASCII only.

function PlatformTestCredential {
    <#
    .SYNOPSIS
    Checks an account's password against its domain or this machine.
    .PARAMETER Account
    The account, DOMAIN\name or .\name.
    .PARAMETER PasswordVariable
    The name of the JU_* environment variable that holds the password; never the password itself.
    .OUTPUTS
    valid and reason.
    #>

    # A domain account is checked against its domain, a local one (.\name or HOST\name) against this machine.
    param([string]$Account, [string]$PasswordVariable)
    $password = [Environment]::GetEnvironmentVariable($PasswordVariable)
    if ([string]::IsNullOrEmpty($password)) { return [ordered]@{ checked = $true; valid = $false; reason = 'no password was given' } }
    $type = 'Domain'
    $domain = $null
    $user = $Account
    if ($Account -match '^([^\\]+)\\(.+)$') {
        $domain = $Matches[1]
        $user = $Matches[2]
        if ($domain -eq '.' -or $domain -eq $env:COMPUTERNAME) { $type = 'Machine'; $domain = $env:COMPUTERNAME }
    }
    try {
        $valid = SeamValidateCredential -ContextType $type -Domain $domain -User $user -PasswordVariable $PasswordVariable
        return [ordered]@{ checked = $true; valid = [bool]$valid; reason = $null }
    }
    catch { return [ordered]@{ checked = $false; valid = $null; reason = $_.Exception.Message } }
}

function PlatformSetServiceAccount {
    <#
    .SYNOPSIS
    Sets a service's Log On As account through Win32_Service.Change.
    .PARAMETER Name
    The service name.
    .PARAMETER Account
    The account, DOMAIN\name or .\name.
    .PARAMETER PasswordVariable
    The JU_* variable holding the password, or ''.
    .OUTPUTS
    returnValue.
    #>

    # Windows PowerShell 5.1 has no Set-Service -Credential; Win32_Service.Change takes StartName/StartPassword. The
    # password never appears in a command line: it is read here from this process's environment.
    # CHECK: a managed service account (DOMAIN\name$) is accepted with an empty StartPassword, and Change keeps the
    # account's "Log on as a service" right (it does not grant it; the account had it before the upgrade).
    param([string]$Name, [string]$Account, [string]$PasswordVariable)
    $password = ''
    if ($PasswordVariable -ne '') {
        $password = [Environment]::GetEnvironmentVariable($PasswordVariable)
        if ($null -eq $password) { $password = '' }
    }
    $service = @(Get-CimInstance -ClassName Win32_Service | Where-Object { $_.Name -eq $Name }) | Select-Object -First 1
    if ($null -eq $service) { throw "Service '$Name' was not found." }
    $result = Invoke-CimMethod -InputObject $service -MethodName Change -Arguments @{ StartName = $Account; StartPassword = $password }
    return [ordered]@{ returnValue = [int]$result.ReturnValue }
}

# Accounts: a password check and a service's Log On As account.
# Dot-sourced by JamsUpgrade.psm1; npm run package joins the folder into one file in dist/ps. Windows PowerShell 5.1
# compatible, ASCII only.

function Test-JuCredential {
    <#
    .SYNOPSIS
    Checks an account's password without changing anything.
    .PARAMETER Account
    The account, DOMAIN\name or .\name.
    .PARAMETER PasswordVariable
    The name of the JU_* environment variable that holds the password; never the password itself.
    .OUTPUTS
    Whether the password is valid, and why not.
    #>

    # Checks an account's password (read from the named environment variable) without changing anything.
    param([string]$Account, [string]$PasswordVariable)
    Assert-JuAccount -Account $Account -PasswordVariable $PasswordVariable
    return PlatformTestCredential -Account $Account -PasswordVariable $PasswordVariable
}

function Set-JuServiceAccount {
    <#
    .SYNOPSIS
    Sets a service's Log On As account.
    .PARAMETER Name
    The service name (exact).
    .PARAMETER Account
    The account, DOMAIN\name or .\name.
    .PARAMETER PasswordVariable
    The JU_* variable holding the password; '' for an account without one.
    .OUTPUTS
    returnValue (Win32_Service.Change) and the service state after.
    #>
    param([string]$Name, [string]$Account, [string]$PasswordVariable = '')
    Assert-JuServiceName $Name
    Assert-JuAccount -Account $Account -PasswordVariable $PasswordVariable
    $result = PlatformSetServiceAccount -Name $Name -Account $Account -PasswordVariable $PasswordVariable
    $result['service'] = Get-JuService -Name $Name
    return $result
}

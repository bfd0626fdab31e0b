# Services and roles: the host, the JAMS services, this node's failover role, the installed version.
# Dot-sourced by JamsUpgrade.psm1; npm run package joins the folder into one file in dist/ps. Windows PowerShell 5.1
# compatible, ASCII only.

function Get-JuPlatform {
    <#
    .SYNOPSIS
    What host and PowerShell this session runs on.
    .OUTPUTS
    A hashtable: the host facts of PlatformInfo, psVersion and psEdition.
    #>
    $info = PlatformInfo
    $info['psVersion'] = $PSVersionTable.PSVersion.ToString()
    $info['psEdition'] = [string]$PSVersionTable.PSEdition
    return $info
}

function Find-JuServices {
    <#
    .SYNOPSIS
    Finds each JAMS service kind's name on this host.
    .PARAMETER Candidates
    For each service kind, the names it may have on a host, first choice first.
    .OUTPUTS
    found (kind to name or $null) and jamsServices (the JAMS* services the host has).
    #>

    # Resolves each JAMS service kind to the first candidate name that exists on this host, and lists the services whose
    # display name starts with JAMS, so a miss can name what the host really has.
    param([hashtable]$Candidates)
    $found = [ordered]@{}
    foreach ($kind in $Candidates.Keys) {
        $found[$kind] = $null
        foreach ($name in @($Candidates[$kind])) { Assert-JuServiceName $name }
        foreach ($svc in @(PlatformGetServices -Names @($Candidates[$kind]))) {
            if ($svc.exists) { $found[$kind] = $svc.name; break }
        }
    }
    return [ordered]@{ found = $found; jamsServices = @(PlatformFindServices) }
}

function Get-JuServiceStates {
    <#
    .SYNOPSIS
    The state of named services.
    .PARAMETER Names
    Service names (exact, no wildcards).
    .OUTPUTS
    One service state per name (exists, status, account, start type, dependents).
    #>
    param([string[]]$Names)
    foreach ($name in $Names) { Assert-JuServiceName $name }
    return , @(PlatformGetServices -Names $Names)
}

function Get-JuService {
    param([string]$Name)
    return @(PlatformGetServices -Names @($Name))[0]
}

function Stop-JuService {
    <#
    .SYNOPSIS
    Asks a service to stop.
    .PARAMETER Name
    The service name (exact, no wildcards).
    .OUTPUTS
    The service's state right after the request.
    #>

    # Asks the service to stop (dependents stop with it) and returns at once; the caller waits.
    param([string]$Name)
    Assert-JuServiceName $Name
    PlatformStopService -Name $Name
    return Get-JuService -Name $Name
}

function Start-JuService {
    <#
    .SYNOPSIS
    Asks a service to start.
    .PARAMETER Name
    The service name (exact, no wildcards).
    .OUTPUTS
    The service's state right after the request.
    #>
    param([string]$Name)
    Assert-JuServiceName $Name
    PlatformStartService -Name $Name
    return Get-JuService -Name $Name
}

function Get-JuNodeRole {
    <#
    .SYNOPSIS
    This node's failover role and its peer's.
    .OUTPUTS
    The failover status PlatformGetNodeRole reads.
    #>
    return PlatformGetNodeRole
}

function Get-JuInstalledVersion {
    <#
    .SYNOPSIS
    The installed JAMS version, from each source that carries it.
    .OUTPUTS
    The version sources PlatformGetInstalledVersion reads.
    #>
    return PlatformGetInstalledVersion
}

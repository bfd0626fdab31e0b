# Windows services: the host facts, reading, finding, stopping and starting services.
# Dot-sourced by JamsUpgrade.psm1; npm run package joins the folder into one file in dist/ps. Windows PowerShell 5.1
# compatible, ASCII only.

function PlatformInfo {
    <#
    .SYNOPSIS
    The host facts: computer, user, elevation, OS.
    .OUTPUTS
    A hashtable of host facts.
    #>
    return [ordered]@{
        platform     = 'windows'
        computerName = $env:COMPUTERNAME
        user         = ('{0}\{1}' -f $env:USERDOMAIN, $env:USERNAME)
        isAdmin      = [bool](SeamIsElevated)
    }
}

function PlatformProperty {
    # Reads a member that may not exist on this JAMS version without tripping strict mode.
    param($Object, [string[]]$Names)
    if ($null -eq $Object) { return $null }
    foreach ($name in $Names) {
        $p = $Object.PSObject.Properties[$name]
        if ($null -ne $p -and $null -ne $p.Value) { return $p.Value }
    }
    return $null
}

function PlatformMembers {
    # The member names of an object, for the contract record.
    param($Object)
    if ($null -eq $Object) { return , @() }
    return , @($Object.PSObject.Properties | ForEach-Object { $_.Name })
}

function PlatformGetServices {
    <#
    .SYNOPSIS
    Reads services by exact name.
    .PARAMETER Names
    Service names.
    .OUTPUTS
    One service state per name.
    #>

    # ServiceController gives the status and the dependents; Win32_Service gives the Log On As account (StartName) and
    # the start type (StartMode). Where-Object, not a WQL -Filter: a filter would splice the name into query text.
    # CHECK: the JAMS service short names (see src/jams/unverified.ts) exist under these names.
    param([string[]]$Names)
    $cim = @{}
    foreach ($s in @(Get-CimInstance -ClassName Win32_Service)) {
        if ($null -ne $s -and $Names -contains [string]$s.Name) { $cim[([string]$s.Name).ToLowerInvariant()] = $s }
    }
    $found = New-Object System.Collections.ArrayList
    foreach ($name in $Names) {
        $controller = Get-Service -Name $name -ErrorAction SilentlyContinue
        if ($null -eq $controller) { [void]$found.Add([ordered]@{ name = $name; exists = $false }); continue }
        $wmi = $cim[$name.ToLowerInvariant()]
        $dependents = New-Object System.Collections.ArrayList
        foreach ($d in @($controller.DependentServices)) { if ($null -ne $d) { [void]$dependents.Add([string]$d.Name) } }
        [void]$found.Add([ordered]@{
                name              = [string]$controller.Name
                exists            = $true
                displayName       = [string]$controller.DisplayName
                status            = [string]$controller.Status
                startType         = [string](PlatformProperty $wmi @('StartMode'))
                account           = [string](PlatformProperty $wmi @('StartName'))
                dependentServices = $dependents.ToArray()
            })
    }
    return $found.ToArray()
}

function PlatformFindServices {
    <#
    .SYNOPSIS
    The services whose display name starts with JAMS.
    .OUTPUTS
    name and displayName of each.
    #>
    $found = New-Object System.Collections.ArrayList
    foreach ($s in @(Get-Service -DisplayName 'JAMS *' -ErrorAction SilentlyContinue)) {
        if ($null -ne $s) { [void]$found.Add([ordered]@{ name = [string]$s.Name; displayName = [string]$s.DisplayName; status = [string]$s.Status }) }
    }
    return $found.ToArray()
}

function PlatformIsTimeout {
    param($Exception)
    for ($e = $Exception; $null -ne $e; $e = $e.InnerException) { if ($e.GetType().Name -eq 'TimeoutException') { return $true } }
    return $false
}

function PlatformStopService {
    <#
    .SYNOPSIS
    Stops a service and the services that depend on it.
    .PARAMETER Name
    The service name.
    .OUTPUTS
    Nothing.
    #>

    # ServiceController.Stop() first stops the running services that depend on this one (JAMS Scheduler depends on
    # JAMS Executor) and waits up to 30 s for each, then sends the stop control and returns; the Node side polls.
    # A dependent that takes longer makes Stop() throw a TimeoutException before this service is told to stop: that is
    # not an error here, since the Node side's wait then names the service that is stuck.
    param([string]$Name)
    $controller = Get-Service -Name $Name -ErrorAction Stop
    $status = [string]$controller.Status
    if ($status -eq 'Stopped' -or $status -eq 'StopPending') { return }
    try { $controller.Stop() }
    catch { if (-not (PlatformIsTimeout $_.Exception)) { throw } }
}

function PlatformStartService {
    <#
    .SYNOPSIS
    Starts a service.
    .PARAMETER Name
    The service name.
    .OUTPUTS
    Nothing.
    #>

    # Start() makes the Service Control Manager start the services this one depends on first.
    param([string]$Name)
    $controller = Get-Service -Name $Name -ErrorAction Stop
    $status = [string]$controller.Status
    if ($status -ne 'Running' -and $status -ne 'StartPending') { $controller.Start() }
}

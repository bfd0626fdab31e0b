# JAMS resources and entries: the maintenance resource, the executing entries and the history's completions.
# Dot-sourced by JamsUpgrade.psm1; npm run package joins the folder into one file in dist/ps. Windows PowerShell 5.1
# compatible, ASCII only.

function Get-JuResource {
    <#
    .SYNOPSIS
    A JAMS resource and whether the root folder requires it.
    .PARAMETER Server
    The JAMS server (a plain host name).
    .PARAMETER Name
    The resource's name.
    .OUTPUTS
    The resource state PlatformGetResource reads.
    #>
    param([string]$Server, [string]$Name)
    Assert-JuPattern $Server $script:ServerNamePattern 'JAMS server'
    Assert-JuPattern $Name $script:JamsNamePattern 'Resource'
    return PlatformGetResource -Server $Server -Name $Name
}

function New-JuResource {
    <#
    .SYNOPSIS
    Creates a resource and makes the root folder require one of it.
    .PARAMETER Server
    The JAMS server (a plain host name).
    .PARAMETER Name
    The resource's name.
    .PARAMETER Quantity
    Its Quantity Available.
    .OUTPUTS
    The resource state afterwards.
    #>

    # Creates the resource with its quantity and makes the root folder require one of it.
    param([string]$Server, [string]$Name, [int]$Quantity)
    Assert-JuPattern $Server $script:ServerNamePattern 'JAMS server'
    Assert-JuPattern $Name $script:JamsNamePattern 'Resource'
    PlatformNewResource -Server $Server -Name $Name -Quantity $Quantity
    return PlatformGetResource -Server $Server -Name $Name
}

function Add-JuRootRequirement {
    <#
    .SYNOPSIS
    Makes the root folder require one of the resource.
    .PARAMETER Server
    The JAMS server (a plain host name).
    .PARAMETER Name
    The resource's name.
    .OUTPUTS
    The resource state afterwards.
    #>
    param([string]$Server, [string]$Name)
    Assert-JuPattern $Server $script:ServerNamePattern 'JAMS server'
    Assert-JuPattern $Name $script:JamsNamePattern 'Resource'
    PlatformAddRootRequirement -Server $Server -Name $Name -Quantity 1
    return PlatformGetResource -Server $Server -Name $Name
}

function Set-JuResourceQuantity {
    <#
    .SYNOPSIS
    Sets a resource's Quantity Available and reads it back.
    .PARAMETER Server
    The JAMS server (a plain host name).
    .PARAMETER Name
    The resource's name.
    .PARAMETER Quantity
    The new Quantity Available (0 or more).
    .OUTPUTS
    The resource state afterwards.
    #>

    # Sets Quantity Available and reads it back, so the caller sees what JAMS holds now.
    param([string]$Server, [string]$Name, [int]$Quantity)
    Assert-JuPattern $Server $script:ServerNamePattern 'JAMS server'
    Assert-JuPattern $Name $script:JamsNamePattern 'Resource'
    if ($Quantity -lt 0) { throw "Quantity $Quantity is negative." }
    PlatformSetResourceQuantity -Server $Server -Name $Name -Quantity $Quantity
    return PlatformGetResource -Server $Server -Name $Name
}

function Get-JuExecutingEntries {
    <#
    .SYNOPSIS
    The JAMS entries executing now.
    .PARAMETER Server
    The JAMS server (a plain host name).
    .OUTPUTS
    One item per entry: entry (the number), name, startedAt (UTC, ISO 8601, or null), averageSeconds (or null).
    #>
    param([string]$Server)
    Assert-JuPattern $Server $script:ServerNamePattern 'JAMS server'
    return , @(PlatformGetExecutingEntries -Server $Server)
}

function Get-JuEntryHistory {
    <#
    .SYNOPSIS
    The JAMS history's entries that completed in a window, counted by final severity.
    .PARAMETER Server
    The JAMS server (a plain host name).
    .PARAMETER From
    The window's start (ISO 8601 with its zone; counted from it, inclusive).
    .PARAMETER To
    The window's end (ISO 8601 with its zone; counted up to it, exclusive).
    .OUTPUTS
    from, to (UTC, ISO 8601), completed, failed (Error and Fatal) and bySeverity.
    #>

    # Half-open windows, so a caller that reads [a, b) then [b, c) counts each completion once.
    # From and To untyped: PowerShell 7 hands an ISO 8601 string over as a DateTime (ConvertFrom-JuUtcText).
    param([string]$Server, $From, $To)
    Assert-JuPattern $Server $script:ServerNamePattern 'JAMS server'
    $start = ConvertFrom-JuUtcText -Value $From -What 'From'
    $end = ConvertFrom-JuUtcText -Value $To -What 'To'
    if ($end -lt $start) {
        $invariant = [System.Globalization.CultureInfo]::InvariantCulture
        throw "The window ends ($($end.ToString('o', $invariant))) before it starts ($($start.ToString('o', $invariant)))."
    }
    return PlatformGetEntryHistory -Server $Server -From $start -To $end
}

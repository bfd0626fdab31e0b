# Contract probes: what the host shows for each unverified assumption.
# Dot-sourced by JamsUpgrade.psm1; npm run package joins the folder into one file in dist/ps. Windows PowerShell 5.1
# compatible, ASCII only.

function Get-JuContract {
    <#
    .SYNOPSIS
    What the host shows for each unverified assumption; read-only.
    .PARAMETER Server
    The JAMS server (a plain host name).
    .PARAMETER Resource
    The maintenance resource's name.
    .PARAMETER Queues
    The private message queues to read.
    .OUTPUTS
    The observation PlatformProbeContract makes.
    #>

    # What the host shows for each unverified assumption (docs/unverified.md); read-only.
    param([string]$Server, [string]$Resource, [string[]]$Queues)
    Assert-JuPattern $Server $script:ServerNamePattern 'JAMS server'
    Assert-JuPattern $Resource $script:JamsNamePattern 'Resource'
    foreach ($name in $Queues) { Assert-JuPattern $name $script:QueueNamePattern 'Queue' }
    return PlatformProbeContract -Server $Server -Resource $Resource -Queues $Queues
}

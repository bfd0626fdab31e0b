# Preflight's host checks: free space and message queue permissions.
# Dot-sourced by JamsUpgrade.psm1; npm run package joins the folder into one file in dist/ps. Windows PowerShell 5.1
# compatible, ASCII only.

function Get-JuFreeSpace {
    <#
    .SYNOPSIS
    Free and total space of the volumes that hold the paths.
    .PARAMETER Paths
    Host paths (local or UNC).
    .OUTPUTS
    One item per path: available, root, freeBytes, totalBytes, or reason.
    #>
    param([string[]]$Paths)
    $found = New-Object System.Collections.ArrayList
    foreach ($path in $Paths) {
        try {
            $space = PlatformGetFreeSpace -Path $path
            [void]$found.Add([ordered]@{ path = $path; available = $true; root = $space.root; freeBytes = $space.freeBytes; totalBytes = $space.totalBytes })
        }
        catch { [void]$found.Add([ordered]@{ path = $path; available = $false; reason = $_.Exception.Message }) }
    }
    return , $found.ToArray()
}

function Get-JuQueuePermissions {
    <#
    .SYNOPSIS
    The access entries of private message queues.
    .PARAMETER Names
    Private queue names.
    .OUTPUTS
    available, reason (when not), and queues.
    #>

    # Reads the access entries of private message queues; unavailable (with the reason) where MSMQ cannot be read.
    param([string[]]$Names)
    $queues = New-Object System.Collections.ArrayList
    try {
        foreach ($name in $Names) {
            Assert-JuPattern $name $script:QueueNamePattern 'Queue'
            [void]$queues.Add((PlatformGetQueuePermissions -Name $name))
        }
    }
    catch { return [ordered]@{ available = $false; reason = $_.Exception.Message; queues = $queues.ToArray() } }
    return [ordered]@{ available = $true; queues = $queues.ToArray() }
}

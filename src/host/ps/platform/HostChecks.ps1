# What preflight reads of the host besides JAMS: free disk space and message queue permissions.
# Dot-sourced by JamsUpgrade.psm1; npm run package joins the folder into one file in dist/ps. Windows PowerShell 5.1
# compatible, ASCII only.

function PlatformGetFreeSpace {
    <#
    .SYNOPSIS
    Free and total space of the volume that holds a path.
    .PARAMETER Path
    A local or UNC host path.
    .OUTPUTS
    root, freeBytes and totalBytes.
    #>

    # Local drives through Win32_LogicalDisk; UNC shares through the share seam.
    param([string]$Path)
    if ($Path -match '^([A-Za-z]):') {
        $id = $Matches[1].ToUpper() + ':'
        $disk = @(Get-CimInstance -ClassName Win32_LogicalDisk | Where-Object { [string]$_.DeviceID -eq $id }) | Select-Object -First 1
        if ($null -eq $disk) { throw "Drive $id does not exist on this host." }
        return [ordered]@{ root = $id + '\'; freeBytes = [double]$disk.FreeSpace; totalBytes = [double]$disk.Size }
    }
    if ($Path -match '^\\\\[^\\]+\\[^\\]+') {
        $root = $Matches[0]
        $space = SeamShareSpace -Root $root
        return [ordered]@{ root = $root; freeBytes = $space.freeBytes; totalBytes = $space.totalBytes }
    }
    throw "'$Path' is neither a drive path nor a UNC path."
}

function PlatformGetQueuePermissions {
    <#
    .SYNOPSIS
    The access entries of one private message queue.
    .PARAMETER Name
    The private queue name.
    .OUTPUTS
    name, exists and entries.
    #>

    # CHECK: the MSMQ module is present where the MSMQ feature is installed (JAMS Executor needs MSMQ), and
    # Get-MsmqQueueACL objects carry AccountName, AccessControlEntryType (Allow/Deny) and Right.
    param([string]$Name)
    if ($null -eq (Get-Module -Name MSMQ)) { Import-Module MSMQ -ErrorAction Stop }
    $queue = $null
    foreach ($q in @(Get-MsmqQueue -QueueType Private -ErrorAction Stop)) {
        if ($null -ne $q -and ([string]$q.QueueName -eq ('private$\' + $Name))) { $queue = $q }
    }
    $entries = New-Object System.Collections.ArrayList
    if ($null -eq $queue) { return [ordered]@{ name = $Name; exists = $false; entries = $entries.ToArray() } }
    foreach ($ace in @($queue | Get-MsmqQueueACL -ErrorAction Stop)) {
        if ($null -eq $ace) { continue }
        [void]$entries.Add([ordered]@{
                account = [string](PlatformProperty $ace @('AccountName', 'Trustee'))
                type    = [string](PlatformProperty $ace @('AccessControlEntryType', 'EntryType'))
                rights  = [string](PlatformProperty $ace @('Right', 'Rights'))
            })
    }
    return [ordered]@{ name = $Name; exists = $true; entries = $entries.ToArray() }
}

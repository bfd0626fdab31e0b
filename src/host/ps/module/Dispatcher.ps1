# The dispatcher: the names a caller may invoke, and the one entry point that runs them.
# Dot-sourced by JamsUpgrade.psm1; npm run package joins the folder into one file in dist/ps. Windows PowerShell 5.1
# compatible, ASCII only.

# The names a caller may invoke. Anything else is refused before it runs.
$script:Commands = @(
    'Get-JuPlatform', 'Get-JuServiceStates', 'Find-JuServices', 'Stop-JuService', 'Start-JuService',
    'Get-JuNodeRole', 'Get-JuInstalledVersion', 'Get-JuFiles', 'Save-JuStateFile', 'Read-JuStateFile',
    'Copy-JuFiles', 'Read-JuTextFiles', 'Get-JuResource', 'New-JuResource', 'Add-JuRootRequirement',
    'Set-JuResourceQuantity', 'Get-JuExecutingEntries', 'Get-JuEntryHistory', 'Get-JuDatabaseConnections',
    'Backup-JuDatabase', 'Test-JuDatabaseBackup', 'Invoke-JuHook', 'Get-JuFreeSpace', 'Get-JuQueuePermissions',
    'Write-JuTextFile', 'Get-JuInstaller', 'Start-JuInstaller',
    'Get-JuInstallerStatus', 'Test-JuCredential', 'Set-JuServiceAccount', 'Get-JuContract',
    'Restore-JuDatabase', 'Get-JuUninstallEntries', 'Start-JuUninstaller',
    'Get-JuFileFacts', 'Copy-JuInstaller', 'Remove-JuStagedInstaller', 'Get-JuInstallerKind',
    'Get-JuAgents', 'Start-JuAgentDeploys', 'Get-JuAgentProgress', 'Get-JuRemoteStatus', 'Start-JuRemoteInstall',
    'Receive-JuRemoteFile', 'Close-JuRemoteSessions', 'Get-JuBackupHeader'
)

function ConvertTo-JuPlain {
    # ConvertFrom-Json gives PSCustomObjects on 5.1 (no -AsHashtable); splatting needs hashtables.
    param($Value)
    if ($null -eq $Value) { return $null }
    if ($Value -is [System.Management.Automation.PSCustomObject]) {
        $table = @{}
        foreach ($p in $Value.PSObject.Properties) { $table[$p.Name] = ConvertTo-JuPlain $p.Value }
        return $table
    }
    if ($Value -is [System.Array]) {
        $items = New-Object System.Collections.ArrayList
        foreach ($item in $Value) { [void]$items.Add((ConvertTo-JuPlain $item)) }
        return , $items.ToArray()
    }
    return $Value
}

function Invoke-JuCall {
    <#
    .SYNOPSIS
    Runs one primitive for the Node side and prints its reply.
    .PARAMETER Command
    The primitive to run; only the names in $script:Commands are accepted.
    .PARAMETER ArgsBase64
    Base64 of the UTF-8 JSON of the primitive's arguments: values arrive as data, never as PowerShell text.
    .PARAMETER Marker
    The line printed before and after the reply, so stray output cannot be read as the reply.
    .OUTPUTS
    Nothing; prints the marker, one JSON envelope ({ ok, data } or { ok, error }) and the marker.
    #>

    # The only entry point the Node side uses. Prints exactly one JSON envelope between markers.
    param([string]$Command, [string]$ArgsBase64, [string]$Marker)
    $envelope = $null
    try {
        if ($script:Commands -notcontains $Command) { throw "Unknown primitive '$Command'." }
        $json = [System.Text.Encoding]::UTF8.GetString([System.Convert]::FromBase64String($ArgsBase64))
        $arguments = ConvertTo-JuPlain (ConvertFrom-Json -InputObject $json)
        if ($null -eq $arguments) { $arguments = @{} }
        # A misspelt argument would otherwise land silently in $args.
        $known = (Get-Command -Name $Command).Parameters.Keys
        foreach ($key in $arguments.Keys) {
            if ($known -notcontains $key) { throw "Primitive '$Command' has no parameter '$key'." }
        }
        $data = & $Command @arguments
        $envelope = [ordered]@{ ok = $true; data = $data }
    }
    catch {
        $envelope = [ordered]@{
            ok    = $false
            error = [ordered]@{
                message  = $_.Exception.Message
                type     = $_.Exception.GetType().FullName
                position = [string]$_.InvocationInfo.PositionMessage
            }
        }
    }
    $text = ConvertTo-Json -InputObject $envelope -Depth 20 -Compress
    [Console]::Out.WriteLine($Marker)
    [Console]::Out.WriteLine($text)
    [Console]::Out.WriteLine($Marker)
}

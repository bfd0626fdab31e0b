# Lab fixture for the snapshot hook: stands in for a script that asks the hypervisor for a VM snapshot.
# It logs the call next to itself (snapshots.log), so a test can see exactly which parameters arrived.
param(
    [Parameter(Mandatory = $true)][string]$HostName,
    [Parameter(Mandatory = $true)][string]$Role,
    [Parameter(Mandatory = $true)][string]$RunId
)
$line = "snapshot of $HostName ($Role) for run $RunId"
# The stage's secrets (JU_* variables) must not be visible to a hook.
$secrets = @(Get-ChildItem Env: | Where-Object { $_.Name -like 'JU_*' }).Count
Add-Content -LiteralPath (Join-Path $PSScriptRoot 'snapshots.log') -Value "$line; secret variables seen: $secrets"
Write-Output "hypervisor: $line taken"

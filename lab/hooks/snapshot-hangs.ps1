# Lab fixture: a snapshot hook that never answers, to prove the hook's timeout.
param(
    [Parameter(Mandatory = $true)][string]$HostName,
    [Parameter(Mandatory = $true)][string]$Role,
    [Parameter(Mandatory = $true)][string]$RunId
)
Write-Output "waiting for the hypervisor"
Start-Sleep -Seconds 600

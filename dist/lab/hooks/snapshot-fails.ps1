# Lab fixture: a snapshot hook whose hypervisor refuses the snapshot.
param(
    [Parameter(Mandatory = $true)][string]$HostName,
    [Parameter(Mandatory = $true)][string]$Role,
    [Parameter(Mandatory = $true)][string]$RunId
)
Write-Output "asking the hypervisor for a snapshot of $HostName"
throw "the hypervisor refused the snapshot of $HostName (datastore full)"

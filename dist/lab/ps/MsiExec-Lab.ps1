# The lab's msiexec.exe: a real process, started by System.Diagnostics.Process from the platform file through a stub at
# C:\Windows\System32\msiexec.exe of each node (lab/control.ts writeLabMsiexec). Arguments: the id of the process the
# platform file started, then msiexec's command line.
# It does what msiexec's documented removal does (/x <product code> /quiet /norestart /l*v <log>): a verbose log
# (UTF-16), 1605 (ERROR_UNKNOWN_PRODUCT) for a product that is not installed, 1639 for a command line it does not take,
# 1602 without /quiet, else the JAMS product removed after timing.installMs and exit 0. Like the installer it records
# its run on the node (pid, exit code, the secrets its environment held). Windows PowerShell 5.1 compatible, ASCII only.

$ErrorActionPreference = 'Stop'
$global:JuLab = @{ folder = $env:JAMS_UPGRADE_LAB_FOLDER; node = $env:JAMS_UPGRADE_LAB_NODE; template = (Split-Path -Parent $PSScriptRoot) }
. (Join-Path $PSScriptRoot 'Lab.State.ps1')

$launcher = [int]$args[0]
$tokens = @($args | Select-Object -Skip 1)
$log = $null
$product = $null
$quiet = $false
$unknown = $false
for ($i = 0; $i -lt $tokens.Count; $i++) {
    $t = [string]$tokens[$i]
    if ($t -eq '/x' -and $i + 1 -lt $tokens.Count) { $product = [string]$tokens[$i + 1]; $i++ }
    elseif (($t -eq '/l*v' -or $t -eq '/log') -and $i + 1 -lt $tokens.Count) { $log = [string]$tokens[$i + 1]; $i++ }
    elseif ($t -eq '/quiet' -or $t -eq '/qn') { $quiet = $true }
    elseif ($t -ne '/norestart') { $unknown = $true }
}
$code = 1603
$removed = $null
try {
    LabAppendLog -File $log -Lines @('=== Verbose logging started (lab msiexec) ===', "Command Line: $($tokens -join ' ')")
    $secrets = @(Get-ChildItem Env: | Where-Object { $_.Name -like 'JU_*' } | ForEach-Object { $_.Name })
    $installed = LabWithState {
        param($s)
        $node = $s.nodes[$global:JuLab.node]
        $node.install = @{ pid = $launcher; kind = 'uninstall'; version = $null; log = $log; done = $false; exitCode = $null; secretVariablesSeen = $secrets }
        $entry = @($node.uninstall | Where-Object { $_.jams -and [string]$_.key -eq $product }) | Select-Object -First 1
        if ($null -ne $entry) { [ordered]@{ name = [string]$entry.displayName; version = [string]$node.version } }
    }
    if ($unknown -or $null -eq $product) { $code = 1639 }
    elseif (-not $quiet) { $code = 1602 }
    elseif ($null -eq $installed) {
        $code = 1605
        LabAppendLog -File $log -Lines @("Product: $product -- This action is only valid for products that are currently installed.")
    }
    else {
        Start-Sleep -Milliseconds (LabWithState -ReadOnly { param($s) [long]$s.timing.installMs })
        LabWithState { param($s) LabCompleteUninstall -State $s -NodeName $global:JuLab.node }
        $removed = $installed
        $code = 0
    }
}
catch {
    LabAppendLog -File $log -Lines @("Lab msiexec error: $($_.Exception.Message)")
    $code = 1603
}
LabWithState {
    param($s)
    $install = $s.nodes[$global:JuLab.node].install
    if ($null -ne $install -and [int]$install.pid -eq $launcher) { $install.done = $true; $install.exitCode = $code }
}
if ($null -ne $removed) {
    $lines = @("Product: $($removed.name) -- Removal completed successfully.",
        "Windows Installer removed the product. Product Name: $($removed.name). Product Version: $($removed.version). Removal success or error status: 0.")
}
else { $lines = @("Windows Installer removed the product. Product Name: $product. Removal success or error status: $code.") }
LabAppendLog -File $log -Lines ($lines + @("MainEngineThread is returning $code", '=== Logging stopped ==='))
exit $code

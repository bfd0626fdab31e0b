# The lab's JAMS installer: a real process, started by System.Diagnostics.Process from the platform file through a small
# stub (lab/control.ts writeLabInstaller). Arguments: the stub's own path, the id of the process the platform file
# started, then the installer's command line.
# Like a Windows Installer package run with /quiet /norestart /log <file>: it writes a verbose log (UTF-16), refuses a
# second install (1618), ends with the node's configured exit code after timing.installMs, or hangs while
# faults.installerHangs is set (it gives up after ten minutes, so a forgotten test leaves nothing running). It prints
# nothing: the platform file does not read its output. Windows PowerShell 5.1 compatible, ASCII only.
# Over a newer installed version it refuses with 1638 (ERROR_PRODUCT_VERSION), as a WiX Burn bundle refuses a downgrade;
# an MSI with a downgrade launch condition fails with 1603 instead. Which one the JAMS setup does is unverified, and
# faults.installerAllowsDowngrade makes the lab's install over the newer version.
# Started from a slow share of the lab (fault slow-share), it takes longer, as a setup reading its payload over the
# network does.

$ErrorActionPreference = 'Stop'
$global:JuLab = @{ folder = $env:JAMS_UPGRADE_LAB_FOLDER; node = $env:JAMS_UPGRADE_LAB_NODE; template = (Split-Path -Parent $PSScriptRoot) }
. (Join-Path $PSScriptRoot 'Lab.State.ps1')

$self = [string]$args[0]
$launcher = [int]$args[1]
$tokens = @($args | Select-Object -Skip 2)
$log = $null
for ($i = 0; $i -lt $tokens.Count - 1; $i++) { if ($tokens[$i] -eq '/log') { $log = [string]$tokens[$i + 1] } }
$code = 1603
try {
    $facts = LabReadBinary -File $self
    LabAppendLog -File $log -Lines @('=== Verbose logging started (lab) ===', "Command Line: $($tokens -join ' ')",
        "Product: JAMS Scheduler $($facts.version) -- Installation started.")
    # The secrets jams-upgrade passes to its own PowerShell must not reach the installer's environment.
    $secrets = @(Get-ChildItem Env: | Where-Object { $_.Name -like 'JU_*' } | ForEach-Object { $_.Name })
    # Whether the process that started this one holds this file open (FileShare.Read) from its hash: then the file could
    # not have been swapped between the hash and this start (a handle that writes it is refused).
    $held = LabHeldOpen -File $self
    $started = LabWithState {
        param($s)
        $node = $s.nodes[$global:JuLab.node]
        $running = $node.install
        if ($null -ne $running -and -not $running.done -and $null -ne (Get-Process -Id ([int]$running.pid) -ErrorAction SilentlyContinue)) { return $false }
        $node.install = @{ pid = $launcher; version = [string]$facts.version; log = $log; done = $false; exitCode = $null; secretVariablesSeen = $secrets; heldAtStart = $held }
        $true
    }
    if (-not $started) {
        $code = 1618
        LabAppendLog -File $log -Lines @('Another installation is in progress (lab).')
    }
    elseif (-not (($tokens -contains '/quiet') -or ($tokens -contains '/qn'))) {
        # Without /quiet the real setup would wait for a click nobody sees; the lab says "cancelled".
        $code = 1602
    }
    elseif (LabWithState -ReadOnly { param($s) $n = $s.nodes[$global:JuLab.node]; ([string]$n.version -ne '') -and ([version]$n.version -gt [version]$facts.version) -and -not $n.faults.installerAllowsDowngrade }) {
        $code = 1638
        LabAppendLog -File $log -Lines @('A newer version of JAMS Scheduler is already installed (lab).')
    }
    else {
        $timing = LabWithState -ReadOnly { param($s) @{ installMs = [long]$s.timing.installMs; hangs = [bool]$s.nodes[$global:JuLab.node].faults.installerHangs } }
        Start-Sleep -Milliseconds ($timing.installMs + (LabShareDelayMs -File $self))
        $giveUp = (LabNow) + 600000
        while ((LabWithState -ReadOnly { param($s) [bool]$s.nodes[$global:JuLab.node].faults.installerHangs }) -and (LabNow) -lt $giveUp) {
            Start-Sleep -Milliseconds 100
        }
        $code = LabWithState -ReadOnly { param($s) [int]$s.nodes[$global:JuLab.node].faults.installerExitCode }
    }
}
catch {
    LabAppendLog -File $log -Lines @("Lab installer error: $($_.Exception.Message)")
    $code = 1603
}
if ($code -ne 1618) {
    $version = [string]$facts.version
    LabWithState {
        param($s)
        LabCompleteInstall -State $s -NodeName $global:JuLab.node -Version $version -Code $code
        $install = $s.nodes[$global:JuLab.node].install
        if ($null -ne $install -and [int]$install.pid -eq $launcher) { $install.done = $true; $install.exitCode = $code }
    }
}
if ($code -eq 0 -or $code -eq 3010 -or $code -eq 1641) {
    $lines = @('Product: JAMS Scheduler -- Installation completed successfully.',
        "Windows Installer installed the product. Product Name: JAMS Scheduler. Product Version: $($facts.version). Installation success or error status: $code.")
    if ($code -ne 0) { $lines += 'Windows Installer requires a system restart to complete the installation.' }
}
else {
    $lines = @('Note: 1: 1708', 'Action ended: InstallFinalize. Return value 3.', 'Product: JAMS Scheduler -- Installation failed.',
        "Windows Installer installed the product. Product Name: JAMS Scheduler. Installation success or error status: $code.")
}
LabAppendLog -File $log -Lines ($lines + @("MainEngineThread is returning $code", '=== Logging stopped ==='))
exit $code

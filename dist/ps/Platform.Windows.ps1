# UNVERIFIED ON A REAL JAMS INSTALL: every call into Windows or JAMS that jams-upgrade makes lives here.
# No session that wrote this could see a Windows host or a real JAMS. docs/unverified.md lists, for each
# function below, the one thing to check on a real install. The lab (lab/Platform.Lab.ps1) implements the
# same functions over a simulated pair; keep the two in step.
#
# Dot-sourced by JamsUpgrade.psm1. Windows PowerShell 5.1 compatible, ASCII only.

function PlatformInfo {
    $identity = [System.Security.Principal.WindowsIdentity]::GetCurrent()
    $principal = New-Object System.Security.Principal.WindowsPrincipal($identity)
    return [ordered]@{
        platform     = 'windows'
        computerName = $env:COMPUTERNAME
        user         = $identity.Name
        isAdmin      = $principal.IsInRole([System.Security.Principal.WindowsBuiltInRole]::Administrator)
    }
}

function PlatformResolvePath {
    param([string]$Path)
    return $Path
}

function PlatformGetService {
    # ServiceController gives status and dependents; Win32_Service gives the Log On As account (StartName).
    # CHECK: the JAMS service short names (see src/jams/unverified.ts) exist under these names.
    param([string]$Name)
    $controller = Get-Service -Name $Name -ErrorAction SilentlyContinue
    if ($null -eq $controller) { return $null }
    # Where-Object, not -Filter: a WQL filter would splice the name into query text.
    $cim = Get-CimInstance -ClassName Win32_Service | Where-Object { $_.Name -eq $Name } | Select-Object -First 1
    $dependents = New-Object System.Collections.ArrayList
    foreach ($d in @($controller.DependentServices)) { [void]$dependents.Add($d.Name) }
    return [ordered]@{
        name              = $controller.Name
        exists            = $true
        displayName       = $controller.DisplayName
        status            = [string]$controller.Status
        startType         = [string]$cim.StartMode
        account           = [string]$cim.StartName
        dependentServices = $dependents.ToArray()
    }
}

function PlatformStopService {
    # ServiceController.Stop() stops the running dependents first (JAMS Scheduler depends on JAMS Executor),
    # then sends the stop control and returns without waiting; the Node side polls for Stopped.
    param([string]$Name)
    $controller = New-Object System.ServiceProcess.ServiceController($Name)
    if ($controller.Status -ne 'Stopped' -and $controller.Status -ne 'StopPending') { $controller.Stop() }
}

function PlatformStartService {
    # Start() makes the Service Control Manager start the services this one depends on first.
    param([string]$Name)
    $controller = New-Object System.ServiceProcess.ServiceController($Name)
    if ($controller.Status -ne 'Running' -and $controller.Status -ne 'StartPending') { $controller.Start() }
}

function PlatformGetInstalledVersion {
    # CHECK: which source carries the JAMS version: the Uninstall key's DisplayVersion, or the file version
    # of JAMSScheduler.exe. Both are read; the Node side prefers the Uninstall key.
    $sources = New-Object System.Collections.ArrayList
    $keys = @('HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\*',
        'HKLM:\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall\*')
    foreach ($entry in @(Get-ItemProperty -Path $keys -ErrorAction SilentlyContinue)) {
        $nameProp = $entry.PSObject.Properties['DisplayName']
        if ($null -eq $nameProp -or [string]$nameProp.Value -notlike 'JAMS*') { continue }
        $versionProp = $entry.PSObject.Properties['DisplayVersion']
        if ($null -eq $versionProp) { continue }
        [void]$sources.Add([ordered]@{ source = 'uninstall-key'; name = [string]$nameProp.Value; version = [string]$versionProp.Value })
    }
    $exe = Join-Path ([string]$script:PlatformOptions.installFolder) 'JAMSScheduler.exe'
    if (Test-Path -LiteralPath $exe) {
        [void]$sources.Add([ordered]@{ source = 'file-version'; name = $exe; version = (Get-Item -LiteralPath $exe).VersionInfo.ProductVersion })
    }
    return [ordered]@{ sources = $sources.ToArray() }
}

function PlatformGetNodeRole {
    # CHECK: Get-JAMSFailoverStatus exists in the JAMS module and its objects carry .Role and .Status
    # ("Running" on the active node, "Backup Mode" on the standby, as the JAMS Client shows them).
    # The JAMS provider and cmdlets work only in Windows PowerShell 5.1, which is this session's default.
    $nodes = New-Object System.Collections.ArrayList
    try {
        Import-Module JAMS -ErrorAction Stop
        foreach ($s in @(Get-JAMSFailoverStatus -ErrorAction Stop)) {
            $nameProp = $s.PSObject.Properties['Name']
            if ($null -eq $nameProp) { $nameProp = $s.PSObject.Properties['ServerName'] }
            $nodeName = ''
            if ($null -ne $nameProp) { $nodeName = [string]$nameProp.Value }
            [void]$nodes.Add([ordered]@{
                    name   = $nodeName
                    status = [string]$s.Status
                    role   = [string]$s.Role
                })
        }
    }
    catch {
        return [ordered]@{ source = 'Get-JAMSFailoverStatus'; available = $false; reason = $_.Exception.Message; self = $env:COMPUTERNAME; nodes = @() }
    }
    return [ordered]@{ source = 'Get-JAMSFailoverStatus'; available = $true; self = $env:COMPUTERNAME; nodes = $nodes.ToArray() }
}

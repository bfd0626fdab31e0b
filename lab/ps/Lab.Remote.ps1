# A remote Windows host of the lab (an agent's machine or a workstation): loaded into the runspace the lab's
# New-PSSession gives each session, so the script blocks the platform file sends over "WinRM" meet the cmdlets they
# call, over this host's folder (<lab>/remote/<host>) and the lab's state. Each fake says what its shape follows.
# Windows PowerShell 5.1 compatible, ASCII only.
param(
    [Parameter(Mandatory = $true)][string]$Folder,
    [Parameter(Mandatory = $true)][string]$Computer,
    [Parameter(Mandatory = $true)][string]$Template
)

$global:JuLab = @{ folder = $Folder; node = 'primary'; template = $Template; remote = $Computer }
. (Join-Path $PSScriptRoot 'Lab.State.ps1')

function global:LabHere {
    # A path on this host, as the lab keeps it.
    param([string]$Path)
    return LabRemotePath -Computer $global:JuLab.remote -Path $Path
}

function global:Test-Path {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string]$Path, [string]$LiteralPath, [string]$PathType = 'Any')
    $asked = $LiteralPath
    if ([string]::IsNullOrEmpty($asked)) { $asked = $Path }
    return Microsoft.PowerShell.Management\Test-Path -LiteralPath (LabHere $asked) -PathType $PathType
}

function global:New-Item {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string]$Path, [string]$ItemType, [switch]$Force)
    return Microsoft.PowerShell.Management\New-Item -Path (LabHere $Path) -ItemType $ItemType -Force:$Force
}

function global:Remove-Item {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string]$Path, [string]$LiteralPath, [switch]$Force)
    $asked = $LiteralPath
    if ([string]::IsNullOrEmpty($asked)) { $asked = $Path }
    Microsoft.PowerShell.Management\Remove-Item -LiteralPath (LabHere $asked) -Force:$Force
}

function global:Get-Item {
    # Get-Item -LiteralPath -Force on this host's files: the FileInfo or DirectoryInfo of its lab path, whose Open and
    # Attributes are .NET's own.
    [CmdletBinding()]
    param([Parameter(Position = 0)][string]$Path, [string]$LiteralPath, [switch]$Force)
    $asked = $LiteralPath
    if ([string]::IsNullOrEmpty($asked)) { $asked = $Path }
    return Microsoft.PowerShell.Management\Get-Item -LiteralPath (LabHere $asked) -Force:$Force
}

function global:Get-FileHash {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string]$Path, [string]$LiteralPath, [string]$Algorithm = 'SHA256')
    $asked = $LiteralPath
    if ([string]::IsNullOrEmpty($asked)) { $asked = $Path }
    $hash = Microsoft.PowerShell.Utility\Get-FileHash -LiteralPath (LabHere $asked) -Algorithm $Algorithm
    return [pscustomobject]@{ Algorithm = $hash.Algorithm; Hash = $hash.Hash; Path = $asked }
}

function global:Get-Service {
    # The JAMS agent service of this host's Windows agent (JAMSAgent, vendor docs), with Name and Status as
    # ServiceController has them; any other name is not found, a non-terminating error as in the cmdlet.
    [CmdletBinding()]
    param([Parameter(Position = 0)][string]$Name)
    $status = LabWithState -ReadOnly {
        param($s)
        foreach ($agent in @(LabAgentsOn -State $s -Computer $global:JuLab.remote)) {
            $def = $s.agents[$agent]
            if ($Name -eq 'JAMSAgent' -and [string]$def.platform -eq 'Windows' -and [string]$def.type -eq 'Outgoing') { return [string]$def.service }
        }
        $null
    }
    if ($null -eq $status) { Write-Error -Message "Cannot find any service with service name '$Name'." -Category ObjectNotFound; return }
    return [pscustomobject]@{ Name = $Name; DisplayName = 'JAMS Agent'; Status = $status }
}

function global:Get-ItemProperty {
    # This host's Uninstall keys under HKLM: (DisplayName, DisplayVersion, as Windows Installer writes them): the JAMS
    # agent where a Windows agent runs, the JAMS Client on a workstation (the lab's product names).
    [CmdletBinding()]
    param([Parameter(Position = 0)][string[]]$Path, [string[]]$Name)
    if (@($Path | Where-Object { $_ -notlike 'HKLM:\*' }).Count -gt 0) { return Microsoft.PowerShell.Management\Get-ItemProperty @PSBoundParameters }
    return LabWithState -ReadOnly {
        param($s)
        foreach ($agent in @(LabAgentsOn -State $s -Computer $global:JuLab.remote)) {
            $def = $s.agents[$agent]
            if ([string]$def.platform -eq 'Windows') { [pscustomobject]@{ PSChildName = '{JAMS-AGENT}'; DisplayName = 'JAMS Agent'; DisplayVersion = [string]$def.version } }
        }
        if ($s.remoteHosts.ContainsKey($global:JuLab.remote) -and $null -ne $s.remoteHosts[$global:JuLab.remote].client) {
            [pscustomobject]@{ PSChildName = '{JAMS-CLIENT}'; DisplayName = 'JAMS Client'; DisplayVersion = [string]$s.remoteHosts[$global:JuLab.remote].client.version }
        }
    }
}

# The process Start-Process returns: HasExited and ExitCode read the lab's record of the installer (System.Diagnostics.Process).
Update-TypeData -TypeName 'Lab.RemoteProcess' -MemberType ScriptProperty -MemberName HasExited -Force -Value {
    LabWithState -ReadOnly { param($s) [bool](LabRemoteInstallOf -State $s -Id $this.Id).done }
}
Update-TypeData -TypeName 'Lab.RemoteProcess' -MemberType ScriptProperty -MemberName ExitCode -Force -Value {
    LabWithState -ReadOnly { param($s) (LabRemoteInstallOf -State $s -Id $this.Id).exitCode }
}

function global:LabRemoteInstallOf {
    param([hashtable]$State, [int]$Id)
    foreach ($install in @($State.remoteInstalls)) { if ($null -ne $install -and [int]$install.pid -eq $Id) { return $install } }
    throw "Lab: no installer process $Id."
}

function global:Start-Process {
    # Start-Process -FilePath -ArgumentList -PassThru (Microsoft docs), for what jams-upgrade starts on a host: msiexec /i
    # <package>, or the JAMS setup itself. The package is a lab binary whose facts say its kind and version; lab time runs
    # the installer (LabFinishRemoteInstall).
    [CmdletBinding()]
    param([Parameter(Position = 0)][string]$FilePath, [Parameter(Position = 1)][string[]]$ArgumentList, [switch]$PassThru, [string]$WindowStyle)
    $tokens = @([regex]::Matches((@($ArgumentList) -join ' '), '"[^"]*"|\S+') | ForEach-Object { $_.Value.Trim('"') })
    $package = $FilePath
    $log = $null
    for ($i = 0; $i -lt $tokens.Count - 1; $i++) {
        if ($FilePath -like '*\msiexec.exe' -and $tokens[$i] -eq '/i') { $package = $tokens[$i + 1] }
        if (@('/l*v', '/log') -contains $tokens[$i]) { $log = $tokens[$i + 1] }
    }
    $facts = LabReadBinary -File (LabHere $package)
    if ($null -eq $facts) { throw "This command cannot be run due to the error: The system cannot find the file specified ($package)." }
    # Whether the package was held open (FileShare.Read) as it started: then no one could have swapped it since its hash.
    $held = LabHeldOpen -File (LabHere $package)
    $kind = 'client'
    if ($facts.kind -eq 'msi') { $kind = 'agent' }
    $version = [string]$facts.version
    $id = LabWithState { param($s) LabStartRemoteInstall -State $s -Computer $global:JuLab.remote -Kind $kind -Version $version -Tokens $tokens -Log $log -HeldAtStart $held }
    return [pscustomobject]@{ PSTypeName = 'Lab.RemoteProcess'; Id = $id; Handle = 0 }
}

# The lab's stand-ins for the Windows cmdlets that src/host/ps/platform/*.ps1 calls. The session dot-sources this
# file at the global scope before it imports the module (only with JAMS_UPGRADE_LAB set), so these functions shadow the
# cmdlets of the same name, and the lab's JAMS and MSMQ modules come first on the module path. The platform file then
# runs unchanged against the simulated pair. Each fake says what public evidence its shape follows.
# Windows PowerShell 5.1 compatible, ASCII only.
param(
    [Parameter(Mandatory = $true)][string]$Folder,
    [Parameter(Mandatory = $true)][ValidateSet('primary', 'secondary')][string]$Node
)

. (Join-Path $PSScriptRoot 'Lab.State.ps1')

function global:Set-LabTarget {
    # Points this session at a lab folder and node: the host's identity as Windows sets it for the runner's process, and
    # the lab's whereabouts for the lab installer it starts. Tests that keep a session across labs call it again.
    param([Parameter(Mandatory = $true)][string]$Folder, [Parameter(Mandatory = $true)][ValidateSet('primary', 'secondary')][string]$Node)
    $global:JuLab = @{ folder = $Folder; node = $Node; template = (Split-Path -Parent $PSScriptRoot) }
    $global:JuLabCache = @{ stamp = $null; state = $null }
    $env:COMPUTERNAME = LabWithState -ReadOnly { param($s) [string]$s.nodes[$global:JuLab.node].hostName }
    $env:USERDOMAIN = 'LAB'
    $env:USERNAME = 'runner'
    # Where Windows keeps its programs (msiexec.exe): the lab's node has a stand-in there (lab/control.ts).
    $env:SystemRoot = 'C:\Windows'
    $env:JAMS_UPGRADE_LAB_FOLDER = $Folder
    $env:JAMS_UPGRADE_LAB_NODE = $Node
}

Set-LabTarget -Folder $Folder -Node $Node
$env:JAMS_UPGRADE_LAB_INSTALLER = Join-Path $PSScriptRoot 'Install-LabJams.ps1'
$env:JAMS_UPGRADE_LAB_MSIEXEC = Join-Path $PSScriptRoot 'MsiExec-Lab.ps1'
$env:PSModulePath = (Join-Path $PSScriptRoot 'modules') + [System.IO.Path]::PathSeparator + $env:PSModulePath

# FileInfo.VersionInfo (Get-Item's) reads a lab binary's version line; any other file keeps the real FileVersionInfo.
function global:LabFileVersionInfo {
    param([string]$File)
    $facts = LabReadBinary -File $File
    if ($null -eq $facts) { return [System.Diagnostics.FileVersionInfo]::GetVersionInfo($File) }
    return [pscustomobject]@{ ProductVersion = [string]$facts.version; FileVersion = [string]$facts.version; FileName = $File }
}
Update-TypeData -TypeName System.IO.FileInfo -MemberType ScriptProperty -MemberName VersionInfo -Value { LabFileVersionInfo -File $this.FullName } -Force

# FileInfo.OpenRead() and FileInfo.CopyTo() (File.OpenRead and File.Copy, .NET docs) read the whole file: from the lab's
# slow share (fault slow-share) they first wait as long as that read takes over a slow network (LabShareDelayMs).
Update-TypeData -TypeName System.IO.FileInfo -MemberType ScriptMethod -MemberName OpenRead -Force -Value {
    Start-Sleep -Milliseconds (LabShareDelayMs -File $this.FullName)
    return [System.IO.File]::OpenRead($this.FullName)
}
Update-TypeData -TypeName System.IO.FileInfo -MemberType ScriptMethod -MemberName CopyTo -Force -Value {
    param([string]$Destination, [bool]$Overwrite = $false)
    Start-Sleep -Milliseconds (LabShareDelayMs -File $this.FullName)
    [System.IO.File]::Copy($this.FullName, $Destination, $Overwrite)
    return (New-Object System.IO.FileInfo($Destination))
}

# FileInfo.Open(mode, access, share) is .NET's own. With the node's faults.installerSwapped, someone rewrites a lab
# installer (once) right before jams-upgrade opens it to start it: after every check that read it by its path.
Update-TypeData -TypeName System.IO.FileInfo -MemberType ScriptMethod -MemberName Open -Force -Value {
    param($Mode, $Access, $Share)
    $file = $this.FullName
    if ((LabWithState -ReadOnly { param($s) $f = $s.nodes[$global:JuLab.node].faults; $f.ContainsKey('installerSwapped') -and [bool]$f['installerSwapped'] }) -and $null -ne (LabReadBinary -File $file)) {
        [System.IO.File]::AppendAllText($file, "`n# swapped by LAB\mallory`n")
        LabWithState { param($s) $s.nodes[$global:JuLab.node].faults.installerSwapped = $false }
    }
    return [System.IO.File]::Open($file, $Mode, $Access, $Share)
}

# Stop() and Start() are type data of the lab's ServiceController objects: cheaper than members added to each one.
Update-TypeData -TypeName 'Lab.ServiceController' -MemberType ScriptMethod -MemberName Stop -Value { LabStopController -Name $this.Name } -Force
Update-TypeData -TypeName 'Lab.ServiceController' -MemberType ScriptMethod -MemberName Start -Force -Value {
    LabWithState { param($s) LabRequestStart -State $s -Node $s.nodes[$global:JuLab.node] -Name $this.Name }
}

function global:LabServiceController {
    # Shaped as System.ServiceProcess.ServiceController (Microsoft docs): Name, DisplayName, Status, DependentServices,
    # and Stop()/Start() with the documented behaviour (see LabStopController).
    param([hashtable]$Node, [string]$Name, [switch]$Shallow)
    $svc = $Node.services[$Name]
    $dependents = New-Object System.Collections.ArrayList
    if (-not $Shallow.IsPresent) {
        foreach ($d in (LabDependents -Node $Node -Name $Name)) { [void]$dependents.Add((LabServiceController -Node $Node -Name $d -Shallow)) }
    }
    return [pscustomobject]@{
        PSTypeName        = 'Lab.ServiceController'
        Name              = $Name
        ServiceName       = $Name
        DisplayName       = [string]$svc.displayName
        Status            = [string]$svc.status
        StartType         = [string]$svc.startType
        MachineName       = '.'
        DependentServices = $dependents.ToArray()
    }
}

function global:LabStopController {
    # ServiceController.Stop(): first stops each running dependent and waits up to 30 s for it (timing.dependentStopWaitMs
    # in the lab), throwing a TimeoutException if it does not stop; then sends this service the stop control and returns.
    param([string]$Name)
    $dependents = LabWithState -ReadOnly {
        param($s)
        $n = $s.nodes[$global:JuLab.node]
        @(LabDependents -Node $n -Name $Name | Where-Object { $n.services[$_].status -ne 'Stopped' })
    }
    foreach ($dependent in @($dependents)) {
        LabStopController -Name $dependent
        $deadline = (LabNow) + (LabWithState -ReadOnly { param($s) [long]$s.timing.dependentStopWaitMs })
        while ((LabWithState -ReadOnly { param($s) [string]$s.nodes[$global:JuLab.node].services[$dependent].status }) -ne 'Stopped') {
            if ((LabNow) -gt $deadline) { throw (New-Object System.TimeoutException('Time out has expired and the operation has not been completed.')) }
            Start-Sleep -Milliseconds 25
        }
    }
    LabWithState { param($s) LabRequestStop -State $s -Node $s.nodes[$global:JuLab.node] -Name $Name }
}

function global:Get-Service {
    # Get-Service -Name <exact> | -DisplayName <pattern>: a missing name is a non-terminating error, as in the cmdlet.
    [CmdletBinding()]
    param([Parameter(Position = 0)][string[]]$Name, [string[]]$DisplayName)
    $found = LabWithState -ReadOnly {
        param($s)
        $n = $s.nodes[$global:JuLab.node]
        $list = New-Object System.Collections.ArrayList
        $missing = New-Object System.Collections.ArrayList
        if ($null -ne $DisplayName) {
            foreach ($key in @($n.services.Keys)) {
                foreach ($pattern in $DisplayName) { if ([string]$n.services[$key].displayName -like $pattern) { [void]$list.Add((LabServiceController -Node $n -Name $key)); break } }
            }
        }
        else {
            foreach ($want in @($Name)) {
                # Service names ignore case, as the lab's hashtables do.
                if ($n.services.ContainsKey($want)) { [void]$list.Add((LabServiceController -Node $n -Name $want)) } else { [void]$missing.Add($want) }
            }
        }
        @{ list = $list.ToArray(); missing = $missing.ToArray() }
    }
    foreach ($m in @($found.missing)) {
        Write-Error -Message "Cannot find any service with service name '$m'." -Category ObjectNotFound -ErrorId 'NoServiceFoundForGivenName'
    }
    return $found.list
}

function global:Get-CimInstance {
    # Win32_Service (Name, State with spaces as CIM writes it, StartMode, StartName) and Win32_LogicalDisk (DeviceID,
    # FreeSpace, Size), as the CIM classes document them.
    [CmdletBinding()]
    param([Parameter(Position = 0)][string]$ClassName, [string]$Namespace = 'root/cimv2')
    return LabWithState -ReadOnly {
        param($s)
        $n = $s.nodes[$global:JuLab.node]
        if ($ClassName -eq 'Win32_Service') {
            foreach ($key in @($n.services.Keys)) {
                $svc = $n.services[$key]
                $o = [pscustomobject]@{
                    Name        = $key
                    DisplayName = [string]$svc.displayName
                    State       = ([string]$svc.status -creplace '([a-z])([A-Z])', '$1 $2')
                    StartMode   = [string]$svc.startType
                    StartName   = [string]$svc.account
                }
                $o.PSObject.TypeNames.Insert(0, 'Microsoft.Management.Infrastructure.CimInstance#root/cimv2/Win32_Service')
                $o
            }
        }
        elseif ($ClassName -eq 'Win32_LogicalDisk') {
            $gb = [double]1073741824
            foreach ($letter in @($n.disks.Keys)) {
                [pscustomobject]@{ DeviceID = ($letter + ':'); DriveType = 3; FreeSpace = [uint64]([double]$n.disks[$letter].freeGb * $gb); Size = [uint64]([double]$n.disks[$letter].totalGb * $gb) }
            }
        }
        else { throw "Invalid class '$ClassName' (lab: only Win32_Service and Win32_LogicalDisk are simulated)." }
    }
}

function global:Invoke-CimMethod {
    # Win32_Service.Change(StartName, StartPassword): ReturnValue 0 success, 2 access denied, 22 invalid account (Microsoft
    # docs). As on Windows, a wrong password is accepted here and fails the service's next start (1069).
    [CmdletBinding()]
    param([Parameter(Mandatory = $true)]$InputObject, [Parameter(Mandatory = $true)][string]$MethodName, [System.Collections.IDictionary]$Arguments)
    if ($MethodName -ne 'Change') { throw "Lab: Win32_Service.$MethodName is not simulated." }
    $account = [string]$Arguments['StartName']
    $password = [string]$Arguments['StartPassword']
    $digest = $null
    if ($password -ne '') { $digest = LabSha256Text -Text $password }
    $code = LabWithState {
        param($s)
        $n = $s.nodes[$global:JuLab.node]
        $svc = $n.services[[string]$InputObject.Name]
        if ($n.faults.changeAccessDenied) { return 2 }
        if (LabIsPasswordless -Account $account) { $svc.account = $account; $svc.logonFails = $false; return 0 }
        if ($null -eq $s.accounts[$account]) { return 22 }
        $svc.account = $account
        $svc.logonFails = ($digest -ne $s.accounts[$account].passwordSha256)
        return 0
    }
    return [pscustomobject]@{ ReturnValue = [uint32]$code }
}

function global:LabSha256Text {
    param([string]$Text)
    $sha = [System.Security.Cryptography.SHA256]::Create()
    try { return ([System.BitConverter]::ToString($sha.ComputeHash([System.Text.Encoding]::UTF8.GetBytes($Text)))).Replace('-', '') }
    finally { $sha.Dispose() }
}

function global:LabIsPasswordless {
    param([string]$Account)
    $lower = $Account.ToLowerInvariant()
    return ($lower -eq 'localsystem' -or $lower.StartsWith('nt authority\') -or $lower.StartsWith('nt service\') -or $lower.EndsWith('$'))
}

function global:Get-ItemProperty {
    # The Uninstall keys under HKLM: are the lab's (DisplayName, DisplayVersion, Publisher, UninstallString, as Windows
    # Installer writes them; entries without a DisplayName exist on real hosts too). Other paths go to the real cmdlet.
    [CmdletBinding()]
    param([Parameter(Position = 0)][string[]]$Path, [string[]]$LiteralPath, [Parameter(Position = 1)][string[]]$Name)
    $asked = @(@($Path) + @($LiteralPath) | Where-Object { $_ })
    if (@($asked | Where-Object { $_ -notlike 'HKLM:\*' }).Count -gt 0) { return Microsoft.PowerShell.Management\Get-ItemProperty @PSBoundParameters }
    return LabWithState -ReadOnly {
        param($s)
        $n = $s.nodes[$global:JuLab.node]
        foreach ($key in $asked) {
            $wow = $key -like '*\WOW6432Node\*'
            foreach ($entry in @($n.uninstall)) {
                if ([bool]$entry.wow6432 -ne $wow) { continue }
                $o = [ordered]@{ PSChildName = [string]$entry.key }
                if ($entry.ContainsKey('displayName')) { $o['DisplayName'] = [string]$entry.displayName }
                if ($entry.jams) { $o['DisplayVersion'] = [string]$n.version }
                elseif ($entry.ContainsKey('displayVersion')) { $o['DisplayVersion'] = [string]$entry.displayVersion }
                if ($entry.ContainsKey('publisher')) { $o['Publisher'] = [string]$entry.publisher }
                if ($entry.ContainsKey('uninstallString')) { $o['UninstallString'] = [string]$entry.uninstallString }
                [pscustomobject]$o
            }
        }
    }
}

function global:Get-AuthenticodeSignature {
    # Status (Valid, NotSigned, HashMismatch, ...), StatusMessage and SignerCertificate.Subject, as the cmdlet returns them;
    # a lab installer carries its signature facts on its lab line, and every other file is NotSigned.
    [CmdletBinding()]
    param([Parameter(Position = 0)][Alias('FilePath')][string]$LiteralPath)
    $facts = LabReadBinary -File $LiteralPath
    if ($null -eq $facts -or -not $facts.ContainsKey('signature')) {
        return [pscustomobject]@{ Status = 'NotSigned'; StatusMessage = 'The file is not digitally signed.'; SignerCertificate = $null; Path = $LiteralPath }
    }
    $certificate = $null
    if ($facts.signature -ne 'NotSigned') {
        # The thumbprint: the lab line's, else the SHA-1 of the subject, as a stand-in for the certificate's.
        $thumbprint = [string]$facts.thumbprint
        if ([string]::IsNullOrEmpty($thumbprint)) {
            $sha1 = [System.Security.Cryptography.SHA1]::Create()
            $thumbprint = [System.BitConverter]::ToString($sha1.ComputeHash([System.Text.Encoding]::UTF8.GetBytes([string]$facts.signer))).Replace('-', '')
            $sha1.Dispose()
        }
        $certificate = [pscustomobject]@{ Subject = [string]$facts.signer; Thumbprint = $thumbprint }
    }
    return [pscustomobject]@{ Status = [string]$facts.signature; StatusMessage = "lab signature: $($facts.signature)"; SignerCertificate = $certificate; Path = $LiteralPath }
}

# ---- Remoting: the agent hosts and workstations (the agents stage) ----

$global:JuLabSessions = @{}

function global:New-PSSessionOption {
    # New-PSSessionOption -OpenTimeout -OperationTimeout (milliseconds, Microsoft docs); PowerShell on Linux lacks them.
    [CmdletBinding()]
    param([int]$OpenTimeout, [int]$OperationTimeout)
    return [pscustomobject]@{ OpenTimeout = $OpenTimeout; OperationTimeout = $OperationTimeout }
}

function global:New-PSSession {
    # New-PSSession -ComputerName (Microsoft docs): in the lab each session is a runspace of its own that loads
    # Lab.Remote.ps1, so only a script block's text and its arguments cross, as over WinRM. A host the lab does not know,
    # or one marked unreachable, fails with WinRM's words, as a non-terminating error unless -ErrorAction Stop.
    [CmdletBinding()]
    param([Parameter(Position = 0)][string[]]$ComputerName, $SessionOption)
    foreach ($computer in $ComputerName) {
        $reachable = LabWithState -ReadOnly { param($s) (LabKnownHost -State $s -Computer $computer) -and -not (LabHostFaults -State $s -Computer $computer).unreachable }
        if (-not $reachable) {
            Write-Error -Message ("Connecting to remote server $computer failed with the following error message : WinRM cannot complete the operation. " +
                'Verify that the specified computer name is valid, that the computer is accessible over the network, and that a firewall exception for the WinRM service is enabled.') -Category OpenError -TargetObject $computer
            continue
        }
        $runspace = [runspacefactory]::CreateRunspace()
        $runspace.Open()
        $init = [powershell]::Create()
        $init.Runspace = $runspace
        [void]$init.AddScript('param($File, $Folder, $Computer, $Template) . $File -Folder $Folder -Computer $Computer -Template $Template')
        [void]$init.AddArgument([System.IO.Path]::Combine($global:JuLab.template, 'ps', 'Lab.Remote.ps1')).AddArgument($global:JuLab.folder).AddArgument($computer).AddArgument($global:JuLab.template)
        [void]$init.Invoke()
        $init.Dispose()
        $id = 1
        foreach ($known in @($global:JuLabSessions.Keys)) { if ([int]$known -ge $id) { $id = [int]$known + 1 } }
        $global:JuLabSessions[$id] = @{ runspace = $runspace; computer = $computer }
        [pscustomobject]@{ PSTypeName = 'Lab.PSSession'; Id = $id; Name = "Runspace$id"; ComputerName = $computer; State = 'Opened'; Availability = 'Available' }
    }
}

function global:Remove-PSSession {
    [CmdletBinding()]
    param([Parameter(Position = 0)]$Session)
    foreach ($one in @($Session)) {
        $known = $global:JuLabSessions[$one.Id]
        if ($null -eq $known) { continue }
        $known.runspace.Dispose()
        $global:JuLabSessions.Remove($one.Id)
    }
}

function global:Invoke-Command {
    # Invoke-Command -Session <one or more> -ScriptBlock -ArgumentList (Microsoft docs): the block's text runs in each
    # session's runspace, one after the other here (at once over WinRM), and each result carries PSComputerName. An error
    # in one session is reported as that session's error and the others still answer.
    [CmdletBinding()]
    param([Parameter(Position = 0)]$Session, [scriptblock]$ScriptBlock, [object[]]$ArgumentList, [string[]]$ComputerName)
    if ($null -eq $Session) { return Microsoft.PowerShell.Core\Invoke-Command @PSBoundParameters }
    foreach ($one in @($Session)) {
        $known = $global:JuLabSessions[$one.Id]
        if ($null -eq $known) { Write-Error -Message "The session $($one.Name) to $($one.ComputerName) is closed." -TargetObject $one.ComputerName; continue }
        $shell = [powershell]::Create()
        $shell.Runspace = $known.runspace
        [void]$shell.AddScript($ScriptBlock.ToString())
        if ($null -ne $ArgumentList) { foreach ($a in $ArgumentList) { [void]$shell.AddArgument($a) } }
        $failure = $null
        $output = @()
        try { $output = @($shell.Invoke()) }
        catch {
            $failure = $_.Exception
            while ($null -ne $failure.InnerException) { $failure = $failure.InnerException }
        }
        if ($null -eq $failure -and $shell.Streams.Error.Count -gt 0) { $failure = $shell.Streams.Error[0].Exception }
        $shell.Dispose()
        foreach ($item in $output) { if ($null -ne $item) { Add-Member -InputObject $item -NotePropertyName PSComputerName -NotePropertyValue $known.computer -Force -PassThru } }
        if ($null -ne $failure) { Write-Error -Message "[$($known.computer)] $($failure.Message)" -TargetObject $known.computer }
    }
}

function global:Copy-Item {
    # Copy-Item -ToSession / -FromSession (PowerShell 5.0 and later, Microsoft docs): the remote side is the host's lab
    # folder. Without a session it is the real cmdlet.
    [CmdletBinding()]
    param([Parameter(Position = 0)][string[]]$Path, [string[]]$LiteralPath, [Parameter(Position = 1)][string]$Destination, $ToSession, $FromSession, [switch]$Force, [switch]$Recurse)
    if ($null -eq $ToSession -and $null -eq $FromSession) { return Microsoft.PowerShell.Management\Copy-Item @PSBoundParameters }
    $source = @(@($Path) + @($LiteralPath) | Where-Object { $_ })[0]
    $session = $ToSession
    if ($null -eq $session) { $session = $FromSession }
    if ($null -eq $global:JuLabSessions[$session.Id]) { Write-Error -Message "The session to $($session.ComputerName) is closed." -TargetObject $session.ComputerName; return }
    $from = $source
    $to = LabRemotePath -Computer $session.ComputerName -Path $Destination
    if ($null -ne $FromSession) { $from = LabRemotePath -Computer $session.ComputerName -Path $source; $to = $Destination }
    if (-not [System.IO.File]::Exists($from)) { Write-Error -Message "Cannot find path '$source' because it does not exist." -Category ObjectNotFound -TargetObject $source; return }
    [void][System.IO.Directory]::CreateDirectory([System.IO.Path]::GetDirectoryName($to))
    [System.IO.File]::Copy($from, $to, $true)
}

# Remote hosts over PowerShell remoting: status, package installs, logs, closing the sessions (the agents stage).
# Dot-sourced by JamsUpgrade.psm1; npm run package joins the folder into one file in dist/ps. Windows PowerShell 5.1
# compatible, ASCII only.

# The remoting sessions this stage opened, by host name in lower case: the session, its work folder on the host, and the
# packages copied there.
$script:JuRemote = @{}

function PlatformRemoteSession {
    # WinRM as the runner's own account (Kerberos in a domain), so no credential crosses; the connection is bounded, so an
    # unreachable host fails in seconds.
    # CHECK: WinRM is enabled on the agent hosts and workstations (Enable-PSRemoting), the runner's account is a local
    # administrator there, and they answer to the name JAMS shows (the agent's Address).
    param([string]$ComputerName)
    $key = $ComputerName.ToLowerInvariant()
    $known = $script:JuRemote[$key]
    if ($null -ne $known -and [string]$known.session.State -eq 'Opened') { return $known }
    # The host's folder for this run is new and randomly named (Windows\Temp lets users create folders, so a fixed name
    # could be made first by anyone), created with a protected security descriptor and checked before anything is copied.
    $option = New-PSSessionOption -OpenTimeout 30000 -OperationTimeout 300000
    $session = New-PSSession -ComputerName $ComputerName -SessionOption $option -ErrorAction Stop
    $name = 'jams-upgrade-' + [guid]::NewGuid().ToString('N')
    try {
        $made = Invoke-Command -Session $session -ErrorAction Stop -ScriptBlock (SeamRemoteFolderScript) -ArgumentList $name
        $folder = [string]$made.path
        if ($made.existed) { throw "The folder $folder on $ComputerName existed before this run created it (owner $(PlatformSidText $made.owner $made.ownerName)): someone made it first. Nothing was copied there. Check what it holds, then delete it as an administrator: rmdir /s /q `"$folder`"" }
        $problem = PlatformSecurityProblem -Facts $made -Display ($ComputerName + ':' + $folder) -Trusted (PlatformTrustedSids -Runner ([string]$made.runner))
        if ($null -ne $problem) { throw "$($problem.text). Nothing was copied there. Delete it as an administrator on $ComputerName`: rmdir /s /q `"$folder`"" }
    }
    catch { Remove-PSSession -Session $session -ErrorAction SilentlyContinue; throw }
    $remote = @{ session = $session; folder = $folder; packages = (New-Object System.Collections.ArrayList) }
    $script:JuRemote[$key] = $remote
    return $remote
}

# Runs on a remote host: the installers this stage started there, its agent service and its JAMS products. It throws
# for nothing, so one host's trouble never hides the others' answers.
$script:JuRemoteStatusScript = {
    param($AgentService)
    $installs = New-Object System.Collections.ArrayList
    if ($null -ne (Get-Variable -Name JuInstalls -Scope Global -ErrorAction SilentlyContinue)) {
        foreach ($id in @($global:JuInstalls.Keys)) {
            $p = $global:JuInstalls[$id]
            # Read once: the process may end between two reads.
            $exited = $p.HasExited
            $code = $null
            if ($exited) {
                $code = [int]$p.ExitCode
                if ($null -ne $global:JuHeld[$id]) { $global:JuHeld[$id].Dispose(); $global:JuHeld.Remove($id) }
            }
            [void]$installs.Add([pscustomobject]@{ processId = [int]$id; running = (-not $exited); exitCode = $code })
        }
    }
    $status = $null
    $service = Get-Service -Name $AgentService -ErrorAction SilentlyContinue
    if ($null -ne $service) { $status = [string]$service.Status }
    $products = New-Object System.Collections.ArrayList
    $keys = @('HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\*', 'HKLM:\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall\*')
    foreach ($entry in @(Get-ItemProperty -Path $keys -ErrorAction SilentlyContinue)) {
        $name = $entry.PSObject.Properties['DisplayName']
        if ($null -eq $name -or [string]$name.Value -notlike 'JAMS*') { continue }
        $version = $entry.PSObject.Properties['DisplayVersion']
        $text = ''
        if ($null -ne $version) { $text = [string]$version.Value }
        [void]$products.Add([pscustomobject]@{ name = [string]$name.Value; version = $text })
    }
    [pscustomobject]@{ installs = $installs.ToArray(); agentService = $status; products = $products.ToArray() }
}

function PlatformRemoteView {
    param([string]$ComputerName, [bool]$Reachable, $Message, $Answer)
    $view = [ordered]@{ computerName = $ComputerName; reachable = $Reachable; error = $Message; installs = @(); agentService = $null; products = @() }
    if ($null -eq $Answer) { return $view }
    $installs = New-Object System.Collections.ArrayList
    foreach ($i in @($Answer.installs)) {
        if ($null -eq $i) { continue }
        $code = $null
        if ($null -ne $i.exitCode) { $code = [int]$i.exitCode }
        [void]$installs.Add([ordered]@{ processId = [int]$i.processId; running = [bool]$i.running; exitCode = $code })
    }
    $products = New-Object System.Collections.ArrayList
    foreach ($p in @($Answer.products)) { if ($null -ne $p) { [void]$products.Add([ordered]@{ name = [string]$p.name; version = [string]$p.version }) } }
    $view.installs = $installs.ToArray()
    $view.agentService = PlatformText $Answer.agentService
    $view.products = $products.ToArray()
    return $view
}

function PlatformGetRemoteStatus {
    <#
    .SYNOPSIS
    Every remote host in one fan-out.
    .PARAMETER ComputerNames
    The remote hosts.
    .PARAMETER AgentService
    The agent service name on the remote hosts.
    .OUTPUTS
    One item per host.
    #>

    # Every host in one fan-out.
    # CHECK: Invoke-Command over several sessions runs on all of them at once (ThrottleLimit 32) and tags each result
    # with PSComputerName, the name the session was opened with.
    param([string[]]$ComputerNames, [string]$AgentService)
    $views = @{}
    $sessions = New-Object System.Collections.ArrayList
    foreach ($name in $ComputerNames) {
        try { [void]$sessions.Add((PlatformRemoteSession -ComputerName $name).session) }
        catch { $views[$name.ToLowerInvariant()] = PlatformRemoteView -ComputerName $name -Reachable $false -Message $_.Exception.Message }
    }
    $failures = @()
    if ($sessions.Count -gt 0) {
        $answers = @(Invoke-Command -Session $sessions.ToArray() -ScriptBlock $script:JuRemoteStatusScript -ArgumentList $AgentService -ErrorAction SilentlyContinue -ErrorVariable failures)
        foreach ($answer in $answers) {
            if ($null -eq $answer) { continue }
            $key = ([string]$answer.PSComputerName).ToLowerInvariant()
            $views[$key] = PlatformRemoteView -ComputerName ([string]$answer.PSComputerName) -Reachable $true -Message $null -Answer $answer
        }
    }
    $found = New-Object System.Collections.ArrayList
    foreach ($name in $ComputerNames) {
        $view = $views[$name.ToLowerInvariant()]
        if ($null -eq $view) {
            $message = 'the host did not answer'
            foreach ($f in @($failures)) { if ([string]$f -like "*$name*") { $message = [string]$f } }
            $view = PlatformRemoteView -ComputerName $name -Reachable $false -Message $message
        }
        $view.computerName = $name
        [void]$found.Add($view)
    }
    return $found.ToArray()
}

# Runs on a remote host: checks the copied package and starts it, keeping the process for the status script.
$script:JuRemoteStartScript = {
    param($Package, $Sha256, $Runner, $CommandLine)
    $ErrorActionPreference = 'Stop'
    # Hashed through a handle opened with FileShare.Read, held until the process has ended (the status script closes it):
    # the bytes checked are the bytes that run.
    $held = (Get-Item -LiteralPath $Package -Force).Open([System.IO.FileMode]::Open, [System.IO.FileAccess]::Read, [System.IO.FileShare]::Read)
    try {
        $sha = [System.Security.Cryptography.SHA256]::Create()
        $hash = ([System.BitConverter]::ToString($sha.ComputeHash($held))).Replace('-', '')
        $sha.Dispose()
        if ($hash -ne $Sha256) { throw "The copy of $Package has the SHA-256 $hash, not ${Sha256}; nothing was started." }
        $file = $Package
        if ($Runner -eq 'msiexec') { $file = $env:SystemRoot + '\System32\msiexec.exe' }
        # Reading Handle keeps the exit code readable once the process has ended (Windows PowerShell).
        $process = Start-Process -FilePath $file -ArgumentList $CommandLine -PassThru -WindowStyle Hidden
    }
    catch { $held.Dispose(); throw }
    $null = $process.Handle
    if ($null -eq (Get-Variable -Name JuInstalls -Scope Global -ErrorAction SilentlyContinue)) { $global:JuInstalls = @{}; $global:JuHeld = @{} }
    $global:JuInstalls[[string]$process.Id] = $process
    $global:JuHeld[[string]$process.Id] = $held
    [pscustomobject]@{ processId = [int]$process.Id; startedAt = [DateTime]::UtcNow.ToString('o'); commandLine = ($file + ' ' + $CommandLine) }
}

function PlatformStartRemoteInstall {
    <#
    .SYNOPSIS
    Copies a package over the session, checks its hash on the host and starts it there.
    .PARAMETER ComputerName
    The remote host.
    .PARAMETER Package
    The package's local path.
    .PARAMETER Sha256
    The SHA-256 the file must have (upper-case hex).
    .PARAMETER Runner
    'msiexec' (an .msi through msiexec) or 'package' (the package itself runs).
    .PARAMETER Arguments
    The arguments, one per item, with {package} and {log} for the paths on the host.
    .PARAMETER LogName
    The installer log's file name in the remote run folder.
    .OUTPUTS
    computerName, processId, startedAt, commandLine, package and log.
    #>

    # Copies the package over the session, checks its hash on the host and starts it there.
    # CHECK: Copy-Item -ToSession (PowerShell 5.0 and later) over WinRM; msiexec and the JAMS setup run unattended in a
    # remoting session (no desktop); a process still running when its session ends is stopped with it (Windows Installer
    # then rolls the install back).
    param([string]$ComputerName, [string]$Package, [string]$Sha256, [string]$Runner, [string[]]$Arguments, [string]$LogName)
    $remote = PlatformRemoteSession -ComputerName $ComputerName
    $target = $remote.folder + '\' + [System.IO.Path]::GetFileName($Package)
    $log = $remote.folder + '\' + $LogName
    Copy-Item -LiteralPath $Package -Destination $target -ToSession $remote.session -Force -ErrorAction Stop
    if ($remote.packages -notcontains $target) { [void]$remote.packages.Add($target) }
    $commandLine = PlatformCommandLine -Arguments $Arguments -Values ([ordered]@{ '{package}' = $target; '{log}' = $log })
    $started = Invoke-Command -Session $remote.session -ScriptBlock $script:JuRemoteStartScript -ArgumentList $target, $Sha256, $Runner, $commandLine -ErrorAction Stop
    return [ordered]@{
        computerName = $ComputerName; processId = [int]$started.processId; startedAt = [string]$started.startedAt
        commandLine = [string]$started.commandLine; package = $target; log = $log
    }
}

function PlatformReceiveRemoteFile {
    <#
    .SYNOPSIS
    Copies a file from a remote host.
    .PARAMETER ComputerName
    The remote host.
    .PARAMETER RemotePath
    The file on the remote host.
    .PARAMETER Destination
    The local file.
    .OUTPUTS
    path and size.
    #>
    param([string]$ComputerName, [string]$RemotePath, [string]$Destination)
    $remote = PlatformRemoteSession -ComputerName $ComputerName
    Copy-Item -LiteralPath $RemotePath -Destination $Destination -FromSession $remote.session -Force -ErrorAction Stop
    return [ordered]@{ path = $Destination; size = (Get-Item -LiteralPath $Destination).Length }
}

function PlatformCloseRemote {
    <#
    .SYNOPSIS
    Removes the copied packages, unless an installer still runs, and closes the sessions.
    .PARAMETER ComputerNames
    The remote hosts.
    .OUTPUTS
    One item per host: computerName and error.
    #>

    # Removes the packages this stage copied, unless an installer still runs there, and closes the sessions.
    param([string[]]$ComputerNames)
    $closed = New-Object System.Collections.ArrayList
    foreach ($name in $ComputerNames) {
        $key = $name.ToLowerInvariant()
        $remote = $script:JuRemote[$key]
        if ($null -eq $remote) { continue }
        $problem = $null
        try {
            Invoke-Command -Session $remote.session -ArgumentList (, $remote.packages.ToArray()) -ErrorAction Stop -ScriptBlock {
                param($Packages)
                $busy = $false
                if ($null -ne (Get-Variable -Name JuInstalls -Scope Global -ErrorAction SilentlyContinue)) {
                    foreach ($p in @($global:JuInstalls.Values)) { if (-not $p.HasExited) { $busy = $true } }
                }
                if ($busy) { return }
                if ($null -ne (Get-Variable -Name JuHeld -Scope Global -ErrorAction SilentlyContinue)) { foreach ($h in @($global:JuHeld.Values)) { $h.Dispose() } }
                # A package that became a link is left alone: deleting it could delete what it points to.
                foreach ($p in @($Packages)) {
                    $item = Get-Item -LiteralPath $p -Force -ErrorAction SilentlyContinue
                    if ($null -ne $item -and ([int]$item.Attributes -band [int][System.IO.FileAttributes]::ReparsePoint) -eq 0) { Remove-Item -LiteralPath $p -Force -ErrorAction SilentlyContinue }
                }
            }
        }
        catch { $problem = $_.Exception.Message }
        Remove-PSSession -Session $remote.session -ErrorAction SilentlyContinue
        $script:JuRemote.Remove($key)
        [void]$closed.Add([ordered]@{ computerName = $name; error = $problem })
    }
    return $closed.ToArray()
}

# Installer processes: the command line (the one place placeholders are filled), starting installers and
# uninstallers on this host, their status, and the Uninstall entries.
# Dot-sourced by JamsUpgrade.psm1; npm run package joins the folder into one file in dist/ps. Windows PowerShell 5.1
# compatible, ASCII only.

function PlatformUninstallEntries {
    <#
    .SYNOPSIS
    The Uninstall entries (64- and 32-bit) named JAMS*.
    .OUTPUTS
    One item per entry.
    #>

    # The Uninstall keys (64- and 32-bit) whose DisplayName starts with JAMS.
    # CHECK: which entry carries the JAMS Scheduler's version, and its DisplayName.
    $entries = New-Object System.Collections.ArrayList
    $keys = @('HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\*',
        'HKLM:\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall\*')
    foreach ($entry in @(Get-ItemProperty -Path $keys -ErrorAction SilentlyContinue)) {
        $name = [string](PlatformProperty $entry @('DisplayName'))
        if ($name -notlike 'JAMS*') { continue }
        [void]$entries.Add([ordered]@{
                key             = [string](PlatformProperty $entry @('PSChildName'))
                name            = $name
                version         = [string](PlatformProperty $entry @('DisplayVersion'))
                publisher       = [string](PlatformProperty $entry @('Publisher'))
                hasUninstall    = ($null -ne (PlatformProperty $entry @('UninstallString')))
                uninstallString = [string](PlatformProperty $entry @('UninstallString'))
            })
    }
    return $entries.ToArray()
}

function PlatformMsiExec {
    # Windows Installer's own program, where Windows keeps it.
    return SeamMapPath -Path ($env:SystemRoot + '\System32\msiexec.exe')
}

function PlatformCommandLine {
    <#
    .SYNOPSIS
    One command line from separate arguments, with the placeholders filled in: the one place that fills them.
    .PARAMETER Arguments
    The arguments, one per item.
    .PARAMETER Values
    Each placeholder (such as {log} or {package}) and the text that replaces an argument equal to it.
    .OUTPUTS
    The command line (text).
    #>

    # An argument equal (case-sensitive) to a key of Values becomes its value. An argument with white space is quoted,
    # and backslashes before the closing quote are doubled so they do not escape it. Quotes are refused.
    param([string[]]$Arguments, [System.Collections.IDictionary]$Values = @{})
    $parts = New-Object System.Collections.ArrayList
    foreach ($given in $Arguments) {
        $a = $given
        foreach ($key in @($Values.Keys)) { if ($given -ceq [string]$key) { $a = [string]$Values[$key] } }
        if ($a.Contains('"')) { throw "The installer argument '$a' contains a double quote." }
        if ($a -eq '') { [void]$parts.Add('""') }
        elseif ($a -match '\s') {
            $trail = ''
            if ($a -match '(\\+)$') { $trail = $Matches[1] }
            [void]$parts.Add('"' + $a + $trail + '"')
        }
        else { [void]$parts.Add($a) }
    }
    return ($parts.ToArray() -join ' ')
}

function PlatformStartProcess {
    # System.Diagnostics.Process, not Start-Process: its ExitCode is reliable and the wait is bounded. The runner must
    # already be elevated ("Run As Administrator"): the child inherits its token. The child gets an empty standard input
    # (it must not read this session's commands) and none of the secrets in this process's environment.
    param([string]$FileName, [string]$Arguments)
    $info = New-Object System.Diagnostics.ProcessStartInfo
    $info.UseShellExecute = $false
    $info.CreateNoWindow = $true
    $info.RedirectStandardInput = $true
    foreach ($key in @($info.EnvironmentVariables.Keys)) {
        if ([string]$key -like 'JU_*') { $info.EnvironmentVariables.Remove([string]$key) }
    }
    $info.FileName = $FileName
    $info.Arguments = $Arguments
    $process = [System.Diagnostics.Process]::Start($info)
    $process.StandardInput.Close()
    $script:JuInstallers[$process.Id] = $process
    return [ordered]@{
        processId   = $process.Id
        startedAt   = $process.StartTime.ToUniversalTime().ToString('o')
        commandLine = ($info.FileName + ' ' + $info.Arguments)
    }
}

# The installers' files this session holds open (FileShare.Read) by process id, until that process has ended.
$script:JuHeld = @{}

function PlatformOpenVerified {
    # Opens a file for reading with FileShare.Read and hashes it through that handle. While the handle is open Windows
    # refuses anyone a handle that writes, renames or deletes the file, so the bytes hashed are the bytes that stay there.
    # Returns the open stream; throws (and closes it) when the SHA-256 is not Sha256.
    # CHECK: CreateProcess (an .exe) and msiexec (an .msi) open a file another handle holds with FileShare.Read.
    param([string]$Path, [string]$Sha256)
    $stream = (New-Object System.IO.FileInfo($Path)).Open([System.IO.FileMode]::Open, [System.IO.FileAccess]::Read, [System.IO.FileShare]::Read)
    try {
        $sha = [System.Security.Cryptography.SHA256]::Create()
        try { $hash = ([System.BitConverter]::ToString($sha.ComputeHash($stream))).Replace('-', '') }
        finally { $sha.Dispose() }
        if ($hash -ne $Sha256) { throw "$Path has the SHA-256 $hash right before it was to start, not the $Sha256 that was checked: it changed. Nothing was started." }
    }
    catch { $stream.Dispose(); throw }
    return $stream
}

function PlatformStartInstaller {
    <#
    .SYNOPSIS
    Checks the SHA-256 and starts the installer, through one handle held until it ends.
    .PARAMETER Path
    The installer's local path.
    .PARAMETER CommandLine
    The command line after the program (PlatformCommandLine builds it).
    .PARAMETER Sha256
    The SHA-256 the file must have (upper-case hex).
    .OUTPUTS
    processId, startedAt and commandLine.
    #>

    # Checks the installer's SHA-256 and starts it in one call, through one handle held from the hash until the process
    # has ended (PlatformGetInstallerStatus releases it): no one can swap the file between the check and the start, or
    # while msiexec reads it.
    # CHECK: an .msi runs through msiexec /i; the JAMS setup is expected to be an .exe (see unverified.ts).
    param([string]$Path, [string]$CommandLine, [string]$Sha256)
    $held = PlatformOpenVerified -Path $Path -Sha256 $Sha256
    try {
        if ([System.IO.Path]::GetExtension($Path) -eq '.msi') {
            $started = PlatformStartProcess -FileName (PlatformMsiExec) -Arguments ((PlatformCommandLine -Arguments @('/i', $Path)) + ' ' + $CommandLine)
        }
        else { $started = PlatformStartProcess -FileName $Path -Arguments $CommandLine }
    }
    catch { $held.Dispose(); throw }
    $script:JuHeld[[int]$started.processId] = $held
    $started['sha256'] = $Sha256
    return $started
}

function PlatformRelease {
    # Closes the handle held on an ended installer's file.
    param([int]$ProcessId)
    $held = $script:JuHeld[$ProcessId]
    if ($null -ne $held) { $held.Dispose(); $script:JuHeld.Remove($ProcessId) }
}

function PlatformStartUninstaller {
    <#
    .SYNOPSIS
    Starts msiexec /x for one product.
    .PARAMETER ProductCode
    The Windows Installer product code ({GUID}).
    .PARAMETER CommandLine
    The command line after the program (PlatformCommandLine builds it).
    .OUTPUTS
    processId, startedAt and commandLine.
    #>

    # msiexec /x <product code> with the caller's switches (quiet, no restart, a log): the product code is the only value
    # from the host, checked as a GUID before it gets here, and the Uninstall key's own command line is never run.
    # CHECK: the JAMS Scheduler's Uninstall entry is a Windows Installer product (UninstallString MsiExec.exe /X{GUID} or
    # /I{GUID}), and removing it leaves the database alone (the rollback restores it separately).
    param([string]$ProductCode, [string]$CommandLine)
    return PlatformStartProcess -FileName (PlatformMsiExec) -Arguments ('/x ' + $ProductCode + ' ' + $CommandLine)
}

function PlatformGetInstallerStatus {
    <#
    .SYNOPSIS
    Whether a started installer still runs, and its exit code.
    .PARAMETER ProcessId
    The process id the start returned.
    .PARAMETER StartedAt
    When the start returned it (ISO 8601), so a reused process id is not taken for it.
    .OUTPUTS
    running, exitCode and what was found.
    #>

    # Waits up to 2 s for the exit. A process from an earlier session is found by id and start time; its exit code is
    # then unknown, and the Node side decides by the installed version.
    param([int]$ProcessId, [string]$StartedAt)
    $process = $script:JuInstallers[$ProcessId]
    if ($null -ne $process) {
        if (-not $process.WaitForExit(2000)) { return [ordered]@{ running = $true; exitCode = $null } }
        PlatformRelease -ProcessId $ProcessId
        return [ordered]@{ running = $false; exitCode = (SeamExitCode -Process $process) }
    }
    # The same process if it started then: a second's tolerance, since some systems derive StartTime from a boot time
    # that differs by milliseconds between readers, and an id is not reused that fast.
    $other = Get-Process -Id $ProcessId -ErrorAction SilentlyContinue
    if ($null -ne $other) {
        $then = [DateTime]::Parse($StartedAt, [System.Globalization.CultureInfo]::InvariantCulture, [System.Globalization.DateTimeStyles]::RoundtripKind)
        if ([Math]::Abs(($other.StartTime.ToUniversalTime() - $then.ToUniversalTime()).TotalSeconds) -lt 1) {
            return [ordered]@{ running = $true; exitCode = $null }
        }
    }
    return [ordered]@{ running = $false; exitCode = $null }
}

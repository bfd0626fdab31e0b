# Installers: reading, staging and starting the installer and the uninstaller, and their status.
# Dot-sourced by JamsUpgrade.psm1; npm run package joins the folder into one file in dist/ps. Windows PowerShell 5.1
# compatible, ASCII only.

function Get-JuInstaller {
    <#
    .SYNOPSIS
    The installer's existence, readability, size, SHA-256, version and signature.
    .PARAMETER Path
    The installer's host path.
    .OUTPUTS
    path, exists, readable, reason, size, sha256, version, versionSource, signature, signer, signatureMessage.
    #>

    # Existence, readability, size and SHA-256 of the installer; its version and signature come from the platform.
    param([string]$Path)
    $file = SeamMapPath -Path $Path
    $result = [ordered]@{
        path = $Path; exists = $false; readable = $false; reason = $null; size = $null; sha256 = $null
        version = $null; versionSource = $null; signature = $null; signer = $null; signatureMessage = $null
    }
    if (-not (Test-Path -LiteralPath $file -PathType Leaf)) { $result.reason = 'not found, or the runner account cannot see it'; return $result }
    $result.exists = $true
    Assert-JuStatePath -Path (Get-JuParentPath -Path $Path)
    # FileInfo.OpenRead, not File.OpenRead: the lab's slow share (a fake of this method) delays the read. Its handle
    # (FileShare.Read: no one may write, rename or delete the file meanwhile) stays open while the version and the
    # signature are read, so they are the hashed bytes'.
    $stream = $null
    try {
        $stream = (New-Object System.IO.FileInfo($file)).OpenRead()
        $result.size = $stream.Length
        $sha = [System.Security.Cryptography.SHA256]::Create()
        $result.sha256 = ([System.BitConverter]::ToString($sha.ComputeHash($stream))).Replace('-', '')
        $sha.Dispose()
        $result.readable = $true
    }
    catch {
        $result.reason = $_.Exception.Message
        if ($null -ne $stream) { $stream.Dispose() }
        return $result
    }
    try { $info = PlatformGetInstallerInfo -Path $file }
    finally { $stream.Dispose() }
    foreach ($key in @($info.Keys)) { $result[$key] = $info[$key] }
    return $result
}

function Get-JuInstallerKind {
    <#
    .SYNOPSIS
    Which kind of setup the installer is, from a few KB of its bytes.
    .PARAMETER Path
    The installer's host path.
    .OUTPUTS
    path, exists, kind (burn, installshield, msi, unknown), evidence, sections, reason.
    #>

    # Which kind of setup the installer is (WiX Burn bundle, InstallShield setup, .msi or unknown), from a few KB of its
    # bytes; nothing runs or loads it. reason says why it could not be read.
    param([string]$Path)
    $file = SeamMapPath -Path $Path
    $result = [ordered]@{ path = $Path; exists = $false; kind = $null; evidence = $null; sections = @(); reason = $null }
    if (-not (Test-Path -LiteralPath $file -PathType Leaf)) { $result.reason = 'not found, or the runner account cannot see it'; return $result }
    $result.exists = $true
    try {
        $kind = PlatformGetInstallerKind -Path $file
        foreach ($key in @($kind.Keys)) { $result[$key] = $kind[$key] }
    }
    catch { $result.reason = $_.Exception.Message }
    return $result
}

function Get-JuFileFacts {
    <#
    .SYNOPSIS
    Whether a file exists and its size, without reading it.
    .PARAMETER Path
    A host path.
    .OUTPUTS
    path, exists, size, lastWriteTime, reason.
    #>
    param([string]$Path)
    $file = SeamMapPath -Path $Path
    $facts = [ordered]@{ path = $Path; exists = $false; size = $null; lastWriteTime = $null; reason = $null }
    try {
        if (-not (Test-Path -LiteralPath $file -PathType Leaf)) { $facts.reason = 'not found, or the runner account cannot see it'; return $facts }
        $item = Get-Item -LiteralPath $file
        $facts.exists = $true
        $facts.size = $item.Length
        $facts.lastWriteTime = $item.LastWriteTimeUtc.ToString('o')
    }
    catch { $facts.reason = $_.Exception.Message }
    return $facts
}

function Copy-JuInstaller {
    <#
    .SYNOPSIS
    Stages a copy of the installer, kept only when its SHA-256 is the one expected.
    .PARAMETER Source
    The installer's host path.
    .PARAMETER Folder
    The staging folder.
    .PARAMETER Name
    The staged file's name (.exe or .msi).
    .PARAMETER ExpectSha256
    The SHA-256 the copy must have (64 upper-case hex digits).
    .OUTPUTS
    path, kept, sha256, size, copyMs, hashMs.
    #>

    # Copies the installer into a staging folder on this host and keeps the copy only when its SHA-256 is the one
    # expected: it is written as <name>.partial and takes its name only once proven, so a copy cut short (a timeout ends
    # this session) or a different file is never found under the staged name. FileInfo.CopyTo is File.Copy, which reads
    # a share in large blocks.
    param([string]$Source, [string]$Folder, [string]$Name, [string]$ExpectSha256)
    Assert-JuInstallerName $Name
    if ($ExpectSha256 -notmatch '^[0-9A-F]{64}$') { throw 'ExpectSha256 is not 64 upper-case hex digits.' }
    Assert-JuStatePath -Path $Folder -Create
    $to = SeamMapPath -Path $Folder
    if (-not (Test-Path -LiteralPath $to)) { [void](New-Item -ItemType Directory -Path $to -Force) }
    $final = Join-Path $to $Name
    # A random name, and CopyTo without overwrite (File.Copy then creates the file new): a .partial someone made first
    # is never written through.
    $partial = $final + '.' + [guid]::NewGuid().ToString('N') + '.partial'
    # A copy an earlier session left cut short (the folder's check above proved it is an administrator's, not a link).
    foreach ($old in @(Get-ChildItem -LiteralPath $to -File -Filter ($Name + '.*.partial'))) { Remove-Item -LiteralPath $old.FullName -Force }
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    [void](New-Object System.IO.FileInfo((SeamMapPath -Path $Source))).CopyTo($partial, $false)
    $copyMs = $watch.ElapsedMilliseconds
    $sha = (Get-FileHash -LiteralPath $partial -Algorithm SHA256).Hash
    $size = (Get-Item -LiteralPath $partial).Length
    $kept = ($sha -eq $ExpectSha256)
    if ($kept) { Move-Item -LiteralPath $partial -Destination $final -Force }
    else { Remove-Item -LiteralPath $partial -Force }
    return [ordered]@{ path = ($Folder.TrimEnd('\') + '\' + $Name); kept = $kept; sha256 = $sha; size = $size; copyMs = $copyMs; hashMs = ($watch.ElapsedMilliseconds - $copyMs) }
}

function Remove-JuStagedInstaller {
    <#
    .SYNOPSIS
    Removes one staged installer's folder and nothing else.
    .PARAMETER Root
    The staging root folder.
    .PARAMETER Key
    The staged installer's key: 16 upper-case hex digits.
    .OUTPUTS
    path and removed.
    #>

    # Removes one staged installer's folder (<Root>\<Key>, Key the 16 hex digits the stage names it by), and nothing else.
    param([string]$Root, [string]$Key)
    if ($Key -notmatch '^[0-9A-F]{16}$') { throw "'$Key' is not a staged installer's key." }
    Assert-JuStatePath -Path $Root
    $path = Join-Path (SeamMapPath -Path $Root) $Key
    $removed = Test-Path -LiteralPath $path
    if ($removed) { PlatformRemoveChecked -Path $path -Display ($Root.TrimEnd('\') + '\' + $Key) }
    return [ordered]@{ path = ($Root.TrimEnd('\') + '\' + $Key); removed = $removed }
}

function Start-JuInstaller {
    <#
    .SYNOPSIS
    Starts the installer and returns at once; the caller polls Get-JuInstallerStatus.
    .PARAMETER Path
    The installer's host path.
    .PARAMETER Arguments
    The arguments, one per item, with {log} where the log goes.
    .PARAMETER ExpectSha256
    The SHA-256 the installer must have (64 upper-case hex digits).
    .PARAMETER Log
    The verbose log file that replaces {log}.
    .OUTPUTS
    processId, startedAt and commandLine.
    #>

    # Starts the installer and returns at once with its process id; the caller polls Get-JuInstallerStatus. The file is
    # hashed again through the handle the start holds (PlatformStartInstaller): a file that is not ExpectSha256 does not
    # start.
    param([string]$Path, [string[]]$Arguments, [string]$ExpectSha256, [string]$Log)
    if ($ExpectSha256 -notmatch '^[0-9A-F]{64}$') { throw 'ExpectSha256 is not 64 upper-case hex digits.' }
    Assert-JuStatePath -Path (Get-JuParentPath -Path $Path)
    $file = SeamMapPath -Path $Path
    $line = PlatformCommandLine -Arguments $Arguments -Values @{ '{log}' = $Log }
    return PlatformStartInstaller -Path $file -CommandLine $line -Sha256 $ExpectSha256
}

function Get-JuUninstallEntries {
    <#
    .SYNOPSIS
    The Uninstall entries named JAMS*.
    .OUTPUTS
    One entry per product: name, version, productCode, uninstallString and where it was found.
    #>
    return , @(PlatformUninstallEntries)
}

function Start-JuUninstaller {
    <#
    .SYNOPSIS
    Starts Windows Installer's removal of one product and returns at once.
    .PARAMETER ProductCode
    The Windows Installer product code ({GUID}).
    .PARAMETER Arguments
    msiexec switches, one per item, with {log} where the log goes.
    .PARAMETER Log
    The verbose log file that replaces {log}.
    .OUTPUTS
    processId, startedAt and commandLine.
    #>
    param([string]$ProductCode, [string[]]$Arguments, [string]$Log)
    if ($ProductCode -notmatch $script:ProductCodePattern) { throw "'$ProductCode' is not a Windows Installer product code ({GUID})." }
    return PlatformStartUninstaller -ProductCode $ProductCode -CommandLine (PlatformCommandLine -Arguments $Arguments -Values @{ '{log}' = $Log })
}

function Get-JuInstallerStatus {
    <#
    .SYNOPSIS
    Whether an installer started earlier still runs, and its exit code.
    .PARAMETER ProcessId
    The process id the start returned.
    .PARAMETER StartedAt
    When the start returned it (ISO 8601), so a reused process id is not taken for it.
    .OUTPUTS
    running, exitCode (null while running or unknown), and what was found.
    #>
    param([int]$ProcessId, [string]$StartedAt)
    return PlatformGetInstallerStatus -ProcessId $ProcessId -StartedAt $StartedAt
}

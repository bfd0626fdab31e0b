# File I/O: listing, copying, reading and rewriting files, and the state files, each proven by its SHA-256.
# Dot-sourced by JamsUpgrade.psm1; npm run package joins the folder into one file in dist/ps. Windows PowerShell 5.1
# compatible, ASCII only.

function Get-JuFiles {
    <#
    .SYNOPSIS
    Lists the files of a folder with size and SHA-256, so the record can prove what was saved.
    .PARAMETER Folder
    A host folder.
    .PARAMETER Include
    Wildcard patterns (such as *.config) of the file names to list.
    .OUTPUTS
    folder, exists and files (name, size, sha256, lastWriteTime).
    #>
    param([string]$Folder, [string[]]$Include)
    Assert-JuStatePath -Path $Folder
    $root = SeamMapPath -Path $Folder
    $files = New-Object System.Collections.ArrayList
    if (Test-Path -LiteralPath $root -PathType Container) {
        foreach ($item in @(Get-ChildItem -LiteralPath $root -File)) {
            $wanted = $false
            foreach ($pattern in $Include) { if ($item.Name -like $pattern) { $wanted = $true } }
            if (-not $wanted) { continue }
            [void]$files.Add([ordered]@{
                    name          = $item.Name
                    size          = $item.Length
                    sha256        = (Get-FileHash -LiteralPath $item.FullName -Algorithm SHA256).Hash
                    lastWriteTime = $item.LastWriteTimeUtc.ToString('o')
                })
        }
    }
    return [ordered]@{ folder = $Folder; exists = (Test-Path -LiteralPath $root); files = $files.ToArray() }
}

function Write-JuNewFile {
    # Writes Bytes (after a UTF-8 byte order mark with Bom) to a new file beside Path under a random name, created with
    # FileMode.CreateNew (PlatformNewFile), and returns its path: a file someone made first is never written through.
    param([string]$Path, [string]$Suffix, [byte[]]$Bytes, [bool]$Bom = $false)
    $stream = PlatformNewFile -Path $Path -Suffix $Suffix
    $temp = $stream.Name
    try {
        if ($Bom) { $stream.Write([byte[]](0xEF, 0xBB, 0xBF), 0, 3) }
        $stream.Write($Bytes, 0, $Bytes.Length)
    }
    catch { $stream.Dispose(); Remove-Item -LiteralPath $temp -Force -ErrorAction SilentlyContinue; throw }
    $stream.Dispose()
    return $temp
}

function Copy-JuFiles {
    <#
    .SYNOPSIS
    Copies named files between folders, each proven by its SHA-256.
    .PARAMETER Source
    The host folder copied from.
    .PARAMETER Destination
    The host folder copied to.
    .PARAMETER Names
    Plain file names.
    .OUTPUTS
    folder and files (name, sha256, size).
    #>

    # Copies named files between folders and proves each copy by its SHA-256.
    param([string]$Source, [string]$Destination, [string[]]$Names)
    Assert-JuStatePath -Path $Source
    Assert-JuStatePath -Path $Destination -Create
    $from = SeamMapPath -Path $Source
    $to = SeamMapPath -Path $Destination
    if (-not (Test-Path -LiteralPath $to)) { [void](New-Item -ItemType Directory -Path $to -Force) }
    $copied = New-Object System.Collections.ArrayList
    foreach ($name in $Names) {
        Assert-JuFileName $name
        $src = Join-Path $from $name
        $dst = Join-Path $to $name
        Copy-Item -LiteralPath $src -Destination $dst -Force
        $a = (Get-FileHash -LiteralPath $src -Algorithm SHA256).Hash
        $b = (Get-FileHash -LiteralPath $dst -Algorithm SHA256).Hash
        if ($a -ne $b) { throw "The copy of $name in $Destination does not match the original." }
        [void]$copied.Add([ordered]@{ name = $name; sha256 = $b; size = (Get-Item -LiteralPath $dst).Length })
    }
    return [ordered]@{ folder = $Destination; files = $copied.ToArray() }
}

function Get-JuSha256 {
    param([byte[]]$Bytes)
    $sha = [System.Security.Cryptography.SHA256]::Create()
    try { return ([System.BitConverter]::ToString($sha.ComputeHash($Bytes))).Replace('-', '') }
    finally { $sha.Dispose() }
}

function Read-JuTextFiles {
    <#
    .SYNOPSIS
    Reads small text files (config files) with their SHA-256 and byte order mark.
    .PARAMETER Folder
    A host folder.
    .PARAMETER Names
    Plain file names.
    .OUTPUTS
    One item per file: name, text, sha256, bom.
    #>

    # Returns the text of small files (config files) with their SHA-256 and whether they start with a UTF-8
    # byte order mark, so a rewrite can keep the encoding and refuse a file that changed in between.
    param([string]$Folder, [string[]]$Names)
    Assert-JuStatePath -Path $Folder
    $root = SeamMapPath -Path $Folder
    $files = New-Object System.Collections.ArrayList
    foreach ($name in $Names) {
        Assert-JuFileName $name
        $path = Join-Path $root $name
        $bytes = [System.IO.File]::ReadAllBytes($path)
        $bom = ($bytes.Length -ge 3 -and $bytes[0] -eq 0xEF -and $bytes[1] -eq 0xBB -and $bytes[2] -eq 0xBF)
        [void]$files.Add([ordered]@{
                name   = $name
                text   = [System.IO.File]::ReadAllText($path)
                sha256 = Get-JuSha256 -Bytes $bytes
                bom    = $bom
            })
    }
    return , $files.ToArray()
}

function Write-JuTextFile {
    <#
    .SYNOPSIS
    Replaces a small text file atomically, if it still has the SHA-256 the caller read.
    .PARAMETER Folder
    A host folder.
    .PARAMETER Name
    A plain file name.
    .PARAMETER Text
    The new text.
    .PARAMETER Bom
    Whether the file starts with a UTF-8 byte order mark.
    .PARAMETER ExpectSha256
    The SHA-256 the caller read; a file changed since is not written.
    .OUTPUTS
    path and the new sha256.
    #>

    # Replaces a small text file atomically, only if it still has the SHA-256 the caller read.
    param([string]$Folder, [string]$Name, [string]$Text, [bool]$Bom, [string]$ExpectSha256)
    Assert-JuFileName $Name
    $path = Join-Path (SeamMapPath -Path $Folder) $Name
    $current = Get-JuSha256 -Bytes ([System.IO.File]::ReadAllBytes($path))
    if ($current -ne $ExpectSha256) { throw "$Name changed since it was read (SHA-256 $current); nothing was written." }
    $temp = Write-JuNewFile -Path $path -Suffix '.ju-tmp' -Bytes ((New-Object System.Text.UTF8Encoding($Bom)).GetBytes($Text)) -Bom $Bom
    Move-Item -LiteralPath $temp -Destination $path -Force
    return [ordered]@{ path = $path; sha256 = (Get-JuSha256 -Bytes ([System.IO.File]::ReadAllBytes($path))) }
}

function Save-JuStateFile {
    <#
    .SYNOPSIS
    Writes a host-side state file atomically.
    .PARAMETER Folder
    The state folder (kept writable by administrators alone).
    .PARAMETER Name
    A plain file name.
    .PARAMETER Json
    The JSON text to keep.
    .OUTPUTS
    path and size.
    #>

    # Durable host-side state (for example the Log On As accounts), written atomically.
    param([string]$Folder, [string]$Name, [string]$Json)
    Assert-JuFileName $Name
    Assert-JuStatePath -Path $Folder -Create
    $root = SeamMapPath -Path $Folder
    if (-not (Test-Path -LiteralPath $root)) { [void](New-Item -ItemType Directory -Path $root -Force) }
    $path = Join-Path $root $Name
    $temp = Write-JuNewFile -Path $path -Suffix '.tmp' -Bytes ((New-Object System.Text.UTF8Encoding($false)).GetBytes($Json))
    Move-Item -LiteralPath $temp -Destination $path -Force
    return [ordered]@{ path = $path; size = (Get-Item -LiteralPath $path).Length }
}

function Read-JuStateFile {
    <#
    .SYNOPSIS
    Reads a host-side state file.
    .PARAMETER Folder
    The state folder.
    .PARAMETER Name
    A plain file name.
    .OUTPUTS
    path, exists and json ($null when missing).
    #>
    param([string]$Folder, [string]$Name)
    Assert-JuFileName $Name
    Assert-JuStatePath -Path $Folder
    $path = Join-Path (SeamMapPath -Path $Folder) $Name
    if (-not (Test-Path -LiteralPath $path)) { return [ordered]@{ path = $path; exists = $false; json = $null } }
    return [ordered]@{ path = $path; exists = $true; json = [System.IO.File]::ReadAllText($path) }
}

# Installers as files: an installer's version, signature and kind, read from its bytes.
# Dot-sourced by JamsUpgrade.psm1; npm run package joins the folder into one file in dist/ps. Windows PowerShell 5.1
# compatible, ASCII only.

# The installers this session started, by process id: the exit code is read from the Process object.
$script:JuInstallers = @{}

function PlatformGetInstallerInfo {
    <#
    .SYNOPSIS
    An installer's version and signature.
    .PARAMETER Path
    The installer's local path.
    .OUTPUTS
    version, versionSource, signature, signer and signatureMessage.
    #>

    # CHECK: the JAMS setup's version is the ProductVersion of the .exe (a Burn bundle carries the bundle version there);
    # for an .msi it is the ProductVersion property of the package. Compare with the version the JAMS Client shows after a
    # test install.
    # CHECK: the signer subject of a genuine JAMS installer (recorded; the agent MSI is pinned to the installer's signer
    # or to agent-msi-signer).
    param([string]$Path)
    if ([System.IO.Path]::GetExtension($Path) -eq '.msi') {
        $version = SeamMsiProductVersion -Path $Path
        $source = 'msi ProductVersion'
    }
    else {
        $info = (Get-Item -LiteralPath $Path).VersionInfo
        $version = [string]$info.ProductVersion
        $source = 'file ProductVersion'
        if ([string]::IsNullOrEmpty($version)) { $version = [string]$info.FileVersion; $source = 'file FileVersion' }
    }
    $signature = Get-AuthenticodeSignature -LiteralPath $Path
    $signer = $null
    $thumbprint = $null
    if ($null -ne $signature.SignerCertificate) {
        $signer = [string]$signature.SignerCertificate.Subject
        $thumbprint = ([string]$signature.SignerCertificate.Thumbprint).ToUpperInvariant()
    }
    return [ordered]@{
        version          = $version
        versionSource    = $source
        signature        = [string]$signature.Status
        signer           = $signer
        signerThumbprint = $thumbprint
        signatureMessage = [string]$signature.StatusMessage
    }
}

function PlatformLittleEndian {
    # The unsigned little-endian integer of Size bytes at Offset, or -1 when the bytes end first.
    param([byte[]]$Bytes, [long]$Offset, [int]$Size)
    if ($Offset -lt 0 -or $Offset + $Size -gt $Bytes.Length) { return [long]-1 }
    [long]$value = 0
    for ($i = $Size - 1; $i -ge 0; $i--) { $value = $value * 256 + $Bytes[[int]$Offset + $i] }
    return $value
}

function PlatformReadInstallerHeader {
    # What a setup's first bytes show, read as data: an OLE compound file (how a Windows Installer package is stored) by
    # its 8-byte signature, or a PE by its headers: e_lfanew at 0x3C, the PE signature there, the COFF header's
    # NumberOfSections and SizeOfOptionalHeader, then the 40-byte section headers (an 8-byte name, SizeOfRawData at 16,
    # PointerToRawData at 20). problem says where the bytes stop making sense; nothing past them is guessed.
    param([byte[]]$Bytes)
    $result = [ordered]@{ format = 'unknown'; sections = @(); overlayOffset = $null; problem = $null }
    if ($null -eq $Bytes) { $Bytes = New-Object byte[] 0 }
    $ole = [byte[]](0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1)
    $isOle = ($Bytes.Length -ge 8)
    for ($i = 0; $isOle -and $i -lt 8; $i++) { if ($Bytes[$i] -ne $ole[$i]) { $isOle = $false } }
    if ($isOle) { $result.format = 'ole'; return $result }
    if ($Bytes.Length -lt 2 -or $Bytes[0] -ne 0x4D -or $Bytes[1] -ne 0x5A) {
        $result.problem = "neither a PE (MZ) nor an OLE compound file ($($Bytes.Length) bytes read)"
        return $result
    }
    $pe = PlatformLittleEndian -Bytes $Bytes -Offset 0x3C -Size 4
    if ($pe -lt 0) { $result.problem = "an MZ header cut short at $($Bytes.Length) bytes"; return $result }
    if ($pe + 24 -gt $Bytes.Length) {
        $result.problem = ('e_lfanew 0x{0:X} points past the {1} bytes read' -f $pe, $Bytes.Length)
        return $result
    }
    $at = [int]$pe
    if ($Bytes[$at] -ne 0x50 -or $Bytes[$at + 1] -ne 0x45 -or $Bytes[$at + 2] -ne 0 -or $Bytes[$at + 3] -ne 0) {
        $result.problem = ('no PE signature at e_lfanew 0x{0:X}' -f $pe)
        return $result
    }
    $count = PlatformLittleEndian -Bytes $Bytes -Offset ($at + 6) -Size 2
    $table = $at + 24 + (PlatformLittleEndian -Bytes $Bytes -Offset ($at + 20) -Size 2)
    # Windows loads at most 96 sections; more means these are not PE headers.
    if ($count -gt 96) { $result.problem = "NumberOfSections is $count"; return $result }
    if ($table + 40 * $count -gt $Bytes.Length) {
        $result.problem = ('its {0} section headers at 0x{1:X} end past the {2} bytes read' -f $count, $table, $Bytes.Length)
        return $result
    }
    $sections = New-Object System.Collections.ArrayList
    [long]$end = 0
    for ($n = 0; $n -lt $count; $n++) {
        $h = [int]($table + 40 * $n)
        # The name is 8 bytes, NUL-padded; an 8-character name such as .wixburn has no NUL.
        $length = 0
        while ($length -lt 8 -and $Bytes[$h + $length] -ne 0) { $length++ }
        $size = PlatformLittleEndian -Bytes $Bytes -Offset ($h + 16) -Size 4
        $offset = PlatformLittleEndian -Bytes $Bytes -Offset ($h + 20) -Size 4
        [void]$sections.Add([ordered]@{ name = [System.Text.Encoding]::ASCII.GetString($Bytes, $h, $length); offset = $offset; size = $size })
        if ($size -gt 0 -and $offset + $size -gt $end) { $end = $offset + $size }
    }
    $result.format = 'pe'
    $result.sections = $sections.ToArray()
    if ($end -gt 0) { $result.overlayOffset = $end }
    return $result
}

function PlatformFindText {
    # The first of Texts the bytes hold as ASCII, or null (Latin-1 turns each byte into one character).
    param([byte[]]$Bytes, [string[]]$Texts)
    $text = [System.Text.Encoding]::GetEncoding(28591).GetString($Bytes)
    foreach ($t in $Texts) { if ($text.IndexOf($t, [System.StringComparison]::Ordinal) -ge 0) { return $t } }
    return $null
}

function PlatformInstallerImage {
    # Up to Count bytes of an installer from Offset, read as data through a read-only stream: the file is never run or
    # loaded. Shorter at its end.
    param([string]$Path, [long]$Offset = 0, [int]$Count = 4096)
    $stream = New-Object System.IO.FileStream($Path, [System.IO.FileMode]::Open, [System.IO.FileAccess]::Read, [System.IO.FileShare]::Read)
    try {
        $from = (SeamInstallerImageStart -Stream $stream) + $Offset
        $buffer = New-Object byte[] ([int][Math]::Max(0, [Math]::Min([long]$Count, $stream.Length - $from)))
        [void]$stream.Seek($from, [System.IO.SeekOrigin]::Begin)
        $read = 0
        while ($read -lt $buffer.Length) {
            $n = $stream.Read($buffer, $read, $buffer.Length - $read)
            if ($n -le 0) { break }
            $read += $n
        }
        return , $buffer
    }
    finally { $stream.Dispose() }
}

function PlatformGetInstallerKind {
    <#
    .SYNOPSIS
    Which kind of setup an installer is, from its bytes alone.
    .PARAMETER Path
    The installer's local path.
    .OUTPUTS
    kind, evidence and sections.
    #>

    # Which kind of setup an installer is, from its bytes alone (PlatformInstallerImage reads them; nothing runs or loads it):
    # burn: a PE with a .wixburn section, where WiX's Burn stub keeps its bundle data; takes /quiet /norestart /log.
    # installshield: a PE whose data after its last section begins with InstallShield's own header ('InstallShield' or
    #   'ISSetupStream', as the extractors ISx and komac read it), or whose resources (at most 1 MB of .rsrc) name
    #   InstallShield.Setup, its launcher's manifest; those markers, not the word InstallShield anywhere, so a program
    #   merely mentioning it is not taken for one. Takes /s and /v"<msiexec switches>", not /quiet.
    # msi: an OLE compound file, which msiexec runs. unknown: anything else.
    # CHECK: which kind the JAMS setup is: no public source says; preflight records it (installerKind).
    param([string]$Path)
    $header = PlatformReadInstallerHeader -Bytes (PlatformInstallerImage -Path $Path -Offset 0 -Count 4096)
    $names = @($header.sections | ForEach-Object { [string]$_.name })
    $result = [ordered]@{ kind = 'unknown'; evidence = $header.problem; sections = $names }
    if ($header.format -eq 'ole') {
        $result.kind = 'msi'
        $result.evidence = 'an OLE compound file (D0 CF 11 E0 A1 B1 1A E1), as a Windows Installer package is stored'
        return $result
    }
    if ($header.format -ne 'pe') { return $result }
    $listed = ($names -join ', ')
    if ($names -contains '.wixburn') {
        $result.kind = 'burn'
        $result.evidence = "a PE with a .wixburn section (sections $listed)"
        return $result
    }
    if ($null -ne $header.overlayOffset) {
        $marker = PlatformFindText -Bytes (PlatformInstallerImage -Path $Path -Offset $header.overlayOffset -Count 512) -Texts @('InstallShield', 'ISSetupStream')
        if ($null -ne $marker) {
            $result.kind = 'installshield'
            $result.evidence = ('a PE whose data after its last section (at 0x{0:X}) begins with the header {1}' -f $header.overlayOffset, $marker)
            return $result
        }
    }
    $resources = @($header.sections | Where-Object { $_.name -eq '.rsrc' -and $_.size -gt 0 }) | Select-Object -First 1
    if ($null -ne $resources) {
        $bytes = PlatformInstallerImage -Path $Path -Offset $resources.offset -Count ([int][Math]::Min($resources.size, 1048576))
        if ($null -ne (PlatformFindText -Bytes $bytes -Texts @('InstallShield.Setup'))) {
            $result.kind = 'installshield'
            $result.evidence = "a PE whose resources name InstallShield.Setup (sections $listed)"
            return $result
        }
    }
    $result.evidence = "a PE with no .wixburn section and no InstallShield marker (sections $listed)"
    return $result
}

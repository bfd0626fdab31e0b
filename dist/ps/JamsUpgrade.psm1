# jams-upgrade PowerShell module: small primitives that read or change one thing and return data.
# Runs under Windows PowerShell 5.1 and PowerShell 7 (a test parses this file and rejects PS7-only syntax).
# Keep this file ASCII: Windows PowerShell 5.1 reads BOM-less files in the ANSI code page.
#
# Values arrive only as data: Invoke-JuCall decodes one base64 JSON argument and splats it.
# The platform file (Platform.Windows.ps1) supplies the Platform* and Seam* functions; nothing else here touches Windows
# or JAMS directly. In the lab (JAMS_UPGRADE_LAB set) the caller names a seams file that replaces the Seam* functions.
param(
    [Parameter(Mandatory = $true)][string]$PlatformFile,
    [string]$PlatformOptionsJson = '{}',
    [string]$SeamsFile = ''
)

Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

# Windows PowerShell 5.1 serialises arrays as {"value":[...],"Count":n} while this type data exists.
if ($PSVersionTable.PSVersion.Major -lt 6) {
    Remove-TypeData -TypeName System.Array -ErrorAction SilentlyContinue
}

$script:PlatformOptions = ConvertFrom-Json -InputObject $PlatformOptionsJson
. $PlatformFile
if ($SeamsFile -ne '') { . $SeamsFile }

# The names a caller may invoke. Anything else is refused before it runs.
$script:Commands = @(
    'Get-JuPlatform', 'Get-JuServiceStates', 'Find-JuServices', 'Stop-JuService', 'Start-JuService',
    'Get-JuNodeRole', 'Get-JuInstalledVersion', 'Get-JuFiles', 'Save-JuStateFile', 'Read-JuStateFile',
    'Copy-JuFiles', 'Read-JuTextFiles', 'Get-JuResource', 'New-JuResource', 'Add-JuRootRequirement',
    'Set-JuResourceQuantity', 'Get-JuExecutingEntries', 'Get-JuDatabaseConnections', 'Backup-JuDatabase',
    'Test-JuDatabaseBackup', 'Invoke-JuHook', 'Get-JuFreeSpace', 'Get-JuQueuePermissions',
    'Write-JuTextFile', 'Get-JuInstaller', 'Start-JuInstaller',
    'Get-JuInstallerStatus', 'Test-JuCredential', 'Set-JuServiceAccount', 'Get-JuContract',
    'Restore-JuDatabase', 'Get-JuUninstallEntries', 'Start-JuUninstaller',
    'Get-JuFileFacts', 'Copy-JuInstaller', 'Remove-JuStagedInstaller', 'Get-JuInstallerKind',
    'Get-JuAgents', 'Start-JuAgentDeploys', 'Get-JuAgentProgress', 'Get-JuRemoteStatus', 'Start-JuRemoteInstall',
    'Receive-JuRemoteFile', 'Close-JuRemoteSessions', 'Get-JuBackupHeader'
)
$script:ServiceNamePattern = '^[A-Za-z0-9_.\-]{1,80}$'
# JAMS object and server names end up in provider paths (JAMS::<server>\Resources\<name>): plain names only.
$script:JamsNamePattern = '^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,63}$'
$script:ServerNamePattern = '^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,252}$'
$script:QueueNamePattern = '^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,123}$'
$script:SecretVariablePattern = '^JU_[A-Z0-9_]{1,60}$'
# Fixed T-SQL: the database name and the file path are parameters, never part of the text.
$script:BackupSql = 'BACKUP DATABASE @db TO DISK = @path WITH COPY_ONLY, CHECKSUM, INIT'
$script:VerifySql = 'RESTORE VERIFYONLY FROM DISK = @path WITH CHECKSUM'
# RESTORE takes a variable for the database name as well as for the device (RESTORE DATABASE { database_name |
# @database_name_var } ... DISK = { 'device' | @device_var }), so the rollback's restore is fixed text too.
$script:RestoreSql = 'RESTORE DATABASE @db FROM DISK = @path WITH REPLACE, CHECKSUM'
# The backup file's own header (the restore compares it with what the backup stage recorded), and the backup set msdb
# recorded for the file the backup stage just wrote.
$script:HeaderSql = 'RESTORE HEADERONLY FROM DISK = @path'
$script:BackupSetSql = 'SELECT TOP 1 b.backup_set_uuid AS BackupSetGUID, b.backup_finish_date AS BackupFinishDate, b.database_name AS DatabaseName, b.server_name AS ServerName FROM msdb.dbo.backupset AS b JOIN msdb.dbo.backupmediafamily AS m ON m.media_set_id = b.media_set_id WHERE m.physical_device_name = @path ORDER BY b.backup_finish_date DESC'
$script:Sha256Pattern = '^[0-9A-Fa-f]{64}$'
# A Windows Installer product code, the only value from the host that reaches msiexec's command line.
$script:ProductCodePattern = '^\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}$'

function ConvertTo-JuPlain {
    # ConvertFrom-Json gives PSCustomObjects on 5.1 (no -AsHashtable); splatting needs hashtables.
    param($Value)
    if ($null -eq $Value) { return $null }
    if ($Value -is [System.Management.Automation.PSCustomObject]) {
        $table = @{}
        foreach ($p in $Value.PSObject.Properties) { $table[$p.Name] = ConvertTo-JuPlain $p.Value }
        return $table
    }
    if ($Value -is [System.Array]) {
        $items = New-Object System.Collections.ArrayList
        foreach ($item in $Value) { [void]$items.Add((ConvertTo-JuPlain $item)) }
        return , $items.ToArray()
    }
    return $Value
}

function Invoke-JuCall {
    # The only entry point the Node side uses. Prints exactly one JSON envelope between markers.
    param([string]$Command, [string]$ArgsBase64, [string]$Marker)
    $envelope = $null
    try {
        if ($script:Commands -notcontains $Command) { throw "Unknown primitive '$Command'." }
        $json = [System.Text.Encoding]::UTF8.GetString([System.Convert]::FromBase64String($ArgsBase64))
        $arguments = ConvertTo-JuPlain (ConvertFrom-Json -InputObject $json)
        if ($null -eq $arguments) { $arguments = @{} }
        # A misspelt argument would otherwise land silently in $args.
        $known = (Get-Command -Name $Command).Parameters.Keys
        foreach ($key in $arguments.Keys) {
            if ($known -notcontains $key) { throw "Primitive '$Command' has no parameter '$key'." }
        }
        $data = & $Command @arguments
        $envelope = [ordered]@{ ok = $true; data = $data }
    }
    catch {
        $envelope = [ordered]@{
            ok    = $false
            error = [ordered]@{
                message  = $_.Exception.Message
                type     = $_.Exception.GetType().FullName
                position = [string]$_.InvocationInfo.PositionMessage
            }
        }
    }
    $text = ConvertTo-Json -InputObject $envelope -Depth 20 -Compress
    [Console]::Out.WriteLine($Marker)
    [Console]::Out.WriteLine($text)
    [Console]::Out.WriteLine($Marker)
}

function Assert-JuServiceName {
    # Service cmdlets accept wildcards; a name must be exact.
    param([string]$Name)
    if ($Name -notmatch $script:ServiceNamePattern) {
        throw "Service name '$Name' is not a plain service name (letters, digits, '_', '.', '-')."
    }
}

function Get-JuPlatform {
    $info = PlatformInfo
    $info['psVersion'] = $PSVersionTable.PSVersion.ToString()
    $info['psEdition'] = [string]$PSVersionTable.PSEdition
    return $info
}

function Find-JuServices {
    # Resolves each JAMS service kind to the first candidate name that exists on this host, and lists the services whose
    # display name starts with JAMS, so a miss can name what the host really has.
    param([hashtable]$Candidates)
    $found = [ordered]@{}
    foreach ($kind in $Candidates.Keys) {
        $found[$kind] = $null
        foreach ($name in @($Candidates[$kind])) { Assert-JuServiceName $name }
        foreach ($svc in @(PlatformGetServices -Names @($Candidates[$kind]))) {
            if ($svc.exists) { $found[$kind] = $svc.name; break }
        }
    }
    return [ordered]@{ found = $found; jamsServices = @(PlatformFindServices) }
}

function Get-JuServiceStates {
    param([string[]]$Names)
    foreach ($name in $Names) { Assert-JuServiceName $name }
    return , @(PlatformGetServices -Names $Names)
}

function Get-JuService {
    param([string]$Name)
    return @(PlatformGetServices -Names @($Name))[0]
}

function Stop-JuService {
    # Asks the service to stop (dependents stop with it) and returns at once; the caller waits.
    param([string]$Name)
    Assert-JuServiceName $Name
    PlatformStopService -Name $Name
    return Get-JuService -Name $Name
}

function Start-JuService {
    param([string]$Name)
    Assert-JuServiceName $Name
    PlatformStartService -Name $Name
    return Get-JuService -Name $Name
}

function Get-JuNodeRole { return PlatformGetNodeRole }

function Get-JuInstalledVersion { return PlatformGetInstalledVersion }

function Get-JuFiles {
    # Lists files in a folder with size and SHA-256, so the record can prove what was saved.
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

function Assert-JuFileName {
    param([string]$Name)
    if ($Name -notmatch '^[A-Za-z0-9_.\-]{1,100}$') { throw "'$Name' is not a plain file name." }
}

function Get-JuStateRoot {
    # The state folder (the state-folder input) this session was started with; '' when it was not given.
    $option = $script:PlatformOptions.PSObject.Properties['stateFolder']
    if ($null -eq $option -or [string]::IsNullOrEmpty([string]$option.Value)) { return '' }
    return ([string]$option.Value).TrimEnd('\')
}

function Get-JuParentPath {
    # The folder of a host path (C:\a\b.exe -> C:\a), the same on every platform.
    param([string]$Path)
    $at = $Path.TrimEnd('\').LastIndexOf('\')
    if ($at -le 0) { return $Path }
    return $Path.Substring(0, $at)
}

function Assert-JuStatePath {
    # Before a primitive reads or writes under the state folder: the state folder, all it holds and the folders down to
    # Path must be writable by administrators alone (PlatformSecureFolder refuses otherwise, naming the path and the
    # icacls line that repairs it). -Create makes the missing folders, each with a protected security descriptor.
    param([string]$Path, [switch]$Create)
    $root = Get-JuStateRoot
    $folder = $Path.TrimEnd('\')
    if ($root -eq '' -or -not ($folder -eq $root -or $folder.StartsWith($root + '\', [System.StringComparison]::OrdinalIgnoreCase))) { return }
    [void](PlatformSecureFolder -Path ($root + $folder.Substring($root.Length)) -Root $root -Create:$Create)
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

function Join-JuCommandLine {
    # One Windows command line from separate arguments: an argument with white space is quoted, and
    # backslashes before the closing quote are doubled so they do not escape it. Quotes are refused.
    param([string[]]$Arguments)
    $parts = New-Object System.Collections.ArrayList
    foreach ($a in $Arguments) {
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

function Get-JuInstaller {
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
    # Whether a file exists and its size, without reading it: a large installer on a share is read once, by the copy.
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

function Assert-JuInstallerName {
    # An installer's file name as the staging folder keeps it: a plain name ending in .exe or .msi, spaces allowed.
    param([string]$Name)
    if ($Name -notmatch '^[A-Za-z0-9_][A-Za-z0-9_.+() \-]{0,119}\.(exe|msi)$') { throw "'$Name' is not a plain installer file name." }
}

function Copy-JuInstaller {
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
    # Starts the installer and returns at once with its process id; the caller polls Get-JuInstallerStatus. The file is
    # hashed again through the handle the start holds (PlatformStartInstaller): a file that is not ExpectSha256 does not
    # start.
    param([string]$Path, [string[]]$Arguments, [string]$ExpectSha256)
    if ($ExpectSha256 -notmatch '^[0-9A-F]{64}$') { throw 'ExpectSha256 is not 64 upper-case hex digits.' }
    Assert-JuStatePath -Path (Get-JuParentPath -Path $Path)
    $file = SeamMapPath -Path $Path
    return PlatformStartInstaller -Path $file -CommandLine (Join-JuCommandLine -Arguments $Arguments) -Sha256 $ExpectSha256
}

function Get-JuUninstallEntries {
    # The Uninstall entries named JAMS*, with their UninstallString: the Node side picks the product to remove.
    return , @(PlatformUninstallEntries)
}

function Start-JuUninstaller {
    # Starts Windows Installer's removal of one product and returns at once; the caller polls Get-JuInstallerStatus.
    param([string]$ProductCode, [string[]]$Arguments)
    if ($ProductCode -notmatch $script:ProductCodePattern) { throw "'$ProductCode' is not a Windows Installer product code ({GUID})." }
    return PlatformStartUninstaller -ProductCode $ProductCode -CommandLine (Join-JuCommandLine -Arguments $Arguments)
}

function Get-JuInstallerStatus {
    param([int]$ProcessId, [string]$StartedAt)
    return PlatformGetInstallerStatus -ProcessId $ProcessId -StartedAt $StartedAt
}

function Assert-JuAccount {
    param([string]$Account, [string]$PasswordVariable)
    if ($Account -notmatch '^[^\x00-\x1f"]{1,256}$') { throw 'The account name is empty, too long or has control characters.' }
    # Only the jams-upgrade password variables may be read: a caller cannot point at another variable.
    if ($PasswordVariable -ne '' -and $PasswordVariable -cnotmatch '^JU_[A-Z0-9_]{1,60}$') {
        throw "'$PasswordVariable' is not a jams-upgrade password variable."
    }
}

function Test-JuCredential {
    # Checks an account's password (read from the named environment variable) without changing anything.
    param([string]$Account, [string]$PasswordVariable)
    Assert-JuAccount -Account $Account -PasswordVariable $PasswordVariable
    return PlatformTestCredential -Account $Account -PasswordVariable $PasswordVariable
}

function Set-JuServiceAccount {
    # Sets a service's Log On As account; the password is read from the named environment variable.
    param([string]$Name, [string]$Account, [string]$PasswordVariable = '')
    Assert-JuServiceName $Name
    Assert-JuAccount -Account $Account -PasswordVariable $PasswordVariable
    $result = PlatformSetServiceAccount -Name $Name -Account $Account -PasswordVariable $PasswordVariable
    $result['service'] = Get-JuService -Name $Name
    return $result
}

function Save-JuStateFile {
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
    param([string]$Folder, [string]$Name)
    Assert-JuFileName $Name
    Assert-JuStatePath -Path $Folder
    $path = Join-Path (SeamMapPath -Path $Folder) $Name
    if (-not (Test-Path -LiteralPath $path)) { return [ordered]@{ path = $path; exists = $false; json = $null } }
    return [ordered]@{ path = $path; exists = $true; json = [System.IO.File]::ReadAllText($path) }
}

function Assert-JuPattern {
    param([string]$Value, [string]$Pattern, [string]$What)
    if ($Value -notmatch $Pattern) { throw "$What '$Value' is not a plain name (letters, digits, '_', '.', '-')." }
}

function Get-JuResource {
    param([string]$Server, [string]$Name)
    Assert-JuPattern $Server $script:ServerNamePattern 'JAMS server'
    Assert-JuPattern $Name $script:JamsNamePattern 'Resource'
    return PlatformGetResource -Server $Server -Name $Name
}

function New-JuResource {
    # Creates the resource with its quantity and makes the root folder require one of it.
    param([string]$Server, [string]$Name, [int]$Quantity)
    Assert-JuPattern $Server $script:ServerNamePattern 'JAMS server'
    Assert-JuPattern $Name $script:JamsNamePattern 'Resource'
    PlatformNewResource -Server $Server -Name $Name -Quantity $Quantity
    return PlatformGetResource -Server $Server -Name $Name
}

function Add-JuRootRequirement {
    param([string]$Server, [string]$Name)
    Assert-JuPattern $Server $script:ServerNamePattern 'JAMS server'
    Assert-JuPattern $Name $script:JamsNamePattern 'Resource'
    PlatformAddRootRequirement -Server $Server -Name $Name -Quantity 1
    return PlatformGetResource -Server $Server -Name $Name
}

function Set-JuResourceQuantity {
    # Sets Quantity Available and reads it back, so the caller sees what JAMS holds now.
    param([string]$Server, [string]$Name, [int]$Quantity)
    Assert-JuPattern $Server $script:ServerNamePattern 'JAMS server'
    Assert-JuPattern $Name $script:JamsNamePattern 'Resource'
    if ($Quantity -lt 0) { throw "Quantity $Quantity is negative." }
    PlatformSetResourceQuantity -Server $Server -Name $Name -Quantity $Quantity
    return PlatformGetResource -Server $Server -Name $Name
}

function Get-JuExecutingEntries {
    param([string]$Server)
    Assert-JuPattern $Server $script:ServerNamePattern 'JAMS server'
    return , @(PlatformGetExecutingEntries -Server $Server)
}

function Get-JuDatabaseConnections {
    # The connection strings of common.config: each one's form, server, database and authentication kind, or why it
    # could not be read. Users and passwords stay here, and so does the text (it may hold a password).
    param([string]$Folder)
    $path = Join-Path (SeamMapPath -Path $Folder) 'common.config'
    $found = New-Object System.Collections.ArrayList
    if (-not (Test-Path -LiteralPath $path -PathType Leaf)) {
        return [ordered]@{ path = $path; exists = $false; connections = $found.ToArray() }
    }
    $document = New-Object System.Xml.XmlDocument
    $document.XmlResolver = $null
    try { $document.Load($path) }
    catch {
        # The parser's message may quote the file's text; the line number is enough to find the fault.
        $line = 0
        $inner = $_.Exception.InnerException
        if ($inner -is [System.Xml.XmlException]) { $line = $inner.LineNumber }
        return [ordered]@{ path = $path; exists = $true; connections = $found.ToArray(); error = "it is not well-formed XML (line $line)" }
    }
    foreach ($node in @($document.SelectNodes('//connectionStrings/add'))) {
        $entry = [ordered]@{ name = $node.GetAttribute('name') }
        $read = Read-JuConnectionString -Text $node.GetAttribute('connectionString')
        foreach ($key in @($read.Keys)) { $entry[$key] = $read[$key] }
        [void]$found.Add($entry)
    }
    return [ordered]@{ path = $path; exists = $true; connections = $found.ToArray() }
}

# The keywords that name the server and the database in SqlClient, OLE DB driver and ODBC driver strings.
$script:ServerKeywords = @('Data Source', 'Server', 'Address', 'Addr', 'Network Address')
$script:DatabaseKeywords = @('Initial Catalog', 'Database')

function New-JuConnectionBuilder {
    # A DbConnectionStringBuilder holding the text, or $null when the text breaks the rules asked for.
    param([string]$Text, [bool]$OdbcRules)
    $builder = New-Object System.Data.Common.DbConnectionStringBuilder($OdbcRules)
    try { $builder.set_ConnectionString($Text) } catch { return $null }
    return $builder
}

function Get-JuConnectionValue {
    # The one value the keywords name, or '' when none is present; two different values are an error, not a guess.
    param($Builder, [string[]]$Keywords, [string]$What, [bool]$OdbcRules)
    $values = @{}
    foreach ($keyword in $Keywords) {
        if (-not $Builder.ContainsKey($keyword)) { continue }
        $value = ([string]$Builder.get_Item($keyword)).Trim()
        # ODBC rules keep a braced value's braces ({a}}b} means a}b).
        if ($OdbcRules -and $value -match '^\{(.*)\}$') { $value = $Matches[1].Replace('}}', '}') }
        if ($value -ne '') { $values[$keyword] = $value }
    }
    $distinct = @($values.Values | Sort-Object -Unique)
    if ($distinct.Count -gt 1) { throw "it names the $What twice with different values ($(@($values.Keys | Sort-Object) -join ', '))" }
    if ($distinct.Count -eq 1) { return $distinct[0] }
    return ''
}

function Read-JuConnectionString {
    # One connection string, parsed by DbConnectionStringBuilder: SqlClient and OLE DB strings under the standard rules
    # (values quoted with " or '), ODBC strings (a Driver or DSN keyword) under ODBC's brace rules. The form comes from
    # the keywords: Provider is OLE DB, Driver or DSN is ODBC. Errors are fixed text: never any part of the string.
    param([string]$Text)
    $result = [ordered]@{ form = $null; dataSource = ''; initialCatalog = ''; integratedSecurity = $false }
    if ([string]::IsNullOrWhiteSpace($Text)) {
        $result['error'] = 'its connectionString attribute is empty or missing'
        return $result
    }
    $standard = New-JuConnectionBuilder -Text $Text -OdbcRules $false
    $odbc = $null
    if ($null -eq $standard -or $standard.ContainsKey('Driver') -or $standard.ContainsKey('DSN')) {
        $odbc = New-JuConnectionBuilder -Text $Text -OdbcRules $true
    }
    if ($null -ne $odbc -and ($odbc.ContainsKey('Driver') -or $odbc.ContainsKey('DSN'))) {
        $builder = $odbc
        $result['form'] = 'odbc'
    }
    elseif ($null -ne $standard -and -not ($standard.ContainsKey('Driver') -or $standard.ContainsKey('DSN'))) {
        $builder = $standard
        if ($standard.ContainsKey('Provider')) { $result['form'] = 'oledb' } else { $result['form'] = 'sqlclient' }
    }
    elseif ($null -ne $standard) {
        $result['form'] = 'odbc'
        $result['error'] = "it names an ODBC driver but does not follow ODBC's connection-string rules"
        return $result
    }
    else {
        $result['error'] = 'it does not parse as a connection string (keyword=value pairs separated by semicolons)'
        return $result
    }
    $odbcRules = $result['form'] -eq 'odbc'
    try {
        $result['dataSource'] = Get-JuConnectionValue -Builder $builder -Keywords $script:ServerKeywords -What 'server' -OdbcRules $odbcRules
        $result['initialCatalog'] = Get-JuConnectionValue -Builder $builder -Keywords $script:DatabaseKeywords -What 'database' -OdbcRules $odbcRules
    }
    catch {
        $result['error'] = $_.Exception.Message
        return $result
    }
    $integrated = ''
    if ($builder.ContainsKey('Integrated Security')) { $integrated = [string]$builder.get_Item('Integrated Security') }
    $trusted = ''
    if ($builder.ContainsKey('Trusted_Connection')) { $trusted = [string]$builder.get_Item('Trusted_Connection') }
    $result['integratedSecurity'] = (@('true', 'sspi', 'yes') -contains $integrated.Trim()) -or (@('yes', 'true') -contains $trusted.Trim())
    $missing = @()
    if ($result['dataSource'] -eq '') {
        if ($builder.ContainsKey('DSN')) { $missing += 'it names an ODBC data source (DSN), which keeps the server outside common.config' }
        else { $missing += "it names no server ($($script:ServerKeywords -join ', '))" }
    }
    if ($result['initialCatalog'] -eq '') { $missing += "it names no database ($($script:DatabaseKeywords -join ', '))" }
    if ($missing.Count -gt 0) { $result['error'] = $missing -join '; ' }
    return $result
}

function New-JuSqlConnectionString {
    # Built by SqlConnectionStringBuilder, so no value can change the string's structure. The password comes
    # from this process's environment (set by the caller), never from the call's arguments.
    param([string]$Server, [string]$Auth, [string]$User, [string]$PasswordVariable)
    # The accessors, not $builder.X = v: PowerShell treats the builder as a dictionary of keywords.
    $builder = New-Object System.Data.SqlClient.SqlConnectionStringBuilder
    $builder.set_DataSource($Server)
    $builder.set_InitialCatalog('master')
    $builder.set_ApplicationName('jams-upgrade')
    $builder.set_ConnectTimeout(30)
    if ($Auth -eq 'sql') {
        Assert-JuPattern $PasswordVariable $script:SecretVariablePattern 'Environment variable'
        $password = [System.Environment]::GetEnvironmentVariable($PasswordVariable)
        if ([string]::IsNullOrEmpty($password)) { throw "The SQL password is missing: the environment variable $PasswordVariable is empty." }
        if ([string]::IsNullOrEmpty($User)) { throw 'The SQL login name is empty.' }
        $builder.set_IntegratedSecurity($false)
        $builder.set_UserID($User)
        $builder.set_Password($password)
    }
    else { $builder.set_IntegratedSecurity($true) }
    return $builder.get_ConnectionString()
}

function Get-JuBackupFileFacts {
    param([string]$Path)
    $local = SeamMapPath -Path $Path
    if (-not (Test-Path -LiteralPath $local -PathType Leaf)) {
        throw "The backup file $Path cannot be seen from this host. SQL Server writes it on its own machine: use a UNC share both can reach."
    }
    return [ordered]@{
        size   = (Get-Item -LiteralPath $local).Length
        sha256 = (Get-FileHash -LiteralPath $local -Algorithm SHA256).Hash
    }
}

function Invoke-JuSqlStatement {
    # One fixed statement, timed, with SQL Server's messages; -Facts adds the backup file's size and SHA-256 after it,
    # -Rows the rows it returned. The password stays in this process's environment: only its variable's name travels.
    param([string]$Server, [string]$Auth, [string]$User, [string]$PasswordVariable, [int]$TimeoutSeconds, [string]$Sql, [System.Collections.IDictionary]$Parameters, [string]$Path, [switch]$Facts, [switch]$Rows)
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $reply = SeamInvokeSql -Server $Server -Auth $Auth -User $User -PasswordVariable $PasswordVariable -Sql $Sql -Parameters $Parameters -TimeoutSeconds $TimeoutSeconds -Rows:$Rows.IsPresent
    $watch.Stop()
    $result = [ordered]@{ path = $Path; sql = $Sql; durationMs = $watch.ElapsedMilliseconds; messages = @($reply.messages) }
    if ($Rows.IsPresent) { $result['rows'] = @($reply.rows) }
    if ($Facts.IsPresent) {
        $known = Get-JuBackupFileFacts -Path $Path
        $result['size'] = $known.size
        $result['sha256'] = $known.sha256
    }
    return $result
}

function Select-JuBackupSet {
    # The four facts of a backup set both msdb and RESTORE HEADERONLY name, and nothing else of the row.
    param($Row)
    if ($null -eq $Row) { return $null }
    return [ordered]@{
        databaseName = [string]$Row['DatabaseName']
        serverName   = [string]$Row['ServerName']
        guid         = [string]$Row['BackupSetGUID']
        finishedAt   = [string]$Row['BackupFinishDate']
    }
}

function Backup-JuDatabase {
    # BACKUP DATABASE ... WITH COPY_ONLY, CHECKSUM, INIT, then the file's size and SHA-256, and the backup set msdb
    # recorded for the file (its GUID and finish time, which the restore finds again in the file's header).
    param([string]$Server, [string]$Database, [string]$Auth, [string]$User, [string]$PasswordVariable, [int]$TimeoutSeconds, [string]$Path)
    $folder = [System.IO.Path]::GetDirectoryName((SeamMapPath -Path $Path))
    if (-not (Test-Path -LiteralPath $folder)) { [void](New-Item -ItemType Directory -Path $folder -Force) }
    $result = Invoke-JuSqlStatement -Server $Server -Auth $Auth -User $User -PasswordVariable $PasswordVariable -TimeoutSeconds $TimeoutSeconds -Sql $script:BackupSql -Parameters ([ordered]@{ db = $Database; path = $Path }) -Path $Path -Facts
    $set = Invoke-JuSqlStatement -Server $Server -Auth $Auth -User $User -PasswordVariable $PasswordVariable -TimeoutSeconds $TimeoutSeconds -Sql $script:BackupSetSql -Parameters ([ordered]@{ path = $Path }) -Path $Path -Rows
    $result['backupSet'] = Select-JuBackupSet -Row (@($set.rows) | Select-Object -First 1)
    $result['backupSetSql'] = $script:BackupSetSql
    return $result
}

function Test-JuDatabaseBackup {
    # RESTORE VERIFYONLY ... WITH CHECKSUM, then the file's facts again so the caller can compare them.
    param([string]$Server, [string]$Database, [string]$Auth, [string]$User, [string]$PasswordVariable, [int]$TimeoutSeconds, [string]$Path)
    return Invoke-JuSqlStatement -Server $Server -Auth $Auth -User $User -PasswordVariable $PasswordVariable -TimeoutSeconds $TimeoutSeconds -Sql $script:VerifySql -Parameters ([ordered]@{ path = $Path }) -Path $Path -Facts
}

function Get-JuBackupHeader {
    # RESTORE HEADERONLY: each backup set the file holds, as SQL Server reads the file (database, server, set GUID,
    # finish time), then the file's facts, read by the path SQL Server was given.
    param([string]$Server, [string]$Database, [string]$Auth, [string]$User, [string]$PasswordVariable, [int]$TimeoutSeconds, [string]$Path)
    $result = Invoke-JuSqlStatement -Server $Server -Auth $Auth -User $User -PasswordVariable $PasswordVariable -TimeoutSeconds $TimeoutSeconds -Sql $script:HeaderSql -Parameters ([ordered]@{ path = $Path }) -Path $Path -Facts -Rows
    $sets = New-Object System.Collections.ArrayList
    foreach ($row in @($result['rows'])) { [void]$sets.Add((Select-JuBackupSet -Row $row)) }
    $result.Remove('rows')
    $result['sets'] = $sets.ToArray()
    return $result
}

function Restore-JuDatabase {
    # RESTORE DATABASE ... WITH REPLACE, CHECKSUM from a backup file the caller has checked (SHA-256, header,
    # VERIFYONLY). The file is hashed once more here, by the path SQL Server is given, right before the statement: a
    # file changed since the caller's checks is refused. The connection's database is master, so the session never holds
    # the database it replaces.
    param([string]$Server, [string]$Database, [string]$Auth, [string]$User, [string]$PasswordVariable, [int]$TimeoutSeconds, [string]$Path, [string]$ExpectSha256)
    if ($ExpectSha256 -notmatch $script:Sha256Pattern) { throw "The expected SHA-256 '$ExpectSha256' is not 64 hexadecimal digits." }
    $known = Get-JuBackupFileFacts -Path $Path
    if ($known.sha256 -ne $ExpectSha256) {
        throw "The backup file $Path has the SHA-256 $($known.sha256) right before the restore, and $ExpectSha256 was checked: it changed. Nothing was restored."
    }
    $result = Invoke-JuSqlStatement -Server $Server -Auth $Auth -User $User -PasswordVariable $PasswordVariable -TimeoutSeconds $TimeoutSeconds -Sql $script:RestoreSql -Parameters ([ordered]@{ db = $Database; path = $Path }) -Path $Path
    $result['sha256'] = $known.sha256
    return $result
}

function ConvertTo-JuLines {
    param($Items, [int]$Max = 200)
    $lines = New-Object System.Collections.ArrayList
    foreach ($item in @($Items)) {
        if ($lines.Count -ge $Max) { [void]$lines.Add('(more output cut)'); break }
        if ($null -ne $item) { [void]$lines.Add(([string]$item).TrimEnd()) }
    }
    return , $lines.ToArray()
}

function Invoke-JuHook {
    # Runs a user's script with named parameters in a runspace of its own, so a timeout can stop it without
    # ending this session. The path and the parameters are data: the script text below is fixed.
    param([string]$Path, [hashtable]$Parameters, [int]$TimeoutSeconds)
    $file = SeamMapPath -Path $Path
    if ($file -notmatch '\.ps1$') { throw "The hook $Path is not a .ps1 script." }
    if (-not (Test-Path -LiteralPath $file -PathType Leaf)) { throw "The hook $Path does not exist on this host." }
    # The hook runs in this process: the secrets in its environment are taken out while it runs.
    $secrets = @{}
    foreach ($name in @([Environment]::GetEnvironmentVariables().Keys)) {
        if ([string]$name -like 'JU_*') { $secrets[[string]$name] = [Environment]::GetEnvironmentVariable([string]$name); [Environment]::SetEnvironmentVariable([string]$name, [NullString]::Value) }
    }
    $shell = [System.Management.Automation.PowerShell]::Create()
    try {
        [void]$shell.AddScript('param($HookPath, $HookParameters) $ErrorActionPreference = ''Stop''; $global:LASTEXITCODE = 0; & $HookPath @HookParameters; if ($LASTEXITCODE -ne 0) { throw "the hook exited with code $LASTEXITCODE" }')
        [void]$shell.AddArgument($file)
        [void]$shell.AddArgument($Parameters)
        # An output collection keeps what the hook printed before it failed or timed out.
        $inputs = New-Object 'System.Management.Automation.PSDataCollection[psobject]'
        $output = New-Object 'System.Management.Automation.PSDataCollection[psobject]'
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $async = $shell.BeginInvoke($inputs, $output)
        $finished = $async.AsyncWaitHandle.WaitOne($TimeoutSeconds * 1000)
        $failure = $null
        if ($finished) {
            try { [void]$shell.EndInvoke($async) }
            catch {
                $failure = $_.Exception
                while ($null -ne $failure.InnerException -and $failure -is [System.Management.Automation.MethodInvocationException]) { $failure = $failure.InnerException }
            }
        }
        else {
            # Stop without waiting forever: a hook blocked in a native call may ignore the stop request.
            [void]$shell.BeginStop($null, $null)
        }
        $watch.Stop()
        $errors = New-Object System.Collections.ArrayList
        foreach ($e in @($shell.Streams.Error)) { [void]$errors.Add([string]$e) }
        if ($null -ne $failure) { [void]$errors.Add($failure.Message) }
        $exitCode = $null
        if ($null -ne $failure -and $failure.Message -match 'exited with code (-?\d+)$') { $exitCode = [int]$Matches[1] }
        $info = @()
        if ($null -ne $shell.Streams.PSObject.Properties['Information']) { $info = @($shell.Streams.Information) }
        return [ordered]@{
            path       = $Path
            ok         = ($finished -and $null -eq $failure -and $errors.Count -eq 0)
            timedOut   = (-not $finished)
            exitCode   = $exitCode
            durationMs = $watch.ElapsedMilliseconds
            output     = (ConvertTo-JuLines (@($info) + @($output.ReadAll()) + @($shell.Streams.Warning)))
            errors     = (ConvertTo-JuLines $errors)
        }
    }
    finally {
        if ($shell.InvocationStateInfo.State -ne 'Running' -and $shell.InvocationStateInfo.State -ne 'Stopping') {
            $shell.Dispose()
            foreach ($name in $secrets.Keys) { [Environment]::SetEnvironmentVariable($name, $secrets[$name]) }
        }
    }
}

function Get-JuFreeSpace {
    param([string[]]$Paths)
    $found = New-Object System.Collections.ArrayList
    foreach ($path in $Paths) {
        try {
            $space = PlatformGetFreeSpace -Path $path
            [void]$found.Add([ordered]@{ path = $path; available = $true; root = $space.root; freeBytes = $space.freeBytes; totalBytes = $space.totalBytes })
        }
        catch { [void]$found.Add([ordered]@{ path = $path; available = $false; reason = $_.Exception.Message }) }
    }
    return , $found.ToArray()
}

function Get-JuQueuePermissions {
    # Reads the access entries of private message queues; unavailable (with the reason) where MSMQ cannot be read.
    param([string[]]$Names)
    $queues = New-Object System.Collections.ArrayList
    try {
        foreach ($name in $Names) {
            Assert-JuPattern $name $script:QueueNamePattern 'Queue'
            [void]$queues.Add((PlatformGetQueuePermissions -Name $name))
        }
    }
    catch { return [ordered]@{ available = $false; reason = $_.Exception.Message; queues = $queues.ToArray() } }
    return [ordered]@{ available = $true; queues = $queues.ToArray() }
}

function Get-JuContract {
    # What the host shows for each unverified assumption (docs/unverified.md); read-only.
    param([string]$Server, [string]$Resource, [string[]]$Queues)
    Assert-JuPattern $Server $script:ServerNamePattern 'JAMS server'
    Assert-JuPattern $Resource $script:JamsNamePattern 'Resource'
    foreach ($name in $Queues) { Assert-JuPattern $name $script:QueueNamePattern 'Queue' }
    return PlatformProbeContract -Server $Server -Resource $Resource -Queues $Queues
}

function Get-JuAgents {
    # The agent definitions of a JAMS server, as data.
    param([string]$Server)
    Assert-JuPattern $Server $script:ServerNamePattern 'JAMS server'
    return , @(PlatformGetAgents -Server $Server)
}

function Start-JuAgentDeploys {
    # What the JAMS Client's Deploy does, for several agents; returns at once with each deploy job's entry where found.
    param([string]$Server, [string[]]$Names)
    Assert-JuPattern $Server $script:ServerNamePattern 'JAMS server'
    foreach ($name in @($Names)) { Assert-JuPattern $name $script:JamsNamePattern 'Agent' }
    return , @(PlatformDeployAgents -Server $Server -Names @($Names))
}

function Get-JuAgentProgress {
    # The named agents and deploy entries in one look, so many agents in flight cost one call per poll.
    param([string]$Server, [string[]]$Names, [int[]]$Entries)
    Assert-JuPattern $Server $script:ServerNamePattern 'JAMS server'
    foreach ($name in @($Names)) { Assert-JuPattern $name $script:JamsNamePattern 'Agent' }
    return PlatformGetAgentProgress -Server $Server -Names @($Names) -Entries @($Entries)
}

function Get-JuRemoteStatus {
    # Every named host in one fan-out: the installers started there, the agent service and the JAMS products.
    param([string[]]$ComputerNames, [string]$AgentService)
    foreach ($name in @($ComputerNames)) { Assert-JuPattern $name $script:ServerNamePattern 'Computer' }
    Assert-JuServiceName $AgentService
    return , @(PlatformGetRemoteStatus -ComputerNames @($ComputerNames) -AgentService $AgentService)
}

function Start-JuRemoteInstall {
    # Copies a package to a remote host and starts it there; the arguments are data, joined and quoted here.
    param([string]$ComputerName, [string]$Package, [string]$Sha256, [string]$Runner, [string[]]$Arguments, [string]$LogName)
    Assert-JuPattern $ComputerName $script:ServerNamePattern 'Computer'
    Assert-JuFileName $LogName
    if ($Sha256 -notmatch '^[0-9A-F]{64}$') { throw "'$Sha256' is not an upper-case SHA-256." }
    if (@('msiexec', 'package') -notcontains $Runner) { throw "Runner '$Runner' is neither msiexec nor package." }
    return PlatformStartRemoteInstall -ComputerName $ComputerName -Package (SeamMapPath -Path $Package) -Sha256 $Sha256 -Runner $Runner -Arguments @($Arguments) -LogName $LogName
}

function Receive-JuRemoteFile {
    # Copies a file from a remote host (a log) to a file of this runner.
    param([string]$ComputerName, [string]$RemotePath, [string]$Destination)
    Assert-JuPattern $ComputerName $script:ServerNamePattern 'Computer'
    $to = SeamMapPath -Path $Destination
    [void][System.IO.Directory]::CreateDirectory([System.IO.Path]::GetDirectoryName($to))
    return PlatformReceiveRemoteFile -ComputerName $ComputerName -RemotePath $RemotePath -Destination $to
}

function Close-JuRemoteSessions {
    param([string[]]$ComputerNames)
    foreach ($name in @($ComputerNames)) { Assert-JuPattern $name $script:ServerNamePattern 'Computer' }
    return , @(PlatformCloseRemote -ComputerNames @($ComputerNames))
}

Export-ModuleMember -Function 'Invoke-JuCall'

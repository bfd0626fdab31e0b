# jams-upgrade PowerShell module: small primitives that read or change one thing and return data.
# Runs under Windows PowerShell 5.1 and PowerShell 7 (a test parses this file and rejects PS7-only syntax).
# Keep this file ASCII: Windows PowerShell 5.1 reads BOM-less files in the ANSI code page.
#
# Values arrive only as data: Invoke-JuCall decodes one base64 JSON argument and splats it.
# The platform file (real Windows, or the lab when JAMS_UPGRADE_LAB is set) is chosen by the caller
# and supplies the Platform* functions; nothing else here touches Windows or JAMS directly.
param(
    [Parameter(Mandatory = $true)][string]$PlatformFile,
    [string]$PlatformOptionsJson = '{}'
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

# The names a caller may invoke. Anything else is refused before it runs.
$script:Commands = @(
    'Get-JuPlatform', 'Get-JuServiceStates', 'Find-JuServices', 'Stop-JuService', 'Start-JuService',
    'Get-JuNodeRole', 'Get-JuInstalledVersion', 'Get-JuFiles', 'Save-JuStateFile', 'Read-JuStateFile',
    'Copy-JuFiles', 'Read-JuTextFiles'
)
$script:ServiceNamePattern = '^[A-Za-z0-9_.\-]{1,80}$'

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
    # Resolves each JAMS service kind to the first candidate name that exists on this host.
    param([hashtable]$Candidates)
    $found = [ordered]@{}
    foreach ($kind in $Candidates.Keys) {
        $found[$kind] = $null
        foreach ($name in @($Candidates[$kind])) {
            Assert-JuServiceName $name
            if ($null -ne (PlatformGetService -Name $name)) { $found[$kind] = $name; break }
        }
    }
    return $found
}

function Get-JuServiceStates {
    param([string[]]$Names)
    $states = New-Object System.Collections.ArrayList
    foreach ($name in $Names) {
        Assert-JuServiceName $name
        $svc = PlatformGetService -Name $name
        if ($null -eq $svc) { $svc = [ordered]@{ name = $name; exists = $false } }
        [void]$states.Add($svc)
    }
    return , $states.ToArray()
}

function Stop-JuService {
    # Asks the service to stop (dependents stop with it) and returns at once; the caller waits.
    param([string]$Name)
    Assert-JuServiceName $Name
    PlatformStopService -Name $Name
    return PlatformGetService -Name $Name
}

function Start-JuService {
    param([string]$Name)
    Assert-JuServiceName $Name
    PlatformStartService -Name $Name
    return PlatformGetService -Name $Name
}

function Get-JuNodeRole { return PlatformGetNodeRole }

function Get-JuInstalledVersion { return PlatformGetInstalledVersion }

function Get-JuFiles {
    # Lists files in a folder with size and SHA-256, so the record can prove what was saved.
    param([string]$Folder, [string[]]$Include)
    $root = PlatformResolvePath -Path $Folder
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

function Copy-JuFiles {
    # Copies named files between folders and proves each copy by its SHA-256.
    param([string]$Source, [string]$Destination, [string[]]$Names)
    $from = PlatformResolvePath -Path $Source
    $to = PlatformResolvePath -Path $Destination
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

function Read-JuTextFiles {
    # Returns the text of small files (config files) so the Node side can keep copies in the run folder.
    param([string]$Folder, [string[]]$Names)
    $root = PlatformResolvePath -Path $Folder
    $files = New-Object System.Collections.ArrayList
    foreach ($name in $Names) {
        Assert-JuFileName $name
        $path = Join-Path $root $name
        [void]$files.Add([ordered]@{ name = $name; text = [System.IO.File]::ReadAllText($path) })
    }
    return , $files.ToArray()
}

function Save-JuStateFile {
    # Durable host-side state (for example the Log On As accounts), written atomically.
    param([string]$Folder, [string]$Name, [string]$Json)
    Assert-JuFileName $Name
    $root = PlatformResolvePath -Path $Folder
    if (-not (Test-Path -LiteralPath $root)) { [void](New-Item -ItemType Directory -Path $root -Force) }
    $path = Join-Path $root $Name
    $temp = $path + '.tmp'
    [System.IO.File]::WriteAllText($temp, $Json, (New-Object System.Text.UTF8Encoding($false)))
    Move-Item -LiteralPath $temp -Destination $path -Force
    return [ordered]@{ path = $path; size = (Get-Item -LiteralPath $path).Length }
}

function Read-JuStateFile {
    param([string]$Folder, [string]$Name)
    Assert-JuFileName $Name
    $path = Join-Path (PlatformResolvePath -Path $Folder) $Name
    if (-not (Test-Path -LiteralPath $path)) { return [ordered]@{ path = $path; exists = $false; json = $null } }
    return [ordered]@{ path = $path; exists = $true; json = [System.IO.File]::ReadAllText($path) }
}

Export-ModuleMember -Function 'Invoke-JuCall'

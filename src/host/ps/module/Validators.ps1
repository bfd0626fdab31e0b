# Validators: the plain-name rules every value meets before it reaches the platform, and the state folder check.
# Dot-sourced by JamsUpgrade.psm1; npm run package joins the folder into one file in dist/ps. Windows PowerShell 5.1
# compatible, ASCII only.

$script:ServiceNamePattern = '^[A-Za-z0-9_.\-]{1,80}$'
# JAMS object and server names end up in provider paths (JAMS::<server>\Resources\<name>): plain names only.
$script:JamsNamePattern = '^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,63}$'
$script:ServerNamePattern = '^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,252}$'
$script:QueueNamePattern = '^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,123}$'
$script:Sha256Pattern = '^[0-9A-Fa-f]{64}$'
# A Windows Installer product code, the only value from the host that reaches msiexec's command line.
$script:ProductCodePattern = '^\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}$'

function Assert-JuServiceName {
    # Service cmdlets accept wildcards; a name must be exact.
    param([string]$Name)
    if ($Name -notmatch $script:ServiceNamePattern) {
        throw "Service name '$Name' is not a plain service name (letters, digits, '_', '.', '-')."
    }
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

function Assert-JuInstallerName {
    # An installer's file name as the staging folder keeps it: a plain name ending in .exe or .msi, spaces allowed.
    param([string]$Name)
    if ($Name -notmatch '^[A-Za-z0-9_][A-Za-z0-9_.+() \-]{0,119}\.(exe|msi)$') { throw "'$Name' is not a plain installer file name." }
}

function Assert-JuAccount {
    param([string]$Account, [string]$PasswordVariable)
    if ($Account -notmatch '^[^\x00-\x1f"]{1,256}$') { throw 'The account name is empty, too long or has control characters.' }
    # Only the jams-upgrade password variables may be read: a caller cannot point at another variable.
    if ($PasswordVariable -ne '' -and $PasswordVariable -cnotmatch '^JU_[A-Z0-9_]{1,60}$') {
        throw "'$PasswordVariable' is not a jams-upgrade password variable."
    }
}

function Assert-JuPattern {
    param([string]$Value, [string]$Pattern, [string]$What)
    if ($Value -notmatch $Pattern) { throw "$What '$Value' is not a plain name (letters, digits, '_', '.', '-')." }
}

function ConvertFrom-JuUtcText {
    # An ISO 8601 time with its zone (2024-05-01T10:00:00.000Z, or an offset) as a UTC DateTime, read the same whatever
    # the host's culture. A time without a zone would be read in the host's zone: refused. PowerShell 7's ConvertFrom-Json
    # has already made an ISO 8601 string a DateTime (Utc, Local for an offset, Unspecified without a zone); 5.1's has not.
    param($Value, [string]$What)
    $parsed = [DateTime]::MinValue
    if ($Value -is [DateTime]) { $parsed = $Value }
    else {
        $formats = [string[]]@('yyyy-MM-ddTHH:mm:ssK', 'yyyy-MM-ddTHH:mm:ss.FFFFFFFK')
        $styles = [System.Globalization.DateTimeStyles]::RoundtripKind
        if (-not [DateTime]::TryParseExact([string]$Value, $formats, [System.Globalization.CultureInfo]::InvariantCulture, $styles, [ref]$parsed)) {
            $parsed = [DateTime]::MinValue
        }
    }
    if ($parsed -eq [DateTime]::MinValue -or $parsed.Kind -eq [DateTimeKind]::Unspecified) {
        $shown = [string]$Value
        if ($Value -is [DateTime]) { $shown = $Value.ToString('o', [System.Globalization.CultureInfo]::InvariantCulture) }
        throw "$What '$shown' is not an ISO 8601 time with its zone (e.g. 2024-05-01T10:00:00Z)."
    }
    return $parsed.ToUniversalTime()
}

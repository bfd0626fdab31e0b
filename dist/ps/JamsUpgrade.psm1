# jams-upgrade PowerShell module: small primitives that read or change one thing and return data.
# Runs under Windows PowerShell 5.1 and PowerShell 7 (a test parses every file here and rejects PS7-only syntax).
# Keep these files ASCII: Windows PowerShell 5.1 reads BOM-less files in the ANSI code page.
#
# Values arrive only as data: Invoke-JuCall (module/Dispatcher.ps1) decodes one base64 JSON argument and splats it.
# The files are split by concern. module/*.ps1 hold the primitives; platform/*.ps1 hold every call into Windows and
# JAMS (the Platform* and Seam* functions), and never call up into the module. What no session could verify on a real
# install is marked CHECK: there and listed in docs/unverified.md. In the lab (JAMS_UPGRADE_LAB set) the caller names a
# seams file that replaces the Seam* functions, one level below the platform.
#
# Loading: in source this file dot-sources module/*.ps1 and PlatformPath names the platform folder. npm run package
# (scripts/copy-assets.mjs) puts the module files' text in place of the block below and joins the platform folder into
# dist/ps/Platform.Windows.ps1, so a session on a host reads two files.
param(
    [Parameter(Mandatory = $true)][string]$PlatformPath,
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
# The platform: one joined file, or the folder of its concern files, dot-sourced in name order.
if ([System.IO.Directory]::Exists($PlatformPath)) {
    $script:JuFiles = [System.IO.Directory]::GetFiles($PlatformPath, '*.ps1')
    [System.Array]::Sort($script:JuFiles, [System.StringComparer]::Ordinal)
    foreach ($script:JuFile in $script:JuFiles) { . $script:JuFile }
}
else { . $PlatformPath }
if ($SeamsFile -ne '') { . $SeamsFile }

# ---- module/Accounts.ps1 ----
# Accounts: a password check and a service's Log On As account.
# Dot-sourced by JamsUpgrade.psm1; npm run package joins the folder into one file in dist/ps. Windows PowerShell 5.1
# compatible, ASCII only.

function Test-JuCredential {
    <#
    .SYNOPSIS
    Checks an account's password without changing anything.
    .PARAMETER Account
    The account, DOMAIN\name or .\name.
    .PARAMETER PasswordVariable
    The name of the JU_* environment variable that holds the password; never the password itself.
    .OUTPUTS
    Whether the password is valid, and why not.
    #>

    # Checks an account's password (read from the named environment variable) without changing anything.
    param([string]$Account, [string]$PasswordVariable)
    Assert-JuAccount -Account $Account -PasswordVariable $PasswordVariable
    return PlatformTestCredential -Account $Account -PasswordVariable $PasswordVariable
}

function Set-JuServiceAccount {
    <#
    .SYNOPSIS
    Sets a service's Log On As account.
    .PARAMETER Name
    The service name (exact).
    .PARAMETER Account
    The account, DOMAIN\name or .\name.
    .PARAMETER PasswordVariable
    The JU_* variable holding the password; '' for an account without one.
    .OUTPUTS
    returnValue (Win32_Service.Change) and the service state after.
    #>
    param([string]$Name, [string]$Account, [string]$PasswordVariable = '')
    Assert-JuServiceName $Name
    Assert-JuAccount -Account $Account -PasswordVariable $PasswordVariable
    $result = PlatformSetServiceAccount -Name $Name -Account $Account -PasswordVariable $PasswordVariable
    $result['service'] = Get-JuService -Name $Name
    return $result
}

# ---- module/Agents.ps1 ----
# JAMS agents and remote hosts (the agents stage): definitions, deploys, remote installs and their logs.
# Dot-sourced by JamsUpgrade.psm1; npm run package joins the folder into one file in dist/ps. Windows PowerShell 5.1
# compatible, ASCII only.

function Get-JuAgents {
    <#
    .SYNOPSIS
    The agent definitions of a JAMS server.
    .PARAMETER Server
    The JAMS server (a plain host name).
    .OUTPUTS
    One item per agent.
    #>
    param([string]$Server)
    Assert-JuPattern $Server $script:ServerNamePattern 'JAMS server'
    return , @(PlatformGetAgents -Server $Server)
}

function Start-JuAgentDeploys {
    <#
    .SYNOPSIS
    Starts the deploy job of several agents.
    .PARAMETER Server
    The JAMS server (a plain host name).
    .PARAMETER Names
    Agent names.
    .OUTPUTS
    One item per agent: its deploy job's entry where found, or why not.
    #>

    # What the JAMS Client's Deploy does, for several agents; returns at once with each deploy job's entry where found.
    param([string]$Server, [string[]]$Names)
    Assert-JuPattern $Server $script:ServerNamePattern 'JAMS server'
    foreach ($name in @($Names)) { Assert-JuPattern $name $script:JamsNamePattern 'Agent' }
    return , @(PlatformDeployAgents -Server $Server -Names @($Names))
}

function Get-JuAgentProgress {
    <#
    .SYNOPSIS
    The named agents and deploy entries, in one look.
    .PARAMETER Server
    The JAMS server (a plain host name).
    .PARAMETER Names
    Agent names.
    .PARAMETER Entries
    The JAMS entry numbers of the deploy jobs started.
    .OUTPUTS
    agents and entries.
    #>
    param([string]$Server, [string[]]$Names, [int[]]$Entries)
    Assert-JuPattern $Server $script:ServerNamePattern 'JAMS server'
    foreach ($name in @($Names)) { Assert-JuPattern $name $script:JamsNamePattern 'Agent' }
    return PlatformGetAgentProgress -Server $Server -Names @($Names) -Entries @($Entries)
}

function Get-JuRemoteStatus {
    <#
    .SYNOPSIS
    What each remote host runs: installers started there, the agent service, JAMS products.
    .PARAMETER ComputerNames
    The remote hosts.
    .PARAMETER AgentService
    The agent service name on the remote hosts.
    .OUTPUTS
    One item per host.
    #>

    # Every named host in one fan-out: the installers started there, the agent service and the JAMS products.
    param([string[]]$ComputerNames, [string]$AgentService)
    foreach ($name in @($ComputerNames)) { Assert-JuPattern $name $script:ServerNamePattern 'Computer' }
    Assert-JuServiceName $AgentService
    return , @(PlatformGetRemoteStatus -ComputerNames @($ComputerNames) -AgentService $AgentService)
}

function Start-JuRemoteInstall {
    <#
    .SYNOPSIS
    Copies a package to a remote host and starts it there.
    .PARAMETER ComputerName
    The remote host.
    .PARAMETER Package
    The package's path on this runner.
    .PARAMETER Sha256
    The package's SHA-256 (upper-case hex), checked on the host.
    .PARAMETER Runner
    'msiexec' (an .msi through msiexec) or 'package' (the package itself runs).
    .PARAMETER Arguments
    The arguments, one per item, with {package} and {log} for the paths on the host.
    .PARAMETER LogName
    The installer log's file name in the remote run folder.
    .OUTPUTS
    computerName, processId, startedAt, commandLine, package and log.
    #>
    param([string]$ComputerName, [string]$Package, [string]$Sha256, [string]$Runner, [string[]]$Arguments, [string]$LogName)
    Assert-JuPattern $ComputerName $script:ServerNamePattern 'Computer'
    Assert-JuFileName $LogName
    if ($Sha256 -notmatch '^[0-9A-F]{64}$') { throw "'$Sha256' is not an upper-case SHA-256." }
    if (@('msiexec', 'package') -notcontains $Runner) { throw "Runner '$Runner' is neither msiexec nor package." }
    return PlatformStartRemoteInstall -ComputerName $ComputerName -Package (SeamMapPath -Path $Package) -Sha256 $Sha256 -Runner $Runner -Arguments @($Arguments) -LogName $LogName
}

function Receive-JuRemoteFile {
    <#
    .SYNOPSIS
    Copies a file (a log) from a remote host to this runner.
    .PARAMETER ComputerName
    The remote host.
    .PARAMETER RemotePath
    The file on the remote host.
    .PARAMETER Destination
    The file on this runner.
    .OUTPUTS
    path and size.
    #>

    # Copies a file from a remote host (a log) to a file of this runner.
    param([string]$ComputerName, [string]$RemotePath, [string]$Destination)
    Assert-JuPattern $ComputerName $script:ServerNamePattern 'Computer'
    $to = SeamMapPath -Path $Destination
    [void][System.IO.Directory]::CreateDirectory([System.IO.Path]::GetDirectoryName($to))
    return PlatformReceiveRemoteFile -ComputerName $ComputerName -RemotePath $RemotePath -Destination $to
}

function Close-JuRemoteSessions {
    <#
    .SYNOPSIS
    Removes the copied packages and closes the remoting sessions.
    .PARAMETER ComputerNames
    The remote hosts.
    .OUTPUTS
    One item per host: computerName and error.
    #>
    param([string[]]$ComputerNames)
    foreach ($name in @($ComputerNames)) { Assert-JuPattern $name $script:ServerNamePattern 'Computer' }
    return , @(PlatformCloseRemote -ComputerNames @($ComputerNames))
}

# ---- module/ConnectionStrings.ps1 ----
# common.config's connection strings: server, database and authentication kind, never users or passwords.
# Dot-sourced by JamsUpgrade.psm1; npm run package joins the folder into one file in dist/ps. Windows PowerShell 5.1
# compatible, ASCII only.

function Get-JuDatabaseConnections {
    <#
    .SYNOPSIS
    The connection strings of common.config, without users or passwords.
    .PARAMETER Folder
    The JAMS Scheduler folder that holds common.config.
    .OUTPUTS
    path, exists, connections (name, form, dataSource, initialCatalog, integratedSecurity, error) and error for a file that does not parse.
    #>

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

# ---- module/Contract.ps1 ----
# Contract probes: what the host shows for each unverified assumption.
# Dot-sourced by JamsUpgrade.psm1; npm run package joins the folder into one file in dist/ps. Windows PowerShell 5.1
# compatible, ASCII only.

function Get-JuContract {
    <#
    .SYNOPSIS
    What the host shows for each unverified assumption; read-only.
    .PARAMETER Server
    The JAMS server (a plain host name).
    .PARAMETER Resource
    The maintenance resource's name.
    .PARAMETER Queues
    The private message queues to read.
    .OUTPUTS
    The observation PlatformProbeContract makes.
    #>

    # What the host shows for each unverified assumption (docs/unverified.md); read-only.
    param([string]$Server, [string]$Resource, [string[]]$Queues)
    Assert-JuPattern $Server $script:ServerNamePattern 'JAMS server'
    Assert-JuPattern $Resource $script:JamsNamePattern 'Resource'
    foreach ($name in $Queues) { Assert-JuPattern $name $script:QueueNamePattern 'Queue' }
    return PlatformProbeContract -Server $Server -Resource $Resource -Queues $Queues
}

# ---- module/Dispatcher.ps1 ----
# The dispatcher: the names a caller may invoke, and the one entry point that runs them.
# Dot-sourced by JamsUpgrade.psm1; npm run package joins the folder into one file in dist/ps. Windows PowerShell 5.1
# compatible, ASCII only.

# The names a caller may invoke. Anything else is refused before it runs.
$script:Commands = @(
    'Get-JuPlatform', 'Get-JuServiceStates', 'Find-JuServices', 'Stop-JuService', 'Start-JuService',
    'Get-JuNodeRole', 'Get-JuInstalledVersion', 'Get-JuFiles', 'Save-JuStateFile', 'Read-JuStateFile',
    'Copy-JuFiles', 'Read-JuTextFiles', 'Get-JuResource', 'New-JuResource', 'Add-JuRootRequirement',
    'Set-JuResourceQuantity', 'Get-JuExecutingEntries', 'Get-JuEntryHistory', 'Get-JuDatabaseConnections',
    'Backup-JuDatabase', 'Test-JuDatabaseBackup', 'Invoke-JuHook', 'Get-JuFreeSpace', 'Get-JuQueuePermissions',
    'Write-JuTextFile', 'Get-JuInstaller', 'Start-JuInstaller',
    'Get-JuInstallerStatus', 'Test-JuCredential', 'Set-JuServiceAccount', 'Get-JuContract',
    'Restore-JuDatabase', 'Get-JuUninstallEntries', 'Start-JuUninstaller',
    'Get-JuFileFacts', 'Copy-JuInstaller', 'Remove-JuStagedInstaller', 'Get-JuInstallerKind',
    'Get-JuAgents', 'Start-JuAgentDeploys', 'Get-JuAgentProgress', 'Get-JuRemoteStatus', 'Start-JuRemoteInstall',
    'Receive-JuRemoteFile', 'Close-JuRemoteSessions', 'Get-JuBackupHeader'
)

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
    <#
    .SYNOPSIS
    Runs one primitive for the Node side and prints its reply.
    .PARAMETER Command
    The primitive to run; only the names in $script:Commands are accepted.
    .PARAMETER ArgsBase64
    Base64 of the UTF-8 JSON of the primitive's arguments: values arrive as data, never as PowerShell text.
    .PARAMETER Marker
    The line printed before and after the reply, so stray output cannot be read as the reply.
    .OUTPUTS
    Nothing; prints the marker, one JSON envelope ({ ok, data } or { ok, error }) and the marker.
    #>

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

# ---- module/Files.ps1 ----
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

# ---- module/Hooks.ps1 ----
# The hook runner: a user's script in a runspace of its own, bounded by a timeout.
# Dot-sourced by JamsUpgrade.psm1; npm run package joins the folder into one file in dist/ps. Windows PowerShell 5.1
# compatible, ASCII only.

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
    <#
    .SYNOPSIS
    Runs a user's hook script with a timeout, in a runspace of its own.
    .PARAMETER Path
    The hook's .ps1 host path.
    .PARAMETER Parameters
    The hook's named parameters (name to text).
    .PARAMETER TimeoutSeconds
    How long the hook may run.
    .OUTPUTS
    path, ok, timedOut, exitCode, durationMs, output and errors.
    #>

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

# ---- module/HostChecks.ps1 ----
# Preflight's host checks: free space and message queue permissions.
# Dot-sourced by JamsUpgrade.psm1; npm run package joins the folder into one file in dist/ps. Windows PowerShell 5.1
# compatible, ASCII only.

function Get-JuFreeSpace {
    <#
    .SYNOPSIS
    Free and total space of the volumes that hold the paths.
    .PARAMETER Paths
    Host paths (local or UNC).
    .OUTPUTS
    One item per path: available, root, freeBytes, totalBytes, or reason.
    #>
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
    <#
    .SYNOPSIS
    The access entries of private message queues.
    .PARAMETER Names
    Private queue names.
    .OUTPUTS
    available, reason (when not), and queues.
    #>

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

# ---- module/Installer.ps1 ----
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

# ---- module/Resources.ps1 ----
# JAMS resources and entries: the maintenance resource, the executing entries and the history's completions.
# Dot-sourced by JamsUpgrade.psm1; npm run package joins the folder into one file in dist/ps. Windows PowerShell 5.1
# compatible, ASCII only.

function Get-JuResource {
    <#
    .SYNOPSIS
    A JAMS resource and whether the root folder requires it.
    .PARAMETER Server
    The JAMS server (a plain host name).
    .PARAMETER Name
    The resource's name.
    .OUTPUTS
    The resource state PlatformGetResource reads.
    #>
    param([string]$Server, [string]$Name)
    Assert-JuPattern $Server $script:ServerNamePattern 'JAMS server'
    Assert-JuPattern $Name $script:JamsNamePattern 'Resource'
    return PlatformGetResource -Server $Server -Name $Name
}

function New-JuResource {
    <#
    .SYNOPSIS
    Creates a resource and makes the root folder require one of it.
    .PARAMETER Server
    The JAMS server (a plain host name).
    .PARAMETER Name
    The resource's name.
    .PARAMETER Quantity
    Its Quantity Available.
    .OUTPUTS
    The resource state afterwards.
    #>

    # Creates the resource with its quantity and makes the root folder require one of it.
    param([string]$Server, [string]$Name, [int]$Quantity)
    Assert-JuPattern $Server $script:ServerNamePattern 'JAMS server'
    Assert-JuPattern $Name $script:JamsNamePattern 'Resource'
    PlatformNewResource -Server $Server -Name $Name -Quantity $Quantity
    return PlatformGetResource -Server $Server -Name $Name
}

function Add-JuRootRequirement {
    <#
    .SYNOPSIS
    Makes the root folder require one of the resource.
    .PARAMETER Server
    The JAMS server (a plain host name).
    .PARAMETER Name
    The resource's name.
    .OUTPUTS
    The resource state afterwards.
    #>
    param([string]$Server, [string]$Name)
    Assert-JuPattern $Server $script:ServerNamePattern 'JAMS server'
    Assert-JuPattern $Name $script:JamsNamePattern 'Resource'
    PlatformAddRootRequirement -Server $Server -Name $Name -Quantity 1
    return PlatformGetResource -Server $Server -Name $Name
}

function Set-JuResourceQuantity {
    <#
    .SYNOPSIS
    Sets a resource's Quantity Available and reads it back.
    .PARAMETER Server
    The JAMS server (a plain host name).
    .PARAMETER Name
    The resource's name.
    .PARAMETER Quantity
    The new Quantity Available (0 or more).
    .OUTPUTS
    The resource state afterwards.
    #>

    # Sets Quantity Available and reads it back, so the caller sees what JAMS holds now.
    param([string]$Server, [string]$Name, [int]$Quantity)
    Assert-JuPattern $Server $script:ServerNamePattern 'JAMS server'
    Assert-JuPattern $Name $script:JamsNamePattern 'Resource'
    if ($Quantity -lt 0) { throw "Quantity $Quantity is negative." }
    PlatformSetResourceQuantity -Server $Server -Name $Name -Quantity $Quantity
    return PlatformGetResource -Server $Server -Name $Name
}

function Get-JuExecutingEntries {
    <#
    .SYNOPSIS
    The JAMS entries executing now.
    .PARAMETER Server
    The JAMS server (a plain host name).
    .OUTPUTS
    One item per entry: entry (the number), name, startedAt (UTC, ISO 8601, or null), averageSeconds (or null).
    #>
    param([string]$Server)
    Assert-JuPattern $Server $script:ServerNamePattern 'JAMS server'
    return , @(PlatformGetExecutingEntries -Server $Server)
}

function Get-JuEntryHistory {
    <#
    .SYNOPSIS
    The JAMS history's entries that completed in a window, counted by final severity.
    .PARAMETER Server
    The JAMS server (a plain host name).
    .PARAMETER From
    The window's start (ISO 8601 with its zone; counted from it, inclusive).
    .PARAMETER To
    The window's end (ISO 8601 with its zone; counted up to it, exclusive).
    .OUTPUTS
    from, to (UTC, ISO 8601), completed, failed (Error and Fatal) and bySeverity.
    #>

    # Half-open windows, so a caller that reads [a, b) then [b, c) counts each completion once.
    # From and To untyped: PowerShell 7 hands an ISO 8601 string over as a DateTime (ConvertFrom-JuUtcText).
    param([string]$Server, $From, $To)
    Assert-JuPattern $Server $script:ServerNamePattern 'JAMS server'
    $start = ConvertFrom-JuUtcText -Value $From -What 'From'
    $end = ConvertFrom-JuUtcText -Value $To -What 'To'
    if ($end -lt $start) {
        $invariant = [System.Globalization.CultureInfo]::InvariantCulture
        throw "The window ends ($($end.ToString('o', $invariant))) before it starts ($($start.ToString('o', $invariant)))."
    }
    return PlatformGetEntryHistory -Server $Server -From $start -To $end
}

# ---- module/Services.ps1 ----
# Services and roles: the host, the JAMS services, this node's failover role, the installed version.
# Dot-sourced by JamsUpgrade.psm1; npm run package joins the folder into one file in dist/ps. Windows PowerShell 5.1
# compatible, ASCII only.

function Get-JuPlatform {
    <#
    .SYNOPSIS
    What host and PowerShell this session runs on.
    .OUTPUTS
    A hashtable: the host facts of PlatformInfo, psVersion and psEdition.
    #>
    $info = PlatformInfo
    $info['psVersion'] = $PSVersionTable.PSVersion.ToString()
    $info['psEdition'] = [string]$PSVersionTable.PSEdition
    return $info
}

function Find-JuServices {
    <#
    .SYNOPSIS
    Finds each JAMS service kind's name on this host.
    .PARAMETER Candidates
    For each service kind, the names it may have on a host, first choice first.
    .OUTPUTS
    found (kind to name or $null) and jamsServices (the JAMS* services the host has).
    #>

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
    <#
    .SYNOPSIS
    The state of named services.
    .PARAMETER Names
    Service names (exact, no wildcards).
    .OUTPUTS
    One service state per name (exists, status, account, start type, dependents).
    #>
    param([string[]]$Names)
    foreach ($name in $Names) { Assert-JuServiceName $name }
    return , @(PlatformGetServices -Names $Names)
}

function Get-JuService {
    param([string]$Name)
    return @(PlatformGetServices -Names @($Name))[0]
}

function Stop-JuService {
    <#
    .SYNOPSIS
    Asks a service to stop.
    .PARAMETER Name
    The service name (exact, no wildcards).
    .OUTPUTS
    The service's state right after the request.
    #>

    # Asks the service to stop (dependents stop with it) and returns at once; the caller waits.
    param([string]$Name)
    Assert-JuServiceName $Name
    PlatformStopService -Name $Name
    return Get-JuService -Name $Name
}

function Start-JuService {
    <#
    .SYNOPSIS
    Asks a service to start.
    .PARAMETER Name
    The service name (exact, no wildcards).
    .OUTPUTS
    The service's state right after the request.
    #>
    param([string]$Name)
    Assert-JuServiceName $Name
    PlatformStartService -Name $Name
    return Get-JuService -Name $Name
}

function Get-JuNodeRole {
    <#
    .SYNOPSIS
    This node's failover role and its peer's.
    .OUTPUTS
    The failover status PlatformGetNodeRole reads.
    #>
    return PlatformGetNodeRole
}

function Get-JuInstalledVersion {
    <#
    .SYNOPSIS
    The installed JAMS version, from each source that carries it.
    .OUTPUTS
    The version sources PlatformGetInstalledVersion reads.
    #>
    return PlatformGetInstalledVersion
}

# ---- module/Sql.ps1 ----
# SQL: backup, verify, header and restore, each one fixed statement with its values as parameters.
# Dot-sourced by JamsUpgrade.psm1; npm run package joins the folder into one file in dist/ps. Windows PowerShell 5.1
# compatible, ASCII only.

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
    <#
    .SYNOPSIS
    Backs the database up (COPY_ONLY, CHECKSUM) and reads what msdb recorded.
    .PARAMETER Server
    The JAMS server (a plain host name).
    .PARAMETER Database
    The database name, passed to SQL Server as a parameter.
    .PARAMETER Auth
    'windows' (the runner's account) or 'sql' (User and PasswordVariable).
    .PARAMETER User
    The SQL login for 'sql' authentication; '' otherwise.
    .PARAMETER PasswordVariable
    The name of the JU_* environment variable that holds the password; never the password itself.
    .PARAMETER TimeoutSeconds
    How long the statement may run.
    .PARAMETER Path
    The backup file, as SQL Server sees it (a UNC share both can reach).
    .OUTPUTS
    path, sql, durationMs, messages, size, sha256, backupSet and backupSetSql.
    #>

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
    <#
    .SYNOPSIS
    RESTORE VERIFYONLY of a backup file, then its facts.
    .PARAMETER Server
    The JAMS server (a plain host name).
    .PARAMETER Database
    Unused; the SQL primitives share their arguments.
    .PARAMETER Auth
    'windows' (the runner's account) or 'sql' (User and PasswordVariable).
    .PARAMETER User
    The SQL login for 'sql' authentication; '' otherwise.
    .PARAMETER PasswordVariable
    The name of the JU_* environment variable that holds the password; never the password itself.
    .PARAMETER TimeoutSeconds
    How long the statement may run.
    .PARAMETER Path
    The backup file.
    .OUTPUTS
    path, sql, durationMs, messages, size and sha256.
    #>

    # RESTORE VERIFYONLY ... WITH CHECKSUM, then the file's facts again so the caller can compare them.
    param([string]$Server, [string]$Database, [string]$Auth, [string]$User, [string]$PasswordVariable, [int]$TimeoutSeconds, [string]$Path)
    return Invoke-JuSqlStatement -Server $Server -Auth $Auth -User $User -PasswordVariable $PasswordVariable -TimeoutSeconds $TimeoutSeconds -Sql $script:VerifySql -Parameters ([ordered]@{ path = $Path }) -Path $Path -Facts
}

function Get-JuBackupHeader {
    <#
    .SYNOPSIS
    The backup sets a backup file holds, as SQL Server reads them.
    .PARAMETER Server
    The JAMS server (a plain host name).
    .PARAMETER Database
    Unused; the SQL primitives share their arguments.
    .PARAMETER Auth
    'windows' (the runner's account) or 'sql' (User and PasswordVariable).
    .PARAMETER User
    The SQL login for 'sql' authentication; '' otherwise.
    .PARAMETER PasswordVariable
    The name of the JU_* environment variable that holds the password; never the password itself.
    .PARAMETER TimeoutSeconds
    How long the statement may run.
    .PARAMETER Path
    The backup file.
    .OUTPUTS
    path, sql, durationMs, messages, size, sha256 and sets.
    #>

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
    <#
    .SYNOPSIS
    Restores the database from a checked backup file.
    .PARAMETER Server
    The JAMS server (a plain host name).
    .PARAMETER Database
    The database name, passed to SQL Server as a parameter.
    .PARAMETER Auth
    'windows' (the runner's account) or 'sql' (User and PasswordVariable).
    .PARAMETER User
    The SQL login for 'sql' authentication; '' otherwise.
    .PARAMETER PasswordVariable
    The name of the JU_* environment variable that holds the password; never the password itself.
    .PARAMETER TimeoutSeconds
    How long the statement may run.
    .PARAMETER Path
    The backup file.
    .PARAMETER ExpectSha256
    The SHA-256 the caller checked; a file changed since is refused.
    .OUTPUTS
    path, sql, durationMs, messages and sha256.
    #>

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

# ---- module/Validators.ps1 ----
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


Export-ModuleMember -Function 'Invoke-JuCall'

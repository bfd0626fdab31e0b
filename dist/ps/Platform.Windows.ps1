# UNVERIFIED ON A REAL JAMS INSTALL: every call into Windows or JAMS that jams-upgrade makes lives here.
# No session that wrote this could see a Windows host or a real JAMS. docs/unverified.md lists, for each
# function below, the one thing to check on a real install. The lab (lab/Platform.Lab.ps1) implements the
# same functions over a simulated pair; keep the two in step.
#
# Dot-sourced by JamsUpgrade.psm1. Windows PowerShell 5.1 compatible, ASCII only.

function PlatformInfo {
    $identity = [System.Security.Principal.WindowsIdentity]::GetCurrent()
    $principal = New-Object System.Security.Principal.WindowsPrincipal($identity)
    return [ordered]@{
        platform     = 'windows'
        computerName = $env:COMPUTERNAME
        user         = $identity.Name
        isAdmin      = $principal.IsInRole([System.Security.Principal.WindowsBuiltInRole]::Administrator)
    }
}

function PlatformResolvePath {
    param([string]$Path)
    return $Path
}

function PlatformGetService {
    # ServiceController gives status and dependents; Win32_Service gives the Log On As account (StartName).
    # CHECK: the JAMS service short names (see src/jams/unverified.ts) exist under these names.
    param([string]$Name)
    $controller = Get-Service -Name $Name -ErrorAction SilentlyContinue
    if ($null -eq $controller) { return $null }
    # Where-Object, not -Filter: a WQL filter would splice the name into query text.
    $cim = Get-CimInstance -ClassName Win32_Service | Where-Object { $_.Name -eq $Name } | Select-Object -First 1
    $dependents = New-Object System.Collections.ArrayList
    foreach ($d in @($controller.DependentServices)) { [void]$dependents.Add($d.Name) }
    return [ordered]@{
        name              = $controller.Name
        exists            = $true
        displayName       = $controller.DisplayName
        status            = [string]$controller.Status
        startType         = [string]$cim.StartMode
        account           = [string]$cim.StartName
        dependentServices = $dependents.ToArray()
    }
}

function PlatformStopService {
    # ServiceController.Stop() stops the running dependents first (JAMS Scheduler depends on JAMS Executor),
    # then sends the stop control and returns without waiting; the Node side polls for Stopped.
    param([string]$Name)
    $controller = New-Object System.ServiceProcess.ServiceController($Name)
    if ($controller.Status -ne 'Stopped' -and $controller.Status -ne 'StopPending') { $controller.Stop() }
}

function PlatformStartService {
    # Start() makes the Service Control Manager start the services this one depends on first.
    param([string]$Name)
    $controller = New-Object System.ServiceProcess.ServiceController($Name)
    if ($controller.Status -ne 'Running' -and $controller.Status -ne 'StartPending') { $controller.Start() }
}

function PlatformGetInstalledVersion {
    # CHECK: which source carries the JAMS version: the Uninstall key's DisplayVersion, or the file version
    # of JAMSScheduler.exe. Both are read; the Node side prefers the Uninstall key.
    $sources = New-Object System.Collections.ArrayList
    $keys = @('HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\*',
        'HKLM:\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall\*')
    foreach ($entry in @(Get-ItemProperty -Path $keys -ErrorAction SilentlyContinue)) {
        $nameProp = $entry.PSObject.Properties['DisplayName']
        if ($null -eq $nameProp -or [string]$nameProp.Value -notlike 'JAMS*') { continue }
        $versionProp = $entry.PSObject.Properties['DisplayVersion']
        if ($null -eq $versionProp) { continue }
        [void]$sources.Add([ordered]@{ source = 'uninstall-key'; name = [string]$nameProp.Value; version = [string]$versionProp.Value })
    }
    $exe = Join-Path ([string]$script:PlatformOptions.installFolder) 'JAMSScheduler.exe'
    if (Test-Path -LiteralPath $exe) {
        [void]$sources.Add([ordered]@{ source = 'file-version'; name = $exe; version = (Get-Item -LiteralPath $exe).VersionInfo.ProductVersion })
    }
    return [ordered]@{ sources = $sources.ToArray() }
}

function PlatformGetNodeRole {
    # CHECK: Get-JAMSFailoverStatus exists in the JAMS module and its objects carry .Role and .Status
    # ("Running" on the active node, "Backup Mode" on the standby, as the JAMS Client shows them).
    # The JAMS provider and cmdlets work only in Windows PowerShell 5.1, which is this session's default.
    $nodes = New-Object System.Collections.ArrayList
    try {
        Import-Module JAMS -ErrorAction Stop
        foreach ($s in @(Get-JAMSFailoverStatus -ErrorAction Stop)) {
            $nameProp = $s.PSObject.Properties['Name']
            if ($null -eq $nameProp) { $nameProp = $s.PSObject.Properties['ServerName'] }
            $nodeName = ''
            if ($null -ne $nameProp) { $nodeName = [string]$nameProp.Value }
            [void]$nodes.Add([ordered]@{
                    name   = $nodeName
                    status = [string]$s.Status
                    role   = [string]$s.Role
                })
        }
    }
    catch {
        return [ordered]@{ source = 'Get-JAMSFailoverStatus'; available = $false; reason = $_.Exception.Message; self = $env:COMPUTERNAME; nodes = @() }
    }
    return [ordered]@{ source = 'Get-JAMSFailoverStatus'; available = $true; self = $env:COMPUTERNAME; nodes = $nodes.ToArray() }
}

function PlatformProperty {
    # Reads a member that may not exist on this JAMS version without tripping strict mode.
    param($Object, [string[]]$Names)
    foreach ($name in $Names) {
        $p = $Object.PSObject.Properties[$name]
        if ($null -ne $p -and $null -ne $p.Value) { return $p.Value }
    }
    return $null
}

function PlatformJams {
    # CHECK: the JAMS module (C:\Program Files\MVPSI\Modules\JAMS) loads in Windows PowerShell 5.1 and registers
    # the JAMS provider, so JAMS::<server>\... paths work without New-PSDrive.
    if ($null -eq (Get-Module -Name JAMS)) { Import-Module JAMS -ErrorAction Stop }
}

function PlatformJamsItem {
    # Returns $null for a missing item; any other error (server unreachable, no rights) is thrown.
    param([string]$Path)
    try { return Get-Item -LiteralPath $Path -ErrorAction Stop }
    catch [System.Management.Automation.ItemNotFoundException] { return $null }
}

function PlatformRootRequirement {
    # CHECK: the root folder is the item JAMS::<server>\ and its resource requirements (Properties > Resources in
    # the JAMS Client) are in .Resources, each with .ResourceName and .QuantityRequired.
    param([string]$Server, [string]$Name)
    $root = Get-Item -LiteralPath ('JAMS::' + $Server + '\') -ErrorAction Stop
    foreach ($request in @(PlatformProperty $root @('Resources', 'ResourceRequirements'))) {
        if ($null -eq $request) { continue }
        if ([string](PlatformProperty $request @('ResourceName', 'Name')) -eq $Name) { return $request }
    }
    return $null
}

function PlatformGetResource {
    # CHECK: resources are items JAMS::<server>\Resources\<name> with a QuantityAvailable property (vendor
    # script ManageMaintenanceWindow.ps1; the KB's Resource "Quantity Available").
    param([string]$Server, [string]$Name)
    PlatformJams
    $resource = PlatformJamsItem -Path ('JAMS::' + $Server + '\Resources\' + $Name)
    $request = PlatformRootRequirement -Server $Server -Name $Name
    $quantity = $null
    if ($null -ne $resource) { $quantity = [int]$resource.QuantityAvailable }
    $required = $null
    if ($null -ne $request) { $required = [int](PlatformProperty $request @('QuantityRequired', 'Quantity')) }
    return [ordered]@{
        server               = $Server
        name                 = $Name
        exists               = ($null -ne $resource)
        quantityAvailable    = $quantity
        requiredByRoot       = ($null -ne $request -and $required -gt 0)
        rootQuantityRequired = $required
    }
}

function PlatformSetResourceQuantity {
    # The vendor's way: $r = Get-Item JAMS::<server>\Resources\<name>; $r.QuantityAvailable = n; $r.Update().
    param([string]$Server, [string]$Name, [int]$Quantity)
    PlatformJams
    $resource = Get-Item -LiteralPath ('JAMS::' + $Server + '\Resources\' + $Name) -ErrorAction Stop
    $resource.QuantityAvailable = $Quantity
    $resource.Update()
}

function PlatformNewResource {
    # CHECK: New-Item on the JAMS provider with -ItemType Resource creates a resource (the vendor snippets create
    # triggers and jobs this way), and QuantityAvailable can be set before Update().
    param([string]$Server, [string]$Name, [int]$Quantity)
    PlatformJams
    $resource = New-Item -Path ('JAMS::' + $Server + '\Resources\' + $Name) -ItemType Resource -ErrorAction Stop
    $resource.QuantityAvailable = $Quantity
    $resource.Update()
    PlatformAddRootRequirement -Server $Server -Name $Name -Quantity 1
}

function PlatformAddRootRequirement {
    # CHECK: a folder's resource requirement is an MVPSI.JAMS.ResourceRequest (ResourceName, QuantityRequired)
    # added to the folder's .Resources collection and saved with the folder's Update().
    param([string]$Server, [string]$Name, [int]$Quantity)
    PlatformJams
    if ($null -ne (PlatformRootRequirement -Server $Server -Name $Name)) { return }
    $root = Get-Item -LiteralPath ('JAMS::' + $Server + '\') -ErrorAction Stop
    $request = New-Object MVPSI.JAMS.ResourceRequest
    $request.ResourceName = $Name
    $request.QuantityRequired = $Quantity
    $root.Resources.Add($request)
    $root.Update()
}

function PlatformGetExecutingEntries {
    # CHECK: Get-JAMSEntry -Server <s> -State Executing lists the executing entries, each with .JAMSEntry (the
    # entry number) and .JobName (public scripts; REST GET /api/entry carries currentState too).
    param([string]$Server)
    PlatformJams
    $entries = New-Object System.Collections.ArrayList
    foreach ($e in @(Get-JAMSEntry -Server $Server -State Executing -ErrorAction Stop)) {
        if ($null -eq $e) { continue }
        [void]$entries.Add([ordered]@{
                entry = [string](PlatformProperty $e @('JAMSEntry', 'Entry'))
                name  = [string](PlatformProperty $e @('JobName', 'DisplayName', 'Name'))
            })
    }
    return $entries.ToArray()
}

function PlatformInvokeSql {
    # Runs one fixed statement through System.Data.SqlClient (part of .NET Framework) with its values as
    # parameters, and returns SQL Server's informational messages ("Processed 123 pages ...").
    # CHECK: the runner's account (Windows authentication) or the SQL login may run BACKUP DATABASE
    # (db_backupoperator or sysadmin), and SQL Server's service account can write to the backup folder.
    param([string]$ConnectionString, [string]$Sql, [System.Collections.IDictionary]$Parameters, [int]$TimeoutSeconds)
    $messages = New-Object System.Collections.ArrayList
    $connection = New-Object System.Data.SqlClient.SqlConnection($ConnectionString)
    $handler = [System.Data.SqlClient.SqlInfoMessageEventHandler] {
        param($source, $e)
        foreach ($m in @($e.Errors)) { [void]$messages.Add([string]$m.Message) }
    }.GetNewClosure()
    $connection.add_InfoMessage($handler)
    try {
        $connection.Open()
        $command = $connection.CreateCommand()
        $command.CommandText = $Sql
        $command.CommandTimeout = $TimeoutSeconds
        foreach ($key in @($Parameters.Keys)) {
            $parameter = $command.Parameters.Add('@' + $key, [System.Data.SqlDbType]::NVarChar, 4000)
            $parameter.Value = [string]$Parameters[$key]
        }
        [void]$command.ExecuteNonQuery()
    }
    finally { $connection.Dispose() }
    return , $messages.ToArray()
}

function PlatformGetFreeSpace {
    # Local drives through DriveInfo; UNC shares through Scripting.FileSystemObject, which DriveInfo cannot read.
    # CHECK: FileSystemObject.GetDrive('\\server\share') reports the share's AvailableSpace for the runner's account.
    param([string]$Path)
    if ($Path -match '^([A-Za-z]):') {
        $drive = New-Object System.IO.DriveInfo($Matches[1])
        return [ordered]@{ root = $drive.Name; freeBytes = [double]$drive.AvailableFreeSpace; totalBytes = [double]$drive.TotalSize }
    }
    if ($Path -match '^\\\\[^\\]+\\[^\\]+') {
        $root = $Matches[0]
        $fso = New-Object -ComObject Scripting.FileSystemObject
        $share = $fso.GetDrive($root)
        return [ordered]@{ root = $root; freeBytes = [double]$share.AvailableSpace; totalBytes = [double]$share.TotalSize }
    }
    throw "'$Path' is neither a drive path nor a UNC path."
}

function PlatformGetQueuePermissions {
    # CHECK: the MSMQ module is present where the MSMQ feature is installed (JAMS Executor needs MSMQ), and
    # Get-MsmqQueueACL objects carry AccountName, AccessControlEntryType (Allow/Deny) and Right.
    param([string]$Name)
    if ($null -eq (Get-Module -Name MSMQ)) { Import-Module MSMQ -ErrorAction Stop }
    $queue = $null
    foreach ($q in @(Get-MsmqQueue -QueueType Private -ErrorAction Stop)) {
        if ($null -ne $q -and ([string]$q.QueueName -eq ('private$\' + $Name))) { $queue = $q }
    }
    $entries = New-Object System.Collections.ArrayList
    if ($null -eq $queue) { return [ordered]@{ name = $Name; exists = $false; entries = $entries.ToArray() } }
    foreach ($ace in @($queue | Get-MsmqQueueACL -ErrorAction Stop)) {
        if ($null -eq $ace) { continue }
        [void]$entries.Add([ordered]@{
                account = [string](PlatformProperty $ace @('AccountName', 'Trustee'))
                type    = [string](PlatformProperty $ace @('AccessControlEntryType', 'EntryType'))
                rights  = [string](PlatformProperty $ace @('Right', 'Rights'))
            })
    }
    return [ordered]@{ name = $Name; exists = $true; entries = $entries.ToArray() }
}

# The installers this session started, by process id: the exit code is read from the Process object.
$script:JuInstallers = @{}

function PlatformGetInstallerInfo {
    # CHECK: the JAMS setup's version is the ProductVersion of the .exe (a Burn bundle carries the bundle
    # version there); for an .msi it is the ProductVersion property of the package. Compare with the version
    # the JAMS Client shows after a test install.
    # CHECK: the signer subject of a genuine JAMS installer (recorded, not yet pinned).
    param([string]$Path)
    $version = $null
    $source = $null
    if ([System.IO.Path]::GetExtension($Path) -eq '.msi') {
        $installer = New-Object -ComObject WindowsInstaller.Installer
        $database = $installer.GetType().InvokeMember('OpenDatabase', 'InvokeMethod', $null, $installer, @($Path, 0))
        $view = $database.GetType().InvokeMember('OpenView', 'InvokeMethod', $null, $database, @("SELECT Value FROM Property WHERE Property = 'ProductVersion'"))
        [void]$view.GetType().InvokeMember('Execute', 'InvokeMethod', $null, $view, $null)
        $row = $view.GetType().InvokeMember('Fetch', 'InvokeMethod', $null, $view, $null)
        if ($null -ne $row) { $version = [string]$row.GetType().InvokeMember('StringData', 'GetProperty', $null, $row, 1) }
        [void]$view.GetType().InvokeMember('Close', 'InvokeMethod', $null, $view, $null)
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
    if ($null -ne $signature.SignerCertificate) { $signer = $signature.SignerCertificate.Subject }
    return [ordered]@{
        version          = $version
        versionSource    = $source
        signature        = [string]$signature.Status
        signer           = $signer
        signatureMessage = [string]$signature.StatusMessage
    }
}

function PlatformStartInstaller {
    # System.Diagnostics.Process, not Start-Process: its ExitCode is reliable and the wait is bounded.
    # The runner must already be elevated ("Run As Administrator"): the child inherits its token.
    # CHECK: an .msi runs through msiexec /i; the JAMS setup is expected to be an .exe (see unverified.ts).
    param([string]$Path, [string]$CommandLine)
    $info = New-Object System.Diagnostics.ProcessStartInfo
    $info.UseShellExecute = $false
    $info.CreateNoWindow = $true
    if ([System.IO.Path]::GetExtension($Path) -eq '.msi') {
        $info.FileName = Join-Path $env:SystemRoot 'System32\msiexec.exe'
        $info.Arguments = (Join-JuCommandLine -Arguments @('/i', $Path)) + ' ' + $CommandLine
    }
    else {
        $info.FileName = $Path
        $info.Arguments = $CommandLine
    }
    $process = [System.Diagnostics.Process]::Start($info)
    $script:JuInstallers[$process.Id] = $process
    return [ordered]@{
        processId   = $process.Id
        startedAt   = $process.StartTime.ToUniversalTime().ToString('o')
        commandLine = ($info.FileName + ' ' + $info.Arguments)
    }
}

function PlatformGetInstallerStatus {
    # Waits up to 2 s for the exit. A process from an earlier session is found by id and start time; its
    # exit code is then unknown, and the Node side decides by the installed version.
    param([int]$ProcessId, [string]$StartedAt)
    $process = $script:JuInstallers[$ProcessId]
    if ($null -ne $process) {
        if (-not $process.WaitForExit(2000)) { return [ordered]@{ running = $true; exitCode = $null } }
        return [ordered]@{ running = $false; exitCode = $process.ExitCode }
    }
    $other = Get-Process -Id $ProcessId -ErrorAction SilentlyContinue
    if ($null -ne $other -and $other.StartTime.ToUniversalTime().ToString('o') -eq $StartedAt) {
        return [ordered]@{ running = $true; exitCode = $null }
    }
    return [ordered]@{ running = $false; exitCode = $null }
}

function PlatformTestCredential {
    # CHECK: PrincipalContext.ValidateCredentials against the account's domain (a bind, not a logon) works from
    # the scheduler host for the JAMS service account. A wrong password counts towards the lockout threshold.
    param([string]$Account, [string]$PasswordVariable)
    $password = [Environment]::GetEnvironmentVariable($PasswordVariable)
    if ([string]::IsNullOrEmpty($password)) { return [ordered]@{ checked = $true; valid = $false; reason = 'no password was given' } }
    try {
        Add-Type -AssemblyName System.DirectoryServices.AccountManagement
        $type = [System.DirectoryServices.AccountManagement.ContextType]::Domain
        $domain = $null
        $user = $Account
        if ($Account -match '^([^\\]+)\\(.+)$') {
            $domain = $Matches[1]
            $user = $Matches[2]
            if ($domain -eq '.' -or $domain -eq $env:COMPUTERNAME) { $type = [System.DirectoryServices.AccountManagement.ContextType]::Machine; $domain = $env:COMPUTERNAME }
        }
        $context = New-Object System.DirectoryServices.AccountManagement.PrincipalContext($type, $domain)
        try { $valid = $context.ValidateCredentials($user, $password) }
        finally { $context.Dispose() }
        return [ordered]@{ checked = $true; valid = [bool]$valid; reason = $null }
    }
    catch {
        return [ordered]@{ checked = $false; valid = $null; reason = $_.Exception.Message }
    }
}

function PlatformSetServiceAccount {
    # Windows PowerShell 5.1 has no Set-Service -Credential; Win32_Service.Change takes StartName/StartPassword.
    # The password never appears in a command line: it is read here from this process's environment.
    # CHECK: a managed service account (DOMAIN\name$) is accepted with an empty StartPassword, and Change keeps
    # the account's "Log on as a service" right (it does not grant it; the account had it before the upgrade).
    param([string]$Name, [string]$Account, [string]$PasswordVariable)
    $password = ''
    if ($PasswordVariable -ne '') {
        $password = [Environment]::GetEnvironmentVariable($PasswordVariable)
        if ($null -eq $password) { $password = '' }
    }
    $service = Get-CimInstance -ClassName Win32_Service | Where-Object { $_.Name -eq $Name } | Select-Object -First 1
    if ($null -eq $service) { throw "Service '$Name' was not found." }
    $result = Invoke-CimMethod -InputObject $service -MethodName Change -Arguments @{ StartName = $Account; StartPassword = $password }
    return [ordered]@{ returnValue = [int]$result.ReturnValue }
}

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

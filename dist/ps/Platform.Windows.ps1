# Every call jams-upgrade makes into Windows and JAMS: src/host/ps/platform/*.ps1 joined by npm run package.
# Dot-sourced by JamsUpgrade.psm1. Windows PowerShell 5.1 compatible, ASCII only.

# ---- platform/Accounts.ps1 ----
# Accounts: checking a password, setting a service's Log On As account.
# Dot-sourced by JamsUpgrade.psm1; npm run package joins the folder into one file in dist/ps. Windows PowerShell 5.1
# compatible, ASCII only.

function PlatformTestCredential {
    <#
    .SYNOPSIS
    Checks an account's password against its domain or this machine.
    .PARAMETER Account
    The account, DOMAIN\name or .\name.
    .PARAMETER PasswordVariable
    The name of the JU_* environment variable that holds the password; never the password itself.
    .OUTPUTS
    valid and reason.
    #>

    # A domain account is checked against its domain, a local one (.\name or HOST\name) against this machine.
    param([string]$Account, [string]$PasswordVariable)
    $password = [Environment]::GetEnvironmentVariable($PasswordVariable)
    if ([string]::IsNullOrEmpty($password)) { return [ordered]@{ checked = $true; valid = $false; reason = 'no password was given' } }
    $type = 'Domain'
    $domain = $null
    $user = $Account
    if ($Account -match '^([^\\]+)\\(.+)$') {
        $domain = $Matches[1]
        $user = $Matches[2]
        if ($domain -eq '.' -or $domain -eq $env:COMPUTERNAME) { $type = 'Machine'; $domain = $env:COMPUTERNAME }
    }
    try {
        $valid = SeamValidateCredential -ContextType $type -Domain $domain -User $user -PasswordVariable $PasswordVariable
        return [ordered]@{ checked = $true; valid = [bool]$valid; reason = $null }
    }
    catch { return [ordered]@{ checked = $false; valid = $null; reason = $_.Exception.Message } }
}

function PlatformSetServiceAccount {
    <#
    .SYNOPSIS
    Sets a service's Log On As account through Win32_Service.Change.
    .PARAMETER Name
    The service name.
    .PARAMETER Account
    The account, DOMAIN\name or .\name.
    .PARAMETER PasswordVariable
    The JU_* variable holding the password, or ''.
    .OUTPUTS
    returnValue.
    #>

    # Windows PowerShell 5.1 has no Set-Service -Credential; Win32_Service.Change takes StartName/StartPassword. The
    # password never appears in a command line: it is read here from this process's environment.
    # CHECK: a managed service account (DOMAIN\name$) is accepted with an empty StartPassword, and Change keeps the
    # account's "Log on as a service" right (it does not grant it; the account had it before the upgrade).
    param([string]$Name, [string]$Account, [string]$PasswordVariable)
    $password = ''
    if ($PasswordVariable -ne '') {
        $password = [Environment]::GetEnvironmentVariable($PasswordVariable)
        if ($null -eq $password) { $password = '' }
    }
    $service = @(Get-CimInstance -ClassName Win32_Service | Where-Object { $_.Name -eq $Name }) | Select-Object -First 1
    if ($null -eq $service) { throw "Service '$Name' was not found." }
    $result = Invoke-CimMethod -InputObject $service -MethodName Change -Arguments @{ StartName = $Account; StartPassword = $password }
    return [ordered]@{ returnValue = [int]$result.ReturnValue }
}

# ---- platform/Agents.ps1 ----
# JAMS agents: definitions, deploy jobs and their entries (the agents stage).
# Dot-sourced by JamsUpgrade.psm1; npm run package joins the folder into one file in dist/ps. Windows PowerShell 5.1
# compatible, ASCII only.

function PlatformAgentServer {
    # CHECK: [MVPSI.JAMS.Server]::GetServer(<name>) gives the server object Agent.Load takes (the vendor's JAMSShr.dll).
    param([string]$Server)
    PlatformJams
    return [MVPSI.JAMS.Server]::GetServer($Server)
}

function PlatformLoadAgent {
    # The vendor's way (JAMSShr.dll): $a = $null; [MVPSI.JAMS.Agent]::Load([ref]$a, <name>, <server>).
    param([string]$Name, $Server)
    $agent = $null
    [MVPSI.JAMS.Agent]::Load([ref]$agent, $Name, $Server)
    return $agent
}

function PlatformText {
    # A member as text, or $null when it is missing or empty.
    param($Value)
    if ($null -eq $Value -or [string]$Value -eq '') { return $null }
    return [string]$Value
}

# CHECK: the names of the Properties entries that hold an agent's deploy job, its deploy credential and its address.
# JAMSShr.dll 7.x has no DeployJob, DeployCredential or Address member on Agent: they are entries of Agent.Properties
# (a PropertyValueCollection). The vendor's REST sample CreateAgent.py names the address entry Address; no public source
# names the other two, so several spellings are tried, and preflight's contract records the names a host shows.
$script:AgentDeployProperties = @{
    deployJob        = @('DeployJob', 'DeploymentJob', 'DeployJobName')
    deployCredential = @('DeployCredential', 'DeploymentCredential', 'DeployUser')
    address          = @('Address', 'HostName')
}

function PlatformAgentPropertyKey {
    # The first of these names the agent's Properties contain, or $null.
    param($Agent, [string[]]$Names)
    $properties = $Agent.Properties
    if ($null -eq $properties) { return $null }
    foreach ($name in $Names) { if ($properties.ContainsProperty($name)) { return $name } }
    return $null
}

function PlatformAgentProperty {
    # The value of the first of these Properties entries the agent has, as text ($null when none has a value). A job
    # may be held as a reference object rather than its name.
    param($Agent, [string[]]$Names)
    $key = PlatformAgentPropertyKey $Agent $Names
    if ($null -eq $key) { return $null }
    $value = $Agent.Properties.GetValue($key)
    if ($null -ne $value -and -not ($value -is [string])) { $value = PlatformProperty $value @('QualifiedName', 'JobName', 'Name') }
    return PlatformText $value
}

function PlatformAgentPropertyNames {
    param($Agent)
    $names = New-Object System.Collections.ArrayList
    foreach ($p in @($Agent.Properties)) { if ($null -ne $p) { [void]$names.Add([string]$p.PropertyName) } }
    return , $names.ToArray()
}

function PlatformAgentView {
    # An MVPSI.JAMS.Agent as data (JAMSShr.dll 7.x): AgentType, AgentPlatform and AgentState are enums, read by name.
    param($Agent)
    return [ordered]@{
        name      = [string]$Agent.AgentName
        type      = [string]$Agent.AgentType
        platform  = [string]$Agent.AgentPlatform
        address   = [string](PlatformAgentProperty $Agent $script:AgentDeployProperties.address)
        version   = PlatformText $Agent.Version
        online    = [bool]$Agent.Online
        state     = [string]$Agent.AgentState
        deployJob = PlatformAgentProperty $Agent $script:AgentDeployProperties.deployJob
    }
}

function PlatformFindAgents {
    # The vendor's own way to list agents (its scripts, and JAMSShr.dll's static Agent.Find(String, Server)).
    param([string]$Server)
    $jams = PlatformAgentServer -Server $Server
    return @([MVPSI.JAMS.Agent]::Find('*', $jams) | Where-Object { $null -ne $_ })
}

function PlatformGetAgents {
    <#
    .SYNOPSIS
    The agent definitions of a JAMS server.
    .PARAMETER Server
    The JAMS server (a plain host name).
    .OUTPUTS
    One item per agent.
    #>
    param([string]$Server)
    $found = New-Object System.Collections.ArrayList
    foreach ($a in @(PlatformFindAgents -Server $Server)) { [void]$found.Add((PlatformAgentView $a)) }
    return $found.ToArray()
}

function PlatformDeployEntryView {
    # An MVPSI.JAMS.Entry (JAMSShr.dll 7.x): CurrentState an EntryState (ResourceWait, Executing, Completed, CompletedKept,
    # ...), FinalSeverity a Severity (Success, Info, Warning, Error, Fatal), FinalStatus text.
    # CHECK: FinalSeverity and FinalStatus are set once the entry has completed.
    param($Entry)
    return [ordered]@{
        id       = [int](PlatformProperty $Entry @('JAMSEntry', 'Entry'))
        name     = [string](PlatformProperty $Entry @('JobName', 'DisplayName', 'Name'))
        state    = [string](PlatformProperty $Entry @('CurrentState', 'JobState', 'State'))
        severity = [string](PlatformProperty $Entry @('FinalSeverity', 'Severity'))
        status   = [string](PlatformProperty $Entry @('FinalStatus', 'Note'))
    }
}

function PlatformMemberName {
    # Which of these members an object has, so a long list is read by name rather than probed item by item.
    param($Object, [string[]]$Names)
    foreach ($name in $Names) { if ($null -ne $Object -and $null -ne $Object.PSObject.Properties[$name]) { return $name } }
    return $null
}

function PlatformEntriesBy {
    # Every entry by number, for the entries whose $Member (the job's name, or the number itself) is one of $Values.
    param([string]$Server, [string[]]$Member, [object[]]$Values)
    $found = @{}
    $entries = @(Get-JAMSEntry -Server $Server -ErrorAction Stop)
    $first = $entries | Select-Object -First 1
    $key = PlatformMemberName $first $Member
    $number = PlatformMemberName $first @('JAMSEntry', 'Entry')
    if ($null -eq $key -or $null -eq $number) { return $found }
    foreach ($e in $entries) {
        if ($null -ne $e -and $Values -contains $e.$key) { $found[[int]$e.$number] = $e }
    }
    return $found
}

function PlatformDeployEntries {
    # The entries of one job, by number. A job's folder path is left off: entries carry the job's own name.
    param([string]$Server, [string]$Job)
    return PlatformEntriesBy -Server $Server -Member @('JobName', 'DisplayName', 'Name') -Values @(@($Job -split '\\')[-1])
}

function PlatformDeployAgents {
    <#
    .SYNOPSIS
    Starts each named agent's deploy job.
    .PARAMETER Server
    The JAMS server (a plain host name).
    .PARAMETER Names
    Agent names.
    .OUTPUTS
    One item per agent: its deploy entry or why not.
    #>

    # What the JAMS Client's Deploy does, for each agent in turn: Agent.Deploy() submits the definition's deploy job, as its
    # deploy credential and with JAMSAgentAddress, and returns nothing (the vendor's JAMSShr.dll). The entries of each job
    # are listed before and after: the new ones, by number, are the deploys in the order they were submitted. When their
    # count differs (someone else deployed too), no entry is claimed and the agents are watched by their version alone.
    # One agent's error is its own: the others are still submitted.
    # CHECK: Deploy() returns once the job is submitted, without waiting for it, and JAMSEntry numbers grow in the order
    # entries are submitted.
    param([string]$Server, [string[]]$Names)
    $jams = PlatformAgentServer -Server $Server
    $before = @{}
    $submitted = @{}
    $started = New-Object System.Collections.ArrayList
    foreach ($name in $Names) {
        $result = [ordered]@{ name = $name; submittedAt = $null; deployJob = $null; entry = $null; error = $null }
        try {
            $agent = PlatformLoadAgent -Name $name -Server $jams
            $job = PlatformAgentProperty $agent $script:AgentDeployProperties.deployJob
            $result.deployJob = $job
            if ($null -ne $job -and -not $before.ContainsKey($job)) {
                $before[$job] = PlatformDeployEntries -Server $Server -Job $job
                $submitted[$job] = New-Object System.Collections.ArrayList
            }
            $result.submittedAt = [DateTime]::UtcNow.ToString('o')
            $agent.Deploy()
            if ($null -ne $job) { [void]$submitted[$job].Add($result) }
        }
        catch { $result.error = $_.Exception.Message }
        [void]$started.Add($result)
    }
    foreach ($job in @($submitted.Keys)) {
        $after = PlatformDeployEntries -Server $Server -Job $job
        $new = @(@($after.Keys) | Where-Object { -not $before[$job].ContainsKey($_) } | Sort-Object)
        if ($new.Count -ne $submitted[$job].Count) { continue }
        for ($i = 0; $i -lt $new.Count; $i++) { $submitted[$job][$i].entry = PlatformDeployEntryView $after[$new[$i]] }
    }
    return $started.ToArray()
}

function PlatformGetAgentProgress {
    <#
    .SYNOPSIS
    The named agents and their deploy entries, in one look.
    .PARAMETER Server
    The JAMS server (a plain host name).
    .PARAMETER Names
    Agent names.
    .PARAMETER Entries
    The JAMS entry numbers of the deploy jobs started.
    .OUTPUTS
    agents and entries.
    #>

    # One look at the agents in flight (each loaded afresh) and their deploy entries (one listing).
    param([string]$Server, [string[]]$Names, [int[]]$Entries)
    $jams = PlatformAgentServer -Server $Server
    $agents = New-Object System.Collections.ArrayList
    foreach ($name in $Names) {
        try {
            $agent = PlatformLoadAgent -Name $name -Server $jams
            $view = PlatformAgentView $agent
            [void]$agents.Add([ordered]@{ name = $name; agent = [ordered]@{ version = $view.version; online = $view.online; state = $view.state }; error = $null })
        }
        catch { [void]$agents.Add([ordered]@{ name = $name; agent = $null; error = $_.Exception.Message }) }
    }
    $seen = New-Object System.Collections.ArrayList
    if ($Entries.Count -gt 0) {
        $found = PlatformEntriesBy -Server $Server -Member @('JAMSEntry', 'Entry') -Values $Entries
        foreach ($e in $found.Values) { [void]$seen.Add((PlatformDeployEntryView $e)) }
    }
    return [ordered]@{ agents = $agents.ToArray(); entries = $seen.ToArray() }
}

# ---- platform/Contract.ps1 ----
# Contract probes: what a real host shows for each assumption in docs/unverified.md.
# Dot-sourced by JamsUpgrade.psm1; npm run package joins the folder into one file in dist/ps. Windows PowerShell 5.1
# compatible, ASCII only.

function PlatformProbe {
    # One contract probe: its observation, or the error that stopped it.
    param([scriptblock]$Probe)
    try { return [ordered]@{ ok = $true; observed = (& $Probe) } }
    catch { return [ordered]@{ ok = $false; error = $_.Exception.Message } }
}

function PlatformSample {
    # Member names and the non-secret sample values of one object.
    param($Object, [string[]]$Sample)
    $values = [ordered]@{}
    foreach ($name in $Sample) {
        $p = $null
        if ($null -ne $Object) { $p = $Object.PSObject.Properties[$name] }
        if ($null -ne $p) { $values[$name] = [string]$p.Value }
    }
    return [ordered]@{ members = (PlatformMembers $Object); sample = $values }
}

function PlatformProbeContract {
    <#
    .SYNOPSIS
    What this host shows for each assumption in docs/unverified.md; read-only.
    .PARAMETER Server
    The JAMS server (a plain host name).
    .PARAMETER Resource
    The maintenance resource's name.
    .PARAMETER Queues
    The private message queues to read.
    .OUTPUTS
    The observation: member names and non-secret samples.
    #>

    # What this host really shows for each assumption in docs/unverified.md: member names and non-secret sample values.
    # Read-only; the Node side compares it with the assumptions and warns on each that does not hold.
    param([string]$Server, [string]$Resource, [string[]]$Queues)
    $contract = [ordered]@{}
    $contract['services'] = PlatformProbe { , @(PlatformFindServices) }
    $contract['logOnAs'] = PlatformProbe {
        $first = @(Get-CimInstance -ClassName Win32_Service | Where-Object { [string]$_.DisplayName -like 'JAMS *' }) | Select-Object -First 1
        PlatformSample $first @('Name', 'StartMode', 'StartName', 'State')
    }
    $contract['uninstall'] = PlatformProbe { , @(PlatformUninstallEntries) }
    $contract['failoverConfig'] = PlatformProbe { PlatformFailoverConfig }
    $contract['jamsModule'] = PlatformProbe {
        PlatformJams
        $module = Get-Module -Name JAMS
        [ordered]@{ path = [string]$module.Path; version = [string]$module.Version }
    }
    $contract['failoverStatus'] = PlatformProbe {
        PlatformJams
        PlatformSample (@(Get-JAMSFailoverStatus -Server 'localhost' -ErrorAction Stop) | Select-Object -First 1) @('Status', 'Role', 'Primary', 'Secondary')
    }
    $contract['resource'] = PlatformProbe {
        PlatformJams
        $item = PlatformJamsItem -Path ('JAMS::' + $Server + '\Resources\' + $Resource)
        $root = Get-Item -LiteralPath ('JAMS::' + $Server + '\') -ErrorAction Stop
        $request = $null
        if ($null -ne $root.PSObject.Properties['Elements']) {
            $request = @($root.Elements | Where-Object { $null -ne $_ -and $null -ne $_.PSObject.Properties['ResourceName'] }) | Select-Object -First 1
        }
        [ordered]@{
            exists  = ($null -ne $item)
            item    = (PlatformSample $item @('QuantityAvailable'))
            root    = (PlatformSample $root @())
            request = (PlatformSample $request @('ResourceName', 'QuantityRequired'))
        }
    }
    $contract['entry'] = PlatformProbe {
        PlatformJams
        # The call the maintenance window makes; an unfiltered Get-JAMSEntry could list a whole day's schedule.
        $entry = @(Get-JAMSEntry -Server $Server -State Executing -ErrorAction Stop) | Select-Object -First 1
        PlatformSample $entry @('JAMSEntry', 'JobName', 'CurrentState', 'FinalSeverity', 'StartTimeUTC')
    }
    # The call the soak counts failures with, over the last 15 minutes (History.ps1).
    $contract['history'] = PlatformProbe { PlatformHistoryProbe -Server $Server }
    $contract['queues'] = PlatformProbe {
        $found = New-Object System.Collections.ArrayList
        foreach ($name in $Queues) {
            $q = PlatformGetQueuePermissions -Name $name
            [void]$found.Add([ordered]@{ name = $name; exists = $q.exists; entry = (@($q.entries) | Select-Object -First 1) })
        }
        if ($found.Count -gt 0) {
            $ace = @(Get-MsmqQueue -QueueType Private -ErrorAction Stop | Get-MsmqQueueACL -ErrorAction Stop) | Select-Object -First 1
            [ordered]@{ queues = $found.ToArray(); ace = (PlatformSample $ace @('AccountName', 'AccessControlEntryType', 'Right')) }
        }
    }
    $contract['agents'] = PlatformProbe {
        $agents = @(PlatformFindAgents -Server $Server)
        $type = 'MVPSI.JAMS.Agent' -as [type]
        $methods = @()
        if ($null -ne $type) { $methods = @($type.GetMethods() | ForEach-Object { $_.Name }) }
        if ($agents.Count -gt 0) {
            # The Properties entries of the first agents (not every agent has a deploy job), and which one names it.
            $names = New-Object System.Collections.ArrayList
            $deployKey = $null
            foreach ($a in @($agents | Select-Object -First 50)) {
                foreach ($p in @(PlatformAgentPropertyNames $a)) { if ($names -notcontains $p) { [void]$names.Add($p) } }
                if ($null -eq $deployKey) { $deployKey = PlatformAgentPropertyKey $a $script:AgentDeployProperties.deployJob }
            }
            [ordered]@{
                agent             = (PlatformSample $agents[0] @('AgentName', 'AgentType', 'AgentPlatform', 'Version', 'Online', 'AgentState'))
                properties        = $names.ToArray()
                deployJobProperty = $deployKey
                find              = ($methods -contains 'Find')
                load              = ($methods -contains 'Load')
                deploy            = ($methods -contains 'Deploy')
            }
        }
    }
    return $contract
}

# ---- platform/Failover.ps1 ----
# Failover and roles: the installed version, the failover configuration, this node's role and its peer's.
# Dot-sourced by JamsUpgrade.psm1; npm run package joins the folder into one file in dist/ps. Windows PowerShell 5.1
# compatible, ASCII only.

function PlatformGetInstalledVersion {
    <#
    .SYNOPSIS
    The installed JAMS version, from each source that carries it.
    .OUTPUTS
    The version of each source, or why it is missing.
    #>

    # CHECK: which source carries the JAMS version: the Uninstall key's DisplayVersion, or the file version of
    # JAMSScheduler.exe. Both are read; the Node side prefers the Uninstall key.
    $sources = New-Object System.Collections.ArrayList
    foreach ($entry in @(PlatformUninstallEntries)) {
        if ($entry.version -ne '') { [void]$sources.Add([ordered]@{ source = 'uninstall-key'; name = $entry.name; version = $entry.version }) }
    }
    $exe = Join-Path (SeamMapPath -Path ([string]$script:PlatformOptions.installFolder)) 'JAMSScheduler.exe'
    if (Test-Path -LiteralPath $exe) {
        [void]$sources.Add([ordered]@{ source = 'file-version'; name = 'JAMSScheduler.exe'; version = [string](Get-Item -LiteralPath $exe).VersionInfo.ProductVersion })
    }
    return [ordered]@{ sources = $sources.ToArray() }
}

function PlatformJams {
    # CHECK: the JAMS module (C:\Program Files\MVPSI\Modules\JAMS) loads in Windows PowerShell 5.1 and registers the JAMS
    # provider, so JAMS::<server>\... paths work without New-PSDrive.
    if ($null -eq (Get-Module -Name JAMS)) { Import-Module JAMS -ErrorAction Stop }
}

function PlatformFailoverConfig {
    # Failover.config in the Scheduler folder names the pair: <FailoverConfig><Primary/><Secondary/><Port/><Interval/>.
    $path = Join-Path (SeamMapPath -Path ([string]$script:PlatformOptions.installFolder)) 'Failover.config'
    if (-not (Test-Path -LiteralPath $path -PathType Leaf)) { return [ordered]@{ exists = $false } }
    $document = New-Object System.Xml.XmlDocument
    $document.XmlResolver = $null
    $document.Load($path)
    $config = [ordered]@{ exists = $true }
    foreach ($name in @('Primary', 'Secondary', 'Port', 'Interval')) {
        $node = $document.SelectSingleNode('/FailoverConfig/' + $name)
        $config[$name.ToLowerInvariant()] = $null
        if ($null -ne $node) { $config[$name.ToLowerInvariant()] = $node.InnerText.Trim() }
    }
    return $config
}

function PlatformTrim {
    param($Value)
    if ($null -eq $Value) { return $null }
    return ([string]$Value).Trim()
}

function PlatformAskFailover {
    # Get-JAMSFailoverStatus -Server <node> returns one object for the node asked, its members space-padded (public
    # scripts from 2016 on): Status Active or Passive, Role Primary or Secondary, Primary and Secondary the host names.
    # A node whose JAMS Server is stopped cannot answer: that is data (reachable: false), not a failure.
    param([string]$Server)
    try { $answer = @(Get-JAMSFailoverStatus -Server $Server -ErrorAction Stop) | Select-Object -First 1 }
    catch { return [ordered]@{ server = $Server; reachable = $false; error = $_.Exception.Message } }
    return [ordered]@{
        server    = $Server
        reachable = $true
        status    = PlatformTrim (PlatformProperty $answer @('Status'))
        role      = PlatformTrim (PlatformProperty $answer @('Role'))
        primary   = PlatformTrim (PlatformProperty $answer @('Primary'))
        secondary = PlatformTrim (PlatformProperty $answer @('Secondary'))
        members   = (PlatformMembers $answer)
    }
}

function PlatformSameHost {
    # JAMS may name a host by its short name or its FQDN.
    param([string]$A, [string]$B)
    if ([string]::IsNullOrEmpty($A) -or [string]::IsNullOrEmpty($B)) { return $false }
    return ($A.Split('.')[0] -eq $B.Split('.')[0])
}

function PlatformPeerName {
    # The other node of the pair: named by this node's answer (its Role says which of Primary/Secondary it is), else by
    # the two names compared with this host's, else by Failover.config.
    param($Self)
    $names = $null
    $source = $null
    if ($Self.reachable -and -not [string]::IsNullOrEmpty($Self.primary)) { $names = $Self; $source = 'Get-JAMSFailoverStatus' }
    else {
        $config = PlatformFailoverConfig
        if ($config.exists) { $names = $config; $source = 'Failover.config' }
    }
    if ($null -eq $names) { return [ordered]@{ name = $null; source = $null } }
    $peer = $null
    if ($Self.reachable -and $Self.role -eq 'Primary') { $peer = $names.secondary }
    elseif ($Self.reachable -and $Self.role -eq 'Secondary') { $peer = $names.primary }
    elseif (PlatformSameHost $names.primary $env:COMPUTERNAME) { $peer = $names.secondary }
    elseif (PlatformSameHost $names.secondary $env:COMPUTERNAME) { $peer = $names.primary }
    return [ordered]@{ name = $peer; source = $source }
}

function PlatformGetNodeRole {
    <#
    .SYNOPSIS
    This node's failover role and its peer's.
    .OUTPUTS
    The failover status of both nodes.
    #>

    # This node (-Server localhost) and its peer, each asked directly.
    # The JAMS provider and cmdlets work only in Windows PowerShell 5.1, which is this session's default on a host.
    try { PlatformJams }
    catch { return [ordered]@{ source = 'Get-JAMSFailoverStatus'; available = $false; reason = $_.Exception.Message; computerName = $env:COMPUTERNAME } }
    $self = PlatformAskFailover -Server 'localhost'
    $peer = PlatformPeerName -Self $self
    $peerAnswer = $null
    if (-not [string]::IsNullOrEmpty($peer.name)) { $peerAnswer = PlatformAskFailover -Server $peer.name }
    return [ordered]@{
        source       = 'Get-JAMSFailoverStatus'
        available    = $true
        computerName = $env:COMPUTERNAME
        self         = $self
        peer         = $peerAnswer
        peerSource   = $peer.source
    }
}

# ---- platform/Folders.ps1 ----
# Folders only administrators can write: the state folder, everything under it, new files and checked deletes.
# Dot-sourced by JamsUpgrade.psm1; npm run package joins the folder into one file in dist/ps. Windows PowerShell 5.1
# compatible, ASCII only.

# Who may own or write what jams-upgrade keeps: SYSTEM, Administrators, TrustedInstaller (and the runner's account).
$script:JuTrustedSids = @('S-1-5-18', 'S-1-5-32-544', 'S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464')
# The access rights that change a file or folder: write data or add a file (0x2), append or add a folder (0x4), write
# extended attributes (0x10), delete a child (0x40), write attributes (0x100), delete (0x10000), change permissions
# (0x40000), take ownership (0x80000), generic all (0x10000000) and generic write (0x40000000).
$script:JuWriteRights = [long]0x500D0156
$script:JuWellKnownSids = @{
    'S-1-1-0' = 'Everyone'; 'S-1-5-11' = 'NT AUTHORITY\Authenticated Users'; 'S-1-5-32-545' = 'BUILTIN\Users'
    'S-1-3-0' = 'CREATOR OWNER'; 'S-1-5-32-544' = 'BUILTIN\Administrators'; 'S-1-5-18' = 'NT AUTHORITY\SYSTEM'
}

function PlatformSidText {
    # "BUILTIN\Users (S-1-5-32-545)": a principal as a message names it.
    param([string]$Sid, [string]$Name)
    if ([string]::IsNullOrEmpty($Name) -or $Name -eq $Sid) { $Name = $script:JuWellKnownSids[$Sid] }
    if ([string]::IsNullOrEmpty($Name)) { return $Sid }
    return "$Name ($Sid)"
}

function PlatformTrustedSids {
    # SYSTEM, Administrators, TrustedInstaller, and the runner's account when it is none of them.
    param([string]$Runner = (SeamRunnerSid))
    if ($script:JuTrustedSids -contains $Runner) { return , $script:JuTrustedSids }
    return , @($script:JuTrustedSids + @($Runner))
}

function PlatformSecurityProblem {
    # Why a path (SeamPathSecurity's facts) is not safe to keep state in, or $null: a link, an owner other than the trusted
    # principals, or an entry that lets anyone else write to it.
    param($Facts, [string]$Display, [string[]]$Trusted)
    if (-not $Facts.exists) { return $null }
    if ($Facts.reparse) { return @{ kind = 'link'; text = "$Display is a link (a junction or symbolic link), so what is written there lands elsewhere" } }
    if ($Trusted -notcontains [string]$Facts.owner) {
        return @{ kind = 'owner'; sid = [string]$Facts.owner; text = "$Display is owned by $(PlatformSidText $Facts.owner $Facts.ownerName), not by Administrators: someone other than an administrator made it" }
    }
    foreach ($ace in @($Facts.aces)) {
        if ($null -eq $ace -or [string]$ace.type -ne 'Allow' -or $Trusted -contains [string]$ace.sid) { continue }
        if (([long]$ace.rights -band $script:JuWriteRights) -ne 0) {
            return @{ kind = 'ace'; sid = [string]$ace.sid; text = ('{0} lets {1} write to it (access mask 0x{2:X})' -f $Display, (PlatformSidText $ace.sid $ace.name), [long]$ace.rights) }
        }
    }
    return $null
}

function PlatformRepairLine {
    # The command an administrator runs to make Root safe again after the problem found at Display.
    param($Problem, [string]$Display, [string]$Root)
    if ($Problem.kind -eq 'link') { return "rmdir `"$Display`" (this removes the link, not what it points to; del `"$Display`" for a file link)" }
    # Owner Administrators for all of it; the folder's own entries SYSTEM and Administrators only, not inherited; then
    # everything inside takes the folder's entries alone (/reset drops the entries of its own).
    $grant = "icacls `"$Root`" /inheritance:r /grant:r *S-1-5-18:(OI)(CI)F *S-1-5-32-544:(OI)(CI)F"
    if ($Problem.kind -eq 'ace') { $grant += " /remove:g *$($Problem.sid)" }
    return "icacls `"$Root`" /setowner *S-1-5-32-544 /T /C && $grant && icacls `"$Root\*`" /reset /T /C"
}

function PlatformTreePaths {
    # A folder and everything under it, as local paths; a link is listed but never entered.
    param([string]$Root)
    $paths = New-Object System.Collections.ArrayList
    [void]$paths.Add($Root)
    if (-not [System.IO.Directory]::Exists($Root)) { return , $paths.ToArray() }
    $top = New-Object System.IO.DirectoryInfo($Root)
    if (([int]$top.Attributes -band [int][System.IO.FileAttributes]::ReparsePoint) -ne 0) { return , $paths.ToArray() }
    $pending = New-Object System.Collections.Queue
    $pending.Enqueue($top)
    while ($pending.Count -gt 0) {
        foreach ($entry in @($pending.Dequeue().GetFileSystemInfos())) {
            [void]$paths.Add($entry.FullName)
            if ($entry -is [System.IO.DirectoryInfo] -and ([int]$entry.Attributes -band [int][System.IO.FileAttributes]::ReparsePoint) -eq 0) { $pending.Enqueue($entry) }
        }
    }
    return , $paths.ToArray()
}

function PlatformAssertSafeTree {
    # Refuses a folder (a host path) when it, or anything under it, is a link, has another owner or lets a non-admin
    # write: the message names the first such path and the command that repairs the folder.
    param([string]$Path, [string]$Root = $Path)
    $local = SeamMapPath -Path $Path
    $paths = PlatformTreePaths -Root $local
    $trusted = PlatformTrustedSids
    $problems = New-Object System.Collections.ArrayList
    foreach ($facts in (SeamPathSecurity -Paths $paths)) {
        # The host path a message names: the folder as given, then what lies under it.
        $display = [string]$facts.path
        if ($display.StartsWith($local, [System.StringComparison]::OrdinalIgnoreCase)) { $display = $Path.TrimEnd('\') + $display.Substring($local.Length).Replace('/', '\') }
        $problem = PlatformSecurityProblem -Facts $facts -Display $display -Trusted $trusted
        if ($null -ne $problem) { $problem['display'] = $display; [void]$problems.Add($problem) }
    }
    if ($problems.Count -eq 0) { return }
    $first = $problems[0]
    $more = ''
    if ($problems.Count -gt 1) { $more = " ($($problems.Count - 1) more path(s) under $Root are unsafe too)" }
    throw ("$($first.text)$more. jams-upgrade keeps its records and installers in $Root and runs as an administrator, so " +
        "it uses that folder only when administrators alone can write there; nothing was written. Check what is there, " +
        "then repair it as an administrator: $(PlatformRepairLine -Problem $first -Display $first.display -Root $Root)")
}

function PlatformSecureFolder {
    <#
    .SYNOPSIS
    Makes sure a folder (and the folders down from Root) only administrators can write.
    .PARAMETER Path
    The folder.
    .PARAMETER Root
    The state folder Path lies under.
    .PARAMETER Create
    Creates the missing folders, each with a protected security descriptor.
    .OUTPUTS
    The folder path; throws with the repair line otherwise.
    #>

    # Makes sure Path (a host path) is a folder only administrators can write before anything is read from it or
    # written to it: an existing one is checked with all it holds; a missing one is created with a protected security
    # descriptor (only with -Create: a read creates nothing). Its folders up to Root must be safe too. Returns the local
    # path, or $null when it does not exist and was not created.
    param([string]$Path, [string]$Root = $Path, [switch]$Create)
    $local = SeamMapPath -Path $Path
    if ($Path -ne $Root) {
        $parent = $Path.Substring(0, $Path.TrimEnd('\').LastIndexOf('\'))
        if ($null -eq (PlatformSecureFolder -Path $parent -Root $Root -Create:$Create) -and -not $Create) { return $null }
    }
    $exists = [System.IO.Directory]::Exists($local) -or [System.IO.File]::Exists($local)
    if (-not $exists) {
        if (-not $Create) { return $null }
        $above = [System.IO.Path]::GetDirectoryName($local)
        if (-not [System.IO.Directory]::Exists($above)) { [void][System.IO.Directory]::CreateDirectory($above) }
        $sids = @('S-1-5-18', 'S-1-5-32-544')
        $runner = SeamRunnerSid
        if ($sids -notcontains $runner) { $sids += $runner }
        SeamNewProtectedFolder -Path $local -Sids $sids
    }
    if ($Path -eq $Root) { PlatformAssertSafeTree -Path $Path -Root $Root }
    else {
        $trusted = PlatformTrustedSids
        $facts = (SeamPathSecurity -Paths @($local))[0]
        $problem = PlatformSecurityProblem -Facts $facts -Display $Path -Trusted $trusted
        if ($null -ne $problem) {
            throw "$($problem.text). Nothing was written. Repair it as an administrator: $(PlatformRepairLine -Problem $problem -Display $Path -Root $Root)"
        }
    }
    return $local
}

function PlatformNewFile {
    <#
    .SYNOPSIS
    A new file beside Path that no one else can have made first.
    .PARAMETER Path
    The file the new one will replace.
    .PARAMETER Suffix
    The temporary file's name ends with this.
    .OUTPUTS
    The open FileStream (FileMode.CreateNew).
    #>

    # A new file that no one else can have made first: a random name beside Path, opened with FileMode.CreateNew (fails
    # when anything, a link included, is there already) and no sharing. Returns the stream; the caller writes, closes and
    # renames it.
    param([string]$Path, [string]$Suffix)
    $temp = $Path + '.' + [guid]::NewGuid().ToString('N') + $Suffix
    return New-Object System.IO.FileStream($temp, [System.IO.FileMode]::CreateNew, [System.IO.FileAccess]::Write, [System.IO.FileShare]::None)
}

function PlatformRemoveChecked {
    <#
    .SYNOPSIS
    Deletes a file or folder, refusing links anywhere under it.
    .PARAMETER Path
    What to delete.
    .PARAMETER Display
    The path as messages name it.
    .OUTPUTS
    Nothing.
    #>

    # Deletes a file or folder after checking that neither it nor anything under it is a link: Remove-Item -Recurse on a
    # junction would delete what it points to.
    param([string]$Path, [string]$Display)
    foreach ($facts in (SeamPathSecurity -Paths (PlatformTreePaths -Root $Path))) {
        if ($facts.exists -and $facts.reparse) { throw "$Display holds a link ($($facts.path)); nothing was deleted. Remove the link by hand (rmdir), then re-run." }
    }
    Remove-Item -LiteralPath $Path -Recurse -Force
}

# ---- platform/History.ps1 ----
# The JAMS history: the entries that completed in a window, counted by final severity (the soak after an upgrade).
# Dot-sourced by JamsUpgrade.psm1; npm run package joins the folder into one file in dist/ps. Windows PowerShell 5.1
# compatible, ASCII only.

# MVPSI.JAMS.Severity's names (JAMSShr.dll 7.3 and 7.5: Success 0, Info 1, Warning 2, Error 3, Fatal 4).
$script:PlatformSeverities = @('Success', 'Info', 'Warning', 'Error', 'Fatal')

function PlatformUtcTime {
    # A DateTime JAMS gives in UTC (a *UTC member) as a UTC DateTime, or $null when there is none (not a DateTime, or
    # DateTime.MinValue, what an unset DateTime member holds). A Local one is converted; an Unspecified one is UTC.
    param($Value)
    if ($null -eq $Value -or -not ($Value -is [DateTime])) { return $null }
    if ($Value -eq [DateTime]::MinValue) { return $null }
    if ($Value.Kind -eq [DateTimeKind]::Local) { return $Value.ToUniversalTime() }
    return [DateTime]::SpecifyKind($Value, [DateTimeKind]::Utc)
}

function PlatformUtcText {
    # PlatformUtcTime as ISO 8601 ('o': 2024-05-01T10:00:00.0000000Z), or $null.
    param($Value)
    $utc = PlatformUtcTime $Value
    if ($null -eq $utc) { return $null }
    return $utc.ToString('o', [System.Globalization.CultureInfo]::InvariantCulture)
}

function PlatformFindHistory {
    # JAMSShr.dll 7.3 and 7.5: the static History.Find(IEnumerable<HistorySelection>, DateTime startDate,
    # DateTime endDate, bool includeSuccess, includeInfo, includeWarning, includeError, includeFatal, bool checkSched,
    # checkHold, checkStart, checkCompletion, HistorySearchOptions, Server) returns an ICollection<History>. Asked here
    # with no selection, every severity, checkCompletion only, and HistorySearchOptions.None (the live history, not the
    # archive).
    # CHECK: an empty selection list means every job (not none), and History.Find accepts it.
    # CHECK: startDate and endDate are read as UTC when their Kind is Utc (they could be read as the server's local
    # time: the window would then be off by the host's UTC offset; the contract's history probe shows which).
    # CHECK: checkCompletion alone selects the entries whose completion time is in the window (not their scheduled,
    # held or start time), both ends included.
    param([string]$Server, [DateTime]$From, [DateTime]$To)
    PlatformJams
    $jams = PlatformAgentServer -Server $Server
    $selection = New-Object 'System.Collections.Generic.List[MVPSI.JAMS.HistorySelection]'
    $start = [DateTime]::SpecifyKind($From.ToUniversalTime(), [DateTimeKind]::Utc)
    $end = [DateTime]::SpecifyKind($To.ToUniversalTime(), [DateTimeKind]::Utc)
    $found = [MVPSI.JAMS.History]::Find($selection, $start, $end, $true, $true, $true, $true, $true,
        $false, $false, $false, $true, [MVPSI.JAMS.HistorySearchOptions]::None, $jams)
    # Unrolled: the caller collects it with @().
    return $found
}

function PlatformHistoryShape {
    # A History without CompletionTimeUTC or FinalSeverity is a shape jams-upgrade does not know: said with its members.
    param($History)
    foreach ($name in @('CompletionTimeUTC', 'FinalSeverity')) {
        if ($null -eq $History.PSObject.Properties[$name]) {
            throw "A JAMS History has no $name member (it has: $((PlatformMembers $History) -join ', '))."
        }
    }
}

function PlatformGetEntryHistory {
    <#
    .SYNOPSIS
    The JAMS history's entries that completed in a window, counted by final severity.
    .PARAMETER Server
    The JAMS server (a plain host name).
    .PARAMETER From
    The window's start (UTC), inclusive.
    .PARAMETER To
    The window's end (UTC), exclusive.
    .OUTPUTS
    from, to (UTC, ISO 8601), completed, failed (Error and Fatal) and bySeverity (a count per Severity name).
    #>

    # Counts by CompletionTimeUTC, From inclusive and To exclusive, whatever window History.Find answered with, so
    # consecutive windows never count a completion twice. FinalSeverity is an MVPSI.JAMS.Severity (JAMSShr.dll 7.x).
    param([string]$Server, [DateTime]$From, [DateTime]$To)
    $start = $From.ToUniversalTime()
    $end = $To.ToUniversalTime()
    $bySeverity = [ordered]@{}
    foreach ($name in $script:PlatformSeverities) { $bySeverity[$name] = 0 }
    $completed = 0
    $found = @(PlatformFindHistory -Server $Server -From $start -To $end)
    if ($found.Count -gt 0) { PlatformHistoryShape $found[0] }
    $startTicks = $start.Ticks
    $endTicks = $end.Ticks
    foreach ($h in $found) {
        if ($null -eq $h) { continue }
        $at = $h.CompletionTimeUTC
        if ($at.Kind -eq [DateTimeKind]::Local) { $at = $at.ToUniversalTime() }
        if ($at.Ticks -lt $startTicks -or $at.Ticks -ge $endTicks) { continue }
        $completed++
        $severity = [string]$h.FinalSeverity
        if ($bySeverity.Contains($severity)) { $bySeverity[$severity] = $bySeverity[$severity] + 1 }
    }
    return [ordered]@{
        from       = (PlatformUtcText $start)
        to         = (PlatformUtcText $end)
        completed  = $completed
        failed     = ($bySeverity['Error'] + $bySeverity['Fatal'])
        bySeverity = $bySeverity
    }
}

function PlatformHistoryProbe {
    # For the contract: what History.Find answers for the last 15 minutes, as asked above, before any filtering: how
    # many, the first one's members, and the earliest and latest CompletionTimeUTC (outside the window: the window was
    # not read as UTC completion times), with this host's UTC offset (0: the local-or-UTC question cannot show).
    param([string]$Server)
    $to = [DateTime]::UtcNow
    $from = $to.AddMinutes(-15)
    $found = @(PlatformFindHistory -Server $Server -From $from -To $to)
    $earliest = [long]::MaxValue
    $latest = [long]0
    if ($found.Count -gt 0 -and $null -ne $found[0].PSObject.Properties['CompletionTimeUTC']) {
        foreach ($h in $found) {
            if ($null -eq $h) { continue }
            $at = $h.CompletionTimeUTC
            if ($at.Kind -eq [DateTimeKind]::Local) { $at = $at.ToUniversalTime() }
            if ($at.Ticks -le 0) { continue }
            if ($at.Ticks -lt $earliest) { $earliest = $at.Ticks }
            if ($at.Ticks -gt $latest) { $latest = $at.Ticks }
        }
    }
    $first = $null
    if ($found.Count -gt 0) { $first = $found[0] }
    if ($latest -eq 0) { $earliest = $null; $latest = $null }
    else {
        $earliest = New-Object DateTime -ArgumentList $earliest, ([DateTimeKind]::Utc)
        $latest = New-Object DateTime -ArgumentList $latest, ([DateTimeKind]::Utc)
    }
    return [ordered]@{
        from             = (PlatformUtcText $from)
        to               = (PlatformUtcText $to)
        count            = $found.Count
        first            = (PlatformSample $first @('JAMSEntry', 'JobName', 'FinalSeverity'))
        earliest         = (PlatformUtcText $earliest)
        latest           = (PlatformUtcText $latest)
        utcOffsetMinutes = [int][TimeZoneInfo]::Local.GetUtcOffset($to).TotalMinutes
    }
}

# ---- platform/HostChecks.ps1 ----
# What preflight reads of the host besides JAMS: free disk space and message queue permissions.
# Dot-sourced by JamsUpgrade.psm1; npm run package joins the folder into one file in dist/ps. Windows PowerShell 5.1
# compatible, ASCII only.

function PlatformGetFreeSpace {
    <#
    .SYNOPSIS
    Free and total space of the volume that holds a path.
    .PARAMETER Path
    A local or UNC host path.
    .OUTPUTS
    root, freeBytes and totalBytes.
    #>

    # Local drives through Win32_LogicalDisk; UNC shares through the share seam.
    param([string]$Path)
    if ($Path -match '^([A-Za-z]):') {
        $id = $Matches[1].ToUpper() + ':'
        $disk = @(Get-CimInstance -ClassName Win32_LogicalDisk | Where-Object { [string]$_.DeviceID -eq $id }) | Select-Object -First 1
        if ($null -eq $disk) { throw "Drive $id does not exist on this host." }
        return [ordered]@{ root = $id + '\'; freeBytes = [double]$disk.FreeSpace; totalBytes = [double]$disk.Size }
    }
    if ($Path -match '^\\\\[^\\]+\\[^\\]+') {
        $root = $Matches[0]
        $space = SeamShareSpace -Root $root
        return [ordered]@{ root = $root; freeBytes = $space.freeBytes; totalBytes = $space.totalBytes }
    }
    throw "'$Path' is neither a drive path nor a UNC path."
}

function PlatformGetQueuePermissions {
    <#
    .SYNOPSIS
    The access entries of one private message queue.
    .PARAMETER Name
    The private queue name.
    .OUTPUTS
    name, exists and entries.
    #>

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

# ---- platform/Installer.ps1 ----
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

# ---- platform/Processes.ps1 ----
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

# ---- platform/Remoting.ps1 ----
# Remote hosts over PowerShell remoting: status, package installs, logs, closing the sessions (the agents stage).
# Dot-sourced by JamsUpgrade.psm1; npm run package joins the folder into one file in dist/ps. Windows PowerShell 5.1
# compatible, ASCII only.

# The remoting sessions this stage opened, by host name in lower case: the session, its work folder on the host, and the
# packages copied there.
$script:JuRemote = @{}

function PlatformRemoteSession {
    # WinRM as the runner's own account (Kerberos in a domain), so no credential crosses; the connection is bounded, so an
    # unreachable host fails in seconds.
    # CHECK: WinRM is enabled on the agent hosts and workstations (Enable-PSRemoting), the runner's account is a local
    # administrator there, and they answer to the name JAMS shows (the agent's Address).
    param([string]$ComputerName)
    $key = $ComputerName.ToLowerInvariant()
    $known = $script:JuRemote[$key]
    if ($null -ne $known -and [string]$known.session.State -eq 'Opened') { return $known }
    # The host's folder for this run is new and randomly named (Windows\Temp lets users create folders, so a fixed name
    # could be made first by anyone), created with a protected security descriptor and checked before anything is copied.
    $option = New-PSSessionOption -OpenTimeout 30000 -OperationTimeout 300000
    $session = New-PSSession -ComputerName $ComputerName -SessionOption $option -ErrorAction Stop
    $name = 'jams-upgrade-' + [guid]::NewGuid().ToString('N')
    try {
        $made = Invoke-Command -Session $session -ErrorAction Stop -ScriptBlock (SeamRemoteFolderScript) -ArgumentList $name
        $folder = [string]$made.path
        if ($made.existed) { throw "The folder $folder on $ComputerName existed before this run created it (owner $(PlatformSidText $made.owner $made.ownerName)): someone made it first. Nothing was copied there. Check what it holds, then delete it as an administrator: rmdir /s /q `"$folder`"" }
        $problem = PlatformSecurityProblem -Facts $made -Display ($ComputerName + ':' + $folder) -Trusted (PlatformTrustedSids -Runner ([string]$made.runner))
        if ($null -ne $problem) { throw "$($problem.text). Nothing was copied there. Delete it as an administrator on $ComputerName`: rmdir /s /q `"$folder`"" }
    }
    catch { Remove-PSSession -Session $session -ErrorAction SilentlyContinue; throw }
    $remote = @{ session = $session; folder = $folder; packages = (New-Object System.Collections.ArrayList) }
    $script:JuRemote[$key] = $remote
    return $remote
}

# Runs on a remote host: the installers this stage started there, its agent service and its JAMS products. It throws
# for nothing, so one host's trouble never hides the others' answers.
$script:JuRemoteStatusScript = {
    param($AgentService)
    $installs = New-Object System.Collections.ArrayList
    if ($null -ne (Get-Variable -Name JuInstalls -Scope Global -ErrorAction SilentlyContinue)) {
        foreach ($id in @($global:JuInstalls.Keys)) {
            $p = $global:JuInstalls[$id]
            # Read once: the process may end between two reads.
            $exited = $p.HasExited
            $code = $null
            if ($exited) {
                $code = [int]$p.ExitCode
                if ($null -ne $global:JuHeld[$id]) { $global:JuHeld[$id].Dispose(); $global:JuHeld.Remove($id) }
            }
            [void]$installs.Add([pscustomobject]@{ processId = [int]$id; running = (-not $exited); exitCode = $code })
        }
    }
    $status = $null
    $service = Get-Service -Name $AgentService -ErrorAction SilentlyContinue
    if ($null -ne $service) { $status = [string]$service.Status }
    $products = New-Object System.Collections.ArrayList
    $keys = @('HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\*', 'HKLM:\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall\*')
    foreach ($entry in @(Get-ItemProperty -Path $keys -ErrorAction SilentlyContinue)) {
        $name = $entry.PSObject.Properties['DisplayName']
        if ($null -eq $name -or [string]$name.Value -notlike 'JAMS*') { continue }
        $version = $entry.PSObject.Properties['DisplayVersion']
        $text = ''
        if ($null -ne $version) { $text = [string]$version.Value }
        [void]$products.Add([pscustomobject]@{ name = [string]$name.Value; version = $text })
    }
    [pscustomobject]@{ installs = $installs.ToArray(); agentService = $status; products = $products.ToArray() }
}

function PlatformRemoteView {
    param([string]$ComputerName, [bool]$Reachable, $Message, $Answer)
    $view = [ordered]@{ computerName = $ComputerName; reachable = $Reachable; error = $Message; installs = @(); agentService = $null; products = @() }
    if ($null -eq $Answer) { return $view }
    $installs = New-Object System.Collections.ArrayList
    foreach ($i in @($Answer.installs)) {
        if ($null -eq $i) { continue }
        $code = $null
        if ($null -ne $i.exitCode) { $code = [int]$i.exitCode }
        [void]$installs.Add([ordered]@{ processId = [int]$i.processId; running = [bool]$i.running; exitCode = $code })
    }
    $products = New-Object System.Collections.ArrayList
    foreach ($p in @($Answer.products)) { if ($null -ne $p) { [void]$products.Add([ordered]@{ name = [string]$p.name; version = [string]$p.version }) } }
    $view.installs = $installs.ToArray()
    $view.agentService = PlatformText $Answer.agentService
    $view.products = $products.ToArray()
    return $view
}

function PlatformGetRemoteStatus {
    <#
    .SYNOPSIS
    Every remote host in one fan-out.
    .PARAMETER ComputerNames
    The remote hosts.
    .PARAMETER AgentService
    The agent service name on the remote hosts.
    .OUTPUTS
    One item per host.
    #>

    # Every host in one fan-out.
    # CHECK: Invoke-Command over several sessions runs on all of them at once (ThrottleLimit 32) and tags each result
    # with PSComputerName, the name the session was opened with.
    param([string[]]$ComputerNames, [string]$AgentService)
    $views = @{}
    $sessions = New-Object System.Collections.ArrayList
    foreach ($name in $ComputerNames) {
        try { [void]$sessions.Add((PlatformRemoteSession -ComputerName $name).session) }
        catch { $views[$name.ToLowerInvariant()] = PlatformRemoteView -ComputerName $name -Reachable $false -Message $_.Exception.Message }
    }
    $failures = @()
    if ($sessions.Count -gt 0) {
        $answers = @(Invoke-Command -Session $sessions.ToArray() -ScriptBlock $script:JuRemoteStatusScript -ArgumentList $AgentService -ErrorAction SilentlyContinue -ErrorVariable failures)
        foreach ($answer in $answers) {
            if ($null -eq $answer) { continue }
            $key = ([string]$answer.PSComputerName).ToLowerInvariant()
            $views[$key] = PlatformRemoteView -ComputerName ([string]$answer.PSComputerName) -Reachable $true -Message $null -Answer $answer
        }
    }
    $found = New-Object System.Collections.ArrayList
    foreach ($name in $ComputerNames) {
        $view = $views[$name.ToLowerInvariant()]
        if ($null -eq $view) {
            $message = 'the host did not answer'
            foreach ($f in @($failures)) { if ([string]$f -like "*$name*") { $message = [string]$f } }
            $view = PlatformRemoteView -ComputerName $name -Reachable $false -Message $message
        }
        $view.computerName = $name
        [void]$found.Add($view)
    }
    return $found.ToArray()
}

# Runs on a remote host: checks the copied package and starts it, keeping the process for the status script.
$script:JuRemoteStartScript = {
    param($Package, $Sha256, $Runner, $CommandLine)
    $ErrorActionPreference = 'Stop'
    # Hashed through a handle opened with FileShare.Read, held until the process has ended (the status script closes it):
    # the bytes checked are the bytes that run.
    $held = (Get-Item -LiteralPath $Package -Force).Open([System.IO.FileMode]::Open, [System.IO.FileAccess]::Read, [System.IO.FileShare]::Read)
    try {
        $sha = [System.Security.Cryptography.SHA256]::Create()
        $hash = ([System.BitConverter]::ToString($sha.ComputeHash($held))).Replace('-', '')
        $sha.Dispose()
        if ($hash -ne $Sha256) { throw "The copy of $Package has the SHA-256 $hash, not ${Sha256}; nothing was started." }
        $file = $Package
        if ($Runner -eq 'msiexec') { $file = $env:SystemRoot + '\System32\msiexec.exe' }
        # Reading Handle keeps the exit code readable once the process has ended (Windows PowerShell).
        $process = Start-Process -FilePath $file -ArgumentList $CommandLine -PassThru -WindowStyle Hidden
    }
    catch { $held.Dispose(); throw }
    $null = $process.Handle
    if ($null -eq (Get-Variable -Name JuInstalls -Scope Global -ErrorAction SilentlyContinue)) { $global:JuInstalls = @{}; $global:JuHeld = @{} }
    $global:JuInstalls[[string]$process.Id] = $process
    $global:JuHeld[[string]$process.Id] = $held
    [pscustomobject]@{ processId = [int]$process.Id; startedAt = [DateTime]::UtcNow.ToString('o'); commandLine = ($file + ' ' + $CommandLine) }
}

function PlatformStartRemoteInstall {
    <#
    .SYNOPSIS
    Copies a package over the session, checks its hash on the host and starts it there.
    .PARAMETER ComputerName
    The remote host.
    .PARAMETER Package
    The package's local path.
    .PARAMETER Sha256
    The SHA-256 the file must have (upper-case hex).
    .PARAMETER Runner
    'msiexec' (an .msi through msiexec) or 'package' (the package itself runs).
    .PARAMETER Arguments
    The arguments, one per item, with {package} and {log} for the paths on the host.
    .PARAMETER LogName
    The installer log's file name in the remote run folder.
    .OUTPUTS
    computerName, processId, startedAt, commandLine, package and log.
    #>

    # Copies the package over the session, checks its hash on the host and starts it there.
    # CHECK: Copy-Item -ToSession (PowerShell 5.0 and later) over WinRM; msiexec and the JAMS setup run unattended in a
    # remoting session (no desktop); a process still running when its session ends is stopped with it (Windows Installer
    # then rolls the install back).
    param([string]$ComputerName, [string]$Package, [string]$Sha256, [string]$Runner, [string[]]$Arguments, [string]$LogName)
    $remote = PlatformRemoteSession -ComputerName $ComputerName
    $target = $remote.folder + '\' + [System.IO.Path]::GetFileName($Package)
    $log = $remote.folder + '\' + $LogName
    Copy-Item -LiteralPath $Package -Destination $target -ToSession $remote.session -Force -ErrorAction Stop
    if ($remote.packages -notcontains $target) { [void]$remote.packages.Add($target) }
    $commandLine = PlatformCommandLine -Arguments $Arguments -Values ([ordered]@{ '{package}' = $target; '{log}' = $log })
    $started = Invoke-Command -Session $remote.session -ScriptBlock $script:JuRemoteStartScript -ArgumentList $target, $Sha256, $Runner, $commandLine -ErrorAction Stop
    return [ordered]@{
        computerName = $ComputerName; processId = [int]$started.processId; startedAt = [string]$started.startedAt
        commandLine = [string]$started.commandLine; package = $target; log = $log
    }
}

function PlatformReceiveRemoteFile {
    <#
    .SYNOPSIS
    Copies a file from a remote host.
    .PARAMETER ComputerName
    The remote host.
    .PARAMETER RemotePath
    The file on the remote host.
    .PARAMETER Destination
    The local file.
    .OUTPUTS
    path and size.
    #>
    param([string]$ComputerName, [string]$RemotePath, [string]$Destination)
    $remote = PlatformRemoteSession -ComputerName $ComputerName
    Copy-Item -LiteralPath $RemotePath -Destination $Destination -FromSession $remote.session -Force -ErrorAction Stop
    return [ordered]@{ path = $Destination; size = (Get-Item -LiteralPath $Destination).Length }
}

function PlatformCloseRemote {
    <#
    .SYNOPSIS
    Removes the copied packages, unless an installer still runs, and closes the sessions.
    .PARAMETER ComputerNames
    The remote hosts.
    .OUTPUTS
    One item per host: computerName and error.
    #>

    # Removes the packages this stage copied, unless an installer still runs there, and closes the sessions.
    param([string[]]$ComputerNames)
    $closed = New-Object System.Collections.ArrayList
    foreach ($name in $ComputerNames) {
        $key = $name.ToLowerInvariant()
        $remote = $script:JuRemote[$key]
        if ($null -eq $remote) { continue }
        $problem = $null
        try {
            Invoke-Command -Session $remote.session -ArgumentList (, $remote.packages.ToArray()) -ErrorAction Stop -ScriptBlock {
                param($Packages)
                $busy = $false
                if ($null -ne (Get-Variable -Name JuInstalls -Scope Global -ErrorAction SilentlyContinue)) {
                    foreach ($p in @($global:JuInstalls.Values)) { if (-not $p.HasExited) { $busy = $true } }
                }
                if ($busy) { return }
                if ($null -ne (Get-Variable -Name JuHeld -Scope Global -ErrorAction SilentlyContinue)) { foreach ($h in @($global:JuHeld.Values)) { $h.Dispose() } }
                # A package that became a link is left alone: deleting it could delete what it points to.
                foreach ($p in @($Packages)) {
                    $item = Get-Item -LiteralPath $p -Force -ErrorAction SilentlyContinue
                    if ($null -ne $item -and ([int]$item.Attributes -band [int][System.IO.FileAttributes]::ReparsePoint) -eq 0) { Remove-Item -LiteralPath $p -Force -ErrorAction SilentlyContinue }
                }
            }
        }
        catch { $problem = $_.Exception.Message }
        Remove-PSSession -Session $remote.session -ErrorAction SilentlyContinue
        $script:JuRemote.Remove($key)
        [void]$closed.Add([ordered]@{ computerName = $name; error = $problem })
    }
    return $closed.ToArray()
}

# ---- platform/Resources.ps1 ----
# JAMS resources and entries: the maintenance resource, the root folder's requirement, the executing entries (their
# history: History.ps1).
# Dot-sourced by JamsUpgrade.psm1; npm run package joins the folder into one file in dist/ps. Windows PowerShell 5.1
# compatible, ASCII only.

function PlatformJamsItem {
    # Returns $null for a missing item (Test-Path first, whatever exception type the provider would throw); any other
    # error (server unreachable, no rights) is thrown by Get-Item.
    param([string]$Path)
    if (-not (Test-Path -LiteralPath $Path)) { return $null }
    return Get-Item -LiteralPath $Path -ErrorAction Stop
}

function PlatformRootFolder {
    # The root folder, JAMS::<server>\, as an MVPSI.JAMS.Folder. JAMS 7 keeps a folder's resource requirements among its
    # Elements (JAMSShr.dll 7.3 and 7.5: Folder.Elements, an ElementCollection); JAMS 6.x kept them in Requirements (ResReq),
    # a shape jams-upgrade does not support.
    # CHECK: the provider's item for JAMS::<server>\ is the root Folder (the vendor's V7 maintenance-window KB sets the
    # requirement on the root folder's Schedule tab).
    param([string]$Server)
    $root = Get-Item -LiteralPath ('JAMS::' + $Server + '\') -ErrorAction Stop
    if ($null -eq $root.PSObject.Properties['Elements']) {
        if ($null -ne $root.PSObject.Properties['Requirements']) {
            throw "The root folder of $Server keeps its requirements in Requirements, as JAMS 6.x does: jams-upgrade supports JAMS 7 and later."
        }
        throw "The root folder of $Server has no Elements (it has: $((PlatformMembers $root) -join ', '))."
    }
    return $root
}

function PlatformRootRequirement {
    # The root folder's MVPSI.JAMS.ResourceRequirement element for the resource, or $null.
    param([string]$Server, [string]$Name, $Root)
    if ($null -eq $Root) { $Root = PlatformRootFolder -Server $Server }
    foreach ($element in @($Root.Elements)) {
        if ($null -eq $element -or $null -eq $element.PSObject.Properties['ResourceName']) { continue }
        if ([string]$element.ResourceName -eq $Name) { return $element }
    }
    return $null
}

function PlatformGetResource {
    <#
    .SYNOPSIS
    A JAMS resource and whether the root folder requires it.
    .PARAMETER Server
    The JAMS server (a plain host name).
    .PARAMETER Name
    The resource's name.
    .OUTPUTS
    exists, quantity and rootRequires.
    #>

    # CHECK: resources are items JAMS::<server>\Resources\<name> with a QuantityAvailable property (vendor script
    # ManageMaintenanceWindow.ps1; the KB's Resource "Quantity Available").
    param([string]$Server, [string]$Name)
    PlatformJams
    $resource = PlatformJamsItem -Path ('JAMS::' + $Server + '\Resources\' + $Name)
    if ($null -ne $resource -and $null -eq $resource.PSObject.Properties['QuantityAvailable']) {
        throw "The resource JAMS::$Server\Resources\$Name has no QuantityAvailable member (it has: $((PlatformMembers $resource) -join ', '))."
    }
    $request = PlatformRootRequirement -Server $Server -Name $Name
    $quantity = $null
    if ($null -ne $resource) { $quantity = [int]$resource.QuantityAvailable }
    $required = $null
    if ($null -ne $request) { $required = [int]$request.QuantityRequired }
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
    <#
    .SYNOPSIS
    Sets a resource's Quantity Available.
    .PARAMETER Server
    The JAMS server (a plain host name).
    .PARAMETER Name
    The resource's name.
    .PARAMETER Quantity
    The new Quantity Available.
    .OUTPUTS
    Nothing.
    #>

    # The vendor's way: $r = Get-Item JAMS::<server>\Resources\<name>; $r.QuantityAvailable = n; $r.Update().
    param([string]$Server, [string]$Name, [int]$Quantity)
    PlatformJams
    $resource = Get-Item -LiteralPath ('JAMS::' + $Server + '\Resources\' + $Name) -ErrorAction Stop
    $resource.QuantityAvailable = $Quantity
    $resource.Update()
}

function PlatformNewResource {
    <#
    .SYNOPSIS
    Creates a resource.
    .PARAMETER Server
    The JAMS server (a plain host name).
    .PARAMETER Name
    The resource's name.
    .PARAMETER Quantity
    Its Quantity Available.
    .OUTPUTS
    Nothing.
    #>

    # CHECK: New-Item on the JAMS provider with -ItemType Resource creates a resource (the vendor snippets create triggers
    # and jobs this way), and QuantityAvailable can be set before Update().
    param([string]$Server, [string]$Name, [int]$Quantity)
    PlatformJams
    $resource = New-Item -Path ('JAMS::' + $Server + '\Resources\' + $Name) -ItemType Resource -ErrorAction Stop
    $resource.QuantityAvailable = $Quantity
    $resource.Update()
    PlatformAddRootRequirement -Server $Server -Name $Name -Quantity 1
}

function PlatformAddRootRequirement {
    <#
    .SYNOPSIS
    Makes the root folder require the resource.
    .PARAMETER Server
    The JAMS server (a plain host name).
    .PARAMETER Name
    The resource's name.
    .PARAMETER Quantity
    How many the root folder requires.
    .OUTPUTS
    Nothing.
    #>

    # JAMSShr.dll 7.x: new ResourceRequirement(resourceName, quantityRequired) added to Folder.Elements, saved by Update().
    # CHECK: the folder's Update() saves a requirement added this way, as the JAMS Client's Schedule tab does.
    param([string]$Server, [string]$Name, [int]$Quantity)
    PlatformJams
    $root = PlatformRootFolder -Server $Server
    if ($null -ne (PlatformRootRequirement -Server $Server -Name $Name -Root $root)) { return }
    $requirement = New-Object MVPSI.JAMS.ResourceRequirement -ArgumentList $Name, $Quantity
    [void]$root.Elements.Add($requirement)
    $root.Update()
}

function PlatformEntryView {
    # An MVPSI.JAMS.Entry (JAMSShr.dll 7.3 and 7.5): JAMSEntry (the number), JobName, StartTimeUTC (a DateTime) and
    # AvgElapsedTime (an MVPSI.JAMS.DeltaTime, whose TotalSeconds is an Int32).
    # CHECK: StartTimeUTC is when the entry started executing, in UTC (DateTime.MinValue, read as none, before it starts).
    # CHECK: AvgElapsedTime is the average run of the entry's job, 0 while the job has no run to average (read as none).
    param($Entry)
    $averageSeconds = $null
    $average = PlatformProperty $Entry @('AvgElapsedTime')
    if ($null -ne $average -and $null -ne $average.PSObject.Properties['TotalSeconds']) {
        $seconds = [int]$average.TotalSeconds
        if ($seconds -gt 0) { $averageSeconds = $seconds }
    }
    return [ordered]@{
        entry          = [string](PlatformProperty $Entry @('JAMSEntry', 'Entry'))
        name           = [string](PlatformProperty $Entry @('JobName', 'DisplayName', 'Name'))
        startedAt      = (PlatformUtcText (PlatformProperty $Entry @('StartTimeUTC')))
        averageSeconds = $averageSeconds
    }
}

function PlatformGetExecutingEntries {
    <#
    .SYNOPSIS
    The JAMS entries executing now.
    .PARAMETER Server
    The JAMS server (a plain host name).
    .OUTPUTS
    One item per entry.
    #>

    # CHECK: Get-JAMSEntry -Server <s> -State Executing lists the executing entries as MVPSI.JAMS.Entry objects, with
    # JAMSEntry and JobName (JAMSShr.dll's Entry; public scripts read .JAMSEntry and .FinalStatus of Get-JAMSEntry).
    param([string]$Server)
    PlatformJams
    $entries = New-Object System.Collections.ArrayList
    foreach ($e in @(Get-JAMSEntry -Server $Server -State Executing -ErrorAction Stop)) {
        if ($null -ne $e) { [void]$entries.Add((PlatformEntryView $e)) }
    }
    return $entries.ToArray()
}

# ---- platform/Seams.ps1 ----
# The seams: the only code that runs on Windows alone. The lab replaces exactly these (lab/ps/Lab.Seams.ps1).
# Dot-sourced by JamsUpgrade.psm1; npm run package joins the folder into one file in dist/ps. Windows PowerShell 5.1
# compatible, ASCII only.

function SeamMapPath {
    # A host path as this process opens it.
    param([string]$Path)
    return $Path
}

function SeamIsElevated {
    return ([Security.Principal.WindowsPrincipal][Security.Principal.WindowsIdentity]::GetCurrent()).IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)
}

function SeamShareSpace {
    # DriveInfo cannot read a UNC share; Scripting.FileSystemObject can.
    # CHECK: GetDrive('\\server\share') reports the share's AvailableSpace for the runner's account.
    param([string]$Root)
    $drive = (New-Object -ComObject Scripting.FileSystemObject).GetDrive($Root)
    return [ordered]@{ freeBytes = [double]$drive.AvailableSpace; totalBytes = [double]$drive.TotalSize }
}

function SeamMsiProductVersion {
    # The ProductVersion property of an .msi, read through the WindowsInstaller COM object.
    param([string]$Path)
    $installer = New-Object -ComObject WindowsInstaller.Installer
    $database = $installer.GetType().InvokeMember('OpenDatabase', 'InvokeMethod', $null, $installer, @($Path, 0))
    $view = $database.GetType().InvokeMember('OpenView', 'InvokeMethod', $null, $database, @("SELECT Value FROM Property WHERE Property = 'ProductVersion'"))
    [void]$view.GetType().InvokeMember('Execute', 'InvokeMethod', $null, $view, $null)
    $row = $view.GetType().InvokeMember('Fetch', 'InvokeMethod', $null, $view, $null)
    [void]$view.GetType().InvokeMember('Close', 'InvokeMethod', $null, $view, $null)
    if ($null -eq $row) { return $null }
    return [string]$row.GetType().InvokeMember('StringData', 'GetProperty', $null, $row, 1)
}

function SeamInstallerImageStart {
    # Where an installer's own bytes begin in its file: at 0 on a host. (The lab's installers are a script stub in front of
    # a synthetic setup image.)
    param([System.IO.Stream]$Stream)
    return [long]0
}

function SeamValidateCredential {
    # CHECK: PrincipalContext.ValidateCredentials (a bind, not a logon) works from the scheduler host for the JAMS service
    # account. A wrong password counts towards the account's lockout threshold.
    # The password is read here from this process's environment (PasswordVariable names it): it is never a parameter
    # value, which module logging would record.
    param([string]$ContextType, [string]$Domain, [string]$User, [string]$PasswordVariable)
    Add-Type -AssemblyName System.DirectoryServices.AccountManagement
    $context = New-Object System.DirectoryServices.AccountManagement.PrincipalContext([System.DirectoryServices.AccountManagement.ContextType]$ContextType, $Domain)
    try { return [bool]$context.ValidateCredentials($User, [Environment]::GetEnvironmentVariable($PasswordVariable)) }
    finally { $context.Dispose() }
}

function SeamExitCode {
    # A process's exit code: 32 bits on Windows, where Windows Installer's 1603 and 3010 live.
    param([System.Diagnostics.Process]$Process)
    return $Process.ExitCode
}

function SeamInvokeSql {
    # One fixed statement through System.Data.SqlClient (part of .NET Framework) with its values as parameters; returns
    # SQL Server's informational messages ("Processed 123 pages ...") and, with -Rows, the rows of its first result set
    # (column name to value; a GUID as text, a date as yyyy-MM-ddTHH:mm:ss.fff). The connection string is built here
    # (PlatformSqlConnectionString reads a SQL login's password from this process's environment, PasswordVariable names
    # it), so no password is ever a parameter value, which module logging would record.
    # CHECK: the runner's account (Windows authentication) or the SQL login may run BACKUP DATABASE (db_backupoperator or
    # sysadmin), and SQL Server's service account can write to the backup folder.
    # CHECK: for a rollback, the same login may RESTORE over the JAMS database (sysadmin, dbcreator or the database's
    # owner), and SQL Server's service account can read the backup file.
    # CHECK: the same login may read msdb.dbo.backupset and backupmediafamily (the backup set's GUID and finish time).
    param([string]$Server, [string]$Auth, [string]$User, [string]$PasswordVariable, [string]$Sql, [System.Collections.IDictionary]$Parameters, [int]$TimeoutSeconds, [switch]$Rows)
    $messages = New-Object System.Collections.ArrayList
    $table = New-Object System.Collections.ArrayList
    $connection = New-Object System.Data.SqlClient.SqlConnection
    $connection.set_ConnectionString((PlatformSqlConnectionString -Server $Server -Auth $Auth -User $User -PasswordVariable $PasswordVariable))
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
        if ($Rows.IsPresent) {
            $reader = $command.ExecuteReader()
            try {
                while ($reader.Read()) {
                    $row = [ordered]@{}
                    for ($i = 0; $i -lt $reader.FieldCount; $i++) {
                        $value = $reader.GetValue($i)
                        if ($value -is [System.DBNull]) { $value = $null }
                        elseif ($value -is [guid]) { $value = $value.ToString() }
                        elseif ($value -is [datetime]) { $value = $value.ToString('yyyy-MM-ddTHH:mm:ss.fff', [System.Globalization.CultureInfo]::InvariantCulture) }
                        $row[$reader.GetName($i)] = $value
                    }
                    [void]$table.Add($row)
                }
            }
            finally { $reader.Dispose() }
        }
        else { [void]$command.ExecuteNonQuery() }
    }
    finally { $connection.Dispose() }
    return [ordered]@{ messages = $messages.ToArray(); rows = $table.ToArray() }
}

function SeamRunnerSid {
    # The SID of the account this process runs as.
    return [string][Security.Principal.WindowsIdentity]::GetCurrent().User.Value
}

function SeamPathSecurity {
    # Each path as data: whether it exists, is a folder or a link (a reparse point: junction or symbolic link), its owner
    # and its access entries (SIDs, names, the access mask as a number). Nothing is judged here.
    # CHECK: Get-Acl -LiteralPath reads the owner and the DACL of a file and a folder under C:\ProgramData for an elevated
    # runner, and of a junction itself (not its target).
    param([string[]]$Paths)
    $found = New-Object System.Collections.ArrayList
    foreach ($path in $Paths) {
        $item = Get-Item -LiteralPath $path -Force -ErrorAction SilentlyContinue
        if ($null -eq $item) { [void]$found.Add([ordered]@{ path = $path; exists = $false }); continue }
        $acl = Get-Acl -LiteralPath $path
        $owner = [string]$acl.GetOwner([System.Security.Principal.SecurityIdentifier]).Value
        $ownerName = $owner
        try { $ownerName = [string]$acl.GetOwner([System.Security.Principal.NTAccount]).Value } catch { $ownerName = $owner }
        $aces = New-Object System.Collections.ArrayList
        foreach ($rule in @($acl.GetAccessRules($true, $true, [System.Security.Principal.SecurityIdentifier]))) {
            $sid = [string]$rule.IdentityReference.Value
            $name = $sid
            try { $name = [string]$rule.IdentityReference.Translate([System.Security.Principal.NTAccount]).Value } catch { $name = $sid }
            # The unsigned 32-bit access mask Windows keeps (GENERIC_READ is its sign bit).
            $mask = [long][int]$rule.FileSystemRights
            if ($mask -lt 0) { $mask += [long]4294967296 }
            [void]$aces.Add([ordered]@{
                    sid = $sid; name = $name; type = [string]$rule.AccessControlType; rights = $mask
                    inherited = [bool]$rule.IsInherited
                })
        }
        [void]$found.Add([ordered]@{
                path = $path; exists = $true; container = [bool]$item.PSIsContainer
                reparse = (([int]$item.Attributes -band [int][System.IO.FileAttributes]::ReparsePoint) -ne 0)
                owner = $owner; ownerName = $ownerName; protected = [bool]$acl.AreAccessRulesProtected; aces = $aces.ToArray()
            })
    }
    return , $found.ToArray()
}

function SeamNewProtectedFolder {
    # Creates a folder with its security in the same call, so it never has its parent's entries (C:\ProgramData lets
    # BUILTIN\Users create files and folders): owner Administrators, full control for each SID, passed on to what is
    # created inside, inheritance from the parent off.
    # CHECK: an elevated runner may make Administrators the owner (a member of it may), and Directory.CreateDirectory
    # (Windows PowerShell 5.1) and FileSystemAclExtensions.Create (PowerShell 7) apply the security to the new folder.
    param([string]$Path, [string[]]$Sids)
    $security = New-Object System.Security.AccessControl.DirectorySecurity
    $security.SetOwner((New-Object System.Security.Principal.SecurityIdentifier('S-1-5-32-544')))
    $security.SetAccessRuleProtection($true, $false)
    $inherit = [System.Security.AccessControl.InheritanceFlags]'ContainerInherit, ObjectInherit'
    foreach ($sid in $Sids) {
        $rule = New-Object System.Security.AccessControl.FileSystemAccessRule((New-Object System.Security.Principal.SecurityIdentifier($sid)),
            [System.Security.AccessControl.FileSystemRights]::FullControl, $inherit, [System.Security.AccessControl.PropagationFlags]::None,
            [System.Security.AccessControl.AccessControlType]::Allow)
        $security.AddAccessRule($rule)
    }
    if ($PSVersionTable.PSVersion.Major -lt 6) { [void][System.IO.Directory]::CreateDirectory($Path, $security) }
    else { [void][System.IO.FileSystemAclExtensions]::Create((New-Object System.IO.DirectoryInfo($Path)), $security) }
}

function SeamRemoteFolderScript {
    # The script block that makes this run's own folder on a remote host (it runs there): the folder must not exist yet,
    # is created as SeamNewProtectedFolder creates one (SYSTEM, Administrators and the session's account), and is read
    # back as SeamPathSecurity reads a path. Judged here, on the runner, by PlatformSecurityProblem.
    # CHECK: as SeamNewProtectedFolder, in a WinRM session of an administrator on the agent host.
    return {
        param($Name)
        $ErrorActionPreference = 'Stop'
        $path = $env:SystemRoot + '\Temp\' + $Name
        $existed = Test-Path -LiteralPath $path
        $runner = [string][Security.Principal.WindowsIdentity]::GetCurrent().User.Value
        if (-not $existed) {
            $security = New-Object System.Security.AccessControl.DirectorySecurity
            $security.SetOwner((New-Object System.Security.Principal.SecurityIdentifier('S-1-5-32-544')))
            $security.SetAccessRuleProtection($true, $false)
            $inherit = [System.Security.AccessControl.InheritanceFlags]'ContainerInherit, ObjectInherit'
            foreach ($sid in @('S-1-5-18', 'S-1-5-32-544', $runner) | Select-Object -Unique) {
                $security.AddAccessRule((New-Object System.Security.AccessControl.FileSystemAccessRule((New-Object System.Security.Principal.SecurityIdentifier($sid)),
                            [System.Security.AccessControl.FileSystemRights]::FullControl, $inherit, [System.Security.AccessControl.PropagationFlags]::None,
                            [System.Security.AccessControl.AccessControlType]::Allow)))
            }
            [void][System.IO.Directory]::CreateDirectory($path, $security)
        }
        $item = Get-Item -LiteralPath $path -Force
        $acl = Get-Acl -LiteralPath $path
        $aces = @()
        foreach ($rule in @($acl.GetAccessRules($true, $true, [System.Security.Principal.SecurityIdentifier]))) {
            $mask = [long][int]$rule.FileSystemRights
            if ($mask -lt 0) { $mask += [long]4294967296 }
            $aces += , ([pscustomobject]@{ sid = [string]$rule.IdentityReference.Value; name = [string]$rule.IdentityReference.Value; type = [string]$rule.AccessControlType; rights = $mask })
        }
        $owner = [string]$acl.GetOwner([System.Security.Principal.SecurityIdentifier]).Value
        [pscustomobject]@{
            path = $path; existed = $existed; runner = $runner; exists = $true; container = $true; owner = $owner; ownerName = $owner
            reparse = (([int]$item.Attributes -band [int][System.IO.FileAttributes]::ReparsePoint) -ne 0); aces = $aces
        }
    }
}

# ---- platform/Services.ps1 ----
# Windows services: the host facts, reading, finding, stopping and starting services.
# Dot-sourced by JamsUpgrade.psm1; npm run package joins the folder into one file in dist/ps. Windows PowerShell 5.1
# compatible, ASCII only.

function PlatformInfo {
    <#
    .SYNOPSIS
    The host facts: computer, user, elevation, OS.
    .OUTPUTS
    A hashtable of host facts.
    #>
    return [ordered]@{
        platform     = 'windows'
        computerName = $env:COMPUTERNAME
        user         = ('{0}\{1}' -f $env:USERDOMAIN, $env:USERNAME)
        isAdmin      = [bool](SeamIsElevated)
    }
}

function PlatformProperty {
    # Reads a member that may not exist on this JAMS version without tripping strict mode.
    param($Object, [string[]]$Names)
    if ($null -eq $Object) { return $null }
    foreach ($name in $Names) {
        $p = $Object.PSObject.Properties[$name]
        if ($null -ne $p -and $null -ne $p.Value) { return $p.Value }
    }
    return $null
}

function PlatformMembers {
    # The member names of an object, for the contract record.
    param($Object)
    if ($null -eq $Object) { return , @() }
    return , @($Object.PSObject.Properties | ForEach-Object { $_.Name })
}

function PlatformGetServices {
    <#
    .SYNOPSIS
    Reads services by exact name.
    .PARAMETER Names
    Service names.
    .OUTPUTS
    One service state per name.
    #>

    # ServiceController gives the status and the dependents; Win32_Service gives the Log On As account (StartName) and
    # the start type (StartMode). Where-Object, not a WQL -Filter: a filter would splice the name into query text.
    # CHECK: the JAMS service short names (see src/jams/unverified.ts) exist under these names.
    param([string[]]$Names)
    $cim = @{}
    foreach ($s in @(Get-CimInstance -ClassName Win32_Service)) {
        if ($null -ne $s -and $Names -contains [string]$s.Name) { $cim[([string]$s.Name).ToLowerInvariant()] = $s }
    }
    $found = New-Object System.Collections.ArrayList
    foreach ($name in $Names) {
        $controller = Get-Service -Name $name -ErrorAction SilentlyContinue
        if ($null -eq $controller) { [void]$found.Add([ordered]@{ name = $name; exists = $false }); continue }
        $wmi = $cim[$name.ToLowerInvariant()]
        $dependents = New-Object System.Collections.ArrayList
        foreach ($d in @($controller.DependentServices)) { if ($null -ne $d) { [void]$dependents.Add([string]$d.Name) } }
        [void]$found.Add([ordered]@{
                name              = [string]$controller.Name
                exists            = $true
                displayName       = [string]$controller.DisplayName
                status            = [string]$controller.Status
                startType         = [string](PlatformProperty $wmi @('StartMode'))
                account           = [string](PlatformProperty $wmi @('StartName'))
                dependentServices = $dependents.ToArray()
            })
    }
    return $found.ToArray()
}

function PlatformFindServices {
    <#
    .SYNOPSIS
    The services whose display name starts with JAMS.
    .OUTPUTS
    name and displayName of each.
    #>
    $found = New-Object System.Collections.ArrayList
    foreach ($s in @(Get-Service -DisplayName 'JAMS *' -ErrorAction SilentlyContinue)) {
        if ($null -ne $s) { [void]$found.Add([ordered]@{ name = [string]$s.Name; displayName = [string]$s.DisplayName; status = [string]$s.Status }) }
    }
    return $found.ToArray()
}

function PlatformIsTimeout {
    param($Exception)
    for ($e = $Exception; $null -ne $e; $e = $e.InnerException) { if ($e.GetType().Name -eq 'TimeoutException') { return $true } }
    return $false
}

function PlatformStopService {
    <#
    .SYNOPSIS
    Stops a service and the services that depend on it.
    .PARAMETER Name
    The service name.
    .OUTPUTS
    Nothing.
    #>

    # ServiceController.Stop() first stops the running services that depend on this one (JAMS Scheduler depends on
    # JAMS Executor) and waits up to 30 s for each, then sends the stop control and returns; the Node side polls.
    # A dependent that takes longer makes Stop() throw a TimeoutException before this service is told to stop: that is
    # not an error here, since the Node side's wait then names the service that is stuck.
    param([string]$Name)
    $controller = Get-Service -Name $Name -ErrorAction Stop
    $status = [string]$controller.Status
    if ($status -eq 'Stopped' -or $status -eq 'StopPending') { return }
    try { $controller.Stop() }
    catch { if (-not (PlatformIsTimeout $_.Exception)) { throw } }
}

function PlatformStartService {
    <#
    .SYNOPSIS
    Starts a service.
    .PARAMETER Name
    The service name.
    .OUTPUTS
    Nothing.
    #>

    # Start() makes the Service Control Manager start the services this one depends on first.
    param([string]$Name)
    $controller = Get-Service -Name $Name -ErrorAction Stop
    $status = [string]$controller.Status
    if ($status -ne 'Running' -and $status -ne 'StartPending') { $controller.Start() }
}

# ---- platform/Sql.ps1 ----
# SQL: the connection string SeamInvokeSql opens (the password read from the environment here).
# Dot-sourced by JamsUpgrade.psm1; npm run package joins the folder into one file in dist/ps. Windows PowerShell 5.1
# compatible, ASCII only.

function PlatformSqlConnectionString {
    <#
    .SYNOPSIS
    The SQL connection string, built by SqlConnectionStringBuilder; the password comes from the environment.
    .PARAMETER Server
    The SQL Server instance.
    .PARAMETER Auth
    'windows' (the runner's account) or 'sql' (User and PasswordVariable).
    .PARAMETER User
    The SQL login for 'sql' authentication; '' otherwise.
    .PARAMETER PasswordVariable
    The name of the JU_* environment variable that holds the password; never the password itself.
    .OUTPUTS
    The connection string (text).
    #>

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
        if ($PasswordVariable -notmatch '^JU_[A-Z0-9_]{1,60}$') { throw "Environment variable '$PasswordVariable' is not a plain name (letters, digits, '_', '.', '-')." }
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

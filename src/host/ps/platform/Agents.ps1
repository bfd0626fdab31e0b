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

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

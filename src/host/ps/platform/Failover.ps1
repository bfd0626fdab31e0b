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

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

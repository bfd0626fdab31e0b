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

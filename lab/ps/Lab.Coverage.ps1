# Line coverage of the platform while the lab runs it (npm run coverage:ps). The session dot-sources this file when
# JAMS_UPGRADE_PS_COVERAGE names a folder and loads an instrumented copy of the platform (its folder of concern files,
# or the one joined file) instead: before each statement of a Platform* function's own blocks, on the same line (so
# line numbers hold), a call records '<file>:<line>'. Breakpoints would put the whole session in debug mode; a counter
# costs one HashSet.Add.
# Windows PowerShell 5.1 compatible.

function global:Get-LabCoverageStatements {
    # The statements counted: those of a Platform* function's own blocks (nested script blocks, such as those sent to
    # a remote session, are left alone). Seam* functions run on Windows alone and are left out.
    param([string]$Script)
    $ast = [System.Management.Automation.Language.Parser]::ParseFile($Script, [ref]$null, [ref]$null)
    $found = New-Object System.Collections.ArrayList
    $functions = $ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.FunctionDefinitionAst] }, $true)
    foreach ($f in $functions) {
        if ($f.Name -notlike 'Platform*') { continue }
        $statements = $f.Body.FindAll({
                param($n)
                ($n -is [System.Management.Automation.Language.StatementAst]) -and
                (($n.Parent -is [System.Management.Automation.Language.StatementBlockAst]) -or
                ($n.Parent -is [System.Management.Automation.Language.NamedBlockAst]))
            }, $true)
        foreach ($s in $statements) {
            $owner = $s.Parent
            while ($null -ne $owner -and $owner -isnot [System.Management.Automation.Language.ScriptBlockAst]) { $owner = $owner.Parent }
            if ([object]::ReferenceEquals($owner, $f.Body)) { [void]$found.Add(@{ function = $f.Name; statement = $s }) }
        }
    }
    return $found.ToArray()
}

function global:Get-LabCoverageFiles {
    # The platform's files: the .ps1 files of a folder in ordinal name order, or the one file.
    param([string]$Script)
    if (-not [System.IO.Directory]::Exists($Script)) { return , @((Resolve-Path -LiteralPath $Script).Path) }
    $files = [System.IO.Directory]::GetFiles((Resolve-Path -LiteralPath $Script).Path, '*.ps1')
    [System.Array]::Sort($files, [System.StringComparer]::Ordinal)
    return , $files
}

function global:Get-LabCoverageLines {
    # The lines where a counted statement starts, as '<file>:<line>' (file name only): what "N of M lines run" counts.
    param([string]$Script)
    $lines = @{}
    foreach ($file in (Get-LabCoverageFiles -Script $Script)) {
        $name = [System.IO.Path]::GetFileName($file)
        foreach ($s in (Get-LabCoverageStatements -Script $file)) { $lines[$name + ':' + $s.statement.Extent.StartLineNumber] = $s.function }
    }
    return $lines
}

function global:Start-LabCoverage {
    # Returns the instrumented copy the session loads in place of $Script (a folder for a folder). Building it costs a
    # session about a second, so it is built once per machine and version of the platform and of this file, and kept in
    # the temp folder.
    param([string]$Script)
    $global:JuCoverage = @{ script = $Script; hits = (New-Object 'System.Collections.Generic.HashSet[string]') }
    $files = Get-LabCoverageFiles -Script $Script
    $all = New-Object System.Text.StringBuilder
    foreach ($file in $files) { [void]$all.Append([System.IO.Path]::GetFileName($file)).Append([System.IO.File]::ReadAllText($file)) }
    [void]$all.Append([System.IO.File]::ReadAllText($MyInvocation.MyCommand.ScriptBlock.File))
    $sha = [System.Security.Cryptography.SHA256]::Create()
    $key = ([System.BitConverter]::ToString($sha.ComputeHash([System.Text.Encoding]::UTF8.GetBytes($all.ToString())))).Replace('-', '').Substring(0, 16)
    $sha.Dispose()
    $folder = Join-Path ([System.IO.Path]::GetTempPath()) ('ju-coverage-' + $key)
    $result = Join-Path $folder ([System.IO.Path]::GetFileName($Script.TrimEnd('\', '/')))
    $root = $folder
    if ([System.IO.Directory]::Exists($Script)) { $root = $result }
    if ([System.IO.File]::Exists((Join-Path $root ('.done')))) { return $result }
    [void][System.IO.Directory]::CreateDirectory($root)
    foreach ($file in $files) {
        $name = [System.IO.Path]::GetFileName($file)
        $offsets = @(Get-LabCoverageStatements -Script $file | ForEach-Object { $_.statement.Extent } |
                Sort-Object -Property StartOffset -Descending)
        $builder = New-Object System.Text.StringBuilder([System.IO.File]::ReadAllText($file))
        foreach ($e in $offsets) {
            [void]$builder.Insert($e.StartOffset, ("[void]`$global:JuCoverage.hits.Add('{0}:{1}'); " -f $name, $e.StartLineNumber))
        }
        # Sessions start in parallel: each writes its own file, and the first rename wins.
        $copy = Join-Path $root $name
        $temp = $copy + '.' + $PID + '.tmp'
        [System.IO.File]::WriteAllText($temp, $builder.ToString(), (New-Object System.Text.UTF8Encoding($true)))
        try { [System.IO.File]::Move($temp, $copy) } catch [System.IO.IOException] { [System.IO.File]::Delete($temp) }
    }
    [System.IO.File]::WriteAllText((Join-Path $root '.done'), '')
    return $result
}

function global:Save-LabCoverage {
    param([string]$Folder)
    if ($null -eq $global:JuCoverage) { return }
    [void][System.IO.Directory]::CreateDirectory($Folder)
    $file = Join-Path $Folder ('{0}-{1}.json' -f $PID, [guid]::NewGuid().ToString('N'))
    $report = [ordered]@{ script = [System.IO.Path]::GetFileName($global:JuCoverage.script); hits = @($global:JuCoverage.hits) }
    [System.IO.File]::WriteAllText($file, (ConvertTo-Json -InputObject $report -Compress))
}

# Line coverage of the platform file while the lab runs it (npm run coverage:ps). The session dot-sources this file
# when JAMS_UPGRADE_PS_COVERAGE names a folder and loads an instrumented copy of the platform file instead of the
# file itself: before each statement of a Platform* function's own blocks, on the same line (so line numbers hold), a
# call records the line. Breakpoints would put the whole session in debug mode; a counter costs one HashSet.Add.
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

function global:Get-LabCoverageLines {
    # The lines where a counted statement starts: what "N of M lines run" counts.
    param([string]$Script)
    $lines = @{}
    foreach ($s in (Get-LabCoverageStatements -Script $Script)) { $lines[[string]$s.statement.Extent.StartLineNumber] = $s.function }
    return $lines
}

function global:Start-LabCoverage {
    # Returns the instrumented copy the session loads in place of $Script. Building it costs a session about a second,
    # so it is built once per machine and version of $Script and of this file, and kept in the temp folder.
    param([string]$Script)
    $global:JuCoverage = @{ script = $Script; hits = (New-Object 'System.Collections.Generic.HashSet[int]') }
    $text = [System.IO.File]::ReadAllText($Script)
    $sha = [System.Security.Cryptography.SHA256]::Create()
    $bytes = [System.Text.Encoding]::UTF8.GetBytes($text + [System.IO.File]::ReadAllText($MyInvocation.MyCommand.ScriptBlock.File))
    $key = ([System.BitConverter]::ToString($sha.ComputeHash($bytes))).Replace('-', '').Substring(0, 16)
    $sha.Dispose()
    $folder = Join-Path ([System.IO.Path]::GetTempPath()) ('ju-coverage-' + $key)
    $copy = Join-Path $folder ([System.IO.Path]::GetFileName($Script))
    if ([System.IO.File]::Exists($copy)) { return $copy }
    $offsets = @(Get-LabCoverageStatements -Script $Script | ForEach-Object { $_.statement.Extent } |
            Sort-Object -Property StartOffset -Descending)
    $builder = New-Object System.Text.StringBuilder($text)
    foreach ($e in $offsets) {
        [void]$builder.Insert($e.StartOffset, ('[void]$global:JuCoverage.hits.Add({0}); ' -f $e.StartLineNumber))
    }
    [void][System.IO.Directory]::CreateDirectory($folder)
    # Sessions start in parallel: each writes its own file, and the first rename wins.
    $temp = $copy + '.' + $PID + '.tmp'
    [System.IO.File]::WriteAllText($temp, $builder.ToString(), (New-Object System.Text.UTF8Encoding($true)))
    try { [System.IO.File]::Move($temp, $copy) } catch [System.IO.IOException] { [System.IO.File]::Delete($temp) }
    return $copy
}

function global:Save-LabCoverage {
    param([string]$Folder)
    if ($null -eq $global:JuCoverage) { return }
    [void][System.IO.Directory]::CreateDirectory($Folder)
    $file = Join-Path $Folder ('{0}-{1}.json' -f $PID, [guid]::NewGuid().ToString('N'))
    $report = [ordered]@{ script = [System.IO.Path]::GetFileName($global:JuCoverage.script); hits = @($global:JuCoverage.hits) }
    [System.IO.File]::WriteAllText($file, (ConvertTo-Json -InputObject $report -Compress))
}

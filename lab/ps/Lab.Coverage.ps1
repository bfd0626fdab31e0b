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
    # Returns the instrumented copy the session loads in place of $Script.
    param([string]$Script)
    $global:JuCoverage = @{ script = $Script; hits = (New-Object 'System.Collections.Generic.HashSet[int]') }
    $text = [System.IO.File]::ReadAllText($Script)
    $offsets = @(Get-LabCoverageStatements -Script $Script | ForEach-Object { $_.statement.Extent } |
            Sort-Object -Property StartOffset -Descending)
    $builder = New-Object System.Text.StringBuilder($text)
    foreach ($e in $offsets) {
        [void]$builder.Insert($e.StartOffset, ('[void]$global:JuCoverage.hits.Add({0}); ' -f $e.StartLineNumber))
    }
    $folder = Join-Path ([System.IO.Path]::GetTempPath()) ('ju-coverage-{0}-{1}' -f $PID, [guid]::NewGuid().ToString('N'))
    [void][System.IO.Directory]::CreateDirectory($folder)
    $copy = Join-Path $folder ([System.IO.Path]::GetFileName($Script))
    [System.IO.File]::WriteAllText($copy, $builder.ToString(), (New-Object System.Text.UTF8Encoding($true)))
    $global:JuCoverage.copy = $folder
    return $copy
}

function global:Save-LabCoverage {
    param([string]$Folder)
    if ($null -eq $global:JuCoverage) { return }
    [void][System.IO.Directory]::CreateDirectory($Folder)
    $file = Join-Path $Folder ('{0}-{1}.json' -f $PID, [guid]::NewGuid().ToString('N'))
    $report = [ordered]@{ script = [System.IO.Path]::GetFileName($global:JuCoverage.script); hits = @($global:JuCoverage.hits) }
    [System.IO.File]::WriteAllText($file, (ConvertTo-Json -InputObject $report -Compress))
    if ($global:JuCoverage.ContainsKey('copy')) { Remove-Item -LiteralPath $global:JuCoverage.copy -Recurse -Force -ErrorAction SilentlyContinue }
}

# Line coverage of the platform file while the lab runs it (npm run coverage:ps). The session dot-sources this file
# when JAMS_UPGRADE_PS_COVERAGE names a folder: each statement line of a Platform* function gets a breakpoint that
# records its first hit and removes itself, so the cost is paid once per line. Windows PowerShell 5.1 compatible.

function global:Get-LabCoverageLines {
    # The lines where a statement of a Platform* function starts: what "N of M lines run" counts. Seam* functions run
    # on Windows alone and are left out.
    param([string]$Script)
    $ast = [System.Management.Automation.Language.Parser]::ParseFile($Script, [ref]$null, [ref]$null)
    $lines = @{}
    $functions = $ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.FunctionDefinitionAst] }, $true)
    foreach ($f in $functions) {
        if ($f.Name -notlike 'Platform*') { continue }
        $statements = $f.Body.FindAll({ param($n) $n -is [System.Management.Automation.Language.StatementAst] -and $n -isnot [System.Management.Automation.Language.FunctionDefinitionAst] }, $true)
        foreach ($s in $statements) {
            $lines[[string]$s.Extent.StartLineNumber] = $f.Name
        }
    }
    return $lines
}

function global:Start-LabCoverage {
    param([string]$Script)
    $global:JuCoverage = @{ script = $Script; hits = (New-Object 'System.Collections.Generic.HashSet[int]') }
    foreach ($line in @((Get-LabCoverageLines -Script $Script).Keys)) {
        [void](Set-PSBreakpoint -Script $Script -Line ([int]$line) -Action { [void]$global:JuCoverage.hits.Add($_.Line); Remove-PSBreakpoint -Breakpoint $_ })
    }
}

function global:Save-LabCoverage {
    param([string]$Folder)
    if ($null -eq $global:JuCoverage) { return }
    [void][System.IO.Directory]::CreateDirectory($Folder)
    $file = Join-Path $Folder ('{0}-{1}.json' -f $PID, [guid]::NewGuid().ToString('N'))
    $report = [ordered]@{ script = [System.IO.Path]::GetFileName($global:JuCoverage.script); hits = @($global:JuCoverage.hits) }
    [System.IO.File]::WriteAllText($file, (ConvertTo-Json -InputObject $report -Compress))
}

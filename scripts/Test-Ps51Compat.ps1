# Reports syntax that Windows PowerShell 5.1 cannot run, for each file given. Prints one JSON array of
# findings ({file, line, rule, text}); empty means every file is 5.1-safe. Needs PowerShell 7 to parse
# PS7 syntax at all; it runs in the tests and in CI.
param([Parameter(Mandatory = $true, ValueFromRemainingArguments = $true)][string[]]$Path)

$ErrorActionPreference = 'Stop'
# PS7-only parameters of commands that exist in 5.1 too, and PS7-only commands.
$ps7Parameters = @{
    'ConvertFrom-Json' = @('AsHashtable', 'Depth', 'NoEnumerate')
    'ConvertTo-Json'   = @('EnumsAsStrings', 'AsArray', 'EscapeHandling')
    'ForEach-Object'   = @('Parallel', 'ThrottleLimit', 'AsJob')
    'Get-Content'      = @('AsByteStream')
    'Set-Content'      = @('AsByteStream')
    'Set-Service'      = @('Credential')
    'Start-Process'    = @('Environment')
    'Select-Object'    = @('SkipIndex')
    'Invoke-RestMethod' = @('SkipCertificateCheck', 'Authentication', 'ResponseHeadersVariable', 'StatusCodeVariable')
}
$ps7Commands = @('Join-String', 'Test-Json', 'Get-Error', 'ConvertFrom-Markdown', 'Get-Uptime', 'Remove-Alias', 'Remove-Service')

$findings = New-Object System.Collections.ArrayList
function Add-Finding($file, $ast, $rule) {
    [void]$findings.Add([ordered]@{ file = $file; line = $ast.Extent.StartLineNumber; rule = $rule; text = $ast.Extent.Text.Split("`n")[0].Trim() })
}

foreach ($file in $Path) {
    $bytes = [System.IO.File]::ReadAllBytes($file)
    for ($i = 0; $i -lt $bytes.Length; $i++) {
        if ($bytes[$i] -gt 127) {
            $line = ([System.Text.Encoding]::ASCII.GetString($bytes, 0, $i).Split("`n")).Count
            [void]$findings.Add([ordered]@{ file = $file; line = $line; rule = 'non-ASCII byte (5.1 reads BOM-less files as ANSI)'; text = '' })
            break
        }
    }
    $tokens = $null; $errors = $null
    $ast = [System.Management.Automation.Language.Parser]::ParseFile($file, [ref]$tokens, [ref]$errors)
    foreach ($e in $errors) {
        [void]$findings.Add([ordered]@{ file = $file; line = $e.Extent.StartLineNumber; rule = "parse error: $($e.Message)"; text = '' })
    }
    $nodes = $ast.FindAll({ $true }, $true)
    foreach ($node in $nodes) {
        $type = $node.GetType().Name
        if ($type -eq 'TernaryExpressionAst') { Add-Finding $file $node 'ternary operator ?:' }
        elseif ($type -eq 'PipelineChainAst') { Add-Finding $file $node 'pipeline chain && or ||' }
        elseif ($type -eq 'BinaryExpressionAst' -and [string]$node.Operator -eq 'QuestionQuestion') { Add-Finding $file $node 'null-coalescing ??' }
        elseif ($type -eq 'AssignmentStatementAst' -and [string]$node.Operator -eq 'QuestionQuestionEquals') { Add-Finding $file $node 'null-coalescing assignment ??=' }
        elseif (($type -eq 'MemberExpressionAst' -or $type -eq 'InvokeMemberExpressionAst' -or $type -eq 'IndexExpressionAst') -and $node.NullConditional) { Add-Finding $file $node 'null-conditional ?. or ?[]' }
        elseif ($type -eq 'PipelineAst' -and $node.Background) { Add-Finding $file $node 'background operator &' }
        elseif ($type -eq 'ScriptBlockAst' -and $null -ne $node.CleanBlock) { Add-Finding $file $node 'clean block' }
        elseif ($type -eq 'CommandAst') {
            $name = $node.GetCommandName()
            if ($null -eq $name) { continue }
            if ($ps7Commands -contains $name) { Add-Finding $file $node "PS7-only command $name" }
            if ($ps7Parameters.ContainsKey($name)) {
                foreach ($element in $node.CommandElements) {
                    if ($element -is [System.Management.Automation.Language.CommandParameterAst] -and $ps7Parameters[$name] -contains $element.ParameterName) {
                        Add-Finding $file $node "PS7-only parameter $name -$($element.ParameterName)"
                    }
                }
            }
        }
    }
}
ConvertTo-Json -InputObject @($findings.ToArray()) -Depth 5 -Compress

# The functions of each PowerShell file given: name, parameters, comment-based help, and the commands each calls.
# Prints one JSON array ({file, lines, functions: [{name, parameters, synopsis, outputs, help, calls}]}); the layout test
# (__tests__/ps-layout.pwsh.test.ts) reads it. Windows PowerShell 5.1 compatible.
param([Parameter(Mandatory = $true, ValueFromRemainingArguments = $true)][string[]]$Path)

$ErrorActionPreference = 'Stop'
$out = New-Object System.Collections.ArrayList
foreach ($file in $Path) {
    $errors = $null
    $ast = [System.Management.Automation.Language.Parser]::ParseFile((Resolve-Path -LiteralPath $file).Path, [ref]$null, [ref]$errors)
    if (@($errors).Count -gt 0) { throw "$file does not parse: $($errors[0].Message)" }
    $functions = New-Object System.Collections.ArrayList
    foreach ($f in $ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.FunctionDefinitionAst] }, $true)) {
        $parameters = @()
        if ($null -ne $f.Body.ParamBlock) { $parameters = @($f.Body.ParamBlock.Parameters | ForEach-Object { $_.Name.VariablePath.UserPath }) }
        $calls = @($f.Body.FindAll({ param($n) $n -is [System.Management.Automation.Language.CommandAst] }, $true) |
                ForEach-Object { $_.GetCommandName() } | Where-Object { $_ } | Sort-Object -Unique)
        $help = $f.GetHelpContent()
        $documented = @()
        if ($null -ne $help) { $documented = @($help.Parameters.Keys) }
        [void]$functions.Add([ordered]@{
                name       = $f.Name
                parameters = $parameters
                help       = ($null -ne $help)
                synopsis   = $(if ($null -ne $help) { [string]$help.Synopsis } else { '' })
                outputs    = $(if ($null -ne $help) { ((@($help.Outputs) -join ' ').Trim()) } else { '' })
                documented = $documented
                calls      = $calls
            })
    }
    [void]$out.Add([ordered]@{ file = $file; lines = @([System.IO.File]::ReadAllLines((Resolve-Path -LiteralPath $file).Path)).Count; functions = $functions.ToArray() })
}
ConvertTo-Json -InputObject $out.ToArray() -Depth 6 -Compress

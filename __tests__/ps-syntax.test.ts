import { expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './helpers/run-stage.js';

// Every PowerShell file the action ships must run on Windows PowerShell 5.1: parse each with pwsh and
// reject the PowerShell 7 syntax 5.1 cannot read, and any non-ASCII character (5.1 reads BOM-less files as ANSI).
const files = [
  ...readdirSync('src/host/ps').map((f) => join('src/host/ps', f)),
  ...readdirSync('lab').map((f) => join('lab', f)),
  ...readdirSync('lab/hooks').map((f) => join('lab/hooks', f)),
].filter((f) => /\.ps(m?)1$/.test(f));

const CHECK = `
$bad = New-Object System.Collections.ArrayList
foreach ($file in $args) {
  $tokens = $null; $errors = $null
  $ast = [System.Management.Automation.Language.Parser]::ParseFile($file, [ref]$tokens, [ref]$errors)
  foreach ($e in $errors) { [void]$bad.Add("\${file}: $($e.Message)") }
  $found = $ast.FindAll({ param($n)
    $n -is [System.Management.Automation.Language.TernaryExpressionAst] -or
    $n -is [System.Management.Automation.Language.PipelineChainAst] -or
    ($n -is [System.Management.Automation.Language.BinaryExpressionAst] -and $n.Operator -eq 'QuestionQuestion') -or
    ($n -is [System.Management.Automation.Language.AssignmentStatementAst] -and $n.Operator -eq 'QuestionQuestionEquals') -or
    ($n -is [System.Management.Automation.Language.MemberExpressionAst] -and $n.NullConditional) -or
    ($n -is [System.Management.Automation.Language.IndexExpressionAst] -and $n.NullConditional) -or
    ($n -is [System.Management.Automation.Language.NamedBlockAst] -and $n.BlockKind -eq 'Clean')
  }, $true)
  foreach ($n in $found) { [void]$bad.Add("$file line $($n.Extent.StartLineNumber): $($n.Extent.Text)") }
}
$bad -join [Environment]::NewLine
`;

test('the PowerShell files parse and use no PowerShell 7-only syntax', () => {
  expect(files.length).toBeGreaterThan(4);
  const script = join(tempDir('syntax'), 'check.ps1');
  writeFileSync(script, CHECK);
  const out = execFileSync('pwsh', ['-NoProfile', '-NonInteractive', '-File', script, ...files], {
    encoding: 'utf8',
  });
  expect(out.trim()).toBe('');
});

test('the PowerShell files are ASCII', () => {
  const allowed = (byte: number) => byte === 9 || byte === 10 || byte === 13 || (byte >= 32 && byte < 127);
  for (const f of files) expect([f, [...readFileSync(f)].every(allowed)]).toEqual([f, true]);
});

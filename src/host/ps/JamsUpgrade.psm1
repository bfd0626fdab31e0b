# jams-upgrade PowerShell module: small primitives that read or change one thing and return data.
# Runs under Windows PowerShell 5.1 and PowerShell 7 (a test parses every file here and rejects PS7-only syntax).
# Keep these files ASCII: Windows PowerShell 5.1 reads BOM-less files in the ANSI code page.
#
# Values arrive only as data: Invoke-JuCall (module/Dispatcher.ps1) decodes one base64 JSON argument and splats it.
# The files are split by concern. module/*.ps1 hold the primitives; platform/*.ps1 hold every call into Windows and
# JAMS (the Platform* and Seam* functions), and never call up into the module. What no session could verify on a real
# install is marked CHECK: there and listed in docs/unverified.md. In the lab (JAMS_UPGRADE_LAB set) the caller names a
# seams file that replaces the Seam* functions, one level below the platform.
#
# Loading: in source this file dot-sources module/*.ps1 and PlatformPath names the platform folder. npm run package
# (scripts/copy-assets.mjs) puts the module files' text in place of the block below and joins the platform folder into
# dist/ps/Platform.Windows.ps1, so a session on a host reads two files.
param(
    [Parameter(Mandatory = $true)][string]$PlatformPath,
    [string]$PlatformOptionsJson = '{}',
    [string]$SeamsFile = ''
)

Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

# Windows PowerShell 5.1 serialises arrays as {"value":[...],"Count":n} while this type data exists.
if ($PSVersionTable.PSVersion.Major -lt 6) {
    Remove-TypeData -TypeName System.Array -ErrorAction SilentlyContinue
}

$script:PlatformOptions = ConvertFrom-Json -InputObject $PlatformOptionsJson
# The platform: one joined file, or the folder of its concern files, dot-sourced in name order.
if ([System.IO.Directory]::Exists($PlatformPath)) {
    $script:JuFiles = [System.IO.Directory]::GetFiles($PlatformPath, '*.ps1')
    [System.Array]::Sort($script:JuFiles, [System.StringComparer]::Ordinal)
    foreach ($script:JuFile in $script:JuFiles) { . $script:JuFile }
}
else { . $PlatformPath }
if ($SeamsFile -ne '') { . $SeamsFile }

# <module>: npm run package replaces this block with the text of module/*.ps1, in name order.
$script:JuFiles = [System.IO.Directory]::GetFiles((Join-Path $PSScriptRoot 'module'), '*.ps1')
[System.Array]::Sort($script:JuFiles, [System.StringComparer]::Ordinal)
foreach ($script:JuFile in $script:JuFiles) { . $script:JuFile }
# </module>

Export-ModuleMember -Function 'Invoke-JuCall'

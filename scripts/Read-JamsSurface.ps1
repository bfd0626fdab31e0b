# Prints, as one JSON object, the public surface of each assembly named (scripts/JamsSurface.cs reads metadata only:
# nothing is loaded or run), with each file's version and SHA-256. Called by scripts/jams-surface.ts; pwsh 7 only.
# The assemblies' paths are the script's arguments.
$Path = [string[]]$args
$Prefix = [string[]]@('MVPSI.JAMS')
$ErrorActionPreference = 'Stop'
if ($null -eq ('JuSurfaceReader' -as [type])) {
    Add-Type -Path (Join-Path $PSScriptRoot 'JamsSurface.cs') -ReferencedAssemblies @(
        'System.Reflection.Metadata', 'System.Collections.Immutable', 'System.Text.Json', 'System.Linq', 'System.Collections',
        'System.Runtime', 'System.Memory', 'System.Text.Encodings.Web')
}
$files = foreach ($one in $Path) {
    $full = (Resolve-Path -LiteralPath $one).ProviderPath
    # FileVersionInfo reads the version resource on Windows and the assembly's attributes elsewhere; neither runs code.
    $info = [System.Diagnostics.FileVersionInfo]::GetVersionInfo($full)
    [ordered]@{
        file        = [System.IO.Path]::GetFileName($full)
        fileVersion = [string]$info.FileVersion
        sha256      = (Get-FileHash -LiteralPath $full -Algorithm SHA256).Hash
        types       = ([JuSurfaceReader]::Read($full, $Prefix) | ConvertFrom-Json -AsHashtable)
    }
}
ConvertTo-Json -InputObject @($files) -Depth 30 -Compress

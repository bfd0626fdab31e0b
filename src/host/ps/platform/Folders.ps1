# Folders only administrators can write: the state folder, everything under it, new files and checked deletes.
# Dot-sourced by JamsUpgrade.psm1; npm run package joins the folder into one file in dist/ps. Windows PowerShell 5.1
# compatible, ASCII only.

# Who may own or write what jams-upgrade keeps: SYSTEM, Administrators, TrustedInstaller (and the runner's account).
$script:JuTrustedSids = @('S-1-5-18', 'S-1-5-32-544', 'S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464')
# The access rights that change a file or folder: write data or add a file (0x2), append or add a folder (0x4), write
# extended attributes (0x10), delete a child (0x40), write attributes (0x100), delete (0x10000), change permissions
# (0x40000), take ownership (0x80000), generic all (0x10000000) and generic write (0x40000000).
$script:JuWriteRights = [long]0x500D0156
$script:JuWellKnownSids = @{
    'S-1-1-0' = 'Everyone'; 'S-1-5-11' = 'NT AUTHORITY\Authenticated Users'; 'S-1-5-32-545' = 'BUILTIN\Users'
    'S-1-3-0' = 'CREATOR OWNER'; 'S-1-5-32-544' = 'BUILTIN\Administrators'; 'S-1-5-18' = 'NT AUTHORITY\SYSTEM'
}

function PlatformSidText {
    # "BUILTIN\Users (S-1-5-32-545)": a principal as a message names it.
    param([string]$Sid, [string]$Name)
    if ([string]::IsNullOrEmpty($Name) -or $Name -eq $Sid) { $Name = $script:JuWellKnownSids[$Sid] }
    if ([string]::IsNullOrEmpty($Name)) { return $Sid }
    return "$Name ($Sid)"
}

function PlatformTrustedSids {
    # SYSTEM, Administrators, TrustedInstaller, and the runner's account when it is none of them.
    param([string]$Runner = (SeamRunnerSid))
    if ($script:JuTrustedSids -contains $Runner) { return , $script:JuTrustedSids }
    return , @($script:JuTrustedSids + @($Runner))
}

function PlatformSecurityProblem {
    # Why a path (SeamPathSecurity's facts) is not safe to keep state in, or $null: a link, an owner other than the trusted
    # principals, or an entry that lets anyone else write to it.
    param($Facts, [string]$Display, [string[]]$Trusted)
    if (-not $Facts.exists) { return $null }
    if ($Facts.reparse) { return @{ kind = 'link'; text = "$Display is a link (a junction or symbolic link), so what is written there lands elsewhere" } }
    if ($Trusted -notcontains [string]$Facts.owner) {
        return @{ kind = 'owner'; sid = [string]$Facts.owner; text = "$Display is owned by $(PlatformSidText $Facts.owner $Facts.ownerName), not by Administrators: someone other than an administrator made it" }
    }
    foreach ($ace in @($Facts.aces)) {
        if ($null -eq $ace -or [string]$ace.type -ne 'Allow' -or $Trusted -contains [string]$ace.sid) { continue }
        if (([long]$ace.rights -band $script:JuWriteRights) -ne 0) {
            return @{ kind = 'ace'; sid = [string]$ace.sid; text = ('{0} lets {1} write to it (access mask 0x{2:X})' -f $Display, (PlatformSidText $ace.sid $ace.name), [long]$ace.rights) }
        }
    }
    return $null
}

function PlatformRepairLine {
    # The command an administrator runs to make Root safe again after the problem found at Display.
    param($Problem, [string]$Display, [string]$Root)
    if ($Problem.kind -eq 'link') { return "rmdir `"$Display`" (this removes the link, not what it points to; del `"$Display`" for a file link)" }
    # Owner Administrators for all of it; the folder's own entries SYSTEM and Administrators only, not inherited; then
    # everything inside takes the folder's entries alone (/reset drops the entries of its own).
    $grant = "icacls `"$Root`" /inheritance:r /grant:r *S-1-5-18:(OI)(CI)F *S-1-5-32-544:(OI)(CI)F"
    if ($Problem.kind -eq 'ace') { $grant += " /remove:g *$($Problem.sid)" }
    return "icacls `"$Root`" /setowner *S-1-5-32-544 /T /C && $grant && icacls `"$Root\*`" /reset /T /C"
}

function PlatformTreePaths {
    # A folder and everything under it, as local paths; a link is listed but never entered.
    param([string]$Root)
    $paths = New-Object System.Collections.ArrayList
    [void]$paths.Add($Root)
    if (-not [System.IO.Directory]::Exists($Root)) { return , $paths.ToArray() }
    $top = New-Object System.IO.DirectoryInfo($Root)
    if (([int]$top.Attributes -band [int][System.IO.FileAttributes]::ReparsePoint) -ne 0) { return , $paths.ToArray() }
    $pending = New-Object System.Collections.Queue
    $pending.Enqueue($top)
    while ($pending.Count -gt 0) {
        foreach ($entry in @($pending.Dequeue().GetFileSystemInfos())) {
            [void]$paths.Add($entry.FullName)
            if ($entry -is [System.IO.DirectoryInfo] -and ([int]$entry.Attributes -band [int][System.IO.FileAttributes]::ReparsePoint) -eq 0) { $pending.Enqueue($entry) }
        }
    }
    return , $paths.ToArray()
}

function PlatformAssertSafeTree {
    # Refuses a folder (a host path) when it, or anything under it, is a link, has another owner or lets a non-admin
    # write: the message names the first such path and the command that repairs the folder.
    param([string]$Path, [string]$Root = $Path)
    $local = SeamMapPath -Path $Path
    $paths = PlatformTreePaths -Root $local
    $trusted = PlatformTrustedSids
    $problems = New-Object System.Collections.ArrayList
    foreach ($facts in (SeamPathSecurity -Paths $paths)) {
        # The host path a message names: the folder as given, then what lies under it.
        $display = [string]$facts.path
        if ($display.StartsWith($local, [System.StringComparison]::OrdinalIgnoreCase)) { $display = $Path.TrimEnd('\') + $display.Substring($local.Length).Replace('/', '\') }
        $problem = PlatformSecurityProblem -Facts $facts -Display $display -Trusted $trusted
        if ($null -ne $problem) { $problem['display'] = $display; [void]$problems.Add($problem) }
    }
    if ($problems.Count -eq 0) { return }
    $first = $problems[0]
    $more = ''
    if ($problems.Count -gt 1) { $more = " ($($problems.Count - 1) more path(s) under $Root are unsafe too)" }
    throw ("$($first.text)$more. jams-upgrade keeps its records and installers in $Root and runs as an administrator, so " +
        "it uses that folder only when administrators alone can write there; nothing was written. Check what is there, " +
        "then repair it as an administrator: $(PlatformRepairLine -Problem $first -Display $first.display -Root $Root)")
}

function PlatformSecureFolder {
    <#
    .SYNOPSIS
    Makes sure a folder (and the folders down from Root) only administrators can write.
    .PARAMETER Path
    The folder.
    .PARAMETER Root
    The state folder Path lies under.
    .PARAMETER Create
    Creates the missing folders, each with a protected security descriptor.
    .OUTPUTS
    The folder path; throws with the repair line otherwise.
    #>

    # Makes sure Path (a host path) is a folder only administrators can write before anything is read from it or
    # written to it: an existing one is checked with all it holds; a missing one is created with a protected security
    # descriptor (only with -Create: a read creates nothing). Its folders up to Root must be safe too. Returns the local
    # path, or $null when it does not exist and was not created.
    param([string]$Path, [string]$Root = $Path, [switch]$Create)
    $local = SeamMapPath -Path $Path
    if ($Path -ne $Root) {
        $parent = $Path.Substring(0, $Path.TrimEnd('\').LastIndexOf('\'))
        if ($null -eq (PlatformSecureFolder -Path $parent -Root $Root -Create:$Create) -and -not $Create) { return $null }
    }
    $exists = [System.IO.Directory]::Exists($local) -or [System.IO.File]::Exists($local)
    if (-not $exists) {
        if (-not $Create) { return $null }
        $above = [System.IO.Path]::GetDirectoryName($local)
        if (-not [System.IO.Directory]::Exists($above)) { [void][System.IO.Directory]::CreateDirectory($above) }
        $sids = @('S-1-5-18', 'S-1-5-32-544')
        $runner = SeamRunnerSid
        if ($sids -notcontains $runner) { $sids += $runner }
        SeamNewProtectedFolder -Path $local -Sids $sids
    }
    if ($Path -eq $Root) { PlatformAssertSafeTree -Path $Path -Root $Root }
    else {
        $trusted = PlatformTrustedSids
        $facts = (SeamPathSecurity -Paths @($local))[0]
        $problem = PlatformSecurityProblem -Facts $facts -Display $Path -Trusted $trusted
        if ($null -ne $problem) {
            throw "$($problem.text). Nothing was written. Repair it as an administrator: $(PlatformRepairLine -Problem $problem -Display $Path -Root $Root)"
        }
    }
    return $local
}

function PlatformNewFile {
    <#
    .SYNOPSIS
    A new file beside Path that no one else can have made first.
    .PARAMETER Path
    The file the new one will replace.
    .PARAMETER Suffix
    The temporary file's name ends with this.
    .OUTPUTS
    The open FileStream (FileMode.CreateNew).
    #>

    # A new file that no one else can have made first: a random name beside Path, opened with FileMode.CreateNew (fails
    # when anything, a link included, is there already) and no sharing. Returns the stream; the caller writes, closes and
    # renames it.
    param([string]$Path, [string]$Suffix)
    $temp = $Path + '.' + [guid]::NewGuid().ToString('N') + $Suffix
    return New-Object System.IO.FileStream($temp, [System.IO.FileMode]::CreateNew, [System.IO.FileAccess]::Write, [System.IO.FileShare]::None)
}

function PlatformRemoveChecked {
    <#
    .SYNOPSIS
    Deletes a file or folder, refusing links anywhere under it.
    .PARAMETER Path
    What to delete.
    .PARAMETER Display
    The path as messages name it.
    .OUTPUTS
    Nothing.
    #>

    # Deletes a file or folder after checking that neither it nor anything under it is a link: Remove-Item -Recurse on a
    # junction would delete what it points to.
    param([string]$Path, [string]$Display)
    foreach ($facts in (SeamPathSecurity -Paths (PlatformTreePaths -Root $Path))) {
        if ($facts.exists -and $facts.reparse) { throw "$Display holds a link ($($facts.path)); nothing was deleted. Remove the link by hand (rmdir), then re-run." }
    }
    Remove-Item -LiteralPath $Path -Recurse -Force
}

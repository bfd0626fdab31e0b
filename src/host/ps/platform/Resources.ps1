# JAMS resources and entries: the maintenance resource, the root folder's requirement, the executing entries (their
# history: History.ps1).
# Dot-sourced by JamsUpgrade.psm1; npm run package joins the folder into one file in dist/ps. Windows PowerShell 5.1
# compatible, ASCII only.

function PlatformJamsItem {
    # Returns $null for a missing item (Test-Path first, whatever exception type the provider would throw); any other
    # error (server unreachable, no rights) is thrown by Get-Item.
    param([string]$Path)
    if (-not (Test-Path -LiteralPath $Path)) { return $null }
    return Get-Item -LiteralPath $Path -ErrorAction Stop
}

function PlatformRootFolder {
    # The root folder, JAMS::<server>\, as an MVPSI.JAMS.Folder. JAMS 7 keeps a folder's resource requirements among its
    # Elements (JAMSShr.dll 7.3 and 7.5: Folder.Elements, an ElementCollection); JAMS 6.x kept them in Requirements (ResReq),
    # a shape jams-upgrade does not support.
    # CHECK: the provider's item for JAMS::<server>\ is the root Folder (the vendor's V7 maintenance-window KB sets the
    # requirement on the root folder's Schedule tab).
    param([string]$Server)
    $root = Get-Item -LiteralPath ('JAMS::' + $Server + '\') -ErrorAction Stop
    if ($null -eq $root.PSObject.Properties['Elements']) {
        if ($null -ne $root.PSObject.Properties['Requirements']) {
            throw "The root folder of $Server keeps its requirements in Requirements, as JAMS 6.x does: jams-upgrade supports JAMS 7 and later."
        }
        throw "The root folder of $Server has no Elements (it has: $((PlatformMembers $root) -join ', '))."
    }
    return $root
}

function PlatformRootRequirement {
    # The root folder's MVPSI.JAMS.ResourceRequirement element for the resource, or $null.
    param([string]$Server, [string]$Name, $Root)
    if ($null -eq $Root) { $Root = PlatformRootFolder -Server $Server }
    foreach ($element in @($Root.Elements)) {
        if ($null -eq $element -or $null -eq $element.PSObject.Properties['ResourceName']) { continue }
        if ([string]$element.ResourceName -eq $Name) { return $element }
    }
    return $null
}

function PlatformGetResource {
    <#
    .SYNOPSIS
    A JAMS resource and whether the root folder requires it.
    .PARAMETER Server
    The JAMS server (a plain host name).
    .PARAMETER Name
    The resource's name.
    .OUTPUTS
    exists, quantity and rootRequires.
    #>

    # CHECK: resources are items JAMS::<server>\Resources\<name> with a QuantityAvailable property (vendor script
    # ManageMaintenanceWindow.ps1; the KB's Resource "Quantity Available").
    param([string]$Server, [string]$Name)
    PlatformJams
    $resource = PlatformJamsItem -Path ('JAMS::' + $Server + '\Resources\' + $Name)
    if ($null -ne $resource -and $null -eq $resource.PSObject.Properties['QuantityAvailable']) {
        throw "The resource JAMS::$Server\Resources\$Name has no QuantityAvailable member (it has: $((PlatformMembers $resource) -join ', '))."
    }
    $request = PlatformRootRequirement -Server $Server -Name $Name
    $quantity = $null
    if ($null -ne $resource) { $quantity = [int]$resource.QuantityAvailable }
    $required = $null
    if ($null -ne $request) { $required = [int]$request.QuantityRequired }
    return [ordered]@{
        server               = $Server
        name                 = $Name
        exists               = ($null -ne $resource)
        quantityAvailable    = $quantity
        requiredByRoot       = ($null -ne $request -and $required -gt 0)
        rootQuantityRequired = $required
    }
}

function PlatformSetResourceQuantity {
    <#
    .SYNOPSIS
    Sets a resource's Quantity Available.
    .PARAMETER Server
    The JAMS server (a plain host name).
    .PARAMETER Name
    The resource's name.
    .PARAMETER Quantity
    The new Quantity Available.
    .OUTPUTS
    Nothing.
    #>

    # The vendor's way: $r = Get-Item JAMS::<server>\Resources\<name>; $r.QuantityAvailable = n; $r.Update().
    param([string]$Server, [string]$Name, [int]$Quantity)
    PlatformJams
    $resource = Get-Item -LiteralPath ('JAMS::' + $Server + '\Resources\' + $Name) -ErrorAction Stop
    $resource.QuantityAvailable = $Quantity
    $resource.Update()
}

function PlatformNewResource {
    <#
    .SYNOPSIS
    Creates a resource.
    .PARAMETER Server
    The JAMS server (a plain host name).
    .PARAMETER Name
    The resource's name.
    .PARAMETER Quantity
    Its Quantity Available.
    .OUTPUTS
    Nothing.
    #>

    # CHECK: New-Item on the JAMS provider with -ItemType Resource creates a resource (the vendor snippets create triggers
    # and jobs this way), and QuantityAvailable can be set before Update().
    param([string]$Server, [string]$Name, [int]$Quantity)
    PlatformJams
    $resource = New-Item -Path ('JAMS::' + $Server + '\Resources\' + $Name) -ItemType Resource -ErrorAction Stop
    $resource.QuantityAvailable = $Quantity
    $resource.Update()
    PlatformAddRootRequirement -Server $Server -Name $Name -Quantity 1
}

function PlatformAddRootRequirement {
    <#
    .SYNOPSIS
    Makes the root folder require the resource.
    .PARAMETER Server
    The JAMS server (a plain host name).
    .PARAMETER Name
    The resource's name.
    .PARAMETER Quantity
    How many the root folder requires.
    .OUTPUTS
    Nothing.
    #>

    # JAMSShr.dll 7.x: new ResourceRequirement(resourceName, quantityRequired) added to Folder.Elements, saved by Update().
    # CHECK: the folder's Update() saves a requirement added this way, as the JAMS Client's Schedule tab does.
    param([string]$Server, [string]$Name, [int]$Quantity)
    PlatformJams
    $root = PlatformRootFolder -Server $Server
    if ($null -ne (PlatformRootRequirement -Server $Server -Name $Name -Root $root)) { return }
    $requirement = New-Object MVPSI.JAMS.ResourceRequirement -ArgumentList $Name, $Quantity
    [void]$root.Elements.Add($requirement)
    $root.Update()
}

function PlatformEntryView {
    # An MVPSI.JAMS.Entry (JAMSShr.dll 7.3 and 7.5): JAMSEntry (the number), JobName, StartTimeUTC (a DateTime) and
    # AvgElapsedTime (an MVPSI.JAMS.DeltaTime, whose TotalSeconds is an Int32).
    # CHECK: StartTimeUTC is when the entry started executing, in UTC (DateTime.MinValue, read as none, before it starts).
    # CHECK: AvgElapsedTime is the average run of the entry's job, 0 while the job has no run to average (read as none).
    param($Entry)
    $averageSeconds = $null
    $average = PlatformProperty $Entry @('AvgElapsedTime')
    if ($null -ne $average -and $null -ne $average.PSObject.Properties['TotalSeconds']) {
        $seconds = [int]$average.TotalSeconds
        if ($seconds -gt 0) { $averageSeconds = $seconds }
    }
    return [ordered]@{
        entry          = [string](PlatformProperty $Entry @('JAMSEntry', 'Entry'))
        name           = [string](PlatformProperty $Entry @('JobName', 'DisplayName', 'Name'))
        startedAt      = (PlatformUtcText (PlatformProperty $Entry @('StartTimeUTC')))
        averageSeconds = $averageSeconds
    }
}

function PlatformGetExecutingEntries {
    <#
    .SYNOPSIS
    The JAMS entries executing now.
    .PARAMETER Server
    The JAMS server (a plain host name).
    .OUTPUTS
    One item per entry.
    #>

    # CHECK: Get-JAMSEntry -Server <s> -State Executing lists the executing entries as MVPSI.JAMS.Entry objects, with
    # JAMSEntry and JobName (JAMSShr.dll's Entry; public scripts read .JAMSEntry and .FinalStatus of Get-JAMSEntry).
    param([string]$Server)
    PlatformJams
    $entries = New-Object System.Collections.ArrayList
    foreach ($e in @(Get-JAMSEntry -Server $Server -State Executing -ErrorAction Stop)) {
        if ($null -ne $e) { [void]$entries.Add((PlatformEntryView $e)) }
    }
    return $entries.ToArray()
}

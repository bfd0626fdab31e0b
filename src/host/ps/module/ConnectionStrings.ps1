# common.config's connection strings: server, database and authentication kind, never users or passwords.
# Dot-sourced by JamsUpgrade.psm1; npm run package joins the folder into one file in dist/ps. Windows PowerShell 5.1
# compatible, ASCII only.

function Get-JuDatabaseConnections {
    <#
    .SYNOPSIS
    The connection strings of common.config, without users or passwords.
    .PARAMETER Folder
    The JAMS Scheduler folder that holds common.config.
    .OUTPUTS
    path, exists, connections (name, form, dataSource, initialCatalog, integratedSecurity, error) and error for a file that does not parse.
    #>

    # The connection strings of common.config: each one's form, server, database and authentication kind, or why it
    # could not be read. Users and passwords stay here, and so does the text (it may hold a password).
    param([string]$Folder)
    $path = Join-Path (SeamMapPath -Path $Folder) 'common.config'
    $found = New-Object System.Collections.ArrayList
    if (-not (Test-Path -LiteralPath $path -PathType Leaf)) {
        return [ordered]@{ path = $path; exists = $false; connections = $found.ToArray() }
    }
    $document = New-Object System.Xml.XmlDocument
    $document.XmlResolver = $null
    try { $document.Load($path) }
    catch {
        # The parser's message may quote the file's text; the line number is enough to find the fault.
        $line = 0
        $inner = $_.Exception.InnerException
        if ($inner -is [System.Xml.XmlException]) { $line = $inner.LineNumber }
        return [ordered]@{ path = $path; exists = $true; connections = $found.ToArray(); error = "it is not well-formed XML (line $line)" }
    }
    foreach ($node in @($document.SelectNodes('//connectionStrings/add'))) {
        $entry = [ordered]@{ name = $node.GetAttribute('name') }
        $read = Read-JuConnectionString -Text $node.GetAttribute('connectionString')
        foreach ($key in @($read.Keys)) { $entry[$key] = $read[$key] }
        [void]$found.Add($entry)
    }
    return [ordered]@{ path = $path; exists = $true; connections = $found.ToArray() }
}

# The keywords that name the server and the database in SqlClient, OLE DB driver and ODBC driver strings.
$script:ServerKeywords = @('Data Source', 'Server', 'Address', 'Addr', 'Network Address')
$script:DatabaseKeywords = @('Initial Catalog', 'Database')

function New-JuConnectionBuilder {
    # A DbConnectionStringBuilder holding the text, or $null when the text breaks the rules asked for.
    param([string]$Text, [bool]$OdbcRules)
    $builder = New-Object System.Data.Common.DbConnectionStringBuilder($OdbcRules)
    try { $builder.set_ConnectionString($Text) } catch { return $null }
    return $builder
}

function Get-JuConnectionValue {
    # The one value the keywords name, or '' when none is present; two different values are an error, not a guess.
    param($Builder, [string[]]$Keywords, [string]$What, [bool]$OdbcRules)
    $values = @{}
    foreach ($keyword in $Keywords) {
        if (-not $Builder.ContainsKey($keyword)) { continue }
        $value = ([string]$Builder.get_Item($keyword)).Trim()
        # ODBC rules keep a braced value's braces ({a}}b} means a}b).
        if ($OdbcRules -and $value -match '^\{(.*)\}$') { $value = $Matches[1].Replace('}}', '}') }
        if ($value -ne '') { $values[$keyword] = $value }
    }
    $distinct = @($values.Values | Sort-Object -Unique)
    if ($distinct.Count -gt 1) { throw "it names the $What twice with different values ($(@($values.Keys | Sort-Object) -join ', '))" }
    if ($distinct.Count -eq 1) { return $distinct[0] }
    return ''
}

function Read-JuConnectionString {
    # One connection string, parsed by DbConnectionStringBuilder: SqlClient and OLE DB strings under the standard rules
    # (values quoted with " or '), ODBC strings (a Driver or DSN keyword) under ODBC's brace rules. The form comes from
    # the keywords: Provider is OLE DB, Driver or DSN is ODBC. Errors are fixed text: never any part of the string.
    param([string]$Text)
    $result = [ordered]@{ form = $null; dataSource = ''; initialCatalog = ''; integratedSecurity = $false }
    if ([string]::IsNullOrWhiteSpace($Text)) {
        $result['error'] = 'its connectionString attribute is empty or missing'
        return $result
    }
    $standard = New-JuConnectionBuilder -Text $Text -OdbcRules $false
    $odbc = $null
    if ($null -eq $standard -or $standard.ContainsKey('Driver') -or $standard.ContainsKey('DSN')) {
        $odbc = New-JuConnectionBuilder -Text $Text -OdbcRules $true
    }
    if ($null -ne $odbc -and ($odbc.ContainsKey('Driver') -or $odbc.ContainsKey('DSN'))) {
        $builder = $odbc
        $result['form'] = 'odbc'
    }
    elseif ($null -ne $standard -and -not ($standard.ContainsKey('Driver') -or $standard.ContainsKey('DSN'))) {
        $builder = $standard
        if ($standard.ContainsKey('Provider')) { $result['form'] = 'oledb' } else { $result['form'] = 'sqlclient' }
    }
    elseif ($null -ne $standard) {
        $result['form'] = 'odbc'
        $result['error'] = "it names an ODBC driver but does not follow ODBC's connection-string rules"
        return $result
    }
    else {
        $result['error'] = 'it does not parse as a connection string (keyword=value pairs separated by semicolons)'
        return $result
    }
    $odbcRules = $result['form'] -eq 'odbc'
    try {
        $result['dataSource'] = Get-JuConnectionValue -Builder $builder -Keywords $script:ServerKeywords -What 'server' -OdbcRules $odbcRules
        $result['initialCatalog'] = Get-JuConnectionValue -Builder $builder -Keywords $script:DatabaseKeywords -What 'database' -OdbcRules $odbcRules
    }
    catch {
        $result['error'] = $_.Exception.Message
        return $result
    }
    $integrated = ''
    if ($builder.ContainsKey('Integrated Security')) { $integrated = [string]$builder.get_Item('Integrated Security') }
    $trusted = ''
    if ($builder.ContainsKey('Trusted_Connection')) { $trusted = [string]$builder.get_Item('Trusted_Connection') }
    $result['integratedSecurity'] = (@('true', 'sspi', 'yes') -contains $integrated.Trim()) -or (@('yes', 'true') -contains $trusted.Trim())
    $missing = @()
    if ($result['dataSource'] -eq '') {
        if ($builder.ContainsKey('DSN')) { $missing += 'it names an ODBC data source (DSN), which keeps the server outside common.config' }
        else { $missing += "it names no server ($($script:ServerKeywords -join ', '))" }
    }
    if ($result['initialCatalog'] -eq '') { $missing += "it names no database ($($script:DatabaseKeywords -join ', '))" }
    if ($missing.Count -gt 0) { $result['error'] = $missing -join '; ' }
    return $result
}

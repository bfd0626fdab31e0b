# The lab's MSMQ module: Get-MsmqQueue and Get-MsmqQueueACL as Microsoft documents them (QueueName "private$\<name>";
# ACL entries with AccountName, AccessControlEntryType and Right), over the lab's queues of this node.
# Windows PowerShell 5.1 compatible, ASCII only.

function Get-MsmqQueue {
    [CmdletBinding()]
    param([string]$QueueType = 'Private', [string[]]$Name = @('*'))
    return LabWithState -ReadOnly {
        param($s)
        if ($QueueType -ne 'Private') { return }
        foreach ($key in @($s.nodes[$global:JuLab.node].queues.Keys)) {
            foreach ($pattern in $Name) {
                if ($key -like $pattern) { [pscustomobject]@{ QueueName = ('private$\' + $key); Transactional = $true }; break }
            }
        }
    }
}

function Get-MsmqQueueACL {
    [CmdletBinding()]
    param([Parameter(ValueFromPipeline = $true, Mandatory = $true)]$InputObject)
    process {
        $queue = ([string]$InputObject.QueueName) -replace '^private\$\\', ''
        LabWithState -ReadOnly {
            param($s)
            foreach ($ace in @($s.nodes[$global:JuLab.node].queues[$queue])) {
                [pscustomobject]@{ QueueName = $InputObject.QueueName; AccountName = $ace.account; AccessControlEntryType = $ace.type; Right = $ace.rights }
            }
        }
    }
}

Export-ModuleMember -Function Get-MsmqQueue, Get-MsmqQueueACL

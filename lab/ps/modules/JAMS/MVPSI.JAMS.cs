// The lab's stand-ins for the JAMS .NET types src/host/ps/platform/*.ps1 meets. Every public type, member and
// enum value here is in the vendor's own JAMSShr.dll (7.3.381 and 7.5.2.30) with the same type and shape:
// lab/jams-surface/*.json holds that surface, and __tests__/jams-surface.test.ts fails on anything invented. The lab's
// plumbing (how Load, Find, Deploy and Update reach the lab's state, the job stream behind History.Find) is named Lab*
// or is not public.
// C# 5, so Windows PowerShell 5.1's compiler takes it too.
using System;
using System.Collections;
using System.Collections.Generic;
using System.ComponentModel;

namespace MVPSI.JAMS
{
    public enum AgentType { Unknown = 0, Local = 1, Outgoing = 2, Incoming = 3, SSHAgentX = 4, SSH = 5, Custom = 6 }

    public enum AgentState
    {
        Unknown = 0, Idle = 1, Offline = 2, Unreachable = 3, Connecting = 4, Online = 5, Connected = 6, Disconnected = 7,
        Failed = 10, Timeout = 11
    }

    public enum AgentPlatform { Unknown = 0, Windows = 1, Linux = 2, OpenVMS = 3, AS400 = 4, ZOS = 5, Unix = 6, AIX = 13, HPUX = 14, Solaris = 15 }

    public enum EntryState
    {
        None = 0, Scheduled = 100, Timed = 200, Held = 300, PrerequisiteWait = 400, RequirementWait = 500,
        ConcurrentLimit = 600, ResourceWait = 700, Pending = 800, Starting = 890, Executing = 900, Idle = 950,
        WaitingToRetry = 975, Completed = 1000, CompletedKept = 1100, Rescheduling = 1200, Missing = 1300
    }

    public enum FailoverRole { Unknown = 0, Standalone = 1, Primary = 2, Secondary = 3 }

    public enum Severity { Success = 0, Info = 1, Warning = 2, Error = 3, Fatal = 4 }

    public enum HistorySearchOptions { None = 0, SearchArchive = 1 }

    // An elapsed time (Entry.AvgElapsedTime). What its public constructors' int means is not known, so the lab builds
    // one with LabFromSeconds.
    public struct DeltaTime
    {
        private readonly int _seconds;

        private DeltaTime(int seconds, bool lab) { _seconds = seconds; }

        public int TotalSeconds { get { return _seconds; } }

        public static DeltaTime LabFromSeconds(int seconds) { return new DeltaTime(seconds, true); }
    }

    public class Server
    {
        public Server(string serverName) { Name = serverName; }

        public string Name { get; private set; }

        public static Server GetServer(string serverName) { return new Server(serverName); }
    }

    public class PropertyValue
    {
        public PropertyValue() { }

        public PropertyValue(string propertyName, string typeName) { PropertyName = propertyName; }

        public string PropertyName { get; set; }
        public object CurrentValue { get; set; }
        public object Value { get { return CurrentValue; } }
    }

    // An object's properties by name; JAMS finds them whatever the case.
    public class PropertyValueCollection : IEnumerable<PropertyValue>
    {
        private readonly List<PropertyValue> _values = new List<PropertyValue>();

        public int Count { get { return _values.Count; } }

        public PropertyValue this[string propertyName] { get { return Find(propertyName); } }

        private PropertyValue Find(string propertyName)
        {
            foreach (PropertyValue v in _values)
            {
                if (string.Equals(v.PropertyName, propertyName, StringComparison.OrdinalIgnoreCase)) return v;
            }
            return null;
        }

        public void Add(string propertyName, object propertyValue)
        {
            PropertyValue v = new PropertyValue(propertyName, "System.String");
            v.CurrentValue = propertyValue;
            _values.Add(v);
        }

        public bool ContainsProperty(string propertyName) { return Find(propertyName) != null; }

        public object GetValue(string propertyName)
        {
            PropertyValue v = Find(propertyName);
            if (v == null) throw new KeyNotFoundException("The property " + propertyName + " is not defined.");
            return v.Value;
        }

        public string GetValueOrDefault(string propertyName, string defaultValue)
        {
            PropertyValue v = Find(propertyName);
            return v == null || v.Value == null ? defaultValue : v.Value.ToString();
        }

        public bool TryGetValue(string propertyName, out PropertyValue pv)
        {
            pv = Find(propertyName);
            return pv != null;
        }

        public IEnumerator<PropertyValue> GetEnumerator() { return _values.GetEnumerator(); }

        IEnumerator IEnumerable.GetEnumerator() { return _values.GetEnumerator(); }
    }

    // A folder's or job's elements (V7: schedule triggers, resource requirements, ...).
    public class Element
    {
        public Element() { }
    }

    public class ResourceRequirement : Element
    {
        public ResourceRequirement() { }

        public ResourceRequirement(string resourceName, int quantityRequired)
        {
            ResourceName = resourceName;
            QuantityRequired = quantityRequired;
        }

        public string ResourceName { get; set; }
        public int QuantityRequired { get; set; }
    }

    public class ElementCollection : BindingList<Element>
    {
        public ElementCollection() { }
    }

    public class Folder
    {
        public Folder() { Elements = new ElementCollection(); }

        public ElementCollection Elements { get; private set; }
        public string Name { get; private set; }
        public string QualifiedName { get; private set; }

        internal string LabServerName;
        public static Action<Folder, string> LabSaver;

        public static Folder LabCreate(string server, string name, string qualifiedName)
        {
            Folder folder = new Folder();
            folder.LabServerName = server;
            folder.Name = name;
            folder.QualifiedName = qualifiedName;
            return folder;
        }

        public void Update() { LabSaver(this, LabServerName); }
    }

    public class Resource
    {
        public Resource() { }

        public string ResourceName { get; set; }
        public int QuantityAvailable { get; set; }
        public string Description { get; set; }

        internal string LabServerName;
        public static Action<Resource, string> LabSaver;

        public static Resource LabCreate(string server, string name, int quantityAvailable)
        {
            Resource resource = new Resource();
            resource.LabServerName = server;
            resource.ResourceName = name;
            resource.QuantityAvailable = quantityAvailable;
            return resource;
        }

        public void Update() { LabSaver(this, LabServerName); }
    }

    // An entry in the JAMS monitor (Get-JAMSEntry).
    public class Entry
    {
        public Entry() { }

        public int JAMSEntry { get; set; }
        public string JobName { get; set; }
        public EntryState CurrentState { get; set; }
        public Severity FinalSeverity { get; set; }
        public string FinalStatus { get; set; }
        public DateTime StartTimeUTC { get; set; }
        public DeltaTime AvgElapsedTime { get; set; }
    }

    // A criterion of History.Find. JAMS's constructors take a HistorySelectionField and a ComparisonOperator, which the
    // lab does not fake: it answers an empty selection only, so it has no public constructor.
    public class HistorySelection
    {
        private HistorySelection() { }
    }

    // A completed entry in the JAMS history (History.Find). The lab's history is a synthetic job stream: completion k
    // ends at k * period (Unix ms) and fails (Error) when k % 25 == 0, or, from the degraded moment on, when k is even.
    // LabStreamOf answers for a server name { period in ms, the degraded moment in Unix ms or -1 for never }.
    public class History
    {
        public History() { }

        public int JAMSEntry { get; set; }
        public string JobName { get; set; }
        public Severity FinalSeverity { get; set; }
        public DateTime CompletionTimeUTC { get; set; }

        public static Func<string, long[]> LabStreamOf;

        private static readonly string[] LabJobs =
            { "Nightly-Billing", "GL-Close", "Hourly-Sync", "Invoice-Export", "Report-Daily" };

        private static long LabUnixMs(DateTime value)
        {
            // The lab reads the window as UTC (a Local time is converted, an Unspecified one taken as UTC); whether
            // JAMS does is unverified (docs/unverified.md, history).
            DateTime utc = value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value;
            return (utc.Ticks - 621355968000000000L) / 10000L;
        }

        public static ICollection<History> Find(IEnumerable<HistorySelection> historySelection, DateTime startDate,
            DateTime endDate, bool includeSuccess, bool includeInfo, bool includeWarning, bool includeError,
            bool includeFatal, bool checkSched, bool checkHold, bool checkStart, bool checkCompletion,
            HistorySearchOptions searchOptions, Server js)
        {
            if (historySelection != null && historySelection.GetEnumerator().MoveNext())
                throw new NotSupportedException("Lab: History.Find answers an empty selection only.");
            if (checkSched || checkHold || checkStart || !checkCompletion)
                throw new NotSupportedException("Lab: History.Find answers checkCompletion only.");
            long[] stream = LabStreamOf(js.Name);
            long period = stream[0] > 0 ? stream[0] : 200;
            long degradedFrom = stream[1];
            long start = LabUnixMs(startDate);
            long end = Math.Min(LabUnixMs(endDate), (DateTime.UtcNow.Ticks - 621355968000000000L) / 10000L);
            List<History> found = new List<History>();
            if (end < start) return found;
            long first = (start + period - 1) / period;
            long last = end / period;
            if (last - first > 2000000)
                throw new NotSupportedException("Lab: History.Find over more than 2,000,000 completions.");
            for (long k = first; k <= last; k++)
            {
                long at = k * period;
                bool fails = k % 25 == 0 || (degradedFrom >= 0 && at >= degradedFrom && k % 2 == 0);
                Severity severity = fails ? Severity.Error : Severity.Success;
                if (fails ? !includeError : !includeSuccess) continue;
                History h = new History();
                h.JAMSEntry = (int)(k % 1000000) + 100000;
                h.JobName = LabJobs[(int)(k % LabJobs.Length)];
                h.FinalSeverity = severity;
                h.CompletionTimeUTC = new DateTime(621355968000000000L + at * 10000L, DateTimeKind.Utc);
                found.Add(h);
            }
            return found;
        }
    }

    // An agent definition. Its deploy job, deploy credential and address are entries of Properties, not members.
    public class Agent
    {
        public Agent() { Properties = new PropertyValueCollection(); }

        public string AgentName { get; set; }
        public AgentType AgentType { get; set; }
        public AgentPlatform AgentPlatform { get; set; }
        public AgentState AgentState { get; private set; }
        public string Version { get; set; }
        public bool Online { get; set; }
        public PropertyValueCollection Properties { get; private set; }

        internal string LabServerName;
        public static Func<string, string, Agent> LabLoader;
        public static Func<string, string, Agent[]> LabFinder;
        public static Action<Agent, string> LabDeployer;

        public void LabSetState(AgentState state) { AgentState = state; }

        public static void Load(ref Agent agent, string agentName, Server js)
        {
            Agent found = LabLoader(agentName, js.Name);
            found.LabServerName = js.Name;
            agent = found;
        }

        public static IEnumerable<Agent> Find(string agentName, Server js)
        {
            Agent[] found = LabFinder(agentName, js.Name);
            foreach (Agent a in found) a.LabServerName = js.Name;
            return found;
        }

        public void Deploy() { LabDeployer(this, LabServerName); }
    }
}

// The lab's stand-ins for the JAMS .NET types that src/host/ps/Platform.Windows.ps1 uses. Member names follow the
// vendor's PowerShell samples (ResourceRequest: ResourceName, QuantityRequired) and the vendor's public calls
// (Server.GetServer, Agent.Load, Agent.Deploy); the agent's members are the names the platform file assumes.
// C# 5, so Windows PowerShell 5.1's compiler takes it too.
using System;

namespace MVPSI.JAMS
{
    public class ResourceRequest
    {
        public string ResourceName { get; set; }
        public int QuantityRequired { get; set; }
    }

    public class Server
    {
        private Server(string name) { ServerName = name; }

        public string ServerName { get; private set; }

        public static Server GetServer(string name) { return new Server(name); }
    }

    // An agent definition. The lab's JAMS module sets Loader and Deployer, so Load and Deploy read and change the lab.
    public class Agent
    {
        public string AgentName { get; set; }
        public string AgentType { get; set; }
        public string PlatformType { get; set; }
        public string Address { get; set; }
        public string Version { get; set; }
        public bool Online { get; set; }
        public string AgentState { get; set; }
        public string DeployJob { get; set; }
        public string DeployCredential { get; set; }

        internal string LabServer;

        public static Func<string, string, Agent> Loader;
        public static Action<Agent, string> Deployer;

        public static void Load(ref Agent agent, string name, Server server)
        {
            Agent found = Loader(name, server.ServerName);
            found.LabServer = server.ServerName;
            agent = found;
        }

        public void Deploy() { Deployer(this, LabServer); }
    }
}

// The lab's stand-ins for the JAMS .NET types that src/host/ps/Platform.Windows.ps1 constructs. Member names follow the
// vendor's PowerShell samples (ResourceRequest: ResourceName, QuantityRequired); nothing else of the real types is known.
// C# 5, so Windows PowerShell 5.1's compiler takes it too.
namespace MVPSI.JAMS
{
    public class ResourceRequest
    {
        public string ResourceName { get; set; }
        public int QuantityRequired { get; set; }
    }
}

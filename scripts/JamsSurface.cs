// Reads the public surface of a .NET assembly from its metadata alone (System.Reflection.Metadata): the assembly is
// never loaded, so no vendor code runs. Used by scripts/jams-surface.ts for the vendor's JAMSShr.dll and by the
// conformance test for the lab's own fakes. Compiled by pwsh's Add-Type (scripts/Read-JamsSurface.ps1).
using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.Json;

public static class JuSurfaceReader
{
    // Type names as C# would write them, enough to compare shapes: System.String, MVPSI.JAMS.Server, List`1<T>.
    private sealed class Names : ISignatureTypeProvider<string, object>
    {
        private readonly MetadataReader _md;
        public Names(MetadataReader md) { _md = md; }
        public string GetPrimitiveType(PrimitiveTypeCode code) { return "System." + code.ToString(); }
        public string GetTypeFromDefinition(MetadataReader r, TypeDefinitionHandle h, byte kind) { return FullName(r, h); }
        public string GetTypeFromReference(MetadataReader r, TypeReferenceHandle h, byte kind) { return RefName(r, h); }
        public string GetTypeFromSpecification(MetadataReader r, object ctx, TypeSpecificationHandle h, byte kind)
        {
            return r.GetTypeSpecification(h).DecodeSignature(this, ctx);
        }
        public string GetSZArrayType(string e) { return e + "[]"; }
        public string GetArrayType(string e, ArrayShape s) { return e + "[" + new string(',', s.Rank - 1) + "]"; }
        public string GetByReferenceType(string e) { return e + "&"; }
        public string GetPointerType(string e) { return e + "*"; }
        public string GetPinnedType(string e) { return e; }
        public string GetModifiedType(string m, string u, bool req) { return u; }
        public string GetGenericInstantiation(string g, ImmutableArray<string> a) { return g + "<" + string.Join(",", a) + ">"; }
        public string GetGenericMethodParameter(object ctx, int i) { return "!!" + i; }
        public string GetGenericTypeParameter(object ctx, int i) { return "!" + i; }
        public string GetFunctionPointerType(MethodSignature<string> s) { return "fnptr"; }
    }

    private static string FullName(MetadataReader r, TypeDefinitionHandle h)
    {
        TypeDefinition t = r.GetTypeDefinition(h);
        string name = r.GetString(t.Name);
        TypeDefinitionHandle outer = t.GetDeclaringType();
        if (!outer.IsNil) return FullName(r, outer) + "+" + name;
        string ns = r.GetString(t.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }

    private static string RefName(MetadataReader r, TypeReferenceHandle h)
    {
        TypeReference t = r.GetTypeReference(h);
        string name = r.GetString(t.Name);
        if (t.ResolutionScope.Kind == HandleKind.TypeReference) return RefName(r, (TypeReferenceHandle)t.ResolutionScope) + "+" + name;
        string ns = r.GetString(t.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }

    private static string BaseName(MetadataReader r, EntityHandle h, Names names)
    {
        if (h.IsNil) return null;
        switch (h.Kind)
        {
            case HandleKind.TypeDefinition: return FullName(r, (TypeDefinitionHandle)h);
            case HandleKind.TypeReference: return RefName(r, (TypeReferenceHandle)h);
            case HandleKind.TypeSpecification: return r.GetTypeSpecification((TypeSpecificationHandle)h).DecodeSignature(names, null);
        }
        return null;
    }

    private static bool IsPublicType(MetadataReader r, TypeDefinition t)
    {
        TypeAttributes v = t.Attributes & TypeAttributes.VisibilityMask;
        if (v == TypeAttributes.Public) return true;
        if (v != TypeAttributes.NestedPublic) return false;
        return IsPublicType(r, r.GetTypeDefinition(t.GetDeclaringType()));
    }

    private static bool IsPublic(MethodAttributes a) { return (a & MethodAttributes.MemberAccessMask) == MethodAttributes.Public; }

    private static object Constant(MetadataReader r, ConstantHandle h)
    {
        if (h.IsNil) return null;
        Constant c = r.GetConstant(h);
        BlobReader b = r.GetBlobReader(c.Value);
        switch (c.TypeCode)
        {
            case ConstantTypeCode.Byte: return b.ReadByte();
            case ConstantTypeCode.SByte: return b.ReadSByte();
            case ConstantTypeCode.Int16: return b.ReadInt16();
            case ConstantTypeCode.UInt16: return b.ReadUInt16();
            case ConstantTypeCode.Int32: return b.ReadInt32();
            case ConstantTypeCode.UInt32: return b.ReadUInt32();
            case ConstantTypeCode.Int64: return b.ReadInt64();
            case ConstantTypeCode.UInt64: return b.ReadUInt64();
            default: return null;
        }
    }

    private static List<Dictionary<string, object>> Parameters(MetadataReader r, MethodDefinition m, MethodSignature<string> sig)
    {
        string[] names = new string[sig.ParameterTypes.Length];
        foreach (ParameterHandle ph in m.GetParameters())
        {
            Parameter p = r.GetParameter(ph);
            if (p.SequenceNumber > 0 && p.SequenceNumber <= names.Length) names[p.SequenceNumber - 1] = r.GetString(p.Name);
        }
        List<Dictionary<string, object>> list = new List<Dictionary<string, object>>();
        for (int i = 0; i < names.Length; i++)
        {
            list.Add(new Dictionary<string, object> { { "name", names[i] ?? ("arg" + i) }, { "type", sig.ParameterTypes[i] } });
        }
        return list;
    }

    // Every public type whose namespace starts with one of the prefixes, as a JSON object keyed by full name.
    public static string Read(string path, string[] prefixes)
    {
        using (FileStream stream = File.OpenRead(path))
        using (PEReader pe = new PEReader(stream))
        {
            MetadataReader r = pe.GetMetadataReader();
            Names names = new Names(r);
            SortedDictionary<string, object> types = new SortedDictionary<string, object>(StringComparer.Ordinal);
            foreach (TypeDefinitionHandle th in r.TypeDefinitions)
            {
                TypeDefinition t = r.GetTypeDefinition(th);
                if (!IsPublicType(r, t)) continue;
                string full = FullName(r, th);
                if (!prefixes.Any(p => full.StartsWith(p, StringComparison.Ordinal))) continue;
                string baseType = BaseName(r, t.BaseType, names);
                string kind = "class";
                if ((t.Attributes & TypeAttributes.Interface) != 0) kind = "interface";
                else if (baseType == "System.Enum") kind = "enum";
                else if (baseType == "System.ValueType") kind = "struct";
                else if (baseType == "System.MulticastDelegate") kind = "delegate";
                Dictionary<string, object> type = new Dictionary<string, object>();
                type["kind"] = kind;
                if (baseType != null && kind == "class") type["base"] = baseType;

                if (kind == "enum")
                {
                    SortedDictionary<string, object> values = new SortedDictionary<string, object>(StringComparer.Ordinal);
                    foreach (FieldDefinitionHandle fh in t.GetFields())
                    {
                        FieldDefinition f = r.GetFieldDefinition(fh);
                        if ((f.Attributes & FieldAttributes.Literal) == 0) continue;
                        values[r.GetString(f.Name)] = Constant(r, f.GetDefaultValue());
                    }
                    type["values"] = values;
                    types[full] = type;
                    continue;
                }

                SortedDictionary<string, object> properties = new SortedDictionary<string, object>(StringComparer.Ordinal);
                HashSet<MethodDefinitionHandle> accessors = new HashSet<MethodDefinitionHandle>();
                foreach (PropertyDefinitionHandle ph in t.GetProperties())
                {
                    PropertyDefinition p = r.GetPropertyDefinition(ph);
                    PropertyAccessors a = p.GetAccessors();
                    if (!a.Getter.IsNil) accessors.Add(a.Getter);
                    if (!a.Setter.IsNil) accessors.Add(a.Setter);
                    bool get = !a.Getter.IsNil && IsPublic(r.GetMethodDefinition(a.Getter).Attributes);
                    bool set = !a.Setter.IsNil && IsPublic(r.GetMethodDefinition(a.Setter).Attributes);
                    if (!get && !set) continue;
                    MethodDefinition any = r.GetMethodDefinition(get ? a.Getter : a.Setter);
                    MethodSignature<string> sig = p.DecodeSignature(names, null);
                    string name = r.GetString(p.Name);
                    if (sig.ParameterTypes.Length > 0) name = name + "[]";
                    Dictionary<string, object> prop = new Dictionary<string, object> { { "type", sig.ReturnType } };
                    if ((any.Attributes & MethodAttributes.Static) != 0) prop["static"] = true;
                    if (!set) prop["readOnly"] = true;
                    properties[name] = prop;
                }
                foreach (EventDefinitionHandle eh in t.GetEvents())
                {
                    EventAccessors a = r.GetEventDefinition(eh).GetAccessors();
                    if (!a.Adder.IsNil) accessors.Add(a.Adder);
                    if (!a.Remover.IsNil) accessors.Add(a.Remover);
                }

                SortedDictionary<string, object> methods = new SortedDictionary<string, object>(StringComparer.Ordinal);
                List<object> constructors = new List<object>();
                foreach (MethodDefinitionHandle mh in t.GetMethods())
                {
                    MethodDefinition m = r.GetMethodDefinition(mh);
                    if (!IsPublic(m.Attributes) || accessors.Contains(mh)) continue;
                    string name = r.GetString(m.Name);
                    MethodSignature<string> sig = m.DecodeSignature(names, null);
                    List<Dictionary<string, object>> ps = Parameters(r, m, sig);
                    if (name == ".ctor") { constructors.Add(ps); continue; }
                    if (name == ".cctor") continue;
                    Dictionary<string, object> overload = new Dictionary<string, object> { { "returns", sig.ReturnType }, { "parameters", ps } };
                    if ((m.Attributes & MethodAttributes.Static) != 0) overload["static"] = true;
                    object list;
                    if (!methods.TryGetValue(name, out list)) { list = new List<object>(); methods[name] = list; }
                    ((List<object>)list).Add(overload);
                }

                SortedDictionary<string, object> fields = new SortedDictionary<string, object>(StringComparer.Ordinal);
                foreach (FieldDefinitionHandle fh in t.GetFields())
                {
                    FieldDefinition f = r.GetFieldDefinition(fh);
                    if ((f.Attributes & FieldAttributes.FieldAccessMask) != FieldAttributes.Public) continue;
                    Dictionary<string, object> field = new Dictionary<string, object> { { "type", f.DecodeSignature(names, null) } };
                    if ((f.Attributes & FieldAttributes.Static) != 0) field["static"] = true;
                    fields[r.GetString(f.Name)] = field;
                }

                if (properties.Count > 0) type["properties"] = properties;
                if (methods.Count > 0) type["methods"] = methods;
                if (fields.Count > 0) type["fields"] = fields;
                if (constructors.Count > 0) type["constructors"] = constructors;
                types[full] = type;
            }
            return JsonSerializer.Serialize(types);
        }
    }
}

namespace Containers.Images.Registry;

/// <summary>One parsed WWW-Authenticate challenge: scheme plus parameters (realm, service, scope, error).</summary>
public sealed record AuthChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    public string? Get(string key) => Parameters.TryGetValue(key, out var v) ? v : null;

    /// <summary>Parses RFC 7235 challenges, e.g. <c>Bearer realm="https://a/token",service="reg",scope="repository:x:pull"</c>.</summary>
    public static List<AuthChallenge> Parse(IEnumerable<string> headerValues)
    {
        var result = new List<AuthChallenge>();
        foreach (var header in headerValues)
        {
            int i = 0;
            while (i < header.Length)
            {
                while (i < header.Length && (header[i] == ' ' || header[i] == ',')) i++;
                int start = i;
                while (i < header.Length && header[i] != ' ' && header[i] != ',') i++;
                if (start == i) break;
                string scheme = header[start..i];
                var ps = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                while (i < header.Length)
                {
                    while (i < header.Length && (header[i] == ' ' || header[i] == ',')) i++;
                    int ks = i;
                    while (i < header.Length && header[i] != '=' && header[i] != ' ' && header[i] != ',') i++;
                    if (i >= header.Length || header[i] != '=') { i = ks; break; } // next token is a new scheme
                    string key = header[ks..i];
                    i++;
                    string value;
                    if (i < header.Length && header[i] == '"')
                    {
                        var sb = new System.Text.StringBuilder();
                        i++;
                        while (i < header.Length && header[i] != '"')
                        {
                            if (header[i] == '\\' && i + 1 < header.Length) i++;
                            sb.Append(header[i++]);
                        }
                        i++;
                        value = sb.ToString();
                    }
                    else
                    {
                        int vs = i;
                        while (i < header.Length && header[i] != ',') i++;
                        value = header[vs..i].Trim();
                    }
                    ps[key] = value;
                }
                result.Add(new AuthChallenge(scheme, ps));
            }
        }
        return result;
    }
}

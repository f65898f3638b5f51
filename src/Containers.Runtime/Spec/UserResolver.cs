namespace Containers.Runtime.Spec;

/// <summary>
/// Docker's --user forms ("name", "uid", "name:group", "uid:gid", ...) resolved against the container's own
/// /etc/passwd and /etc/group, as Docker does: the primary group from passwd, additional groups from the group file.
/// </summary>
public static class UserResolver
{
    public static UserSpec Resolve(string rootfs, string? user)
    {
        string userPart = string.IsNullOrEmpty(user) ? "0" : user.Split(':', 2)[0];
        string? groupPart = user?.Contains(':') == true ? user.Split(':', 2)[1] : null;
        var passwd = ReadDb(Init.SecureJoin.Resolve(rootfs, "/etc/passwd")); // in scope: a link in the image never leads to the host's
        var groups = ReadDb(Init.SecureJoin.Resolve(rootfs, "/etc/group"));

        // passwd: name:x:uid:gid:gecos:home:shell
        string[]? entry = uint.TryParse(userPart, out uint numericUid)
            ? passwd.FirstOrDefault(e => e.Length > 3 && e[2] == userPart)
            : passwd.FirstOrDefault(e => e[0] == userPart);
        if (entry is null && !uint.TryParse(userPart, out _))
            throw new ArgumentException($"unable to find user {userPart}: no matching entries in passwd file", nameof(user));
        uint uid = entry is not null ? uint.Parse(entry[2]) : numericUid;
        uint gid = entry is not null && entry.Length > 3 && uint.TryParse(entry[3], out uint g) ? g : 0;
        string? name = entry?[0];

        if (groupPart is not null)
        {
            if (uint.TryParse(groupPart, out uint numericGid)) gid = numericGid;
            else
            {
                var group = groups.FirstOrDefault(e => e[0] == groupPart)
                    ?? throw new ArgumentException($"unable to find group {groupPart}: no matching entries in group file", nameof(user));
                gid = uint.Parse(group[2]);
            }
        }
        // group: name:x:gid:member1,member2
        var additional = name is null ? [] : groups
            .Where(e => e.Length > 3 && e[3].Split(',').Contains(name) && uint.TryParse(e[2], out _))
            .Select(e => uint.Parse(e[2])).Where(x => x != gid).Distinct().Order().ToList();
        return new UserSpec { Uid = uid, Gid = gid, AdditionalGids = additional.Count > 0 ? additional : null };
    }

    private static List<string[]> ReadDb(string path) =>
        File.Exists(path)
            ? File.ReadLines(path).Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split(':')).Where(e => e.Length >= 3).ToList()
            : [];
}

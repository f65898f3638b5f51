using Containers.Runtime.Spec;

namespace Containers.Runtime.Tests;

/// <summary>--user names resolved from the container's /etc/passwd and /etc/group, then applied by a real container.</summary>
public sealed class UserResolverTests : IDisposable
{
    private readonly RuntimeFixture f = new();
    public void Dispose() => f.Dispose();

    [Theory]
    [InlineData("alice", 1000u, 1000u, new uint[] { 44, 50 })]
    [InlineData("alice:staff", 1000u, 50u, new uint[] { 44 })]
    [InlineData("1000:44", 1000u, 44u, new uint[] { 50 })]
    [InlineData("4242", 4242u, 0u, new uint[0])]
    [InlineData("", 0u, 0u, new uint[0])]
    public void ResolvesLikeDocker(string user, uint uid, uint gid, uint[] extra)
    {
        var b = f.Bundle("true");
        var u = UserResolver.Resolve(b.Rootfs, user);
        Assert.Equal(uid, u.Uid);
        Assert.Equal(gid, u.Gid);
        Assert.Equal(extra, u.AdditionalGids ?? []);
    }

    [Fact]
    public void UnknownNamesAreClearErrors()
    {
        var b = f.Bundle("true");
        Assert.Contains("unable to find user bob", Assert.Throws<ArgumentException>(() => UserResolver.Resolve(b.Rootfs, "bob")).Message);
        Assert.Contains("unable to find group wheel", Assert.Throws<ArgumentException>(() => UserResolver.Resolve(b.Rootfs, "alice:wheel")).Message);
    }

    [Fact]
    public void ResolvedUserIsWhatTheContainerRunsAs()
    {
        var b = f.Bundle("id");
        b.Spec.Process!.User = UserResolver.Resolve(b.Rootfs, "alice:staff");
        b.Save();
        Assert.Equal("uid=1000(alice) gid=50(staff) groups=44(video)\n", f.Run(b).Stdout);
    }
}

namespace Containers.Testing;

/// <summary>Waiting for something asynchronous to become true, with a generous deadline (a failure, never a timing assertion).</summary>
public static class Poll
{
    /// <summary>Polls <paramref name="condition"/> every 100 ms until it holds; fails the test naming <paramref name="what"/> after 20 s.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("timed out waiting for " + what);
            await Task.Delay(100);
        }
    }
}

using Xunit;

namespace Containers.Testing;

/// <summary>Waiting for something the engine does asynchronously (a container's state, a health check, a log line).</summary>
public static class Poll
{
    /// <summary>Polls every 100 ms until <paramref name="condition"/> holds; fails the test after <paramref name="seconds"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("timed out waiting for " + what);
            await Task.Delay(100);
        }
    }
}

using System.Text;
using Containers.Images.Content;
using Containers.Images.Tests.Infrastructure;

namespace Containers.Images.Tests;

/// <summary>The content store's commit rules on a real filesystem, with in-memory byte sources.</summary>
public sealed class ContentStoreTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly ContentStore _store;
    private readonly byte[] _data = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("0123456789abcdef", 20_000)));
    private readonly Digest _digest;

    public ContentStoreTests()
    {
        _store = new ContentStore(_dir.Path);
        _digest = Digest.Sha256Of(_data);
    }

    public void Dispose() => _dir.Dispose();

    private static BlobSource From(byte[] data, bool honourRange = true, int? cutAfter = null, List<long>? offsets = null) => (offset, _) =>
    {
        offsets?.Add(offset);
        long start = honourRange ? offset : 0;
        int end = cutAfter ?? data.Length;
        return Task.FromResult(new BlobSourceResponse(new MemoryStream(data[(int)start..end]), start));
    };

    [Fact]
    public async Task Commits_only_verified_content()
    {
        Assert.True(await _store.FetchAsync(_digest, _data.Length, From(_data), null, default));
        Assert.Equal(_data, _store.ReadAllBytes(_digest));
        Assert.False(await _store.FetchAsync(_digest, _data.Length, From(_data), null, default)); // already present

        var wrong = (byte[])_data.Clone();
        wrong[5] ^= 1;
        var other = Digest.Sha256Of(Encoding.UTF8.GetBytes("other"));
        var ex = await Assert.ThrowsAsync<DigestMismatchException>(() => _store.FetchAsync(other, wrong.Length, From(wrong), null, default));
        Assert.Contains(other.ToString(), ex.Message);
        Assert.False(_store.Exists(other));
        Assert.False(File.Exists(_store.IngestPath(other)));

        await Assert.ThrowsAsync<DigestMismatchException>(() => _store.FetchAsync(other, 3, From(wrong), null, default)); // longer than declared
        Assert.Throws<DigestMismatchException>(() => _store.Put(other, wrong));
        Assert.False(_store.Exists(other));
    }

    [Fact]
    public async Task Short_download_keeps_the_ingest_and_the_next_fetch_resumes_from_it()
    {
        var offsets = new List<long>();
        var ex = await Assert.ThrowsAsync<IOException>(() => _store.FetchAsync(_digest, _data.Length, From(_data, cutAfter: 100_000, offsets: offsets), null, default));
        Assert.Contains("connection closed after 100000", ex.Message);
        Assert.False(_store.Exists(_digest));
        Assert.Equal(100_000, _store.IngestedLength(_digest));

        Assert.True(await _store.FetchAsync(_digest, _data.Length, From(_data, offsets: offsets), null, default));
        Assert.Equal([0L, 100_000L], offsets);
        Assert.Equal(_data, _store.ReadAllBytes(_digest));
    }

    [Fact]
    public async Task Stale_ingests_are_removed_but_fresh_ones_kept()
    {
        await Assert.ThrowsAsync<IOException>(() => _store.FetchAsync(_digest, _data.Length, From(_data, cutAfter: 1000), null, default));
        Assert.Equal(0, _store.RemoveStaleIngests(TimeSpan.FromHours(1)));
        Assert.Equal(1000, _store.IngestedLength(_digest));
        File.SetLastWriteTimeUtc(_store.IngestPath(_digest), DateTime.UtcNow.AddDays(-2));
        Assert.Equal(1000, _store.RemoveStaleIngests(TimeSpan.FromHours(1)));
        Assert.Equal(0, _store.IngestedLength(_digest));
    }

    [Fact]
    public async Task Source_that_ignores_the_range_restarts_from_zero()
    {
        await Assert.ThrowsAsync<IOException>(() => _store.FetchAsync(_digest, _data.Length, From(_data, cutAfter: 50_000), null, default));
        Assert.True(await _store.FetchAsync(_digest, _data.Length, From(_data, honourRange: false), null, default));
        Assert.Equal(_data, _store.ReadAllBytes(_digest));
    }

    [Fact]
    public async Task Ingest_longer_than_the_blob_is_discarded()
    {
        File.WriteAllBytes(_store.IngestPath(_digest), new byte[_data.Length + 10]);
        Assert.True(await _store.FetchAsync(_digest, _data.Length, From(_data), null, default));
        Assert.Equal(_data, _store.ReadAllBytes(_digest));
    }

    [Fact]
    public async Task Concurrent_fetches_of_one_digest_share_one_download_and_all_see_progress()
    {
        var gate = new TaskCompletionSource();
        int calls = 0;
        BlobSource slow = async (offset, ct) =>
        {
            Interlocked.Increment(ref calls);
            await gate.Task;
            return new BlobSourceResponse(new MemoryStream(_data), 0);
        };
        long seenA = 0, seenB = 0;
        var a = _store.FetchAsync(_digest, _data.Length, slow, n => seenA = n, default);
        var b = _store.FetchAsync(_digest, _data.Length, slow, n => seenB = n, default);
        gate.SetResult();
        var results = await Task.WhenAll(a, b);
        Assert.Equal(1, calls);
        Assert.Equal([true, false], results);
        Assert.Equal(_data.Length, seenA);
        Assert.Equal(_data.Length, seenB);
    }

    [Fact]
    public async Task Sha512_blobs_are_verified_with_sha512()
    {
        var d = Digest.FromHash("sha512", System.Security.Cryptography.SHA512.HashData(_data));
        Assert.True(await _store.FetchAsync(d, _data.Length, From(_data), null, default));
        Assert.Equal(Path.Combine(_dir.Path, "blobs", "sha512", d.Hex), _store.BlobPath(d));
        Assert.Equal(_data, _store.ReadAllBytes(d));
    }

    [Fact]
    public void Digest_parsing_rejects_bad_input_with_clear_messages()
    {
        Assert.Equal("sha512", Digest.Parse("sha512:" + new string('a', 128)).Algorithm);
        Assert.StartsWith("unsupported digest algorithm", Assert.Throws<FormatException>(() => Digest.Parse("md5:" + new string('a', 32))).Message);
        Assert.StartsWith("invalid checksum digest length", Assert.Throws<FormatException>(() => Digest.Parse("sha256:abc")).Message);
        Assert.StartsWith("invalid checksum digest format", Assert.Throws<FormatException>(() => Digest.Parse("sha256")).Message);
        Assert.StartsWith("invalid checksum digest format", Assert.Throws<FormatException>(() => Digest.Parse("sha256:" + new string('A', 64))).Message);
    }
}

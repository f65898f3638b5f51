using System.Runtime.InteropServices;

namespace Containers.Interop;

/// <summary>
/// What differs between the CPU architectures we run on: syscall numbers (x86_64's own table vs asm-generic/unistd.h
/// for aarch64), the open flags that moved (O_DIRECTORY, O_NOFOLLOW), and the seccomp architectures of Docker's
/// default profile (moby's profile lists the native one plus its 32-bit compat ABIs). <see cref="EnsureSupported"/>
/// is the start-up guard: an architecture missing here is refused before any syscall number could be wrong.
/// </summary>
public sealed record Arch(
    string Name, long Setgroups, long Setresuid, long Setresgid, long Capget, long Capset, long PivotRoot, long Gettid, long Seccomp,
    int ODirectory, int ONoFollow, string[] SeccompArchitectures)
{
    public static readonly Arch X64 = new("x86_64", Setgroups: 116, Setresuid: 117, Setresgid: 119, Capget: 125, Capset: 126,
        PivotRoot: 155, Gettid: 186, Seccomp: 317, ODirectory: 0x10000, ONoFollow: 0x20000,
        SeccompArchitectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"]);

    public static readonly Arch Arm64 = new("aarch64", Setgroups: 159, Setresuid: 147, Setresgid: 149, Capget: 90, Capset: 91,
        PivotRoot: 41, Gettid: 178, Seccomp: 277, ODirectory: 0x4000, ONoFollow: 0x8000,
        SeccompArchitectures: ["SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"]);

    private static readonly Arch? current = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => X64,
        Architecture.Arm64 => Arm64,
        _ => null,
    };

    /// <summary>This process's architecture; throws <see cref="PlatformNotSupportedException"/> for one we have no table for.</summary>
    public static Arch Current => current ?? throw Unsupported();

    /// <summary>The start-up guard: call before doing anything that depends on syscall numbers or a seccomp profile.</summary>
    public static void EnsureSupported() => _ = Current;

    private static PlatformNotSupportedException Unsupported() => new(
        $"architecture {RuntimeInformation.ProcessArchitecture} is not supported: containers-runtime has syscall numbers and a " +
        $"seccomp profile for {X64.Name} and {Arm64.Name} only");
}

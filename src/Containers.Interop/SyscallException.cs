using System.Runtime.InteropServices;

namespace Containers.Interop;

/// <summary>A failed system call: carries errno and names the call and its operands.</summary>
public sealed class SyscallException(string operation, int errno)
    : IOException($"{operation}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})")
{
    public int Errno { get; } = errno;
    public string Operation { get; } = operation;
}

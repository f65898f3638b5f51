using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using static Containers.Interop.Libc;

namespace Containers.Interop;

/// <summary>
/// Runs a short piece of work inside another network namespace. A socket belongs to the namespace of the thread that
/// created it, for its whole life, whichever thread uses it later; so a dedicated OS thread (never a pool thread) joins
/// the namespace with setns(CLONE_NEWNET), runs the work, and joins the caller's namespace again (through an fd of it)
/// before it ends. The work must only create, bind and listen: no task, no logging, nothing that could start another
/// thread, which would inherit the foreign namespace. If the thread cannot get back, it ends anyway, what it made is
/// disposed and never handed out.
/// </summary>
public static class NetworkNamespaceThread
{
    /// <summary>
    /// Runs <paramref name="work"/> in the namespace at <paramref name="netnsPath"/> (e.g. /proc/PID/ns/net) and
    /// returns to <paramref name="ownNamespace"/>. The namespace file is opened by the caller's thread, so a missing
    /// one fails before any thread is started.
    /// </summary>
    public static T Run<T>(SafeFileHandle ownNamespace, string netnsPath, Func<T> work)
    {
        using var target = File.OpenHandle(netnsPath, FileMode.Open, FileAccess.Read);
        T? result = default;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            if (setns((int)target.DangerousGetHandle(), CLONE_NEWNET) != 0)
            {
                failure = new SyscallException($"setns {netnsPath}", Marshal.GetLastPInvokeError());
                return;
            }
            try { result = work(); }
            catch (Exception e) { failure = e; }
            if (setns((int)ownNamespace.DangerousGetHandle(), CLONE_NEWNET) != 0)
            {
                failure = new SyscallException("setns back to the caller's network namespace", Marshal.GetLastPInvokeError());
            }
        }, maxStackSize: 256 * 1024) { IsBackground = true, Name = "netns work" };
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            (result as IDisposable)?.Dispose();
            throw failure;
        }
        return result!;
    }
}

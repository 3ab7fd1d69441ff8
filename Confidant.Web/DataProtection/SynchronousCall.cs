namespace Confidant.Web.DataProtection;

/// <summary>
/// Data Protection's extension points (repository, encryptor, decryptor) are synchronous, while the store and the key
/// service are asynchronous. Data Protection calls them only to read or extend its ring (at start, once per refresh
/// interval, when a key is created), never once per request, so blocking a thread there is acceptable.
/// </summary>
internal static class SynchronousCall
{
    public static T Run<T>(Func<Task<T>> call)
    {
        // On a thread-pool thread with no synchronization context, so the awaited continuations cannot wait on this one.
#pragma warning disable VSTHRD002 // See above: the interfaces implemented leave no asynchronous option.
        return Task.Run(call).GetAwaiter().GetResult();
#pragma warning restore VSTHRD002
    }

    public static void Run(Func<Task> call) => Run(async () =>
    {
        await call();
        return true;
    });
}

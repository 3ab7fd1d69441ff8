using System.Reflection;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Confidant.Services.Errors;
using Confidant.Services.Revisions;
using Confidant.Services.Storage;
using static Confidant.Tests.Support.StoredItemSamples;

namespace Confidant.Tests.Services.Storage.DynamoDb;

/// <summary>
/// Writes that land between the single-item steps of another (there are no transactions): a second writer acts at
/// the exact moment the first is about to make a chosen DynamoDB call.
/// </summary>
public sealed partial class DynamoDbConfidantStoreTests
{
    [Fact]
    public async Task ArchiveAsync_RevisionWrittenWhileTheRecordsMove_UndoneAndTheRevisionKeptAsync()
    {
        var first = Credential(NewId());
        var second = first with { Revision = 2, ModifiedDate = At(2), Enabled = false };
        var third = second with { Revision = 3, ModifiedDate = At(3), Enabled = true };
        await Store.WriteRevisionAsync(first);
        await Store.WriteRevisionAsync(second);
        var archiving = CreateStore(_table, _archiveTable, ClientHook.Before<DeleteItemRequest>(
            dynalite.Client,
            "DeleteItemAsync",
            request => request.Key["id"].S == first.Id,
            () => Store.WriteRevisionAsync(third)));

        // The records are already moved when the current item is deleted; revision 3 lands just before that.
        await Assert.ThrowsAsync<RevisionConflictException>(() => archiving.ArchiveAsync(first.Id, 2, At(1000)));

        AssertSameItem(third, await Store.GetAsync(first.Id));
        Assert.Equal(3, (await Store.GetManyAsync(Enumerable.Range(1, 3).Select(n => RevisionId.Of(first.Id, n)))).Count);
        Assert.Empty((await Store.QueryArchiveAsync(DataType.Credential, PageRequest.All)).Items);
        Assert.Empty((await Store.QueryArchiveAsync(DataType.ArchiveCredential, PageRequest.All)).Items);
    }

    [Fact]
    public async Task WriteRevisionAsync_ArchivedBetweenItsTwoPuts_TakesItsRecordBackAsync()
    {
        var first = Credential(NewId());
        var second = first with { Revision = 2, ModifiedDate = At(2) };
        await Store.WriteRevisionAsync(first);
        var writing = CreateStore(_table, _archiveTable, ClientHook.Before<PutItemRequest>(
            dynalite.Client,
            "PutItemAsync",
            request => request.TableName == _table && request.Item["id"].S == first.Id,
            () => Store.ArchiveAsync(first.Id, 1, At(1000))));

        await Assert.ThrowsAsync<RevisionConflictException>(() => writing.WriteRevisionAsync(second));

        // Left behind, revision 2 would be rolled forward by the first write after a restore.
        Assert.Null(await Store.GetAsync(RevisionId.Of(first.Id, 2)));
        Assert.Null(await Store.GetAsync(first.Id));
        Assert.True(await Store.RestoreAsync(first.Id));
        AssertSameItem(first, await Store.GetAsync(first.Id));
    }

    /// <summary>An <see cref="IAmazonDynamoDB"/> that runs an action once, just before the first matching call.</summary>
    public class ClientHook : DispatchProxy
    {
        private IAmazonDynamoDB _inner = null!;
        private Func<MethodInfo, object?[]?, bool> _matches = null!;
        private Func<Task> _action = null!;
        private int _fired;

        public static IAmazonDynamoDB Before<TRequest>(IAmazonDynamoDB inner, string method, Func<TRequest, bool> matches, Func<Task> action)
        {
            var proxy = Create<IAmazonDynamoDB, ClientHook>();
            var hook = (ClientHook)(object)proxy;
            hook._inner = inner;
            hook._matches = (m, args) => m.Name == method && args?.FirstOrDefault() is TRequest request && matches(request);
            hook._action = action;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(targetMethod);
            if (!_matches(targetMethod, args) || Interlocked.Exchange(ref _fired, 1) == 1)
            {
                return targetMethod.Invoke(_inner, args);
            }

            var result = targetMethod.ReturnType.GetGenericArguments()[0];
            return typeof(ClientHook).GetMethod(nameof(AfterAsync), BindingFlags.NonPublic | BindingFlags.Instance)!
                .MakeGenericMethod(result)
                .Invoke(this, [targetMethod, args]);
        }

        private async Task<T> AfterAsync<T>(MethodInfo method, object?[]? args)
        {
            await _action();
            return await (Task<T>)method.Invoke(_inner, args)!;
        }
    }
}

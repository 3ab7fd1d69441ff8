using Confidant.Services.Audit;
using Confidant.Services.Audit.DynamoDb;
using Confidant.Services.Storage.DynamoDb;
using Confidant.Tests.Support;

namespace Confidant.Tests.Services.Audit;

[Collection(DynaliteCollection.Name)]
public sealed class DynamoDbItemSetsTests(DynaliteFixture dynalite) : IAsyncLifetime
{
    private readonly string _table = $"itemsets-{StoredItemSamples.NewId()[..12]}";
    private readonly DynamoDbWriteUnits _units = new();

    public Task InitializeAsync() => new TableBootstrapper(dynalite.Client, TimeProvider.System).EnsureTablesAsync([_table], default);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task EnsureAsync_ListStoredByThisProcess_IsNotWrittenAgainAsync()
    {
        var sets = new DynamoDbItemSets(dynalite.Client, _table, _units, TimeProvider.System);
        (string, IReadOnlyList<AuditItem>)[] list = [("set-a", Items("cred-1", "cred-2"))];

        await sets.EnsureAsync(list, default);
        var afterFirst = _units.Bookkeeping;
        await sets.EnsureAsync(list, default);

        Assert.True(afterFirst >= 3, $"a list and its two index items are three writes, {afterFirst} units counted");
        Assert.Equal(afterFirst, _units.Bookkeeping);
    }

    [Fact]
    public async Task ResolveAsync_ListStoredByAnotherProcess_IsReadFromTheTableAndThenKnownAsStoredAsync()
    {
        var writer = new DynamoDbItemSets(dynalite.Client, _table, new DynamoDbWriteUnits(), TimeProvider.System);
        var items = Items("cred-3");
        await writer.EnsureAsync([("set-b", items)], default);
        var reader = new DynamoDbItemSets(dynalite.Client, _table, _units, TimeProvider.System);

        var found = await reader.ResolveAsync(["set-b"], default);
        await reader.EnsureAsync([("set-b", items)], default);

        Assert.Equal(items, found["set-b"]);
        Assert.Equal(0, _units.Bookkeeping);
        await Assert.ThrowsAsync<InvalidDataException>(() => reader.ResolveAsync(["set-gone"], default));
    }

    private static AuditItem[] Items(params string[] ids) => [.. ids.Select((id, i) => new AuditItem("credential", id, i + 1))];
}

namespace Confidant.Tests.Support.Notifications;

/// <summary>One <see cref="SmtpReceiver"/> for a test class, started before the class's tests build their hosts.</summary>
public sealed class SmtpReceiverFixture : IAsyncLifetime
{
    public SmtpReceiver Receiver { get; private set; } = null!;

    public async Task InitializeAsync() => Receiver = await SmtpReceiver.StartAsync();

    public async Task DisposeAsync() => await Receiver.DisposeAsync();
}

using Confidant.Services.Notifications.Deliveries;
using Confidant.Services.Notifications.Email;
using Confidant.Tests.Support;
using Confidant.Tests.Support.Notifications;
using Microsoft.Extensions.Options;

namespace Confidant.Tests.Services.Notifications;

/// <summary>
/// E-mail through MailKit to a real SMTP server on loopback: what arrives (envelope, headers, body, login), retries
/// of transient replies with every attempt in the delivery log, and the refusals that end a message at once.
/// </summary>
public sealed class SmtpDeliveryTests : IAsyncLifetime
{
    private const string User = "confidant-mailer";
    private const string Password = "relay-password-from-the-environment";

    private SmtpReceiver _smtp = null!;

    public async Task InitializeAsync() => _smtp = await SmtpReceiver.StartAsync((User, Password));

    public async Task DisposeAsync() => await _smtp.DisposeAsync();

    [Fact]
    public async Task Send_ArrivesWithItsRecipientsSubjectAndBody_SentAsTheConfiguredUser()
    {
        await using var host = await StartAsync();
        var id = DeliveryAttemptIds.New();

        host.Get<IEmailSender>().Send(new EmailMessage(id, "incident_opened", ["alice@example.com", "bob@example.com"], "Rotate exposed secrets", "Rotate these keys.\nThank you."));

        var mail = await _smtp.NextAsync();
        Assert.Equal(["alice@example.com", "bob@example.com"], mail.EnvelopeTo);
        Assert.Equal("confidant@example.com", mail.EnvelopeFrom);
        Assert.Equal(["alice@example.com", "bob@example.com"], mail.Message.To.Mailboxes.Select(m => m.Address));
        Assert.Equal("\"Confidant\" <confidant@example.com>", mail.Message.From.ToString());
        Assert.Equal("Rotate exposed secrets", mail.Message.Subject);
        Assert.Equal("Rotate these keys.\nThank you.", mail.Body.ReplaceLineEndings("\n").TrimEnd('\n'));
        Assert.Equal($"{id}@example.com", mail.Message.MessageId);
        Assert.Equal(host.Time.GetUtcNow(), mail.Message.Date);
        Assert.Equal(User, mail.User);

        var attempt = Assert.Single(await DeliveryLogWatch.WaitForAsync(host.Get<DeliveryLogReader>(), id, 1));
        Assert.Equal((DeliveryChannels.Email, DeliveryChannels.SmtpEndpoint, 1, DeliveryOutcomes.Delivered, "250", (string?)null, (DateTimeOffset?)null),
            (attempt.Channel, attempt.Endpoint, attempt.Attempt, attempt.Outcome, attempt.Status, attempt.Error, attempt.NextRetry));
    }

    [Fact]
    public async Task Send_TransientReply_RetriedAfterTheBackoff_BothAttemptsLogged()
    {
        await using var host = await StartAsync();
        _smtp.FailNext(1, 451);
        var id = DeliveryAttemptIds.New();

        host.Get<IEmailSender>().Send(new EmailMessage(id, "unusual_access", ["security@example.com"], "Unusual access", "Look."));
        var first = Assert.Single(await DeliveryLogWatch.WaitForAsync(host.Get<DeliveryLogReader>(), id, 1));
        Assert.False(_smtp.HasPending);

        // The backoff waits on the injected clock: RetryDelaySeconds 10 means 5 to 10 s before the second attempt.
        Assert.Equal((DeliveryOutcomes.Retrying, "451"), (first.Outcome, first.Status));
        Assert.InRange(first.NextRetry!.Value, first.Time.AddSeconds(5), first.Time.AddSeconds(10));

        var mail = await ClockSteps.UntilAsync(host.Time, TimeSpan.FromSeconds(10), wait => _smtp.NextAsync(wait));
        Assert.Equal(["security@example.com"], mail.EnvelopeTo);
        var attempts = await DeliveryLogWatch.WaitForAsync(host.Get<DeliveryLogReader>(), id, 2);
        Assert.Equal([(1, DeliveryOutcomes.Retrying, "451"), (2, DeliveryOutcomes.Delivered, "250")], attempts.Select(a => (a.Attempt, a.Outcome, a.Status)));
    }

    [Fact]
    public async Task Send_PermanentReply_RefusedWithoutRetry_TheNextMessageStillGoes()
    {
        await using var host = await StartAsync();
        _smtp.FailNext(1, 554);
        var refused = DeliveryAttemptIds.New();
        var next = DeliveryAttemptIds.New();

        host.Get<IEmailSender>().Send(new EmailMessage(refused, "incident_opened", ["alice@example.com"], "First", "Refused."));
        host.Get<IEmailSender>().Send(new EmailMessage(next, "incident_opened", ["alice@example.com"], "Second", "Taken."));

        Assert.Equal("Second", (await _smtp.NextAsync()).Message.Subject);
        var attempt = Assert.Single(await DeliveryLogWatch.WaitForAsync(host.Get<DeliveryLogReader>(), refused, 1));
        Assert.Equal((DeliveryOutcomes.Refused, "554", (DateTimeOffset?)null), (attempt.Outcome, attempt.Status, attempt.NextRetry));
    }

    [Fact]
    public async Task Send_WrongPassword_RefusedAsAuthentication_AndNotRetried()
    {
        await using var host = await StartAsync(password: "not-the-password");
        var id = DeliveryAttemptIds.New();

        host.Get<IEmailSender>().Send(new EmailMessage(id, "incident_opened", ["alice@example.com"], "Subject", "Body"));

        var attempt = Assert.Single(await DeliveryLogWatch.WaitForAsync(host.Get<DeliveryLogReader>(), id, 1));
        Assert.Equal((DeliveryOutcomes.Refused, "authentication"), (attempt.Outcome, attempt.Error));
        Assert.False(_smtp.HasPending);
    }

    [Fact]
    public async Task Send_StartTlsRequiredButNotOffered_RefusedAndNothingSentInClear()
    {
        await using var host = await StartAsync(tls: "StartTls");
        var id = DeliveryAttemptIds.New();

        host.Get<IEmailSender>().Send(new EmailMessage(id, "incident_opened", ["alice@example.com"], "Subject", "Body"));

        var attempt = Assert.Single(await DeliveryLogWatch.WaitForAsync(host.Get<DeliveryLogReader>(), id, 1));
        Assert.Equal((DeliveryOutcomes.Refused, "unsupported"), (attempt.Outcome, attempt.Error));
        Assert.Empty(_smtp.Logins);
        Assert.False(_smtp.HasPending);
    }

    [Fact]
    public async Task Send_RelayNotListening_RetriedAsUnreachable()
    {
        var gone = await SmtpReceiver.StartAsync();
        await gone.DisposeAsync();

        await using var host = await StartAsync(gone);
        var id = DeliveryAttemptIds.New();

        host.Get<IEmailSender>().Send(new EmailMessage(id, "incident_opened", ["alice@example.com"], "Subject", "Body"));

        var attempt = Assert.Single(await DeliveryLogWatch.WaitForAsync(host.Get<DeliveryLogReader>(), id, 1));
        Assert.Equal((DeliveryOutcomes.Retrying, (string?)null, "unreachable"), (attempt.Outcome, attempt.Status, attempt.Error));
        Assert.NotNull(attempt.NextRetry);
    }

    [Theory]
    [InlineData("smtp.example.com", "None", "confidant@example.com", "Notifications:Smtp:Tls None sends the credentials in clear")]
    [InlineData("127.0.0.1", "None", "Confidant <confidant@example.com>", "Notifications:Smtp:From must be the sender's e-mail address.")]
    [InlineData("127.0.0.1", "7", "confidant@example.com", "Notifications:Smtp:Tls must be None, StartTls or Implicit.")]
    public async Task UnusableSmtpSettings_RefuseToStart_NamingTheKey(string smtpHost, string tls, string from, string failure)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => DomainHost.StartAsync(new Dictionary<string, string?>
        {
            ["Notifications:Smtp:Host"] = smtpHost,
            ["Notifications:Smtp:Tls"] = tls,
            ["Notifications:Smtp:From"] = from,
            ["Notifications:Smtp:Username"] = User,
            ["Notifications:Smtp:Password"] = Password,
        }));

        var message = error is OptionsValidationException validation ? string.Join("\n", validation.Failures) : error.ToString();
        Assert.Contains(failure, message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ContactsWithoutARelay_RefuseToStart()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => DomainHost.StartAsync(new Dictionary<string, string?>
        {
            ["Notifications:SecurityContacts:0"] = "security@example.com",
            ["Notifications:Groups:payments:0"] = "not an address",
        }));

        Assert.Contains("Notifications:SecurityContacts and Notifications:Groups are e-mail addresses: set Notifications:Smtp:Host too.", error.Failures);
        Assert.Contains("Notifications:Groups:payments holds 'not an address', which is not an e-mail address.", error.Failures);
    }

    private Task<DomainHost> StartAsync(string tls = "None", string password = Password) => StartAsync(_smtp, tls, password);

    private static Task<DomainHost> StartAsync(SmtpReceiver smtp, string tls = "None", string password = Password) =>
        DomainHost.StartAsync(NotificationSettings.Smtp(
            smtp,
            ("Notifications:Smtp:Tls", tls),
            ("Notifications:Smtp:Username", User),
            ("Notifications:Smtp:Password", password),
            ("Notifications:Smtp:RetryDelaySeconds", "10"),
            ("Notifications:Smtp:TimeoutSeconds", "5")));
}

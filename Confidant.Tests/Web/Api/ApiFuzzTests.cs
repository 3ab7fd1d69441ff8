using System.Text;
using System.Text.Json;
using Confidant.Services.Background;
using Confidant.Services.BlindCredentials;
using Confidant.Services.Cluster;
using Confidant.Services.ServiceMappings;
using Confidant.Services.Storage;
using Confidant.Tests.Support;

namespace Confidant.Tests.Web.Api;

/// <summary>
/// Robustness of every /v1 route against malformed bodies, paths and query strings, sent by a person and by a service
/// with valid tokens. The cases are fixed lists plus a fixed-seed generator, so every run sends the same requests.
/// Whatever is sent: no 5xx (the Python client retries those, spec §11.4), every error is JSON in the documented
/// shape (spec §1.4), and nothing stored changes.
/// </summary>
public sealed class ApiFuzzTests : IAsyncLifetime
{
    private ApiTestHost _host = null!;
    private HttpClient _user = null!;
    private HttpClient _service = null!;
    private string _credential = null!;
    private string _blind = null!;

    public async Task InitializeAsync()
    {
        _host = ApiTestHost.Create();
        _user = await _host.UserClientAsync("alice");
        _service = await _host.ServiceClientAsync("billing");
        _credential = (await _host.CreateCredentialAsync("db", ("password", "hunter2"))).Item.Id;
        _blind = (await _host.Get<BlindCredentialService>().CreateAsync(ApiTestHost.Alice, new BlindCredentialInput
        {
            Name = "blind",
            CredentialPairs = TestData.Json("{\"us-east-1\": \"Y2lwaGVydGV4dA==\"}"),
            DataKey = TestData.Json("{\"us-east-1\": \"a2V5\"}"),
            CipherType = "fernet",
            CipherVersion = 2,
            CredentialKeys = ["api_key"],
            Metadata = TestData.Json("{\"context\": {\"us-east-1\": {}}}"),
            Documentation = "client-side",
        })).Id;
        var mappings = _host.Get<ServiceMappingService>();
        await mappings.PutAsync(ApiTestHost.Alice, "billing", new ServiceMappingInput());
        _host.Factory.Time.Advance(TimeSpan.FromSeconds(1));
        await mappings.PutAsync(ApiTestHost.Alice, "billing", new ServiceMappingInput { Credentials = [_credential], BlindCredentials = [_blind] });
    }

    public async Task DisposeAsync()
    {
        _user.Dispose();
        _service.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task AnyRoute_MalformedBodies_NoServerErrorAndNothingStoredChanges()
    {
        var cases = BodyCases().ToList();

        await RunAsync(cases, minimum: 400);
    }

    [Fact]
    public async Task AnyRoute_MalformedPaths_NoServerErrorAndNothingStoredChanges()
    {
        var cases = PathCases().ToList();

        await RunAsync(cases, minimum: 400);
    }

    [Fact]
    public async Task AnyRoute_MalformedQueries_NoServerErrorAndNothingStoredChanges()
    {
        var cases = QueryCases().ToList();

        await RunAsync(cases, minimum: 150);
    }

    private async Task RunAsync(List<FuzzCase> cases, int minimum)
    {
        Assert.True(cases.Count >= minimum, $"only {cases.Count} cases");
        var before = await SnapshotAsync();
        var failures = new List<string>();
        foreach (var client in new[] { _user, _service })
        {
            foreach (var fuzz in cases)
            {
                if (await CheckAsync(client, fuzz) is { } failure)
                {
                    failures.Add(failure);
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count * 2} requests failed:\n" + string.Join("\n", failures.Take(25)));
        Assert.Equal(before, await SnapshotAsync());
    }

    private static async Task<string?> CheckAsync(HttpClient client, FuzzCase fuzz)
    {
        using var request = new HttpRequestMessage(new HttpMethod(fuzz.Method), new Uri(fuzz.Path, UriKind.Relative));
        if (fuzz.Body is not null)
        {
            request.Content = new ByteArrayContent(fuzz.Body);
            if (fuzz.ContentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", fuzz.ContentType);
            }
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var status = (int)response.StatusCode;
        var label = $"{fuzz.Method} {Shorten(fuzz.Path)} [{fuzz.Label}] → {status} {Shorten(text)}";
        if (status >= 500)
        {
            return label;
        }

        if (status < 400)
        {
            return null;
        }

        if (response.Content.Headers.ContentType?.MediaType != "application/json")
        {
            return label + " (not JSON)";
        }

        try
        {
            using var json = JsonDocument.Parse(text);
            var root = json.RootElement;
            var shaped = root.ValueKind == JsonValueKind.Object
                && (!root.EnumerateObject().Any() || (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String));
            return shaped ? null : label + " (no error string)";
        }
        catch (JsonException)
        {
            return label + " (invalid JSON)";
        }
    }

    private IEnumerable<FuzzCase> BodyCases()
    {
        var credential = new Dictionary<string, (string Base, Kind Kind)>
        {
            ["name"] = ("\"fuzz\"", Kind.Text),
            ["credential_pairs"] = ("{\"k\": \"v\"}", Kind.Pairs),
            ["metadata"] = ("{\"a\": \"b\"}", Kind.Object),
            ["documentation"] = ("\"doc\"", Kind.Text),
            ["enabled"] = ("true", Kind.Bool),
            ["tags"] = ("[\"t\"]", Kind.TextList),
        };
        var blind = new Dictionary<string, (string Base, Kind Kind)>
        {
            ["name"] = ("\"fuzz\"", Kind.Text),
            ["credential_pairs"] = ("{\"us-east-1\": \"Y2lwaGVy\"}", Kind.RegionMap),
            ["data_key"] = ("{\"us-east-1\": \"a2V5\"}", Kind.RegionMap),
            ["metadata"] = ("{\"context\": {\"us-east-1\": {}}}", Kind.Object),
            ["cipher_type"] = ("\"fernet\"", Kind.Text),
            ["cipher_version"] = ("2", Kind.Int),
            ["enabled"] = ("true", Kind.Bool),
            ["documentation"] = ("\"doc\"", Kind.Text),
            ["credential_keys"] = ("[\"k\"]", Kind.TextList),
        };
        var service = new Dictionary<string, (string Base, Kind Kind)>
        {
            ["account"] = ("null", Kind.Account),
            ["enabled"] = ("true", Kind.Bool),
            ["credentials"] = ($"[\"{_credential}\"]", Kind.TextList),
            ["blind_credentials"] = ($"[\"{_blind}\"]", Kind.TextList),
        };
        var archive = new Dictionary<string, (string Base, Kind Kind)> { ["force"] = ("false", Kind.Bool) };

        // Every field valid but the revision, which no credential here has: a mark whose body is refused.
        var exposure = new Dictionary<string, (string Base, Kind Kind)>
        {
            ["reason"] = ("\"leaked\"", Kind.Text),
            ["incident"] = ("\"INC-1\"", Kind.Text),
            ["revision"] = ("99", Kind.Int),
        };
        var routes = new (string Method, string Path, Dictionary<string, (string Base, Kind Kind)> Fields)[]
        {
            ("POST", "/v1/credentials", credential),
            ("PUT", $"/v1/credentials/{_credential}", credential),
            ("POST", $"/v1/credentials/{_credential}/archive", archive),
            ("POST", "/v1/blind_credentials", blind),
            ("PUT", $"/v1/blind_credentials/{_blind}", blind),
            ("PUT", "/v1/services/billing", service),
            ("PUT", "/v1/services/newservice", service),
            ("POST", $"/v1/credentials/{_credential}/exposure", exposure),
            ("POST", $"/v1/blind_credentials/{_blind}/exposure", exposure),
            ("POST", "/v1/services/billing/exposure", exposure),
        };
        var random = new XorShift(0x5EED_C0FF_EE15_2026);
        foreach (var (method, path, fields) in routes)
        {
            var valid = Object(fields.ToDictionary(f => f.Key, f => f.Value.Base));

            // Wrong types for every field, the other fields valid.
            foreach (var (field, (_, kind)) in fields)
            {
                foreach (var wrong in WrongValues(kind))
                {
                    var body = fields.ToDictionary(f => f.Key, f => f.Key == field ? wrong : f.Value.Base);
                    yield return new(method, path, $"{field}={wrong}", Utf8(Object(body)));
                }
            }

            // Structurally broken JSON.
            foreach (var raw in RawBodies(valid))
            {
                yield return new(method, path, "raw " + Shorten(raw), Utf8(raw));
            }

            // Fixed-seed truncations (a strict prefix of an object is never valid JSON) and invalid UTF-8 inserted.
            for (var i = 0; i < 8; i++)
            {
                var bytes = Utf8(valid);
                var cut = 1 + random.Next(bytes.Length - 1);
                yield return new(method, path, $"truncated at {cut}", bytes[..cut]);
                var at = random.Next(bytes.Length);
                var broken = bytes[..at].Concat(new[] { (byte)(0xF8 + random.Next(8)) }).Concat(bytes[at..]).ToArray();
                yield return new(method, path, $"invalid UTF-8 at {at}", broken);
            }

            // A valid body that is not declared as JSON (spec §1.1).
            foreach (var contentType in new[] { "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml", "text/json", "application/jsonx", null })
            {
                yield return new(method, path, $"content-type {contentType ?? "none"}", Utf8(valid), contentType);
            }

            // Huge: a field beyond the body limit, and a huge key.
            var first = fields.Keys.First();
            yield return new(method, path, "huge value", Utf8(Object(fields.ToDictionary(f => f.Key, f => f.Key == first ? $"\"{new string('a', 1_100_000)}\"" : f.Value.Base))));
            yield return new(method, path, "huge key", Utf8($"{{\"{new string('k', 200_000)}\": 1, \"enabled\": \"no\"}}"));
        }
    }

    private IEnumerable<FuzzCase> PathCases()
    {
        var random = new XorShift(0xD00D_FEED_1234_5678);
        string[] ids =
        [
            "nope", "0123456789abcdef0123456789abcdef", "a%2Fb", "%2F", "%2F..%2F", "%01", "a%09b", new string('x', 5000),
            "..", "%2E%2E", ".", "%20", "%FF", "%C3%28", "%3Cscript%3E", "%C3%BC", "billing-1", "billing-99999999999999999999",
            $"{_credential}-1", _credential, _blind, $"{_blind}-1", "billing", "%25", "a%3Bb", "-", "-1", random.Hex(32),
        ];
        string[] revisions = ["abc", "-1", "0", "99999999999999999999", "2147483648", "1e3", "None", "%2B1", "0x1", "%0A", "1.5", "%201", "%D9%A3", "1%2F2"];
        string[] getTemplates =
        [
            "/v1/credentials/{id}", "/v1/credentials/{id}/services", "/v1/archive/credentials/{id}", "/v1/blind_credentials/{id}",
            "/v1/blind_credentials/{id}/services", "/v1/archive/blind_credentials/{id}", "/v1/services/{id}",
            "/v1/archive/services/{id}", "/v1/grants/{id}", "/v1/jwks/token/{id}?environment=development", "/v1/jwks/public/{id}",
            "/v1/credentials/{id}/exposure", "/v1/blind_credentials/{id}/exposure", "/v1/incidents/{id}",
        ];
        foreach (var id in ids)
        {
            foreach (var template in getTemplates)
            {
                yield return new("GET", template.Replace("{id}", id, StringComparison.Ordinal), "id");
            }

            // Writes whose body is refused, so that only the path handling is exercised.
            yield return new("PUT", $"/v1/credentials/{id}", "id", Utf8("{\"enabled\": \"x\"}"));
            yield return new("PUT", $"/v1/blind_credentials/{id}", "id", Utf8("{\"enabled\": \"x\"}"));
            yield return new("PUT", $"/v1/services/{id}", "id", Utf8("{\"enabled\": \"x\"}"));
            yield return new("POST", $"/v1/credentials/{id}/archive", "id", Utf8("{\"force\": \"x\"}"));
            yield return new("POST", $"/v1/credentials/{id}/exposure", "id", Utf8("{\"reason\": 1}"));
            yield return new("POST", $"/v1/services/{id}/exposure", "id", Utf8("{\"reason\": 1}"));
            yield return new("PUT", $"/v1/grants/{id}", "id");
            foreach (var revision in revisions.Concat(["1", "2"]))
            {
                yield return new("GET", $"/v1/credentials/{id}/1/{revision}", "diff");
                yield return new("GET", $"/v1/services/{id}/{revision}/1", "diff");
                yield return new("GET", $"/v1/blind_credentials/{id}/{revision}", "no route");
                yield return new("GET", $"/v1/jwks/token/{id}/{revision}?environment=development", "expiry");
            }
        }

        foreach (var id in new[] { _credential, _blind, "billing", "nope", "a%2Fb", "%01" })
        {
            foreach (var revision in revisions)
            {
                yield return new("PUT", $"/v1/credentials/{id}/{revision}", "revert");
                yield return new("PUT", $"/v1/blind_credentials/{id}/{revision}", "revert");
                yield return new("PUT", $"/v1/services/{id}/{revision}", "revert");
            }
        }

        foreach (var path in new[] { "/v1/nothing", "/v1/credentials/a/b/c/d", "/v1", "/v1/services/billing/1/2/3", "/v1/%01", "/v1/" + new string('s', 10_000) })
        {
            yield return new("GET", path, "no route");
            yield return new("DELETE", path, "no route");
        }

        yield return new("DELETE", $"/v1/credentials/{_credential}", "wrong method");
        yield return new("POST", "/v1/services/billing", "wrong method", Utf8("{}"));
        yield return new("PATCH", $"/v1/blind_credentials/{_blind}", "wrong method", Utf8("{}"));
    }

    private IEnumerable<FuzzCase> QueryCases()
    {
        var random = new XorShift(0xBADC_0DE5_0000_0001);
        string[] limits = ["", "abc", "-1", "0", "1", "99999999999", "1.5", "%00", "1e9", "2147483647", "-2147483648", new string('9', 3000), "%FF", "%20%201"];
        var pages = new List<string>
        {
            string.Empty, "!!!", "AAAA", "eyJ9", "====", "%00", "%FF", new string('A', 10_001),
            B64("{\"id\": 1}"), B64("{\"id\": {\"S\": \"x\"}}"), B64("[]"), B64("null"), B64("\"text\""),
            B64("{\"id\": {\"S\": \"zzz\"}, \"data_type\": {\"S\": \"credential\"}, \"modified_date\": {\"S\": \"garbage\"}}"),
            B64("{\"id\": {\"S\": \"zzz\"}, \"data_type\": {\"S\": \"nonsense\"}, \"modified_date\": {\"S\": \"2026-01-15T12:00:00.000000+0000\"}}"),
            B64("{\"id\": {\"N\": \"1\"}, \"data_type\": {\"B\": \"eA==\"}, \"modified_date\": {\"S\": \"\"}}"),
            B64("{\"id\": {\"S\": \"" + new string('z', 5000) + "\"}, \"data_type\": {\"S\": \"service\"}, \"modified_date\": {\"S\": \"9999-99-99\"}}"),
        };
        for (var i = 0; i < 6; i++)
        {
            pages.Add(Convert.ToBase64String(random.Bytes(1 + random.Next(64))));
        }

        foreach (var environment in limits)
        {
            yield return new("GET", $"/v1/jwks/token?environment={environment}", "environment");
            yield return new("GET", $"/v1/jwks/token/bob?environment={environment}&environment=development", "environment");
        }

        string[] lists = ["/v1/credentials", "/v1/services", "/v1/archive/credentials", "/v1/archive/services", "/v1/archive/blind_credentials", "/v1/blind_credentials"];
        foreach (var list in lists)
        {
            foreach (var limit in limits)
            {
                yield return new("GET", $"{list}?limit={limit}", "limit");
            }

            foreach (var page in pages)
            {
                yield return new("GET", $"{list}?limit=2&page={Uri.EscapeDataString(page)}", "page");
                yield return new("GET", $"{list}?page={Uri.EscapeDataString(page)}", "page without limit");
            }

            yield return new("GET", $"{list}?limit=1&limit=2&page=a&page=b", "repeated");
        }

        foreach (var flag in new[] { "", "TRUE", "yes", "%00", "1%00", "[]", "True&metadata_only=False", new string('1', 5000) })
        {
            yield return new("GET", $"/v1/services/billing?metadata_only={flag}", "metadata_only");
            yield return new("GET", $"/v1/credentials/{_credential}?metadata_only={flag}", "metadata_only");
        }
    }

    private static IEnumerable<string> WrongValues(Kind kind) => kind switch
    {
        Kind.Text => ["123", "true", "[]", "{\"a\": \"b\"}", "[\"x\"]"],
        Kind.Bool => ["\"true\"", "1", "0", "[]", "{}", "null", "\"False\""],
        Kind.TextList => ["\"a\"", "1", "{\"a\": 1}", "[1]", "[null]", "[[\"a\"]]", "true"],
        Kind.Object => ["\"x\"", "1", "[]", "true", "null", "[{\"a\": 1}]"],
        Kind.Pairs => ["\"x\"", "1", "[]", "true", "[[\"k\", \"v\"]]", "{\"k\": {\"nested\": 1}}", "{\"k\": [\"a\"]}", "{\"bad key\": \"v\"}", "{}"],
        Kind.RegionMap => ["\"x\"", "1", "[]", "true", "{}", "{\"us-east-1\": 1}", "{\"us-east-1\": {\"a\": 1}}"],
        Kind.Int => ["\"x\"", "1.5", "[]", "{}", "true", "0", "-3", "\"2x\"", "99999999999"],
        Kind.Account => ["123", "true", "[]", "{}", "\"nobody\""],
    };

    private static IEnumerable<string> RawBodies(string valid) =>
    [
        "[]", "[{}]", $"[{valid}]", "null", "\"text\"", "123", "true", "{", "}", "{\"a\":}", "{'single': 'quotes'}",
        "{\"enabled\": \"x\",}", "NaN", valid + "garbage", "{\"enabled\": \"x\"}{\"b\": 2}", "\uFEFF{\"enabled\": \"x\"}",
        new string('[', 5000) + new string(']', 5000),
        "{\"metadata\": " + string.Concat(Enumerable.Repeat("{\"a\": ", 200)) + "1" + new string('}', 200) + ", \"enabled\": \"x\"}",
        "{\"enabled\": \"x\", \"enabled\": 1}", "{\"name\": \"\\ud800\", \"enabled\": \"x\"}",
        "{\"credentials\": [\"\\udc00\"], \"credential_pairs\": {\"\\ud800\": \"v\"}, \"enabled\": \"x\"}", "{\"enabled\": \"\\ud800\"}", "{\"enabled\": tru}", " ",
    ];

    /// <summary>
    /// Every stored item of both tables, serialized, in a stable order; but for the bookkeeping servers keep in step by
    /// (the change beacon, leases on background work), which moves on its own schedule.
    /// </summary>
    private async Task<List<string>> SnapshotAsync()
    {
        var store = _host.Get<IConfidantStore>();
        var items = new List<string>();
        foreach (var type in Enum.GetValues<DataType>())
        {
            foreach (var item in (await store.QueryAsync(type, PageRequest.All)).Items.Concat((await store.QueryArchiveAsync(type, PageRequest.All)).Items))
            {
                if (item.Id == ChangeBeacon.ItemId || item.Id.StartsWith(StoreLease.IdPrefix, StringComparison.Ordinal))
                {
                    continue;
                }

                items.Add(JsonSerializer.Serialize(item, item.GetType()));
            }
        }

        items.Sort(StringComparer.Ordinal);
        Assert.True(items.Count >= 5, "the seed data is missing from the snapshot");
        return items;
    }

    private static string Object(Dictionary<string, string> fields) =>
        "{" + string.Join(", ", fields.Select(f => $"\"{f.Key}\": {f.Value}")) + "}";

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static string Shorten(string text) => text.Length <= 120 ? text : text[..120] + "…";

    private enum Kind
    {
        Text,
        Bool,
        TextList,
        Object,
        Pairs,
        RegionMap,
        Int,
        Account,
    }

    private sealed record FuzzCase(string Method, string Path, string Label, byte[]? Body = null, string? ContentType = "application/json");

    /// <summary>xorshift64*: deterministic, test-only (System.Random is banned; nothing here is secret).</summary>
    private sealed class XorShift(ulong seed)
    {
        private ulong _state = seed;

        public int Next(int bound)
        {
            _state ^= _state >> 12;
            _state ^= _state << 25;
            _state ^= _state >> 27;
            return (int)((_state * 0x2545F4914F6CDD1DUL) >> 33) % Math.Max(bound, 1);
        }

        public byte[] Bytes(int count) => Enumerable.Range(0, count).Select(_ => (byte)Next(256)).ToArray();

        public string Hex(int length) => string.Concat(Enumerable.Range(0, length).Select(_ => "0123456789abcdef"[Next(16)]));
    }
}

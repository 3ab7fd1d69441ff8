using Confidant.Tests.Support;

namespace Confidant.Tests.Web.Api;

// The route tests, written once, run on each backend: SQLite with the local key ring, and DynamoDB (dynalite) with
// AWS KMS (moto) configured through settings as a deployment configures them.
public sealed class LocalCredentialEndpointsTests() : CredentialEndpointsTests(ApiBackend.Local);

[Collection(AwsBackendCollection.Name)]
public sealed class AwsCredentialEndpointsTests(DynaliteFixture dynalite, MotoServerFixture moto)
    : CredentialEndpointsTests(ApiBackend.Aws(dynalite, moto));

public sealed class LocalBlindCredentialEndpointsTests() : BlindCredentialEndpointsTests(ApiBackend.Local);

[Collection(AwsBackendCollection.Name)]
public sealed class AwsBlindCredentialEndpointsTests(DynaliteFixture dynalite, MotoServerFixture moto)
    : BlindCredentialEndpointsTests(ApiBackend.Aws(dynalite, moto));

public sealed class LocalServiceMappingEndpointsTests() : ServiceMappingEndpointsTests(ApiBackend.Local);

[Collection(AwsBackendCollection.Name)]
public sealed class AwsServiceMappingEndpointsTests(DynaliteFixture dynalite, MotoServerFixture moto)
    : ServiceMappingEndpointsTests(ApiBackend.Aws(dynalite, moto));

public sealed class LocalIdentityEndpointsTests() : IdentityEndpointsTests(ApiBackend.Local);

[Collection(AwsBackendCollection.Name)]
public sealed class AwsIdentityEndpointsTests(DynaliteFixture dynalite, MotoServerFixture moto)
    : IdentityEndpointsTests(ApiBackend.Aws(dynalite, moto));

// Certificates: the local CA on the embedded defaults; an AWS Private CA (moto's acm-pca) with DynamoDB and AWS KMS.
public sealed class LocalCertificateEndpointsTests() : CertificateEndpointsTests(ApiBackend.Local, CertificateBackend.Local);

[Collection(AwsBackendCollection.Name)]
public sealed class AwsCertificateEndpointsTests(DynaliteFixture dynalite, MotoServerFixture moto)
    : CertificateEndpointsTests(ApiBackend.Aws(dynalite, moto), CertificateBackend.AcmPca(moto));

// JWTs: generated keys on both backends.
public sealed class LocalJwtEndpointsTests() : JwtEndpointsTests(ApiBackend.Local);

[Collection(AwsBackendCollection.Name)]
public sealed class AwsJwtEndpointsTests(DynaliteFixture dynalite, MotoServerFixture moto)
    : JwtEndpointsTests(ApiBackend.Aws(dynalite, moto));

// The audit trail's routes: the ledger on SQLite, and on DynamoDB (dynalite) with checkpoints MACed by AWS KMS (moto).
public sealed class LocalAuditEndpointsTests() : AuditEndpointsTests(ApiBackend.Local);

[Collection(AwsBackendCollection.Name)]
public sealed class AwsAuditEndpointsTests(DynaliteFixture dynalite, MotoServerFixture moto)
    : AuditEndpointsTests(ApiBackend.Aws(dynalite, moto));

// Exposure: marks, blast radius and incidents on SQLite with the local ring, and on DynamoDB with AWS KMS's HMAC key.
public sealed class LocalExposureEndpointsTests() : ExposureEndpointsTests(ApiBackend.Local);

[Collection(AwsBackendCollection.Name)]
public sealed class AwsExposureEndpointsTests(DynaliteFixture dynalite, MotoServerFixture moto)
    : ExposureEndpointsTests(ApiBackend.Aws(dynalite, moto));

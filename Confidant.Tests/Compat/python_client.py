"""What an unchanged Python Confidant stack does, rebuilt from its own libraries (boto3, requests, cryptography).

token   <confidant_url> <kms_url> <auth_key> <from> <to> <service>
        Mints a kmsauth v2 token exactly as python-kmsauth 0.6.3 does (json.dumps payload, back-dated three
        minutes, KMS Encrypt with the {from, to, user_type} context, standard base64) and calls
        GET /v1/services/<service>?metadata_only=False the way confidant-client 2.7.1 does (HTTP Basic,
        no redirects). Prints {"status": <code>, "body": <json>}.
decrypt <kms_url> <credential_id> <data_key_b64> <credential_pairs>
        Decrypts an at-rest credential as the Confidant server does (spec section 7.1). Prints the pairs JSON.
certificates <confidant_url> <kms_url> <auth_key> <from> <to> <ca> <cn> <san>
        As a service, makes the certificate calls of confidant-client 2.7.1 (spec section 5): list_cas
        (GET /v1/cas), get_ca (GET /v1/cas/<ca>), get_certificate (GET /v1/certificates/<ca>/<cn>?validity=120, and
        with &san=... as the client builds it when given SANs), get_certificate_from_csr (POST /v1/certificates/<ca>,
        which sends no body), and then the request that last method meant to send: a CSR made with cryptography in
        a JSON body. Checks with cryptography that what is issued is signed by the CA's certificate and that the
        returned key belongs to its certificate. Prints one JSON object with the findings.
jwt     <confidant_url> <kms_url> <user_auth_key> <from> <to> <environment> <resource_id> <expiry>
        As a person with a kmsauth user token, runs confidant-client 2.7.1's get_jwt (GET /v1/jwks/token[/<id>][/<expiry>]
        ?environment=..., "-" leaves a segment out) and get_jwks (GET /v1/jwks/public/<environment>), then checks the
        token's RS256 signature with the JWKS key its kid names, using cryptography alone. Prints both results, the
        decoded header and claims, and whether the signature verified.
"""
import base64
import datetime
import json
import sys

import boto3
import requests
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID


def kms(url):
    return boto3.client(
        "kms",
        region_name="us-east-1",
        endpoint_url=url,
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )


def kmsauth(kms_url, auth_key, from_, to, user_type):
    """(username, token) of a kmsauth v2 token, as python-kmsauth 0.6.3 mints it."""
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    not_before = (now - datetime.timedelta(minutes=3)).strftime("%Y%m%dT%H%M%SZ")
    not_after = (now + datetime.timedelta(minutes=7)).strftime("%Y%m%dT%H%M%SZ")
    payload = json.dumps({"not_before": not_before, "not_after": not_after})
    context = {"from": from_, "to": to, "user_type": user_type}
    blob = kms(kms_url).encrypt(KeyId=auth_key, Plaintext=payload, EncryptionContext=context)["CiphertextBlob"]
    return "2/{0}/{1}".format(user_type, from_), base64.b64encode(blob).decode("utf-8")


def token(confidant_url, kms_url, auth_key, from_, to, service):
    response = requests.get(
        "{0}/v1/services/{1}".format(confidant_url, service),
        params={"metadata_only": False},
        auth=kmsauth(kms_url, auth_key, from_, to, "service"),
        allow_redirects=False,
        timeout=5,
    )
    try:
        body = response.json()
    except ValueError:
        body = None
    print(json.dumps({"status": response.status_code, "body": body}))


def decrypt(kms_url, credential_id, data_key_b64, credential_pairs):
    plaintext = kms(kms_url).decrypt(
        CiphertextBlob=base64.b64decode(data_key_b64),
        EncryptionContext={"id": credential_id},
    )["Plaintext"]
    print(Fernet(plaintext).decrypt(credential_pairs.encode("utf-8")).decode("utf-8"))


def issued_by(certificate_pem, ca_pem):
    try:
        x509.load_pem_x509_certificate(certificate_pem.encode("utf-8")).verify_directly_issued_by(
            x509.load_pem_x509_certificate(ca_pem.encode("utf-8")))
        return True
    except Exception:  # noqa: BLE001 - any failure means "not issued by that CA"
        return False


def certificates(confidant_url, kms_url, auth_key, from_, to, ca, cn, san):
    auth = kmsauth(kms_url, auth_key, from_, to, "service")

    def call(method, path, **kwargs):
        # confidant-client's _execute_request: Basic auth, no redirects, its timeout.
        return getattr(requests, method)(confidant_url + path, auth=auth, allow_redirects=False, timeout=5, **kwargs)

    found = {}
    listed = call("get", "/v1/cas")
    found["list_cas"] = {"status": listed.status_code, "names": [c["ca"] for c in listed.json()["cas"]]}
    got = call("get", "/v1/cas/{0}".format(ca))
    ca_pem = got.json()["certificate"]
    found["get_ca"] = {"status": got.status_code, "fields": sorted(got.json())}

    for label, sans in (("get_certificate", []), ("get_certificate_with_san", [cn, san])):
        _san = "&{0}".format("&".join(["san={}".format(i) for i in sans])) if sans else ""
        issued = call("get", "/v1/certificates/{0}/{1}?validity={2}{3}".format(ca, cn, 120, _san))
        body = issued.json()
        if issued.status_code != 200:
            found[label] = {"status": issued.status_code, "body": body}
            continue
        certificate = x509.load_pem_x509_certificate(body["certificate"].encode("utf-8"))
        key = serialization.load_pem_private_key(body["key"].encode("utf-8"), password=None)
        try:
            names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(x509.DNSName)
        except x509.ExtensionNotFound:
            names = []
        found[label] = {
            "status": issued.status_code,
            "fields": sorted(body),
            "issued_by_ca": issued_by(body["certificate"], ca_pem),
            "key_is_pkcs1_rsa": body["key"].startswith("-----BEGIN RSA PRIVATE KEY-----"),
            "key_matches": key.public_key().public_numbers() == certificate.public_key().public_numbers(),
            "cn": certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value,
            "san": names,
        }

    # get_certificate_from_csr as shipped: its data= argument is swallowed by str.format, so no body is sent.
    bodiless = call("post", "/v1/certificates/{0}".format(ca))
    found["get_certificate_from_csr"] = {"status": bodiless.status_code, "body": bodiless.json()}

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    csr = (x509.CertificateSigningRequestBuilder()
           .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)]))
           .add_extension(x509.SubjectAlternativeName([x509.DNSName(cn), x509.DNSName(san)]), critical=False)
           .sign(key, hashes.SHA256()))
    posted = call("post", "/v1/certificates/{0}".format(ca),
                  json={"csr": csr.public_bytes(serialization.Encoding.PEM).decode("utf-8"), "validity": 30})
    body = posted.json()
    if posted.status_code != 200:
        found["csr_with_body"] = {"status": posted.status_code, "body": body}
        print(json.dumps(found))
        return
    found["csr_with_body"] = {
        "status": posted.status_code,
        "fields": sorted(body),
        "issued_by_ca": issued_by(body["certificate"], ca_pem),
        "key_matches": x509.load_pem_x509_certificate(body["certificate"].encode("utf-8")).public_key().public_numbers()
        == key.public_key().public_numbers(),
    }
    print(json.dumps(found))


def b64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def jwt(confidant_url, kms_url, user_auth_key, from_, to, environment, resource_id, expiry):
    auth = kmsauth(kms_url, user_auth_key, from_, to, "user")

    # confidant-client 2.7.1 get_jwt: the JSON merged into the result.
    url = "{0}/v1/jwks/token".format(confidant_url)
    if resource_id != "-":
        url += "/{0}".format(resource_id)
    if expiry != "-":
        url += "/{0}".format(expiry)
    response = requests.get(url, params={"environment": environment}, auth=auth, allow_redirects=False, timeout=5)
    got_jwt = {"result": response.status_code == 200}
    got_jwt.update(response.json())

    # get_jwks: the whole body under "keys".
    response = requests.get(
        "{0}/v1/jwks/public/{1}".format(confidant_url, environment), auth=auth, allow_redirects=False, timeout=5
    )
    got_jwks = {"result": response.status_code == 200, "keys": response.json()}

    header_b64, payload_b64, signature_b64 = got_jwt["token"].split(".")
    header = json.loads(b64url(header_b64))
    key = next(k for k in got_jwks["keys"]["keys"] if k["kid"] == header["kid"])
    public_key = rsa.RSAPublicNumbers(
        int.from_bytes(b64url(key["e"]), "big"), int.from_bytes(b64url(key["n"]), "big")
    ).public_key()
    try:
        public_key.verify(
            b64url(signature_b64), (header_b64 + "." + payload_b64).encode("ascii"), padding.PKCS1v15(), hashes.SHA256()
        )
        verified = True
    except InvalidSignature:
        verified = False
    print(json.dumps({
        "get_jwt": got_jwt,
        "get_jwks": got_jwks,
        "header": header,
        "claims": json.loads(b64url(payload_b64)),
        "verified": verified,
    }))


if __name__ == "__main__":
    command, arguments = sys.argv[1], sys.argv[2:]
    {"token": token, "decrypt": decrypt, "certificates": certificates, "jwt": jwt}[command](*arguments)

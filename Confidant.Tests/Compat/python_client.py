"""What an unchanged Python Confidant stack does, rebuilt from its own libraries (boto3, requests, cryptography).

token   <confidant_url> <kms_url> <auth_key> <from> <to> <service>
        Mints a kmsauth v2 token exactly as python-kmsauth 0.6.3 does (json.dumps payload, back-dated three
        minutes, KMS Encrypt with the {from, to, user_type} context, standard base64) and calls
        GET /v1/services/<service>?metadata_only=False the way confidant-client 2.7.1 does (HTTP Basic,
        no redirects). Prints {"status": <code>, "body": <json>}.
decrypt <kms_url> <credential_id> <data_key_b64> <credential_pairs>
        Decrypts an at-rest credential as the Confidant server does (spec section 7.1). Prints the pairs JSON.
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
from cryptography.exceptions import InvalidSignature
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa


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
    {"token": token, "decrypt": decrypt, "jwt": jwt}[command](*arguments)

"""What an unchanged Python Confidant stack does, rebuilt from its own libraries (boto3, requests, cryptography).

token   <confidant_url> <kms_url> <auth_key> <from> <to> <service>
        Mints a kmsauth v2 token exactly as python-kmsauth 0.6.3 does (json.dumps payload, back-dated three
        minutes, KMS Encrypt with the {from, to, user_type} context, standard base64) and calls
        GET /v1/services/<service>?metadata_only=False the way confidant-client 2.7.1 does (HTTP Basic,
        no redirects). Prints {"status": <code>, "body": <json>}.
decrypt <kms_url> <credential_id> <data_key_b64> <credential_pairs>
        Decrypts an at-rest credential as the Confidant server does (spec section 7.1). Prints the pairs JSON.
"""
import base64
import datetime
import json
import sys

import boto3
import requests
from cryptography.fernet import Fernet


def kms(url):
    return boto3.client(
        "kms",
        region_name="us-east-1",
        endpoint_url=url,
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )


def token(confidant_url, kms_url, auth_key, from_, to, service):
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    not_before = (now - datetime.timedelta(minutes=3)).strftime("%Y%m%dT%H%M%SZ")
    not_after = (now + datetime.timedelta(minutes=7)).strftime("%Y%m%dT%H%M%SZ")
    payload = json.dumps({"not_before": not_before, "not_after": not_after})
    context = {"from": from_, "to": to, "user_type": "service"}
    blob = kms(kms_url).encrypt(KeyId=auth_key, Plaintext=payload, EncryptionContext=context)["CiphertextBlob"]
    username = "2/service/{0}".format(from_)
    response = requests.get(
        "{0}/v1/services/{1}".format(confidant_url, service),
        params={"metadata_only": False},
        auth=(username, base64.b64encode(blob).decode("utf-8")),
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


if __name__ == "__main__":
    command, arguments = sys.argv[1], sys.argv[2:]
    {"token": token, "decrypt": decrypt}[command](*arguments)

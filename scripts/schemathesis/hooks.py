"""Schemathesis hooks for running generated/openapi.json against `dwdi mock`.

Every DataWorks call is signed (ACS3-HMAC-SHA256, Alibaba Cloud's signature V3). This module
registers a `requests` auth object with Schemathesis: it sees each request as it will go on
the wire (final URL, headers and body bytes, after Schemathesis has generated and
serialised the case, negative cases included) and signs exactly that, as an SDK would, with
the mock's published test keys. A case that leaves the `Authorization` header out (a
negative case for a missing signature) goes unsigned. The mock then checks every signature as the service does,
so each request exercises the real authentication path; nothing is skipped.

The signature follows Alibaba's V3 documentation: a canonical request of the method, the
path, the query (decoded form-style, then every name and value RFC 3986-encoded and the
pairs sorted), the signed headers (host and every x-acs-* header, plus content-type when
present; lower-case, trimmed, sorted) and the hex SHA-256 of the body; the string to sign is
the algorithm and the canonical request's hex SHA-256; the signature is its HMAC-SHA256 with
the secret.

Environment: DWDI_ACCESS_KEY_ID / DWDI_ACCESS_KEY_SECRET (default: the mock's published
owner key, which may use every project).
"""

import hashlib
import hmac
import os
import uuid
from datetime import datetime, timezone
from urllib.parse import parse_qsl, quote, urlsplit

import requests
import schemathesis

ALGORITHM = "ACS3-HMAC-SHA256"
ACCESS_KEY_ID = os.environ.get("DWDI_ACCESS_KEY_ID", "dwdi-mock-access-key-id")
ACCESS_KEY_SECRET = os.environ.get("DWDI_ACCESS_KEY_SECRET", "dwdi-mock-access-key-secret")


def rfc3986(text: str) -> str:
    """Percent-encodes everything but the unreserved characters (A-Z a-z 0-9 - _ . ~)."""
    return quote(text, safe="-_.~")


def canonical_query(query: str) -> str:
    pairs = parse_qsl(query, keep_blank_values=True, errors="surrogateescape")
    encoded = sorted((rfc3986(k), rfc3986(v)) for k, v in pairs)
    return "&".join(f"{k}={v}" for k, v in encoded)


def body_bytes(body) -> bytes:
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8")
    return bytes(body)


class Acs3Signer(requests.auth.AuthBase):
    """Signs a prepared request in place (signature V3)."""

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        # The description declares the signature as the `Authorization` header (its security
        # scheme), and Schemathesis puts a placeholder there on every case but those that
        # leave it out on purpose (negative cases testing a missing signature): sign in
        # place of the placeholder, and send those unsigned, as such a client would.
        if "Authorization" not in r.headers:
            return r
        url = urlsplit(r.url)
        r.headers["host"] = url.netloc
        r.headers["x-acs-date"] = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        r.headers["x-acs-signature-nonce"] = uuid.uuid4().hex
        r.headers["x-acs-content-sha256"] = hashlib.sha256(body_bytes(r.body)).hexdigest()
        signed = {}
        for name, value in r.headers.items():
            lower = name.lower()
            if lower == "host" or lower == "content-type" or lower.startswith("x-acs-"):
                text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
                signed[lower] = text.strip()
        names = sorted(signed)
        canonical = "\n".join(
            [
                r.method.upper(),
                url.path or "/",
                canonical_query(url.query),
                "".join(f"{n}:{signed[n]}\n" for n in names),
                ";".join(names),
                r.headers["x-acs-content-sha256"],
            ]
        )
        to_sign = f"{ALGORITHM}\n{hashlib.sha256(canonical.encode('utf-8', 'surrogateescape')).hexdigest()}"
        signature = hmac.new(ACCESS_KEY_SECRET.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
        r.headers["Authorization"] = (
            f"{ALGORITHM} Credential={ACCESS_KEY_ID},SignedHeaders={';'.join(names)},Signature={signature}"
        )
        return r


schemathesis.auth.set_from_requests(Acs3Signer())

#!/usr/bin/env python3
"""Writes the schema 1 fixtures for tests/oci/test_schema1.cpp and prints their digests.

Reproduces the layout docker/libtrust gives a "pretty" JWS (jsonsign.go):
  payload       = the unsigned manifest, indented with three spaces (Go's json.MarshalIndent "", "   ")
  formatLength  = offset just past the last non-space byte before the final '}'
  formatTail    = payload[formatLength:]  (here "\n}", base64url "Cn0")
  protected     = base64url(no padding) of {"formatLength":N,"formatTail":"…","time":"…"}
  signed bytes  = payload[:formatLength] + ',\n   "signatures": ' + <signatures, indented> + formatTail
The digest a registry serves for a signed manifest is sha256(payload[:formatLength] + formatTail), i.e. of
the unsigned payload. The signature values are deterministic filler: Minato does not verify them.

Run from this directory: python3 schema1-generate.py
"""
import base64
import hashlib
import json


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def filler(seed: str, n: int) -> bytes:
    out = b""
    while len(out) < n:
        out += hashlib.sha256((seed + str(len(out))).encode()).digest()
    return out[:n]


def hexid(seed: str) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()


def go_json(value, indent=None) -> str:
    """json.Marshal / MarshalIndent: Go escapes <, > and & for HTML safety."""
    if indent is None:
        text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    else:
        text = json.dumps(value, indent=indent, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


EMPTY_TAR = "sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8c7c22955b46d4"
BASE_LAYER = "sha256:" + hexid("alpine-3.18-rootfs")
CURL_LAYER = "sha256:" + hexid("apk-add-curl")

base_id = hexid("v1-base")
cmd_id = hexid("v1-cmd")
top_id = hexid("v1-top")
env = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]


def container_config(cmd):
    return {"Hostname": "", "Domainname": "", "User": "", "AttachStdin": False, "AttachStdout": False,
            "AttachStderr": False, "Tty": False, "OpenStdin": False, "StdinOnce": False, "Env": env,
            "Cmd": cmd, "Image": "", "Volumes": None, "WorkingDir": "", "Entrypoint": None, "OnBuild": None,
            "Labels": {}}


v1_top = {
    "architecture": "amd64",
    "config": container_config(["sh"]),
    "container": hexid("container-top"),
    "container_config": container_config(
        ["/bin/sh", "-c", "apk add --no-cache curl && rm -rf /var/cache/apk/*"]),
    "created": "2023-08-07T19:20:20.894140623Z",
    "docker_version": "20.10.23",
    "id": top_id,
    "os": "linux",
    "parent": cmd_id,
}
v1_cmd = {
    "id": cmd_id,
    "parent": base_id,
    "created": "2023-08-07T19:20:20.71894984Z",
    "container_config": {"Cmd": ["/bin/sh -c #(nop)  CMD [\"/bin/sh\"]"]},
    "throwaway": True,
}
v1_base = {
    "id": base_id,
    "created": "2023-08-07T19:20:20.59016551+02:00",
    "container_config": {
        "Cmd": ["/bin/sh -c #(nop) ADD file:32ff5e7a78b890996ee4681cc0a26185d3e9acdb4eb1e2aaccb2411f922fed6b in / "]},
}

manifest = {
    "schemaVersion": 1,
    "name": "library/alpine-curl",
    "tag": "3.18",
    "architecture": "amd64",
    "fsLayers": [{"blobSum": CURL_LAYER}, {"blobSum": EMPTY_TAR}, {"blobSum": BASE_LAYER}],
    "history": [{"v1Compatibility": go_json(v1_top)}, {"v1Compatibility": go_json(v1_cmd)},
                {"v1Compatibility": go_json(v1_base)}],
}

payload = go_json(manifest, indent=3).encode()

# libtrust NewJSONSignature: the tail starts after the last non-space byte before the closing brace.
close = len(payload.rstrip()) - 1
assert payload[close:close + 1] == b"}"
format_length = len(payload[:close].rstrip())
format_tail = payload[format_length:]
assert format_tail == b"\n}"


def signature(name: str, time: str) -> dict:
    protected = go_json({"formatLength": format_length, "formatTail": b64url(format_tail), "time": time})
    kid = ":".join(base64.b32encode(filler("kid" + name, 30)).decode()[i:i + 4] for i in range(0, 48, 4))
    return {
        "header": {
            "jwk": {"crv": "P-256", "kid": kid, "kty": "EC", "x": b64url(filler("x" + name, 32)),
                    "y": b64url(filler("y" + name, 32))},
            "alg": "ES256",
        },
        "signature": b64url(filler("sig" + name, 64)),
        "protected": b64url(protected.encode()),
    }


def pretty_signed(signatures) -> bytes:
    encoded = go_json(signatures, indent=3).replace("\n", "\n   ")
    return payload[:format_length] + b',\n   "signatures": ' + encoded.encode() + format_tail


signed = pretty_signed([signature("one", "2023-08-07T19:21:02Z")])
signed_two = pretty_signed([signature("one", "2023-08-07T19:21:02Z"), signature("two", "2023-08-08T07:00:00Z")])

for name, data in [("schema1-signed.json", signed), ("schema1-signed-two.json", signed_two),
                   ("schema1-unsigned.json", payload)]:
    with open(name, "wb") as f:
        f.write(data)

canonical = payload[:format_length] + format_tail
assert canonical == payload
print("formatLength", format_length)
print("signed digest (sha256 of the payload)  sha256:" + hashlib.sha256(canonical).hexdigest())
print("signed raw bytes sha256                sha256:" + hashlib.sha256(signed).hexdigest())
print("signed-two raw bytes sha256            sha256:" + hashlib.sha256(signed_two).hexdigest())
print("unsigned digest (sha256 of the bytes)  sha256:" + hashlib.sha256(payload).hexdigest())
print("ids", top_id, cmd_id, base_id)
print("layers", CURL_LAYER, BASE_LAYER)

#!/usr/bin/env python3
"""Creates COUNT repositories PREFIX-0..PREFIX-(COUNT-1), each with a tiny OCI image tagged v1.

    registry_seed.py HOST:PORT PREFIX COUNT [USER:PASSWORD]

One keep-alive connection, three requests per repository (POST + PUT of the config blob, PUT of
the manifest). Used by registry_bench.sh to set up _catalog and the authenticated rows.
"""
import base64
import hashlib
import http.client
import json
import sys
import urllib.parse


def main():
    hostport, prefix, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    headers = {}
    if len(sys.argv) > 4:
        headers["Authorization"] = "Basic " + base64.b64encode(sys.argv[4].encode()).decode()
    host, port = hostport.rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=60)

    def request(method, path, body=None, extra=None):
        h = dict(headers)
        h.update(extra or {})
        if body is not None:
            h["Content-Length"] = str(len(body))
        conn.request(method, path, body=body, headers=h)
        resp = conn.getresponse()
        data = resp.read()
        if resp.status >= 300:
            sys.exit(f"{method} {path}: {resp.status} {data[:300]!r}")
        return resp

    config = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": []}}).encode()
    cdigest = "sha256:" + hashlib.sha256(config).hexdigest()
    manifest = json.dumps({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cdigest, "size": len(config)},
        "layers": [],
    }).encode()
    for i in range(count):
        repo = f"{prefix}-{i}"
        resp = request("POST", f"/v2/{repo}/blobs/uploads/", body=b"")
        location = urllib.parse.urlsplit(resp.getheader("Location"))
        sep = "&" if location.query else "?"
        path = location.path + ("?" + location.query if location.query else "") + sep + "digest=" + cdigest
        request("PUT", path, body=config, extra={"Content-Type": "application/octet-stream"})
        request("PUT", f"/v2/{repo}/manifests/v1", body=manifest,
                extra={"Content-Type": "application/vnd.oci.image.manifest.v1+json"})


if __name__ == "__main__":
    main()

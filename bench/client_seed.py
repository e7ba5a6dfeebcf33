#!/usr/bin/env python3
"""Seeds a registry for bench/client_bench.sh over plain HTTP, with several keep-alive connections.

    client_seed.py HOST:PORT repos PREFIX COUNT [THREADS]   # PREFIX/r-00000 … each with one image tagged v1
    client_seed.py HOST:PORT tags REPOSITORY COUNT [THREADS] # REPOSITORY with COUNT tags t-000000 … on one image
    client_seed.py ROOT tagfiles REPOSITORY COUNT            # the same, written into a stopped minato-registry's
                                                             # root as tag files (layout.h: _tags/<tag> holds the
                                                             # digest), copying the existing tag t-000000
    client_seed.py ROOT tagdirs REPOSITORY COUNT             # the same for distribution's filesystem driver
                                                             # (_manifests/tags/<tag>/current/link + index/)

Every repository gets the same tiny OCI image (an empty-rootfs config, no layers): a blob upload (POST +
PUT ?digest=) and a manifest PUT per repository; tags are manifest PUTs of the same manifest under new
names. Prints the seconds it took.
"""
import hashlib
import http.client
import json
import os
import shutil
import sys
import threading
import time
import urllib.parse

CONFIG = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": []}}).encode()
CONFIG_DIGEST = "sha256:" + hashlib.sha256(CONFIG).hexdigest()
MANIFEST = json.dumps({
    "schemaVersion": 2,
    "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": CONFIG_DIGEST, "size": len(CONFIG)},
    "layers": [],
}).encode()


class Conn:
    def __init__(self, hostport):
        host, port = hostport.rsplit(":", 1)
        self.conn = http.client.HTTPConnection(host, int(port), timeout=120)

    def request(self, method, path, body=None, headers=None):
        h = dict(headers or {})
        if body is not None:
            h["Content-Length"] = str(len(body))
        self.conn.request(method, path, body=body, headers=h)
        resp = self.conn.getresponse()
        data = resp.read()
        if resp.status >= 300:
            raise SystemExit(f"{method} {path}: {resp.status} {data[:300]!r}")
        return resp

    def push_config(self, repo):
        resp = self.request("POST", f"/v2/{repo}/blobs/uploads/", body=b"")
        location = urllib.parse.urlsplit(resp.getheader("Location"))
        sep = "&" if location.query else "?"
        path = location.path + ("?" + location.query if location.query else "") + sep + "digest=" + CONFIG_DIGEST
        self.request("PUT", path, body=CONFIG, headers={"Content-Type": "application/octet-stream"})

    def put_manifest(self, repo, tag):
        self.request("PUT", f"/v2/{repo}/manifests/{tag}", body=MANIFEST,
                     headers={"Content-Type": "application/vnd.oci.image.manifest.v1+json"})


def run_parallel(hostport, count, threads, work):
    def worker(index):
        conn = Conn(hostport)
        for i in range(index, count, threads):
            work(conn, i)

    pool = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()


def main():
    if len(sys.argv) < 5:
        raise SystemExit(__doc__)
    hostport, mode, name, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    threads = int(sys.argv[5]) if len(sys.argv) > 5 else 4
    started = time.monotonic()
    if mode == "repos":
        def one(conn, i):
            repo = f"{name}/r-{i:05d}"
            conn.push_config(repo)
            conn.put_manifest(repo, "v1")
        run_parallel(hostport, count, threads, one)
    elif mode == "tagfiles":
        # hostport is the registry root here; the server must be stopped (it caches what it read).
        tags = os.path.join(hostport, "repositories", *name.split("/"), "_tags")
        with open(os.path.join(tags, "t-000000"), "rb") as f:
            content = f.read()
        for i in range(1, count):
            with open(os.path.join(tags, f"t-{i:06d}"), "wb") as f:
                f.write(content)
    elif mode == "tagdirs":
        tags = os.path.join(hostport, "docker", "registry", "v2", "repositories", *name.split("/"), "_manifests", "tags")
        first = os.path.join(tags, "t-000000")
        for i in range(1, count):
            shutil.copytree(first, os.path.join(tags, f"t-{i:06d}"))
    elif mode == "tags":
        Conn(hostport).push_config(name)
        run_parallel(hostport, count, threads, lambda conn, i: conn.put_manifest(name, f"t-{i:06d}"))
    else:
        raise SystemExit(__doc__)
    print(f"{time.monotonic() - started:.1f}")


if __name__ == "__main__":
    main()

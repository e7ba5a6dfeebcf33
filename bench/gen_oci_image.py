#!/usr/bin/env python3
"""Writes an OCI image layout with random (incompressible) uncompressed tar layers.

    gen_oci_image.py DIR TAG LAYER_COUNT LAYER_BYTES

Each layer is a gzip (stored blocks) tar holding one file of LAYER_BYTES random bytes (media type
application/vnd.oci.image.layer.v1.tar+gzip). Random data does not compress, so the blob is about
LAYER_BYTES; it must be gzip because skopeo compresses uncompressed layers on the way to a registry,
which would make a push benchmark measure skopeo's gzip. Used by registry_bench.sh.
"""
import hashlib
import json
import os
import sys
import tarfile
import zlib

CHUNK = 1 << 20


def put_blob(layout, data=None, stream=None):
    """Stores bytes (or chunks from a generator) as a blob; returns (digest, size)."""
    blobs = os.path.join(layout, "blobs", "sha256")
    tmp = os.path.join(blobs, ".tmp")
    h = hashlib.sha256()
    size = 0
    with open(tmp, "wb") as out:
        for chunk in ([data] if data is not None else stream):
            h.update(chunk)
            out.write(chunk)
            size += len(chunk)
    os.rename(tmp, os.path.join(blobs, h.hexdigest()))
    return "sha256:" + h.hexdigest(), size


def tar_layer(index, nbytes):
    info = tarfile.TarInfo(name=f"random-{index}.bin")
    info.size = nbytes
    info.mode = 0o644
    info.mtime = 0
    yield info.tobuf(format=tarfile.PAX_FORMAT)
    left = nbytes
    while left > 0:
        n = min(CHUNK, left)
        yield os.urandom(n)
        left -= n
    pad = (512 - nbytes % 512) % 512
    yield b"\0" * (pad + 1024)  # end-of-archive: two zero blocks


def gzipped(chunks, diff):
    """Compresses chunks with gzip -1, updating diff (the uncompressed digest) on the way."""
    z = zlib.compressobj(0, zlib.DEFLATED, 31)  # stored blocks: random data would not shrink anyway
    for chunk in chunks:
        diff.update(chunk)
        out = z.compress(chunk)
        if out:
            yield out
    yield z.flush()


def main():
    layout, tag, count, nbytes = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    os.makedirs(os.path.join(layout, "blobs", "sha256"), exist_ok=True)
    layers, diff_ids = [], []
    for i in range(count):
        diff = hashlib.sha256()
        digest, size = put_blob(layout, stream=gzipped(tar_layer(i, nbytes), diff))
        layers.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": digest, "size": size})
        diff_ids.append("sha256:" + diff.hexdigest())
    config = {
        "architecture": "amd64",
        "os": "linux",
        "config": {},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
    }
    cdigest, csize = put_blob(layout, data=json.dumps(config, separators=(",", ":")).encode())
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cdigest, "size": csize},
        "layers": layers,
    }
    mdigest, msize = put_blob(layout, data=json.dumps(manifest, separators=(",", ":")).encode())
    with open(os.path.join(layout, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    index = {
        "schemaVersion": 2,
        "manifests": [{
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": mdigest,
            "size": msize,
            "annotations": {"org.opencontainers.image.ref.name": tag},
        }],
    }
    with open(os.path.join(layout, "index.json"), "w") as f:
        json.dump(index, f)
    # First layer's digest and path: the blob GET rows fetch it.
    print(layers[0]["digest"])


if __name__ == "__main__":
    main()

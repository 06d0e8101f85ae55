#!/usr/bin/env python3
"""Runs the peer systems over the `cjk` development set (made by
scripts/cjk/make_devset.py) and writes their text and timing for
`parasol-eval cjk` to read.

    python3 scripts/cjk/peers.py tesseract [--dir target/cjk]
    /tmp/rapidocr-venv/bin/python scripts/cjk/peers.py rapidocr [--dir target/cjk]

Writes target/peers/cjk-<peer>.json in the format of
crates/eval/src/peers.rs, keyed by the image's file name.

- tesseract: Debian's tesseract-ocr 5.3 CLI, one process per page, default
  page segmentation (3), `-l kor+eng` for the Korean sets and `-l jpn`
  for Japanese, `-l jpn_vert` for vertical Japanese, with Debian's data
  packages (tesseract-ocr-kor, tesseract-ocr-jpn, tesseract-ocr-jpn-vert:
  tessdata_fast), `OMP_THREAD_LIMIT=1` as Parasol runs
  its Tesseract; the time includes loading the model.
- rapidocr: RapidOCR 3.10 defaults (the PP-OCRv6 small models Parasol
  uses), 2 intra-op threads, loaded once and warmed up on the first page.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def pages(d: Path):
    return sorted(p for p in d.glob("*.png"))


def tesseract_lang(name: str) -> str:
    if name.startswith("javert"):
        return "jpn_vert"
    return "jpn" if name.startswith("ja") else "kor+eng"


def run_tesseract(files):
    version = subprocess.run(["tesseract", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    out = {}
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    for f in files:
        t0 = time.perf_counter()
        r = subprocess.run(["tesseract", str(f), "stdout", "-l", tesseract_lang(f.name)],
                           capture_output=True, text=True, env=env)
        dt = time.perf_counter() - t0
        if r.returncode == 0:
            out[f.name] = {"text": r.stdout, "seconds": dt, "pages": 1}
        else:
            out[f.name] = {"error": r.stderr.strip()[-300:], "seconds": dt, "pages": 1}
        print(f"  {f.name} {dt:.2f}s", flush=True)
    return {"peer": "tesseract", "version": version,
            "command": "OMP_THREAD_LIMIT=1 tesseract PAGE stdout -l kor+eng (ko, koen) | jpn (ja) | jpn_vert (javert)",
            "files": out}


def run_rapidocr(files):
    import importlib.metadata as md
    from rapidocr import RapidOCR
    engine = RapidOCR(params={"EngineConfig.onnxruntime.intra_op_num_threads": 2})
    engine(str(files[0]))
    out = {}
    for f in files:
        t0 = time.perf_counter()
        res = engine(str(f))
        dt = time.perf_counter() - t0
        text = "\n".join(res.txts) if res.txts else ""
        out[f.name] = {"text": text, "seconds": dt, "pages": 1}
        print(f"  {f.name} {dt:.2f}s", flush=True)
    return {"peer": "rapidocr", "version": md.version("rapidocr"),
            "command": "RapidOCR() defaults, 2 intra-op threads", "files": out}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("peer", choices=["tesseract", "rapidocr"])
    ap.add_argument("--dir", type=Path, default=ROOT / "target" / "cjk")
    ap.add_argument("--out", type=Path, default=ROOT / "target" / "peers")
    args = ap.parse_args()
    files = pages(args.dir)
    if not files:
        sys.exit(f"no pages in {args.dir}: run scripts/cjk/make_devset.py --out {args.dir}")
    result = run_tesseract(files) if args.peer == "tesseract" else run_rapidocr(files)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"cjk-{args.peer}.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=1))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()

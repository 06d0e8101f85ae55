#!/usr/bin/env python3
"""Runs the peer systems over the same corpus files as `parasol-eval` and
writes their text and timing for `parasol-eval ocr` / `docling-pdf` to read.

    python3 scripts/peers/peers.py tesseract [--quick]   # Debian tesseract-ocr
    python3 scripts/peers/peers.py pdftotext             # Debian poppler-utils
    /tmp/rapidocr-venv/bin/python scripts/peers/peers.py rapidocr [--quick]

Use scripts/peers/run.sh, which installs what is missing and runs all three.
Each writes target/peers/<peer>.json (format in crates/eval/src/peers.rs):
{"peer", "version", "command", "files": {corpus-relative path: {"text",
"seconds", "pages"} or {"error", "seconds", "pages"}}}.

The file lists mirror crates/eval/src/corpus.rs (`ocr_cases`, `OCR_QUICK`)
and the docling-pdf suite (every PDF in docling/pdf/sources).

Timing is wall time per file, measured here:
- tesseract: one `tesseract FILE stdout -l eng` process per page (its normal
  use; it reloads its model each time), default page segmentation (3), its
  default threads. PDFs are first rendered at 150 dpi with `pdftoppm` (the
  resolution Parasol renders at) and that time is included.
- rapidocr: RapidOCR 3.10 defaults (PP-OCRv6 small det/rec, the mobile v2.0
  classifier, the same ONNX files Parasol uses) on 2 intra-op threads, loaded
  once and warmed up on one image, like Parasol's engine in `parasol-eval`.
  PDFs are rendered with `pdftoppm -r 150` (included in the time). Text is
  its lines joined by newlines, in RapidOCR's own order.
- pdftotext: `pdftotext -enc UTF-8 FILE -` (reading order from its default
  layout analysis), one process per file.

Standard library only, except the rapidocr peer (its own venv).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
CORPUS = (ROOT / ".." / "shared" / "corpus").resolve()

TESSERACT_TEST = [
    "phototest.tif",
    "phototest-rotated-180.png",
    "phototest-rotated-L.png",
    "phototest-rotated-R.png",
    "eurotext.tif",
    "8071_093.3B.tif",
    "8087_054.3B.tif",
]
DOCLING_OCR = ["ocr_test.pdf", "ocr_test_rotated_90.pdf", "ocr_test_rotated_180.pdf", "ocr_test_rotated_270.pdf"]
OCR_QUICK = ["ocr/tesseract-test/phototest.tif", "ocr/tesseract-test/eurotext.tif", "docling/ocr/sources/ocr_test.pdf"]
RENDER_DPI = 150


def ocr_files(quick):
    files = [f"ocr/tesseract-test/{f}" for f in TESSERACT_TEST]
    files += [f"docling/ocr/sources/{f}" for f in DOCLING_OCR]
    if quick:
        return [f for f in files if f in OCR_QUICK]
    funsd = CORPUS / "forms/funsd_testing"
    for ann in sorted((funsd / "annotations").glob("*.json")):
        files.append(f"forms/funsd_testing/images/{ann.stem}.png")
    for csv in sorted((CORPUS / "receipts/sroie/box").glob("*.csv")):
        files.append(f"receipts/sroie/img/{csv.stem}.jpg")
    return files


def pdf_files():
    return [f"docling/pdf/sources/{p.name}" for p in sorted((CORPUS / "docling/pdf/sources").glob("*.pdf"))]


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, check=False, **kw)


def render(pdf, tmp):
    """Renders every page of a PDF to PNGs at RENDER_DPI; returns their paths."""
    prefix = Path(tmp) / "page"
    r = run(["pdftoppm", "-r", str(RENDER_DPI), "-png", str(pdf), str(prefix)])
    if r.returncode != 0:
        raise RuntimeError(f"pdftoppm failed: {r.stderr.decode(errors='replace').strip()}")
    return sorted(Path(tmp).glob("page*.png"))


def pages_of(rel, tmp):
    path = CORPUS / rel
    if path.suffix.lower() == ".pdf":
        return render(path, tmp)
    return [path]


def tesseract(files):
    version = run(["tesseract", "--version"]).stdout.decode().splitlines()[0]
    out = {}
    for rel in files:
        start = time.perf_counter()
        try:
            with tempfile.TemporaryDirectory() as tmp:
                texts = []
                pages = pages_of(rel, tmp)
                for page in pages:
                    r = run(["tesseract", str(page), "stdout", "-l", "eng"])
                    if r.returncode != 0:
                        raise RuntimeError(r.stderr.decode(errors="replace").strip())
                    texts.append(r.stdout.decode("utf-8", errors="replace"))
            out[rel] = {"text": "\n".join(texts), "seconds": time.perf_counter() - start, "pages": len(pages)}
        except Exception as e:  # a peer's failure is data, not a crash
            out[rel] = {"error": str(e), "seconds": time.perf_counter() - start, "pages": 1}
        print(f"tesseract {out[rel]['seconds']:6.2f} s  {rel}", file=sys.stderr)
    return version, "tesseract PAGE stdout -l eng (PDF pages via pdftoppm -r 150)", out


def pdftotext(files):
    version = run(["pdftotext", "-v"]).stderr.decode().splitlines()[0]
    out = {}
    for rel in files:
        start = time.perf_counter()
        r = run(["pdftotext", "-enc", "UTF-8", str(CORPUS / rel), "-"])
        secs = time.perf_counter() - start
        info = run(["pdfinfo", str(CORPUS / rel)]).stdout.decode(errors="replace")
        pages = next((int(l.split()[1]) for l in info.splitlines() if l.startswith("Pages:")), 1)
        if r.returncode == 0:
            out[rel] = {"text": r.stdout.decode("utf-8", errors="replace"), "seconds": secs, "pages": pages}
        else:
            out[rel] = {"error": r.stderr.decode(errors="replace").strip(), "seconds": secs, "pages": pages}
        print(f"pdftotext {secs:6.2f} s  {rel}", file=sys.stderr)
    return version, "pdftotext -enc UTF-8 FILE -", out


def rapidocr(files):
    from importlib.metadata import version as pkg_version

    from rapidocr import RapidOCR

    engine = RapidOCR(params={
        "Global.log_level": "error",
        "EngineConfig.onnxruntime.intra_op_num_threads": 2,
    })
    engine(str(CORPUS / "ocr/tesseract-test/phototest.tif"))  # warm-up
    out = {}
    for rel in files:
        start = time.perf_counter()
        try:
            with tempfile.TemporaryDirectory() as tmp:
                texts = []
                pages = pages_of(rel, tmp)
                for page in pages:
                    result = engine(str(page))
                    texts.append("\n".join(result.txts or ()))
            out[rel] = {"text": "\n".join(texts), "seconds": time.perf_counter() - start, "pages": len(pages)}
        except Exception as e:
            out[rel] = {"error": str(e), "seconds": time.perf_counter() - start, "pages": 1}
        print(f"rapidocr {out[rel]['seconds']:6.2f} s  {rel}", file=sys.stderr)
    versions = f"rapidocr {pkg_version('rapidocr')}, onnxruntime {pkg_version('onnxruntime')}"
    return versions, "RapidOCR() defaults (PP-OCRv6 small), 2 threads, warmed up", out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("peer", choices=["tesseract", "rapidocr", "pdftotext"])
    ap.add_argument("--quick", action="store_true", help="only the quick OCR subset (CI)")
    ap.add_argument("--out", type=Path, default=ROOT / "target" / "peers")
    args = ap.parse_args()
    if not (CORPUS / "README.md").is_file():
        sys.exit(f"the evaluation corpus is missing: expected {CORPUS}")
    if args.peer == "pdftotext":
        version, command, files = pdftotext(pdf_files())
    elif args.peer == "tesseract":
        version, command, files = tesseract(ocr_files(args.quick))
    else:
        version, command, files = rapidocr(ocr_files(args.quick))
    args.out.mkdir(parents=True, exist_ok=True)
    tmp = args.out / f"{args.peer}.json.partial"
    tmp.write_text(json.dumps({"peer": args.peer, "version": version, "command": command, "files": files}, indent=1))
    os.replace(tmp, args.out / f"{args.peer}.json")
    print(f"wrote {args.out / (args.peer + '.json')} ({len(files)} files)", file=sys.stderr)


if __name__ == "__main__":
    main()

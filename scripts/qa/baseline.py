#!/usr/bin/env python3
"""The QA baseline a user would otherwise assemble (issue 13, "Evaluation").

For each question of the QA set:
  1. text of the document, page by page: `pdftotext -layout -f N -l N` for PDFs;
     images (jpg/png/tif) have no text layer, so `tesseract IMAGE -` (tesseract's
     defaults: eng, automatic page segmentation) as a user would. Scanned PDFs
     give pdftotext no text; by default they stay empty (what the plain recipe
     does) -- `--ocr-empty-pages` renders them with pdftoppm and runs tesseract.
     Runs of spaces from -layout are collapsed to one space (newlines kept);
     control, private-use and unassigned code points are dropped (see clean()).
  2. fixed-size character chunks per page (default 800 with 100 overlap); each
     chunk remembers its page;
  3. BM25 (rank_bm25.BM25Okapi, lower-cased \\w+ tokens) over the document's
     chunks; the top 5 go into the prompt numbered [1]..[5];
  4. the prompt asks to answer only from the numbered passages, cite them as
     [n], say "not in the document" otherwise, and answer in the question's
     language; rendered with the model's own chat template (from the GGUF) and
     generated greedily (temperature 0, repeat penalty 1.0, 160 new tokens max)
     with llama.cpp through llama-cpp-python (`from llama_cpp import Llama`).

Output: one JSON record per question (appended; --resume skips done ids):
  {"id", "answer", "passages": [{"page", "text"}], "cited", "cited_pages",
   "ttft_s", "total_s", "prompt_tokens", "completion_tokens", "passages_dropped"}
(passages_dropped: lowest-ranked passages left out because the prompt would not fit n_ctx)

Example:
  nice -n 10 python baseline.py --questions questions.jsonl --corpus ../shared/corpus \
      --model models/SmolLM2-135M-Instruct.Q4_1.gguf --out results/baseline-smollm2.jsonl
"""
import argparse, json, os, re, subprocess, sys, tempfile, time, unicodedata

from rank_bm25 import BM25Okapi

SYSTEM = ("You answer questions about a document using only the numbered passages given to you. "
          "Cite every passage you use as [n]. If the passages do not contain the answer, reply exactly "
          "\"not in the document\". Answer briefly, in the same language as the question.")

IMAGE_EXT = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".webp")


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def tesseract(path):
    return subprocess.run(["tesseract", path, "-"], capture_output=True, text=True).stdout


def pdf_pages(path, ocr_empty):
    info = subprocess.run(["pdfinfo", path], capture_output=True, text=True).stdout
    n = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    pages = []
    for p in range(1, n + 1):
        t = subprocess.run(["pdftotext", "-layout", "-f", str(p), "-l", str(p), path, "-"],
                           capture_output=True, text=True).stdout
        if not t.strip() and ocr_empty:
            with tempfile.TemporaryDirectory() as d:
                subprocess.run(["pdftoppm", "-r", "300", "-f", str(p), "-l", str(p), "-png", path, d + "/pg"], check=True)
                img = [f for f in os.listdir(d) if f.endswith(".png")][0]
                t = tesseract(os.path.join(d, img))
        pages.append(t)
    return pages


def doc_pages(path, ocr_empty=False):
    if path.lower().endswith(IMAGE_EXT):
        return [tesseract(path)]  # one page (multi-page TIFFs are not in the set)
    return pdf_pages(path, ocr_empty)


def clean(t):
    # private-use / unassigned code points (PDF bullet glyphs such as U+900B0) and
    # control characters are dropped: llama.cpp 0.2.62 aborts the whole process
    # ("byte not found in vocab") when SmolLM2's tokenizer meets U+900B0.
    t = "".join(c for c in t.replace("\f", "\n")
                if c in "\n\t" or unicodedata.category(c) not in ("Cc", "Co", "Cn", "Cs"))
    t = re.sub(r"[ \t]+", " ", t)
    t = re.sub(r" *\n *", "\n", t)
    return re.sub(r"\n{3,}", "\n\n", t).strip()


def chunk_pages(pages, size, overlap):
    chunks = []
    for i, t in enumerate(pages, 1):
        t = clean(t)
        if not t:
            continue
        step = size - overlap
        start = 0
        while True:
            chunks.append({"page": i, "text": t[start:start + size]})
            if start + size >= len(t):
                break
            start += step
    return chunks


def tokenize(s):
    return re.findall(r"\w+", s.lower())


def build_prompt(passages, question):
    lines = ["Passages:"]
    for i, p in enumerate(passages, 1):
        lines.append(f"[{i}] (page {p['page']}) {p['text']}")
    lines.append("")
    lines.append(f"Question: {question}")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--questions", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--model", default=None, help="GGUF file (not needed with --retrieval-only)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--chunk", type=int, default=800)
    ap.add_argument("--overlap", type=int, default=100)
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--max-tokens", type=int, default=160)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--n-ctx", type=int, default=4096)
    ap.add_argument("--ocr-empty-pages", action="store_true")
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--retrieval-only", action="store_true",
                    help="no model: record the passages only (hit@5 is model-independent)")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--ids", default="", help="comma-separated subset of ids")
    ap.add_argument("--shuffle", type=int, default=None, metavar="SEED",
                    help="process questions in a seeded random order (partial runs stay representative)")
    args = ap.parse_args()


    qs = [json.loads(l) for l in open(args.questions, encoding="utf-8") if l.strip()]
    if args.ids:
        keep = set(args.ids.split(","))
        qs = [q for q in qs if q["id"] in keep]
    done = set()
    if args.resume and os.path.exists(args.out):
        done = {json.loads(l)["id"] for l in open(args.out, encoding="utf-8") if l.strip()}
    if args.shuffle is not None:  # before dropping done ids: a resumed run keeps its order
        import random
        random.Random(args.shuffle).shuffle(qs)
    qs = [q for q in qs if q["id"] not in done]
    if args.limit:
        qs = qs[:args.limit]

    if not args.retrieval_only:
        from llama_cpp import Llama
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter
        llm = Llama(model_path=args.model, n_ctx=args.n_ctx, n_threads=args.threads, verbose=False)
        # the model's own chat template, from its GGUF metadata
        template = llm.metadata["tokenizer.chat_template"]
        eos = llm._model.token_get_text(int(llm.metadata.get("tokenizer.ggml.eos_token_id", llm.token_eos())))
        bos_id = int(llm.metadata.get("tokenizer.ggml.bos_token_id", llm.token_bos()))
        bos = llm._model.token_get_text(bos_id)
        formatter = Jinja2ChatFormatter(template=template, eos_token=eos, bos_token=bos)
        llm.chat_handler = formatter.to_chat_handler()

    cache = {}
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    out = open(args.out, "a", encoding="utf-8")
    t_all = time.time()
    for n, q in enumerate(qs, 1):
        doc = q["doc"]
        if doc not in cache:
            pages = doc_pages(os.path.join(args.corpus, doc), args.ocr_empty_pages)
            chunks = chunk_pages(pages, args.chunk, args.overlap)
            bm25 = BM25Okapi([tokenize(c["text"]) for c in chunks]) if chunks else None
            cache[doc] = (chunks, bm25)
        chunks, bm25 = cache[doc]
        t0 = time.time()
        passages = []
        if bm25 is not None:
            scores = bm25.get_scores(tokenize(q["question"]))
            order = sorted(range(len(chunks)), key=lambda i: -scores[i])[:args.k]
            passages = [chunks[i] for i in order]
        if args.retrieval_only:
            out.write(json.dumps({"id": q["id"], "answer": "", "passages": passages, "cited": [], "cited_pages": [],
                                  "ttft_s": None, "total_s": None, "prompt_tokens": None}, ensure_ascii=False) + "\n")
            continue
        # a prompt that would not fit (prompt + max new tokens > n_ctx: Korean text costs
        # SmolLM2 ~2 tokens a character) drops the lowest-ranked passages until it fits
        dropped = 0
        while True:
            messages = [{"role": "system", "content": SYSTEM},
                        {"role": "user", "content": build_prompt(passages, q["question"])}]
            prompt = formatter(messages=messages).prompt
            prompt_tokens = len(llm.tokenize(prompt.encode("utf-8"), add_bos=False, special=True))
            if prompt_tokens + args.max_tokens <= args.n_ctx or len(passages) <= 1:
                break
            passages = passages[:-1]
            dropped += 1
        ttft = None
        parts = []
        ntok = 0
        for ch in llm.create_chat_completion(messages=messages, temperature=0.0, top_k=1, repeat_penalty=1.0,
                                             max_tokens=args.max_tokens, stream=True):
            delta = ch["choices"][0].get("delta", {}).get("content")
            if delta:
                if ttft is None:
                    ttft = time.time() - t0
                parts.append(delta)
                ntok += 1
        total = time.time() - t0
        answer = "".join(parts).strip()
        cited = sorted({int(m) for m in re.findall(r"\[(\d+)\]", answer) if 1 <= int(m) <= len(passages)})
        rec = {"id": q["id"], "answer": answer,
               "passages": [{"page": p["page"], "text": p["text"]} for p in passages],
               "cited": cited, "cited_pages": [passages[c - 1]["page"] for c in cited],
               "ttft_s": round(ttft if ttft is not None else total, 3), "total_s": round(total, 3),
               "prompt_tokens": prompt_tokens, "completion_tokens": ntok,
               "passages_dropped": dropped}
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")
        out.flush()
        log(f"[{n}/{len(qs)}] {q['id']} ttft={rec['ttft_s']}s total={rec['total_s']}s "
            f"prompt={prompt_tokens} elapsed={time.time() - t_all:.0f}s :: {answer[:80]!r}")
    log(f"done {len(qs)} questions in {time.time() - t_all:.0f}s")


if __name__ == "__main__":
    main()

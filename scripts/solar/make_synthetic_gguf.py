"""A synthetic ~1.1B-parameter Llama GGUF (random weights, Q4_K_M) for the
speed benchmark: Llama-3.2-1B-like shape (hidden 2048, 16 layers, 32 heads
over 8 KV heads, FFN 8192) with Mistral's 32,000-piece SentencePiece
vocabulary, written as F16 with the `gguf` package and quantized to Q4_K_M
by llama.cpp's own quantizer (through llama-cpp-python).

    /tmp/llama-venv/bin/python scripts/solar/make_synthetic_gguf.py /tmp/synthetic-1b   # ~3 min
    # needs /tmp/llama-venv (see llamacpp_reference.py) and
    # models/files/mistral-tokenizer.model.v1 (python3 scripts/fetch_models.py)

Random weights make the text meaningless; only speed is measured.
"""

import ctypes
import os
import sys
from pathlib import Path

import gguf
import llama_cpp
import numpy as np

ROOT = Path(__file__).resolve().parents[2]
MODELS = Path(os.environ.get("PARASOL_MODELS", ROOT / "models" / "files"))
HIDDEN, LAYERS, HEADS, KV_HEADS, FFN, CTX = 2048, 16, 32, 8, 8192, 4096


def spm_pieces(path: Path):
    """(pieces, scores, types) of a tokenizer.model, without sentencepiece."""
    data = path.read_bytes()
    pos, out = 0, []

    def varint():
        nonlocal pos
        shift = value = 0
        while True:
            b = data[pos]
            pos += 1
            value |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                return value

    while pos < len(data):
        key = varint()
        field, wire = key >> 3, key & 7
        if wire == 2:
            n = varint()
            chunk, pos = data[pos:pos + n], pos + n
            if field == 1:
                out.append(chunk)
        elif wire == 0:
            varint()
        elif wire == 5:
            pos += 4
        elif wire == 1:
            pos += 8
    pieces, scores, types = [], [], []
    for chunk in out:
        p, text, score, kind = 0, b"", 0.0, 1
        while p < len(chunk):
            key = chunk[p]
            p += 1
            if key == 0x0A:
                n = chunk[p]
                p += 1
                if n & 0x80:
                    n = (n & 0x7F) | (chunk[p] << 7)
                    p += 1
                text, p = chunk[p:p + n], p + n
            elif key == 0x15:
                score = float(np.frombuffer(chunk[p:p + 4], dtype="<f4")[0])
                p += 4
            elif key == 0x18:
                kind = chunk[p]
                p += 1
            else:
                raise ValueError("unexpected field")
        pieces.append(text.decode("utf-8"))
        scores.append(score)
        types.append(kind)
    return pieces, scores, types


def main() -> None:
    out_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/synthetic-1b")
    out_dir.mkdir(parents=True, exist_ok=True)
    f16_path, q_path = out_dir / "synthetic-1b-f16.gguf", out_dir / "synthetic-1b-Q4_K_M.gguf"
    pieces, scores, types = spm_pieces(MODELS / "mistral-tokenizer.model.v1")
    vocab = len(pieces)
    rng = np.random.default_rng(0)
    w = gguf.GGUFWriter(str(f16_path), "llama")
    w.add_name("synthetic-1b")
    w.add_context_length(CTX)
    w.add_embedding_length(HIDDEN)
    w.add_block_count(LAYERS)
    w.add_feed_forward_length(FFN)
    w.add_head_count(HEADS)
    w.add_head_count_kv(KV_HEADS)
    w.add_rope_dimension_count(HIDDEN // HEADS)
    w.add_rope_freq_base(10000.0)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_file_type(gguf.LlamaFileType.MOSTLY_F16)
    w.add_tokenizer_model("llama")
    w.add_tokenizer_pre("default")
    w.add_token_list(pieces)
    w.add_token_scores(scores)
    w.add_token_types(types)
    w.add_bos_token_id(1)
    w.add_eos_token_id(2)
    w.add_unk_token_id(0)
    w.add_add_bos_token(True)

    def rand(*shape, scale=0.02):
        return (rng.standard_normal(shape, dtype=np.float32) * scale).astype(np.float16)

    hd = HIDDEN // HEADS
    w.add_tensor("token_embd.weight", rand(vocab, HIDDEN))
    w.add_tensor("output_norm.weight", np.ones(HIDDEN, dtype=np.float32))
    w.add_tensor("output.weight", rand(vocab, HIDDEN))
    for i in range(LAYERS):
        w.add_tensor(f"blk.{i}.attn_norm.weight", np.ones(HIDDEN, dtype=np.float32))
        w.add_tensor(f"blk.{i}.ffn_norm.weight", np.ones(HIDDEN, dtype=np.float32))
        w.add_tensor(f"blk.{i}.attn_q.weight", rand(HIDDEN, HIDDEN))
        w.add_tensor(f"blk.{i}.attn_k.weight", rand(KV_HEADS * hd, HIDDEN))
        w.add_tensor(f"blk.{i}.attn_v.weight", rand(KV_HEADS * hd, HIDDEN))
        w.add_tensor(f"blk.{i}.attn_output.weight", rand(HIDDEN, HIDDEN))
        w.add_tensor(f"blk.{i}.ffn_gate.weight", rand(FFN, HIDDEN))
        w.add_tensor(f"blk.{i}.ffn_up.weight", rand(FFN, HIDDEN))
        w.add_tensor(f"blk.{i}.ffn_down.weight", rand(HIDDEN, FFN))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = llama_cpp.LLAMA_FTYPE_MOSTLY_Q4_K_M
    params.nthread = 2
    rc = llama_cpp.llama_model_quantize(str(f16_path).encode(), str(q_path).encode(), ctypes.byref(params))
    if rc != 0:
        sys.exit(f"quantize failed: {rc}")
    f16_path.unlink()
    n_params = 2 * vocab * HIDDEN + LAYERS * (2 * HIDDEN * HIDDEN + 2 * KV_HEADS * hd * HIDDEN + 3 * HIDDEN * FFN)
    print(f"wrote {q_path} ({q_path.stat().st_size / 1e6:.0f} MB, {n_params / 1e9:.2f}B parameters)")


if __name__ == "__main__":
    main()

"""Checks, op by op, that crates/solar/src/ggml.rs describes llama.cpp's CPU
arithmetic: runs SmolLM2 in llama.cpp with an eval callback that copies the
layer-0 tensors, then recomputes each op from its llama.cpp inputs with the
rounding rules that ggml.rs implements and counts mismatching bits.

    /tmp/llama-venv/bin/python scripts/solar/ggml_ops_check.py

(the venv of llamacpp_reference.py). Every line should report 0 mismatches.
"""

import ctypes
import os
import sys
from pathlib import Path

import numpy as np
import llama_cpp
import llama_cpp.llama_cpp as L
from llama_cpp import Llama

ROOT = Path(__file__).resolve().parents[2]
MODEL = Path(os.environ.get("PARASOL_MODELS", ROOT / "models" / "files")) / "SmolLM2-135M-Instruct.Q4_1.gguf"
IDS = [6403, 1980, 253, 655, 28, 665, 436, 253]  # "Once upon a time, there was a"
f32, f16 = np.float32, np.float16
libm = ctypes.CDLL("libm.so.6")
for name, args in [("cosf", 1), ("sinf", 1), ("powf", 2)]:
    getattr(libm, name).restype = ctypes.c_float
    getattr(libm, name).argtypes = [ctypes.c_float] * args


class Tensor(ctypes.Structure):  # ggml.h's struct ggml_tensor
    _fields_ = [("type", ctypes.c_int), ("buffer", ctypes.c_void_p), ("ne", ctypes.c_int64 * 4),
                ("nb", ctypes.c_size_t * 4), ("op", ctypes.c_int), ("op_params", ctypes.c_int32 * 16),
                ("flags", ctypes.c_int32), ("src", ctypes.c_void_p * 10), ("view_src", ctypes.c_void_p),
                ("view_offs", ctypes.c_size_t), ("data", ctypes.c_void_p), ("name", ctypes.c_char * 64),
                ("extra", ctypes.c_void_p), ("padding", ctypes.c_char * 8)]


def capture(ids, step):
    """Layer-0 tensors of llama.cpp's evaluation, by name (repeats get '#')."""
    store = {}

    def cb(t, ask, _):
        t = ctypes.cast(t, ctypes.POINTER(Tensor)).contents
        name = t.name.decode()
        if ask or t.type not in (0, 1) or not t.data or not ("-0" in name or "_l0" in name or name == "embd"):
            return True
        size = 4 if t.type == 0 else 2
        ne, nb = list(t.ne), list(t.nb)
        span = sum((ne[i] - 1) * nb[i] for i in range(4)) + size
        raw = np.frombuffer((ctypes.c_char * span).from_address(t.data), dtype=np.uint8)
        arr = np.lib.stride_tricks.as_strided(raw, shape=ne[::-1] + [size], strides=nb[::-1] + [1]).copy()
        while name in store:
            name += "#"
        store[name] = arr.view(f32 if t.type == 0 else f16).reshape(ne[::-1])[0]
        return True

    callback = llama_cpp.ggml_backend_sched_eval_callback(cb)
    default = L.llama_context_default_params

    def patched():
        p = default()
        p.cb_eval = callback
        return p

    L.llama_context_default_params = patched
    llm = Llama(model_path=str(MODEL), n_ctx=512, n_threads=2, n_batch=512, logits_all=True, verbose=False)
    L.llama_context_default_params = default
    if step:
        for t in ids[:-1]:
            llm.eval([t])
        store.clear()
        llm.eval(ids[-1:])
    else:
        llm.eval(ids)
    return store


def fma(a, b, c):
    return (np.asarray(a, np.float64) * np.asarray(b, np.float64) + np.asarray(c, np.float64)).astype(f32)


def reduce16(v):  # _mm512_reduce_add_ps
    t8 = (v[..., 8:] + v[..., :8]).astype(f32)
    t4 = (t8[..., 4:] + t8[..., :4]).astype(f32)
    return ((t4[..., 0] + t4[..., 2]).astype(f32) + (t4[..., 1] + t4[..., 3]).astype(f32)).astype(f32)


def v_expf(x):
    c = lambda h: f32(float.fromhex(h))
    r = c("0x1.8p23")
    n = (fma(x, c("0x1.715476p+0"), r) - r).astype(f32)
    b = fma(-n, c("0x1.7f7d1cp-20"), fma(-n, c("0x1.62e4p-1"), x))
    u = (b * b).astype(f32)
    j = fma(fma(fma(c("0x1.0e4020p-7"), b, c("0x1.573e2ep-5")), u, fma(c("0x1.555e66p-3"), b, c("0x1.fffdb6p-2"))),
            u, fma(c("0x1.ffffecp-1"), b, f32(1)))
    with np.errstate(all="ignore"):
        res = (j.astype(np.float64) * np.exp2(n.astype(np.float64))).astype(f32)
        return np.where(np.abs(n) > 192, np.where(n <= 0, f32(0), f32(np.inf)), res).astype(f32)


def chain(a, b):  # tinyBLAS: one 16-lane FMA chain
    acc = np.zeros(np.broadcast_shapes(a.shape, b.shape)[:-1] + (16,), f32)
    for l in range(0, a.shape[-1], 16):
        acc = fma(a[..., l:l + 16], b[..., l:l + 16], acc)
    return reduce16(acc)


def four(a, b):  # ggml_vec_dot_f16 (AVX-512): four chains, steps of 64
    s = [np.zeros(np.broadcast_shapes(a.shape, b.shape)[:-1] + (16,), f32) for _ in range(4)]
    for i in range(0, a.shape[-1], 64):
        for j in range(4):
            s[j] = fma(a[..., i + 16 * j:i + 16 * j + 16], b[..., i + 16 * j:i + 16 * j + 16], s[j])
    return reduce16((((s[0] + s[2]).astype(f32)) + ((s[1] + s[3]).astype(f32))).astype(f32))


def report(what, got, want):
    print(f"{what:<28} {int(np.sum(got != want)):>6} mismatches of {want.size}")


def main():
    if not MODEL.is_file():
        sys.exit(f"{MODEL} is missing: run `python3 scripts/fetch_models.py`")
    for step in (False, True):
        T = capture(IDS, step)
        kind = "decode" if step else "prompt"
        print(f"-- {kind} ({'1 token' if step else f'{len(IDS)} tokens'})")
        x, y = T["embd"][0], T["norm-0"][0]
        sums = np.array([sum(float(f32(v) * f32(v)) for v in row) for row in x])
        mean = (sums / x.shape[1]).astype(f32)
        scale = (f32(1) / np.sqrt((mean + f32(1e-5)).astype(f32))).astype(f32)
        report("rms_norm", (x * scale[:, None]).astype(f32), y)
        pre, post = T["Qcur-0#"], T["Qcur-0##"]
        ts = f32(libm.powf(100000.0, float(f32(-2.0) / f32(64))))
        pos0 = len(IDS) - 1 if step else 0
        want = np.empty_like(pre)
        for p in range(pre.shape[0]):
            theta = f32(pos0 + p)
            for i in range(32):
                cs, sn = f32(libm.cosf(float(theta))), f32(libm.sinf(float(theta)))
                x0, x1 = pre[p, :, 2 * i], pre[p, :, 2 * i + 1]
                want[p, :, 2 * i] = fma(x0, cs, -(x1 * sn).astype(f32))
                want[p, :, 2 * i + 1] = fma(x0, sn, (x1 * cs).astype(f32))
                theta = f32(theta * ts)
        report("rope (fused)", want, post)
        q = post.astype(f16).astype(f32)
        k = T["cache_k_l0 (view)#"].astype(f32)
        kq = T["kq-0"]
        dot = four if step else chain
        got = np.stack([dot(q[:, h, None, :], k[None, :, h // 3, :]) for h in range(q.shape[1])])
        report("kq", got, kq)
        sm = T["kq_soft_max-0"]
        got = np.zeros_like(sm)
        for h in range(sm.shape[0]):
            for t in range(sm.shape[1]):
                w = (kq[h, t] * f32(0.125)).astype(f32)
                w = np.where(np.arange(w.size) <= pos0 + t, w, f32(-np.inf)).astype(f32)
                e = v_expf((w - w.max()).astype(f32))
                total = sum(float(reduce16(e[i:i + 16])) for i in range(0, w.size, 16))
                got[h, t] = (e * f32(1.0 / total)).astype(f32)
        report("softmax", got, sm)
        v = T["cache_v_l0 (view)"].astype(f32)
        p = sm.astype(f16).astype(f32)
        got = np.stack([dot(p[h][:, None, :], v[None, :, h // 3, :]) for h in range(p.shape[0])])
        report("kqv", got, T["kqv-0"])
        g, u = T["ffn_gate-0"][0], T["ffn_up-0"][0]
        report("swiglu", ((g / (f32(1) + v_expf(-g))).astype(f32) * u).astype(f32), T["ffn_swiglu-0"][0])


if __name__ == "__main__":
    main()

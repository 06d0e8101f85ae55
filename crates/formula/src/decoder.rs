//! The decoder: x-transformers 0.15.0's `TransformerWrapper` around a
//! 4-layer pre-norm `Decoder` (dim 256, 8 heads of 64, so attention is 512
//! wide) whose layers are causal self-attention, cross-attention to the
//! encoder's output and a GEGLU feed-forward; both attentions end in
//! attention-on-attention (a linear layer to twice the width and a GLU).
//! Learned absolute positions, a final LayerNorm and logits over 8,000 ids.
//!
//! pix2tex recomputes the whole prefix at every step; here each layer keeps
//! its keys and values (the cross-attention's are computed once per image),
//! so a step costs one token's work.

use candle_core::{Module, Tensor, D};
use candle_nn::{Embedding, LayerNorm, Linear, VarBuilder};

const DIM: usize = 256;
const HEADS: usize = 8;
const HEAD_DIM: usize = 64;
const INNER: usize = HEADS * HEAD_DIM;
const LAYERS: usize = 4;
/// PyTorch's `nn.LayerNorm` default.
const LN_EPS: f64 = 1e-5;
/// Ids the logits cover (`num_tokens`).
pub const VOCAB: usize = 8000;
/// Positions the embedding covers (`max_seq_len`): the start token and at
/// most 511 more are ever fed.
pub const MAX_SEQ_LEN: usize = 512;

fn split_heads(x: &Tensor) -> candle_core::Result<Tensor> {
    let (b, n, _) = x.dims3()?;
    x.reshape((b, n, HEADS, HEAD_DIM))?.transpose(1, 2)?.contiguous()
}

/// x-transformers' `Attention` without bias on q, k, v and with
/// `on_attn=True`.
#[derive(Debug)]
struct Attention {
    norm: LayerNorm,
    to_q: Linear,
    to_k: Linear,
    to_v: Linear,
    to_out: Linear,
}

impl Attention {
    fn load(vb: VarBuilder) -> candle_core::Result<Self> {
        let a = vb.pp("1");
        Ok(Attention {
            norm: candle_nn::layer_norm(DIM, LN_EPS, vb.pp("0"))?,
            to_q: candle_nn::linear_no_bias(DIM, INNER, a.pp("to_q"))?,
            to_k: candle_nn::linear_no_bias(DIM, INNER, a.pp("to_k"))?,
            to_v: candle_nn::linear_no_bias(DIM, INNER, a.pp("to_v"))?,
            to_out: candle_nn::linear(INNER, 2 * DIM, a.pp("to_out.0"))?,
        })
    }

    /// Keys and values of `x`, split into heads: (1, 8, n, 64) each.
    fn keys_values(&self, x: &Tensor) -> candle_core::Result<(Tensor, Tensor)> {
        Ok((split_heads(&self.to_k.forward(x)?)?, split_heads(&self.to_v.forward(x)?)?))
    }

    /// Attention of the normed query `x` over `k`, `v`, then the GLU output.
    /// No mask is needed: the keys are the past and present only.
    fn attend(&self, x: &Tensor, k: &Tensor, v: &Tensor) -> candle_core::Result<Tensor> {
        let (b, n, _) = x.dims3()?;
        let q = split_heads(&self.to_q.forward(x)?)?;
        let scores = (q.matmul(&k.t()?)? * (HEAD_DIM as f64).powf(-0.5))?;
        let attn = candle_nn::ops::softmax_last_dim(&scores)?;
        let out = attn.matmul(v)?.transpose(1, 2)?.reshape((b, n, INNER))?;
        let out = self.to_out.forward(&out)?;
        // `nn.GLU()`: the first half gated by the sigmoid of the second.
        let a = out.narrow(D::Minus1, 0, DIM)?;
        let gate = out.narrow(D::Minus1, DIM, DIM)?;
        a * candle_nn::ops::sigmoid(&gate)?
    }
}

/// x-transformers' `FeedForward(glu=True)`: GEGLU to 1024, then back.
#[derive(Debug)]
struct FeedForward {
    norm: LayerNorm,
    proj: Linear,
    out: Linear,
}

impl FeedForward {
    fn load(vb: VarBuilder) -> candle_core::Result<Self> {
        Ok(FeedForward {
            norm: candle_nn::layer_norm(DIM, LN_EPS, vb.pp("0"))?,
            proj: candle_nn::linear(DIM, 8 * DIM, vb.pp("1.net.0.proj"))?,
            out: candle_nn::linear(4 * DIM, DIM, vb.pp("1.net.2"))?,
        })
    }

    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let h = self.proj.forward(&self.norm.forward(x)?)?;
        let a = h.narrow(D::Minus1, 0, 4 * DIM)?;
        let gate = h.narrow(D::Minus1, 4 * DIM, 4 * DIM)?;
        self.out.forward(&(a * gate.gelu_erf()?)?)
    }
}

#[derive(Debug)]
struct Layer {
    self_attn: Attention,
    cross_attn: Attention,
    ff: FeedForward,
}

#[derive(Debug)]
pub struct Decoder {
    token_emb: Embedding,
    pos_emb: Tensor,
    layers: Vec<Layer>,
    norm: LayerNorm,
    to_logits: Linear,
}

/// One image's decoding state: the cross-attention's keys and values, and
/// each layer's self-attention cache.
#[derive(Debug)]
pub struct State {
    context: Vec<(Tensor, Tensor)>,
    cache: Vec<Option<(Tensor, Tensor)>>,
    position: usize,
}

impl Decoder {
    pub fn load(vb: VarBuilder) -> candle_core::Result<Self> {
        let net = vb.pp("net");
        let layers = net.pp("attn_layers.layers");
        Ok(Decoder {
            token_emb: candle_nn::embedding(VOCAB, DIM, net.pp("token_emb"))?,
            pos_emb: net.get((MAX_SEQ_LEN, DIM), "pos_emb.emb.weight")?,
            layers: (0..LAYERS)
                .map(|l| {
                    Ok(Layer {
                        self_attn: Attention::load(layers.pp(3 * l))?,
                        cross_attn: Attention::load(layers.pp(3 * l + 1))?,
                        ff: FeedForward::load(layers.pp(3 * l + 2))?,
                    })
                })
                .collect::<candle_core::Result<_>>()?,
            norm: candle_nn::layer_norm(DIM, LN_EPS, net.pp("norm"))?,
            to_logits: candle_nn::linear(DIM, VOCAB, net.pp("to_logits"))?,
        })
    }

    /// The state for decoding over `context`, the encoder's (1, n, 256).
    pub fn start(&self, context: &Tensor) -> candle_core::Result<State> {
        let context =
            self.layers.iter().map(|l| l.cross_attn.keys_values(context)).collect::<Result<_, _>>()?;
        Ok(State { context, cache: vec![None; LAYERS], position: 0 })
    }

    /// Feeds `token` at the next position; the logits for the one after it.
    pub fn step(&self, state: &mut State, token: u32) -> candle_core::Result<Vec<f32>> {
        if state.position >= MAX_SEQ_LEN {
            candle_core::bail!("decoder position {} is past its {MAX_SEQ_LEN} positions", state.position);
        }
        let device = self.pos_emb.device();
        let ids = Tensor::new(&[[token]], device)?;
        let pos = self.pos_emb.narrow(0, state.position, 1)?.unsqueeze(0)?;
        let mut x = (self.token_emb.forward(&ids)? + pos)?;
        for ((layer, (ck, cv)), cache) in self.layers.iter().zip(&state.context).zip(&mut state.cache) {
            let normed = layer.self_attn.norm.forward(&x)?;
            let (k, v) = layer.self_attn.keys_values(&normed)?;
            let (k, v) = match cache.take() {
                Some((pk, pv)) => (Tensor::cat(&[&pk, &k], 2)?, Tensor::cat(&[&pv, &v], 2)?),
                None => (k, v),
            };
            x = (layer.self_attn.attend(&normed, &k, &v)? + x)?;
            *cache = Some((k, v));
            let normed = layer.cross_attn.norm.forward(&x)?;
            x = (layer.cross_attn.attend(&normed, ck, cv)? + x)?;
            x = (layer.ff.forward(&x)? + x)?;
        }
        state.position += 1;
        self.to_logits.forward(&self.norm.forward(&x)?)?.flatten_all()?.to_vec1()
    }
}

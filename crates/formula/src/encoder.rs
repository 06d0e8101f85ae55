//! The encoder: timm's ResNetV2 (layers 2, 3, 7; `preact=False`, stem
//! `same`, `StdConv2dSame`, GroupNorm of 32 groups) as the hybrid patch
//! embedding of a 4-block ViT (dim 256, 8 heads), with pix2tex's position
//! embeddings indexed on the 12x42 grid of the largest input.
//!
//! Names follow the checkpoint's `encoder.` tensors (timm 0.5.4's modules).

use candle_core::{DType, Module, Tensor};
use candle_nn::{GroupNorm, LayerNorm, Linear, VarBuilder};

use crate::preprocess::MAX_SIZE;

/// The backbone's stages: blocks per stage and output channels.
const STAGES: [(usize, usize); 3] = [(2, 256), (3, 512), (7, 1024)];
/// What one patch token covers: the backbone downsamples by 16 and the
/// embedding projects 1x1.
pub const PATCH: usize = 16;
const DIM: usize = 256;
const HEADS: usize = 8;
const DEPTH: usize = 4;
/// timm's `StdConv2dSame` default.
const STD_CONV_EPS: f64 = 1e-6;
const GROUPS: usize = 32;
const GROUP_NORM_EPS: f64 = 1e-5;
/// timm's ViT LayerNorm.
const LN_EPS: f64 = 1e-6;

/// TensorFlow's SAME padding (timm's `get_same_padding`): before, after.
fn same_padding(size: usize, kernel: usize, stride: usize) -> (usize, usize) {
    let total = ((size.div_ceil(stride) - 1) * stride + kernel).saturating_sub(size);
    (total / 2, total - total / 2)
}

/// A convolution with weight standardisation and SAME padding; the
/// standardised weights are computed once, at load.
#[derive(Debug)]
struct StdConv {
    weight: Tensor,
    kernel: usize,
    stride: usize,
}

impl StdConv {
    fn load(
        vb: VarBuilder,
        in_c: usize,
        out_c: usize,
        kernel: usize,
        stride: usize,
    ) -> candle_core::Result<Self> {
        let w = vb.get((out_c, in_c, kernel, kernel), "weight")?;
        // `F.batch_norm(w.reshape(1, out, -1), training=True)`: each output
        // channel's weights to zero mean and unit (biased) variance.
        let flat = w.reshape((out_c, in_c * kernel * kernel))?;
        let mean = flat.mean_keepdim(1)?;
        let centred = flat.broadcast_sub(&mean)?;
        let var = centred.sqr()?.mean_keepdim(1)?;
        let weight =
            centred.broadcast_div(&(var + STD_CONV_EPS)?.sqrt()?)?.reshape((out_c, in_c, kernel, kernel))?;
        Ok(StdConv { weight, kernel, stride })
    }

    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let (_, _, h, w) = x.dims4()?;
        let (top, bottom) = same_padding(h, self.kernel, self.stride);
        let (left, right) = same_padding(w, self.kernel, self.stride);
        let x = if top + bottom + left + right > 0 {
            x.pad_with_zeros(2, top, bottom)?.pad_with_zeros(3, left, right)?
        } else {
            x.clone()
        };
        x.conv2d(&self.weight, 0, self.stride, 1, 1)
    }
}

#[derive(Debug)]
struct NormAct {
    norm: GroupNorm,
    relu: bool,
}

impl NormAct {
    fn load(vb: VarBuilder, channels: usize, relu: bool) -> candle_core::Result<Self> {
        Ok(NormAct { norm: candle_nn::group_norm(GROUPS, channels, GROUP_NORM_EPS, vb)?, relu })
    }

    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let x = self.norm.forward(x)?;
        if self.relu {
            x.relu()
        } else {
            Ok(x)
        }
    }
}

/// timm's non-pre-activation `Bottleneck`.
#[derive(Debug)]
struct Bottleneck {
    downsample: Option<(StdConv, NormAct)>,
    conv1: StdConv,
    norm1: NormAct,
    conv2: StdConv,
    norm2: NormAct,
    conv3: StdConv,
    norm3: NormAct,
}

impl Bottleneck {
    fn load(vb: VarBuilder, in_c: usize, out_c: usize, stride: usize) -> candle_core::Result<Self> {
        let mid = out_c / 4;
        let downsample = if in_c != out_c || stride != 1 {
            Some((
                StdConv::load(vb.pp("downsample.conv"), in_c, out_c, 1, stride)?,
                NormAct::load(vb.pp("downsample.norm"), out_c, false)?,
            ))
        } else {
            None
        };
        Ok(Bottleneck {
            downsample,
            conv1: StdConv::load(vb.pp("conv1"), in_c, mid, 1, 1)?,
            norm1: NormAct::load(vb.pp("norm1"), mid, true)?,
            conv2: StdConv::load(vb.pp("conv2"), mid, mid, 3, stride)?,
            norm2: NormAct::load(vb.pp("norm2"), mid, true)?,
            conv3: StdConv::load(vb.pp("conv3"), mid, out_c, 1, 1)?,
            norm3: NormAct::load(vb.pp("norm3"), out_c, false)?,
        })
    }

    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let shortcut = match &self.downsample {
            Some((conv, norm)) => norm.forward(&conv.forward(x)?)?,
            None => x.clone(),
        };
        let y = self.norm1.forward(&self.conv1.forward(x)?)?;
        let y = self.norm2.forward(&self.conv2.forward(&y)?)?;
        let y = self.norm3.forward(&self.conv3.forward(&y)?)?;
        (y + shortcut)?.relu()
    }
}

/// timm's ViT `Block`: pre-norm attention and MLP, both residual.
#[derive(Debug)]
struct Block {
    norm1: LayerNorm,
    qkv: Linear,
    proj: Linear,
    norm2: LayerNorm,
    fc1: Linear,
    fc2: Linear,
}

impl Block {
    fn load(vb: VarBuilder) -> candle_core::Result<Self> {
        Ok(Block {
            norm1: candle_nn::layer_norm(DIM, LN_EPS, vb.pp("norm1"))?,
            qkv: candle_nn::linear(DIM, 3 * DIM, vb.pp("attn.qkv"))?,
            proj: candle_nn::linear(DIM, DIM, vb.pp("attn.proj"))?,
            norm2: candle_nn::layer_norm(DIM, LN_EPS, vb.pp("norm2"))?,
            fc1: candle_nn::linear(DIM, 4 * DIM, vb.pp("mlp.fc1"))?,
            fc2: candle_nn::linear(4 * DIM, DIM, vb.pp("mlp.fc2"))?,
        })
    }

    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let (b, n, _) = x.dims3()?;
        let head = DIM / HEADS;
        let qkv = self
            .qkv
            .forward(&self.norm1.forward(x)?)?
            .reshape((b, n, 3, HEADS, head))?
            .permute((2, 0, 3, 1, 4))?;
        let q = qkv.get(0)?.contiguous()?;
        let k = qkv.get(1)?.contiguous()?;
        let v = qkv.get(2)?.contiguous()?;
        let scores = (q.matmul(&k.t()?)? * (head as f64).powf(-0.5))?;
        let attn = candle_nn::ops::softmax_last_dim(&scores)?;
        let out = attn.matmul(&v)?.transpose(1, 2)?.reshape((b, n, DIM))?;
        let x = (x + self.proj.forward(&out)?)?;
        let mlp = self.fc2.forward(&self.fc1.forward(&self.norm2.forward(&x)?)?.gelu_erf()?)?;
        x + mlp
    }
}

/// The whole encoder: image (1, 1, H, W) → (1, 1 + H/16 · W/16, 256).
#[derive(Debug)]
pub struct Encoder {
    stem_conv: StdConv,
    stem_norm: NormAct,
    stages: Vec<Bottleneck>,
    proj_weight: Tensor,
    proj_bias: Tensor,
    cls_token: Tensor,
    pos_embed: Tensor,
    blocks: Vec<Block>,
    norm: LayerNorm,
}

impl Encoder {
    pub fn load(vb: VarBuilder) -> candle_core::Result<Self> {
        let backbone = vb.pp("patch_embed.backbone");
        let mut stages = Vec::new();
        let mut in_c = 64;
        for (s, &(depth, out_c)) in STAGES.iter().enumerate() {
            for b in 0..depth {
                let stride = if s > 0 && b == 0 { 2 } else { 1 };
                stages.push(Bottleneck::load(
                    backbone.pp(format!("stages.{s}.blocks.{b}")),
                    in_c,
                    out_c,
                    stride,
                )?);
                in_c = out_c;
            }
        }
        let grid = (MAX_SIZE.0 as usize / PATCH) * (MAX_SIZE.1 as usize / PATCH);
        Ok(Encoder {
            stem_conv: StdConv::load(backbone.pp("stem.conv"), 1, 64, 7, 2)?,
            stem_norm: NormAct::load(backbone.pp("stem.norm"), 64, true)?,
            stages,
            proj_weight: vb.get((DIM, in_c, 1, 1), "patch_embed.proj.weight")?,
            proj_bias: vb.get(DIM, "patch_embed.proj.bias")?,
            cls_token: vb.get((1, 1, DIM), "cls_token")?,
            pos_embed: vb.get((1, grid + 1, DIM), "pos_embed")?,
            blocks: (0..DEPTH)
                .map(|i| Block::load(vb.pp(format!("blocks.{i}"))))
                .collect::<Result<_, _>>()?,
            norm: candle_nn::layer_norm(DIM, LN_EPS, vb.pp("norm"))?,
        })
    }

    pub fn forward(&self, image: &Tensor) -> candle_core::Result<Tensor> {
        let (_, _, h, w) = image.dims4()?;
        let x = self.stem_norm.forward(&self.stem_conv.forward(image)?)?;
        // `MaxPool2dSame(3, 2)`: SAME padding with -inf. The values are
        // ReLU outputs (never negative) and every window holds at least one
        // of them, so zeros pad just as well.
        let (_, _, ph, pw) = x.dims4()?;
        let (top, bottom) = same_padding(ph, 3, 2);
        let (left, right) = same_padding(pw, 3, 2);
        let mut x =
            x.pad_with_zeros(2, top, bottom)?.pad_with_zeros(3, left, right)?.max_pool2d_with_stride(3, 2)?;
        for block in &self.stages {
            x = block.forward(&x)?;
        }
        let x = x
            .conv2d(&self.proj_weight, 0, 1, 1, 1)?
            .broadcast_add(&self.proj_bias.reshape((1, DIM, 1, 1))?)?;
        let x = x.flatten_from(2)?.transpose(1, 2)?;
        let x = Tensor::cat(&[&self.cls_token, &x], 1)?;
        // pix2tex's `CustomVisionTransformer`: the patch at (row, col) of an
        // h x w grid takes the embedding of (row, col) in the 12x42 grid of
        // the largest image, after the class token's.
        let (gh, gw) = (h / PATCH, w / PATCH);
        let max_w = MAX_SIZE.0 as usize / PATCH;
        let mut index = vec![0u32];
        for r in 0..gh {
            for c in 0..gw {
                index.push((r * max_w + c + 1) as u32);
            }
        }
        let index = Tensor::from_vec(index, gh * gw + 1, x.device())?;
        let pos = self.pos_embed.squeeze(0)?.index_select(&index, 0)?.unsqueeze(0)?;
        let mut x = (x + pos)?;
        for block in &self.blocks {
            x = block.forward(&x)?;
        }
        self.norm.forward(&x)?.to_dtype(DType::F32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_padding_is_tensorflows() {
        assert_eq!(same_padding(192, 7, 2), (2, 3));
        assert_eq!(same_padding(96, 3, 2), (0, 1));
        assert_eq!(same_padding(48, 3, 1), (1, 1));
        assert_eq!(same_padding(48, 1, 2), (0, 0));
        assert_eq!(same_padding(48, 1, 1), (0, 0));
    }
}

//! SLANet-plus input preparation and greedy decoding, as rapid-table 0.3.0's
//! `TablePreprocess` and `TableLabelDecode` (merged-`<td></td>` mode) do them.

use image::RgbImage;

use super::StructureTokens;
use crate::cv::imgops::{resize_linear, View};
use crate::layout::{IMAGENET_MEAN, IMAGENET_STD};

/// The model's square input side (`TablePreprocess.table_max_len`).
pub(super) const INPUT_SIDE: usize = 488;

/// The structure tokens: `sos`, the metadata list, `eos`.
#[derive(Debug)]
pub(super) struct Vocab {
    tokens: Vec<String>,
    sos: usize,
    eos: usize,
}

impl Vocab {
    /// `TableLabelDecode(character, merge_no_span_structure=True)`: the
    /// metadata's lines with `<td></td>` added when missing and the first
    /// `<td>` removed, between `sos` and `eos`.
    pub fn from_metadata(character: &str) -> Vocab {
        let mut list: Vec<String> = character.lines().map(str::to_owned).collect();
        if !list.iter().any(|t| t == "<td></td>") {
            list.push("<td></td>".to_owned());
        }
        if let Some(i) = list.iter().position(|t| t == "<td>") {
            list.remove(i);
        }
        let mut tokens = Vec::with_capacity(list.len() + 2);
        tokens.push("sos".to_owned());
        tokens.extend(list);
        tokens.push("eos".to_owned());
        // Python builds a dict from token to index, so a repeated token
        // resolves to its last position.
        let last = |name: &str| tokens.iter().rposition(|t| t == name).unwrap_or(0);
        let (sos, eos) = (last("sos"), last("eos"));
        Vocab { tokens, sos, eos }
    }

    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    pub fn has_cell_tokens(&self) -> bool {
        self.tokens.iter().any(|t| is_cell_token(t))
    }
}

/// The tokens that open a cell and carry its box (`TableLabelDecode.td_token`).
pub(crate) fn is_cell_token(token: &str) -> bool {
    matches!(token, "<td>" | "<td" | "<td></td>")
}

/// `ResizeTableImage(488)`, `NormalizeImage` (ImageNet, `hwc`) and
/// `PaddingTableImage(488, 488)` on the crop taken as BGR, in CHW order;
/// `None` for an empty crop.
pub(super) fn preprocess(crop: &RgbImage) -> Option<Vec<f32>> {
    let (w, h) = (crop.width() as usize, crop.height() as usize);
    let view = View::<3>::new(w, h, crop.as_raw())?;
    if w == 0 || h == 0 {
        return None;
    }
    // Python: ratio = 488 / max(h, w); int(h * ratio) truncates. OpenCV
    // rejects a zero size, which only a degenerate sliver could produce.
    let ratio = INPUT_SIDE as f64 / w.max(h) as f64;
    let rw = ((w as f64 * ratio) as usize).clamp(1, INPUT_SIDE);
    let rh = ((h as f64 * ratio) as usize).clamp(1, INPUT_SIDE);
    // A bilinear resize treats channels independently, so the RGB crop is
    // resized as is and read in BGR order below.
    let resized = resize_linear(view, rw, rh);

    // numpy: (img.astype(float32) * float32(1/255) - mean) / std, all in
    // float32; mean and std index the BGR channels. Padding comes after
    // normalisation, so the pad is 0, not the normalised black.
    let scale = (1.0f64 / 255.0) as f32;
    let plane = INPUT_SIDE * INPUT_SIDE;
    let mut out = vec![0f32; 3 * plane];
    for c in 0..3 {
        let (mean, std) = (IMAGENET_MEAN[c] as f32, IMAGENET_STD[c] as f32);
        let lut: Vec<f32> = (0..=255u8).map(|v| (f32::from(v) * scale - mean) / std).collect();
        let src_channel = 2 - c;
        let dst = &mut out[c * plane..(c + 1) * plane];
        for y in 0..rh {
            let row = &resized.data[y * rw * 3..(y + 1) * rw * 3];
            let dst_row = &mut dst[y * INPUT_SIDE..y * INPUT_SIDE + rw];
            for (d, px) in dst_row.iter_mut().zip(row.chunks_exact(3)) {
                *d = lut[usize::from(px[src_channel])];
            }
        }
    }
    Some(out)
}

/// `TableLabelDecode.decode` for one image, followed by
/// `RapidTable.adapt_slanet_plus`. `probs` is `[steps, vocab]`, `loc` is
/// `[steps, 8]`; `w` and `h` are the crop's size.
pub(super) fn decode(vocab: &Vocab, probs: &[f32], loc: &[f32], w: usize, h: usize) -> StructureTokens {
    let n = vocab.len();
    // `_bbox_decode` multiplies by the original width and height (float64
    // scalars, result stored as float32); `adapt_slanet_plus` then multiplies
    // by 488 / (side * ratio) in float32, which undoes the padding.
    let ratio = (INPUT_SIDE as f64 / h as f64).min(INPUT_SIDE as f64 / w as f64);
    let w_ratio = (INPUT_SIDE as f64 / (w as f64 * ratio)) as f32;
    let h_ratio = (INPUT_SIDE as f64 / (h as f64 * ratio)) as f32;
    let mut tokens = Vec::new();
    let mut cell_boxes = Vec::new();
    let mut score_sum = 0f64;
    for (step, (dist, bbox)) in probs.chunks_exact(n).zip(loc.chunks_exact(8)).enumerate() {
        // numpy's argmax: the first of equal maxima.
        let (idx, p) = dist
            .iter()
            .copied()
            .enumerate()
            .fold((0, f32::MIN), |a, (i, p)| if p > a.1 { (i, p) } else { a });
        if step > 0 && idx == vocab.eos {
            break;
        }
        if idx == vocab.sos || idx == vocab.eos {
            continue;
        }
        let token = &vocab.tokens[idx];
        if is_cell_token(token) {
            let mut b = [0f32; 8];
            for (k, (out, &v)) in b.iter_mut().zip(bbox).enumerate() {
                *out = if k % 2 == 0 {
                    ((f64::from(v) * w as f64) as f32) * w_ratio
                } else {
                    ((f64::from(v) * h as f64) as f32) * h_ratio
                };
            }
            cell_boxes.push(b);
        }
        tokens.push(token.clone());
        score_sum += f64::from(p);
    }
    let score = if tokens.is_empty() { 0.0 } else { (score_sum / tokens.len() as f64) as f32 };
    StructureTokens { tokens, cell_boxes, score }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocab_merges_td_like_rapid_table() {
        let v = Vocab::from_metadata("<thead>\n<td>\n<td\n>\n</td>");
        assert_eq!(v.tokens, ["sos", "<thead>", "<td", ">", "</td>", "<td></td>", "eos"]);
        assert_eq!((v.sos, v.eos), (0, 6));
        assert!(v.has_cell_tokens());
        assert!(!Vocab::from_metadata("<tr>").tokens.contains(&"<td>".to_owned()));
    }

    fn one_hot(vocab: &Vocab, seq: &[&str]) -> Vec<f32> {
        let mut probs = vec![0f32; seq.len() * vocab.len()];
        for (s, t) in seq.iter().enumerate() {
            let i = vocab.tokens.iter().position(|x| x == t).unwrap_or(0);
            probs[s * vocab.len() + i] = 0.9;
        }
        probs
    }

    #[test]
    fn decode_stops_at_eos_and_boxes_cells() {
        let vocab = Vocab::from_metadata("<tr>\n</tr>\n<td\n>\n</td>\n colspan=\"2\"\n<td></td>");
        let seq = ["sos", "<tr>", "<td></td>", "<td", " colspan=\"2\"", ">", "</td>", "</tr>", "eos", "<tr>"];
        let probs = one_hot(&vocab, &seq);
        let mut loc = vec![0f32; seq.len() * 8];
        // Step 2's box: the whole (unpadded) input, x1 = y1 = 1.
        loc[2 * 8..3 * 8].copy_from_slice(&[0.0, 0.0, 1.0, 0.0, 1.0, 0.5, 0.0, 0.5]);
        // A 200 x 100 crop fills the top half of the padded input.
        let out = decode(&vocab, &probs, &loc, 200, 100);
        assert_eq!(out.tokens, ["<tr>", "<td></td>", "<td", " colspan=\"2\"", ">", "</td>", "</tr>"]);
        assert_eq!(out.cell_boxes.len(), 2);
        assert_eq!(out.cell_boxes[0], [0.0, 0.0, 200.0, 0.0, 200.0, 100.0, 0.0, 100.0]);
        assert!((out.score - 0.9).abs() < 1e-6);
    }

    #[test]
    fn preprocess_pads_with_zero_after_normalising() {
        let crop = RgbImage::from_pixel(100, 50, image::Rgb([255, 0, 0]));
        let input = preprocess(&crop).unwrap_or_default();
        let plane = INPUT_SIDE * INPUT_SIDE;
        assert_eq!(input.len(), 3 * plane);
        // Red lands in the last (R) plane of BGR; 50 rows scale to 244.
        let red = (1.0 - 0.406f32) / 0.225;
        assert!((input[2 * plane] - red).abs() < 1e-5);
        assert!((input[0] - (-0.485f32 / 0.229)).abs() < 1e-5);
        assert_eq!(input[2 * plane + 244 * INPUT_SIDE], 0.0);
        assert!(preprocess(&RgbImage::new(0, 10)).is_none());
    }
}

//! Depth Up-Scaling (Kim et al., "SOLAR 10.7B", arXiv 2312.15166).
//!
//! An n-layer base becomes 2(n−m) layers: layers 0..n−m of one copy, then
//! layers m..n of a second copy (for SOLAR, n = 32 and m = 8 give 48).
//! Embeddings, final norm and LM head are kept; `config.json` gets the new
//! `num_hidden_layers`. Tensors are streamed one at a time from the base
//! safetensors to the output, so a 7B base never sits in memory twice.

use std::path::{Path, PathBuf};

use crate::checkpoint::{Checkpoint, SafetensorsWriter};
use crate::error::{Result, SolarError};

/// Tokenizer and generation files copied unchanged next to the new weights.
const SIDE_FILES: &[&str] = &[
    "tokenizer.json",
    "tokenizer_config.json",
    "tokenizer.model",
    "special_tokens_map.json",
    "generation_config.json",
];

/// For each layer of the up-scaled model, the base layer it is copied from.
pub fn layer_sources(n: usize, drop: usize) -> Result<Vec<usize>> {
    if drop >= n {
        return Err(SolarError::Dus(format!("cannot drop {drop} layers of a {n}-layer model")));
    }
    Ok((0..n - drop).chain(drop..n).collect())
}

/// What [`depth_up_scale`] wrote.
#[derive(Debug, Clone)]
pub struct DusReport {
    pub base_layers: usize,
    pub layers: usize,
    /// `sources[i]` is the base layer copied into layer `i`.
    pub sources: Vec<usize>,
    pub tensors: usize,
    pub bytes: u64,
    pub weights: PathBuf,
}

/// Splits `model.layers.{i}.rest` into `(i, rest)`.
fn layer_of(name: &str) -> Option<(usize, &str)> {
    let rest = name.strip_prefix("model.layers.")?;
    let (index, tail) = rest.split_once('.')?;
    Some((index.parse().ok()?, tail))
}

/// Builds the up-scaled checkpoint of `base` in `out` (created if needed).
pub fn depth_up_scale(base: &Path, drop: usize, out: &Path) -> Result<DusReport> {
    let config_path = base.join("config.json");
    let text = std::fs::read_to_string(&config_path).map_err(|e| SolarError::io(&config_path, e))?;
    let mut config: serde_json::Value = serde_json::from_str(&text)
        .map_err(|source| SolarError::Json { path: config_path.clone(), source })?;
    let n = config
        .get("num_hidden_layers")
        .and_then(|v| v.as_u64())
        .ok_or_else(|| SolarError::invalid(&config_path, "no num_hidden_layers"))? as usize;
    let sources = layer_sources(n, drop)?;
    let ckpt = Checkpoint::open(base)?;

    // Output order: everything before the layers, the layers in their new
    // order, then everything after (norm, head).
    let mut plan: Vec<(String, String, Vec<usize>)> = Vec::new();
    let mut origin: Vec<String> = Vec::new();
    let mut outside: Vec<&String> = Vec::new();
    for name in ckpt.index.keys() {
        match layer_of(name) {
            Some((i, _)) if i >= n => {
                return Err(SolarError::invalid(&config_path, format!("tensor {name} beyond {n} layers")));
            }
            Some(_) => {}
            None => outside.push(name),
        }
    }
    let (before, after): (Vec<&String>, Vec<&String>) =
        outside.into_iter().partition(|n| n.contains("embed"));
    let mut push = |new: String, old: &str| -> Result<()> {
        let info = ckpt.file_of(old)?.info(old)?;
        plan.push((new, info.dtype.clone(), info.shape.clone()));
        origin.push(old.to_owned());
        Ok(())
    };
    for name in &before {
        push((*name).clone(), name)?;
    }
    for (new_index, &src) in sources.iter().enumerate() {
        let prefix = format!("model.layers.{src}.");
        let names: Vec<&String> = ckpt
            .index
            .range(prefix.clone()..)
            .map(|(k, _)| k)
            .take_while(|k| k.starts_with(&prefix))
            .collect();
        if names.is_empty() {
            return Err(SolarError::invalid(&config_path, format!("no tensors for layer {src}")));
        }
        for name in names {
            let tail = &name[prefix.len()..];
            push(format!("model.layers.{new_index}.{tail}"), name)?;
        }
    }
    for name in &after {
        push((*name).clone(), name)?;
    }

    std::fs::create_dir_all(out).map_err(|e| SolarError::io(out, e))?;
    let weights = out.join("model.safetensors");
    let tensors = plan.len();
    let mut writer = SafetensorsWriter::create(&weights, plan.clone())?;
    let mut bytes = 0u64;
    for ((new, _, _), old) in plan.iter().zip(&origin) {
        let raw = ckpt.file_of(old)?.read_raw(old)?;
        bytes += raw.len() as u64;
        writer.write_next(new, &raw)?;
    }
    writer.finish()?;

    config["num_hidden_layers"] = serde_json::Value::from(sources.len());
    let config_out = out.join("config.json");
    let text = serde_json::to_string_pretty(&config)
        .map_err(|source| SolarError::Json { path: config_out.clone(), source })?;
    std::fs::write(&config_out, text + "\n").map_err(|e| SolarError::io(&config_out, e))?;
    for side in SIDE_FILES {
        let from = base.join(side);
        if from.is_file() {
            std::fs::copy(&from, out.join(side)).map_err(|e| SolarError::io(&from, e))?;
        }
    }
    tracing::info!(base_layers = n, layers = sources.len(), tensors, bytes, "depth up-scaled");
    Ok(DusReport { base_layers: n, layers: sources.len(), sources, tensors, bytes, weights })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solar_recipe_gives_48_layers_in_the_papers_order() {
        let s = layer_sources(32, 8).unwrap();
        assert_eq!(s.len(), 48);
        assert_eq!(&s[..24], (0..24).collect::<Vec<_>>().as_slice());
        assert_eq!(&s[24..], (8..32).collect::<Vec<_>>().as_slice());
    }

    #[test]
    fn dropping_everything_is_an_error() {
        assert!(layer_sources(4, 4).is_err());
        assert_eq!(layer_sources(4, 0).unwrap(), [0, 1, 2, 3, 0, 1, 2, 3]);
    }

    #[test]
    fn layer_names_parse() {
        assert_eq!(layer_of("model.layers.12.mlp.up_proj.weight"), Some((12, "mlp.up_proj.weight")));
        assert_eq!(layer_of("model.norm.weight"), None);
    }
}

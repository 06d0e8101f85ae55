//! `parasol dus`: Depth Up-Scaling of a safetensors Llama checkpoint, as
//! SOLAR-10.7B was built from Mistral-7B (32 layers, drop 8 → 48).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

/// Build a 2(n−M)-layer model from an n-layer safetensors checkpoint.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Base checkpoint directory (config.json and model.safetensors or shards).
    #[arg(long, value_name = "DIR")]
    pub base: PathBuf,
    /// Layers dropped from the end of the first copy and the start of the second (M).
    #[arg(long, value_name = "M")]
    pub drop: usize,
    /// Output directory.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

pub fn run(args: Args, _models: &Path) -> anyhow::Result<ExitCode> {
    let report = parasol_solar::dus::depth_up_scale(&args.base, args.drop, &args.out)
        .with_context(|| format!("depth up-scaling {}", args.base.display()))?;
    eprintln!(
        "{} layers → {} layers ({} tensors, {:.1} MB) in {}",
        report.base_layers,
        report.layers,
        report.tensors,
        report.bytes as f64 / 1e6,
        report.weights.display()
    );
    Ok(ExitCode::SUCCESS)
}

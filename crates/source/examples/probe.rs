//! Opens one file and reads every page, printing one line per warning or
//! failed page and a last line with the outcome, the time taken and the peak
//! memory: a harness for runs under resource caps.
//!
//! `prlimit --as=2147483648 target/debug/examples/probe FILE [PASSWORD]`

use std::process::ExitCode;
use std::time::Instant;

use parasol_models::ModelFile;
use parasol_source::{init_pdfium, OpenOptions, Source};

/// A line of `/proc/self/status` (Linux), such as `VmHWM:   123 kB`.
fn status(key: &str) -> String {
    let text = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let line = text.lines().find(|l| l.starts_with(key)).unwrap_or("");
    line.trim_start_matches(key).trim().to_owned()
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: probe FILE [PASSWORD]");
        return ExitCode::from(2);
    };
    let models = std::env::var("PARASOL_MODELS")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../../models/files").into());
    if let Err(e) = init_pdfium(&ModelFile::Pdfium.in_dir(models.as_ref())) {
        eprintln!("{e}");
        return ExitCode::from(2);
    }
    let options = OpenOptions { password: args.next(), ..OpenOptions::default() };
    let t = Instant::now();
    let source = match Source::open_path(path.as_ref(), &options) {
        Ok(s) => s,
        Err(e) => {
            println!(
                "error: {e} [{e:?}] after {:.2} s, peak {}",
                t.elapsed().as_secs_f32(),
                status("VmHWM:")
            );
            return ExitCode::from(1);
        }
    };
    let open_secs = t.elapsed().as_secs_f32();
    for w in source.warnings() {
        println!("warning: {:?} page {:?}: {}", w.kind, w.page, w.message);
    }
    let (mut failed, mut ink) = (0, 0.0);
    for i in 0..source.page_count() {
        match source.page(i) {
            Ok(page) => {
                if i == 0 {
                    let dark = page.image.pixels().filter(|p| p.0.iter().all(|&c| c < 128)).count();
                    ink = dark as f64 / f64::from(page.image.width() * page.image.height()).max(1.0);
                }
            }
            Err(e) => {
                failed += 1;
                println!("page {}: {e}", i + 1);
            }
        }
    }
    println!(
        "ok: {:?}, {} pages ({failed} failed), page 1 {:.2}% dark, open {open_secs:.2} s, all {:.2} s, peak {}",
        source.kind(),
        source.page_count(),
        ink * 100.0,
        t.elapsed().as_secs_f32(),
        status("VmHWM:")
    );
    ExitCode::SUCCESS
}

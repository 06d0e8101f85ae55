//! Every file under `../shared/corpus/hostile/` yields a result or a typed
//! error within 30 s: never a panic, an abort, a signal or a hang. Encrypted
//! files open with the passwords from their `PASSWORDS` files, but for the two
//! PDFium cannot open (`parasol_testdata::corpus::HOSTILE_UNOPENABLE`, asserted as
//! they behave today).

#![allow(clippy::unwrap_used)] // Test code: a panic is the failure report.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use common::{corpus, os, parasol, path_os, tempdir};

const LIMIT: Duration = Duration::from_secs(30);

#[derive(Debug)]
struct Outcome {
    file: String,
    password: bool,
    code: Option<i32>,
    secs: f32,
    message: String,
}

#[test]
fn hostile_corpus_yields_results_or_typed_errors() {
    let hostile = corpus().join("hostile");
    let all = common::hostile_pdfs();
    let pw = parasol_testdata::corpus::hostile_passwords(&hostile).unwrap();

    let out = tempdir("hostile");
    let jobs: Vec<(PathBuf, Option<String>)> = all
        .iter()
        .map(|f| {
            let name = f.file_name().unwrap().to_string_lossy().to_string();
            (f.clone(), pw.get(&name).cloned())
        })
        .collect();
    // Two files at a time on two cores, one ONNX thread each.
    let outcomes: Vec<Outcome> = std::thread::scope(|s| {
        let chunks: Vec<_> = jobs.chunks(jobs.len().div_ceil(2)).collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                let out = &out;
                s.spawn(move || {
                    chunk
                        .iter()
                        .map(|(file, password)| {
                            let mut args = vec![
                                os("convert"),
                                path_os(file),
                                os("--out"),
                                path_os(out),
                                os("--threads"),
                                os("1"),
                            ];
                            if let Some(p) = password {
                                args.push(os("--password"));
                                args.push(os(p));
                            }
                            let run = parasol(&args, LIMIT);
                            Outcome {
                                file: file.strip_prefix(corpus()).unwrap().display().to_string(),
                                password: password.is_some(),
                                code: run.code(),
                                secs: run.elapsed.as_secs_f32(),
                                message: run.stderr.lines().last().unwrap_or("").to_string()
                                    + " | "
                                    + run.stdout.trim(),
                            }
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });

    let mut bad = Vec::new();
    for o in &outcomes {
        eprintln!("{:>5.1}s {:?} {} {}", o.secs, o.code, o.file, o.message);
        let ok_code = matches!(o.code, Some(0) | Some(1));
        if !ok_code || o.secs > LIMIT.as_secs_f32() {
            bad.push(format!("{} exited {:?} after {:.1}s: {}", o.file, o.code, o.secs, o.message));
        }
        // A failure must be a reported, typed error.
        if o.code == Some(1) && !o.message.contains("failed: ") {
            bad.push(format!("{} failed without a reason: {}", o.file, o.message));
        }
        let unopenable = parasol_testdata::corpus::HOSTILE_UNOPENABLE.iter().any(|u| o.file.ends_with(u));
        if unopenable {
            if !(o.code == Some(1) && o.message.contains("the password does not open this PDF")) {
                bad.push(format!("{} changed behaviour (update HOSTILE_UNOPENABLE): {}", o.file, o.message));
            }
        } else if o.password && o.code != Some(0) {
            bad.push(format!("{} did not open with its password: {}", o.file, o.message));
        }
    }
    assert!(bad.is_empty(), "{} hostile files misbehaved:\n{}", bad.len(), bad.join("\n"));
}

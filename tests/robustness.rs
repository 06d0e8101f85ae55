//! Bad input never takes the batch down, never overwrites, never injects:
//! the cases a security-minded user found by probing `parasol convert`
//! (issue 18), each with generated inputs, through the real binary.

#![allow(clippy::unwrap_used)] // Test code: a panic is the failure report.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{os, parasol, path_os, tempdir, text_pdf};

const LIMIT: Duration = Duration::from_secs(300);

/// A one-page born-digital PDF saying `words`.
fn write_pdf(path: &Path, words: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, text_pdf(&[vec![words.to_owned()]])).unwrap();
}

/// Every file below `dir`, relative, sorted. A directory not made yet, or
/// an entry gone between listing and looking (a run may be writing), is
/// simply not there.
fn files(dir: &Path) -> Vec<String> {
    fn go(base: &Path, dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for e in entries.flatten() {
            let p = e.path();
            let Ok(meta) = std::fs::symlink_metadata(&p) else { continue };
            if meta.is_dir() {
                go(base, &p, out);
            } else {
                out.push(p.strip_prefix(base).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    let mut out = Vec::new();
    go(dir, dir, &mut out);
    out.sort();
    out
}

/// `parasol convert INPUTS --out OUT EXTRA…`, without a layout model (the
/// cases are about files, not pages) unless EXTRA names one.
fn convert(inputs: &[&Path], out: &Path, extra: &[&str]) -> common::Run {
    let mut args = vec![os("convert")];
    args.extend(inputs.iter().map(|p| path_os(p)));
    args.extend([os("--out"), path_os(out)]);
    if !extra.contains(&"--layout") {
        args.extend([os("--layout"), os("none")]);
    }
    args.extend(extra.iter().map(|a| os(a)));
    parasol(&args, LIMIT)
}

/// Case 2: inputs that map to the same output name are all converted, to
/// distinct names, and the renaming is said.
#[test]
fn inputs_with_the_same_name_never_overwrite_each_other() {
    let dir = tempdir("same-name");
    let (a, b) = (dir.join("d1/x.pdf"), dir.join("d2/x.pdf"));
    write_pdf(&a, "first document");
    write_pdf(&b, "second document");
    let out = dir.join("out");
    let run = convert(&[&a, &b], &out, &["--format", "txt"]);
    assert_eq!(run.code(), Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("2 converted"), "{}", run.stdout);
    assert_eq!(files(&out), ["x.pdf.txt", "x.pdf~2.txt"]);
    assert!(std::fs::read_to_string(out.join("x.pdf.txt")).unwrap().contains("first document"));
    assert!(std::fs::read_to_string(out.join("x.pdf~2.txt")).unwrap().contains("second document"));
    assert!(run.stderr.contains("is written as x.pdf~2"), "{}", run.stderr);

    // Two directories given as inputs, with the same file inside.
    let out = dir.join("out-dirs");
    let run = convert(&[&dir.join("d1"), &dir.join("d2")], &out, &["--format", "txt"]);
    assert_eq!(run.code(), Some(0), "{}", run.stderr);
    assert_eq!(files(&out).len(), 2, "{:?}", files(&out));

    // `x.pdf` beside `x.png` and `x.pdf.png`.
    let trio = dir.join("trio");
    write_pdf(&trio.join("x.pdf"), "pdf");
    std::fs::copy(common::root().join("samples/report-scan.png"), trio.join("x.png")).unwrap();
    std::fs::copy(common::root().join("samples/report-scan.png"), trio.join("x.pdf.png")).unwrap();
    let out = dir.join("out-trio");
    let run = convert(&[&trio], &out, &["--format", "txt"]);
    assert_eq!(run.code(), Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("3 converted"), "{}", run.stdout);
    assert_eq!(files(&out).len(), 3, "{:?}", files(&out));
}

/// Case 3: a link planted at the old predictable temporary name (or at the
/// output's own name) is never written through.
#[test]
fn outputs_are_never_written_through_a_planted_link() {
    let dir = tempdir("links");
    let victim = dir.join("victim");
    std::fs::write(&victim, "precious").unwrap();
    let input = dir.join("ok.pdf");
    write_pdf(&input, "hello");
    let out = dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::os::unix::fs::symlink(&victim, out.join("ok.html.partial")).unwrap();
    std::os::unix::fs::symlink(&victim, out.join("ok.html")).unwrap();
    let run = convert(&[&input], &out, &[]);
    assert_eq!(run.code(), Some(0), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    assert!(std::fs::read_to_string(out.join("ok.html")).unwrap().contains("hello"));
    assert!(!std::fs::symlink_metadata(out.join("ok.html")).unwrap().file_type().is_symlink());
}

/// Case 10 (the part a test can make as root, who can read any directory):
/// an input that cannot be read is reported by its own name and the rest of
/// the batch is converted.
#[test]
fn an_unreadable_input_does_not_stop_the_batch() {
    let dir = tempdir("unreadable");
    let good = dir.join("good.pdf");
    write_pdf(&good, "good");
    let missing = dir.join("no-such-dir/file.pdf");
    let out = dir.join("out");
    let run = convert(&[&missing, &good], &out, &["--format", "txt"]);
    assert_eq!(run.code(), Some(1), "{}", run.stderr);
    assert!(run.stderr.contains("no-such-dir/file.pdf"), "{}", run.stderr);
    assert_eq!(files(&out), ["good.txt"]);
}

/// `--out` that cannot be written is found before any file is converted.
#[test]
fn an_unwritable_output_directory_is_refused_at_once() {
    let dir = tempdir("unwritable");
    let input = dir.join("a.pdf");
    write_pdf(&input, "a");
    let run = convert(&[&input], Path::new("/proc/parasol-out"), &[]);
    assert_eq!(run.code(), Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("cannot write to the output directory"), "{}", run.stderr);
    assert!(run.elapsed < Duration::from_secs(20), "{:?}", run.elapsed);
}

/// Case 11: with `--out` inside the input directory and `--figures files`, a
/// second run converts the same files as the first, not the first's figures.
#[test]
fn the_output_directory_is_never_converted_again() {
    let dir = tempdir("out-inside");
    std::fs::copy(common::root().join("samples/report.pdf"), dir.join("report.pdf")).unwrap();
    let out = dir.join("out");
    let first = convert(&[&dir], &out, &["--figures", "files", "--layout", "picodet"]);
    assert_eq!(first.code(), Some(0), "{}", first.stderr);
    let made = files(&out);
    assert!(made.iter().any(|f| f.ends_with(".png")), "the sample has a figure: {made:?}");
    let second = convert(&[&dir], &out, &["--figures", "files", "--layout", "picodet"]);
    assert_eq!(second.code(), Some(0), "{}", second.stderr);
    assert!(second.stdout.starts_with("1 files (1 converted"), "{}", second.stdout);
    assert_eq!(files(&out), made);
}

/// Case 9: two runs at once into the same directory do not collide on
/// temporary names.
#[test]
fn two_runs_at_once_do_not_collide() {
    let dir = tempdir("concurrent");
    let inputs: Vec<PathBuf> = (0..6).map(|i| dir.join(format!("in/doc{i}.pdf"))).collect();
    for (i, p) in inputs.iter().enumerate() {
        write_pdf(p, &format!("document {i}"));
    }
    let out = dir.join("out");
    let runs: Vec<common::Run> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..2)
            .map(|_| s.spawn(|| convert(&[&dir.join("in")], &out, &["--format", "html,md,txt,json"])))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for run in &runs {
        assert_eq!(run.code(), Some(0), "{}", run.stderr);
    }
    assert_eq!(files(&out).len(), 24, "{:?}", files(&out));
    assert!(files(&out).iter().all(|f| !f.contains("partial")));
}

/// Case 12: a newline in a file name cannot forge a line of the output.
#[test]
fn file_names_cannot_forge_lines() {
    let dir = tempdir("newline");
    let input = dir.join("evil\nfailed: forged.pdf");
    std::fs::write(&input, "not a pdf").unwrap();
    let out = dir.join("out");
    let run = convert(&[&input], &out, &[]);
    assert_eq!(run.code(), Some(1), "{}", run.stderr);
    assert!(!run.stderr.lines().any(|l| l.starts_with("failed: forged")), "{}", run.stderr);
    assert!(run.stderr.contains("evil\\u{a}failed: forged.pdf"), "{}", run.stderr);
}

/// Case 6: Ctrl-C while a batch runs leaves every file either complete or
/// absent (no `.partial`, no lone `.html`), and says what was not converted.
#[test]
fn an_interrupted_batch_leaves_no_partial_outputs() {
    let dir = tempdir("sigint");
    for i in 0..40 {
        write_pdf(&dir.join(format!("in/doc{i:02}.pdf")), &format!("document {i}"));
    }
    let out = dir.join("out");
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_parasol"))
        .args([
            os("convert"),
            path_os(&dir.join("in")),
            os("--out"),
            path_os(&out),
            os("--format"),
            os("html,json"),
        ])
        .env("PARASOL_MODELS", common::models())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait for the first outputs, then interrupt.
    let start = std::time::Instant::now();
    while files(&out).iter().filter(|f| f.ends_with(".json")).count() < 2 {
        assert!(start.elapsed() < LIMIT, "no output appeared");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    let made = files(&out);
    assert!(made.iter().all(|f| !f.contains("partial")), "{made:?}");
    let html: Vec<_> = made.iter().filter_map(|f| f.strip_suffix(".html")).collect();
    let json: Vec<_> = made.iter().filter_map(|f| f.strip_suffix(".json")).collect();
    assert_eq!(html, json, "every file has both outputs or neither");
    assert!(html.len() < 40, "the batch stopped early: {}", html.len());
}

/// Case 4: a FIFO named on the command line fails at once (it used to block
/// forever) and the good file beside it is converted.
#[test]
fn a_fifo_or_a_device_fails_at_once_and_the_batch_goes_on() {
    let dir = tempdir("fifo");
    let fifo = dir.join("pipe.pdf");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let good = dir.join("good.pdf");
    write_pdf(&good, "good document");
    let out = dir.join("out");
    let run = convert(&[&fifo, Path::new("/dev/zero"), &good], &out, &["--format", "txt"]);
    assert_eq!(run.code(), Some(1), "{}", run.stderr);
    assert!(run.elapsed < Duration::from_secs(60), "{:?}", run.elapsed);
    assert!(run.stderr.contains("pipe.pdf: it is a FIFO"), "{}", run.stderr);
    assert!(run.stderr.contains("/dev/zero: it is a character device"), "{}", run.stderr);
    assert_eq!(files(&out), ["good.txt"]);
}

/// Case 5: document text that looks like HTML stays text in every format,
/// and control characters do not reach the outputs.
#[test]
fn document_text_never_becomes_markup() {
    let dir = tempdir("inject");
    let input = dir.join("x.pdf");
    write_pdf(&input, "<script>alert(1)</script> and <img src=x onerror=alert(1)>");
    let out = dir.join("out");
    let run = convert(&[&input], &out, &["--format", "html,md,txt,json"]);
    assert_eq!(run.code(), Some(0), "{}", run.stderr);
    for ext in ["html", "md"] {
        let body = std::fs::read_to_string(out.join(format!("x.{ext}"))).unwrap();
        assert!(!body.contains("<script") && !body.contains("<img"), "{ext}: {body}");
        assert!(body.contains("&lt;script&gt;"), "{ext}: {body}");
    }
    let text = std::fs::read_to_string(out.join("x.txt")).unwrap();
    assert!(text.contains("<script>alert(1)</script>"), "plain text keeps the words: {text}");
}

/// Case 12: a symbolic link inside a walked directory is skipped with a
/// note, and one named on the command line is followed with a note.
#[test]
fn symbolic_links_are_followed_or_skipped_with_a_note() {
    let dir = tempdir("symlinks");
    let target = dir.join("real.pdf");
    write_pdf(&target, "linked");
    let walked = dir.join("walked");
    std::fs::create_dir_all(&walked).unwrap();
    std::os::unix::fs::symlink(&target, walked.join("link.pdf")).unwrap();
    let named = dir.join("named.pdf");
    std::os::unix::fs::symlink(&target, &named).unwrap();
    let out = dir.join("out");
    let run = convert(&[&walked, &named], &out, &["--format", "txt"]);
    assert_eq!(run.code(), Some(0), "{}", run.stderr);
    assert!(
        run.stderr.contains("skipped") && run.stderr.contains("link.pdf: a symbolic link"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("following") && run.stderr.contains("named.pdf"), "{}", run.stderr);
    assert_eq!(files(&out), ["named.txt"]);
}

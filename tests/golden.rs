//! Golden outputs: every file in `samples/` converts to exactly the HTML,
//! Markdown, text and JSON committed in `tests/golden/`, after normalising
//! embedded image bytes. Regenerate with `UPDATE_EXPECT=1 cargo test --test golden`
//! and review the diff.

#![allow(clippy::unwrap_used)] // Test code: a panic is the failure report.

mod common;

use std::path::Path;
use std::time::Duration;

use common::{os, parasol, path_os, root, tempdir};

/// Replaces every base64 payload after `marker` (up to the next quote) with `…`.
fn blank_base64(s: &str, marker: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(marker) {
        let (head, tail) = rest.split_at(i + marker.len());
        out.push_str(head);
        let end = tail.find(['\'', '"', ')']).unwrap_or(tail.len());
        out.push('…');
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

fn normalise(s: &str) -> String {
    let s = blank_base64(s, "data:image/png;base64,");
    blank_base64(&s, "\"base64_encoding\": \"")
}

#[test]
fn samples_match_their_golden_outputs() {
    let out = tempdir("golden");
    let samples = root().join("samples");
    let run = parasol(
        &[
            os("convert"),
            path_os(&samples),
            os("--out"),
            path_os(&out),
            os("--format"),
            os("html,md,txt,json"),
            // Pinned, so that the goldens do not depend on whether the
            // opt-in YOLO weights are installed (`auto` would pick them).
            os("--layout"),
            os("picodet"),
        ],
        Duration::from_secs(600),
    );
    assert_eq!(run.code(), Some(0), "{}", run.stderr);
    let update = std::env::var_os("UPDATE_EXPECT").is_some_and(|v| v == "1");
    let golden = root().join("tests/golden");
    let mut names: Vec<String> = std::fs::read_dir(&samples)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect();
    names.sort();
    assert_eq!(names.len(), 4, "{names:?}");
    let mut mismatches = Vec::new();
    for name in &names {
        for ext in ["html", "md", "txt", "json"] {
            let file = format!("{name}.{ext}");
            let got = normalise(&std::fs::read_to_string(out.join(&file)).unwrap());
            let path = golden.join(&file);
            if update {
                std::fs::write(&path, &got).unwrap();
                continue;
            }
            let want = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}; run with UPDATE_EXPECT=1 to create it", path.display()));
            if got != want {
                mismatches.push(first_difference(&path, &want, &got));
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "golden mismatches (UPDATE_EXPECT=1 regenerates):\n{}",
        mismatches.join("\n")
    );
}

fn first_difference(path: &Path, want: &str, got: &str) -> String {
    let line = want
        .lines()
        .zip(got.lines())
        .position(|(a, b)| a != b)
        .unwrap_or(want.lines().count().min(got.lines().count()));
    let w = want.lines().nth(line).unwrap_or("<end>");
    let g = got.lines().nth(line).unwrap_or("<end>");
    // The first 300 characters of each, not bytes: a cut inside a Korean
    // syllable would panic.
    let head = |s: &str| s.chars().take(300).collect::<String>();
    format!("{} line {}:\n  want: {}\n  got:  {}", path.display(), line + 1, head(w), head(g))
}

#[test]
fn base64_payloads_are_blanked() {
    assert_eq!(
        normalise("<img src='data:image/png;base64,AAAA' alt=''>"),
        "<img src='data:image/png;base64,…' alt=''>"
    );
    assert_eq!(normalise("\"base64_encoding\": \"QUJD\","), "\"base64_encoding\": \"…\",");
}

//! What a batch converts and where each file's outputs go.
//!
//! Rules, each deliberate:
//! - Directories are walked recursively, in name order, picking the
//!   extensions of [`DIR_EXTENSIONS`]. Files named on the command line are
//!   always tried (their content decides their type).
//! - Symbolic links named on the command line are followed (the user chose
//!   them); links met while walking are skipped with a note, so a walk
//!   never leaves the tree it was given nor loops.
//! - Entries that are not regular files (FIFOs, devices, sockets) are
//!   skipped while walking, with a note; named ones fail on their own.
//! - A subdirectory that cannot be listed is reported and counted as a
//!   failure; the rest of the batch goes on.
//! - The output directory is never walked, even when it lies inside an
//!   input directory, so a second run does not convert the first's figures.
//! - Outputs mirror the inputs' relative paths; inputs whose stems collide
//!   keep their extension (`b.pdf`, `b.png`), and any output name still
//!   taken twice gets `~2`, `~3`… in input order, with a note. No two inputs
//!   ever write the same output.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use super::shown;

/// Extensions picked up when walking a directory.
pub const DIR_EXTENSIONS: &[&str] = &["pdf", "png", "jpg", "jpeg", "tif", "tiff", "webp"];

/// One input file and where its outputs go (relative to the output
/// directory, without extension).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub input: PathBuf,
    pub out_stem: PathBuf,
}

/// The batch: its jobs, notes for the user, and inputs that could not be
/// read at all (each a failure of the batch).
#[derive(Debug, Default)]
pub struct Plan {
    pub jobs: Vec<Job>,
    pub notes: Vec<String>,
    pub failures: Vec<String>,
}

/// Plans the batch for `inputs`, writing under `out`.
pub fn plan(inputs: &[PathBuf], out: &Path) -> Plan {
    let mut plan = Plan::default();
    let out_dir = fs::canonicalize(out).ok();
    let mut found: Vec<(PathBuf, PathBuf)> = Vec::new();
    for input in inputs {
        if fs::symlink_metadata(input).is_ok_and(|m| m.file_type().is_symlink()) {
            plan.notes.push(format!("following {}: a symbolic link named on the command line", shown(input)));
        }
        match fs::metadata(input) {
            Ok(meta) if meta.is_dir() => {
                let mut walker =
                    Walk { root: input, out_dir: out_dir.as_deref(), plan: &mut plan, found: &mut found };
                walker.dir(input);
            }
            _ => match input.file_name() {
                // A missing or unreadable named file fails on its own, with
                // the reason, when it is converted.
                Some(name) => found.push((input.clone(), PathBuf::from(name))),
                None => plan.failures.push(format!("{}: not a file name", shown(input))),
            },
        }
    }
    plan.jobs = name_outputs(found, &mut plan.notes);
    plan
}

struct Walk<'a> {
    root: &'a Path,
    out_dir: Option<&'a Path>,
    plan: &'a mut Plan,
    found: &'a mut Vec<(PathBuf, PathBuf)>,
}

impl Walk<'_> {
    fn dir(&mut self, dir: &Path) {
        if self.out_dir.is_some() && fs::canonicalize(dir).ok().as_deref() == self.out_dir {
            if dir != self.root {
                self.plan.notes.push(format!("skipped {}: it is the output directory", shown(dir)));
            }
            return;
        }
        let entries = match fs::read_dir(dir).and_then(|r| r.collect::<Result<Vec<_>, _>>()) {
            Ok(entries) => entries,
            Err(e) => {
                self.plan.failures.push(format!("{}: cannot list the directory: {e}", shown(dir)));
                return;
            }
        };
        let mut entries: Vec<_> = entries.into_iter().map(|e| (e.file_name(), e)).collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        for (_, e) in entries {
            let path = e.path();
            let ty = match e.file_type() {
                Ok(ty) => ty,
                Err(err) => {
                    self.plan.failures.push(format!("{}: {err}", shown(&path)));
                    continue;
                }
            };
            if ty.is_dir() {
                self.dir(&path);
                continue;
            }
            let ext = path.extension().and_then(|x| x.to_str()).map(str::to_ascii_lowercase);
            if !ext.is_some_and(|x| DIR_EXTENSIONS.contains(&x.as_str())) {
                continue;
            }
            if ty.is_symlink() {
                self.plan.notes.push(format!(
                    "skipped {}: a symbolic link (links are followed only when named on the command line)",
                    shown(&path)
                ));
            } else if !ty.is_file() {
                self.plan.notes.push(format!("skipped {}: not a regular file", shown(&path)));
            } else {
                // Walked paths are always below the root, so this holds no `..`.
                let rel = path.strip_prefix(self.root).unwrap_or(&path).to_path_buf();
                self.found.push((path, rel));
            }
        }
    }
}

/// `DIR/a/b.pdf` → `a/b`, a named file → its stem; stems shared by several
/// inputs keep their extension; names still taken twice get `~N`.
fn name_outputs(found: Vec<(PathBuf, PathBuf)>, notes: &mut Vec<String>) -> Vec<Job> {
    let mut stem_count: std::collections::HashMap<PathBuf, usize> = std::collections::HashMap::new();
    for (_, rel) in &found {
        *stem_count.entry(rel.with_extension("")).or_default() += 1;
    }
    let wanted: Vec<PathBuf> = found
        .iter()
        .map(|(_, rel)| {
            let stem = rel.with_extension("");
            if stem_count[&stem] > 1 {
                rel.clone()
            } else {
                stem
            }
        })
        .collect();
    // Every wanted name is reserved first, so a `~N` never takes a name
    // another input wants as it is.
    let mut taken: HashSet<PathBuf> = wanted.iter().cloned().collect();
    let mut given: HashSet<PathBuf> = HashSet::new();
    let mut first_owner: std::collections::HashMap<PathBuf, PathBuf> = std::collections::HashMap::new();
    let mut jobs = Vec::with_capacity(found.len());
    for ((input, _), want) in found.into_iter().zip(wanted) {
        let out_stem = if given.insert(want.clone()) {
            first_owner.insert(want.clone(), input.clone());
            want
        } else {
            let mut n = 2;
            let renamed = loop {
                let mut name = want.clone().into_os_string();
                name.push(format!("~{n}"));
                let candidate = PathBuf::from(name);
                if !taken.contains(&candidate) {
                    break candidate;
                }
                n += 1;
            };
            taken.insert(renamed.clone());
            given.insert(renamed.clone());
            let owner = first_owner.get(&want).map(|p| shown(p)).unwrap_or_default();
            notes.push(format!(
                "{} is written as {}.* ({}.* is {owner}'s)",
                shown(&input),
                shown(&renamed),
                shown(&want)
            ));
            renamed
        };
        jobs.push(Job { input, out_stem });
    }
    jobs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stems(inputs: &[&str]) -> (Vec<PathBuf>, Vec<String>) {
        let found = inputs
            .iter()
            .map(|p| (PathBuf::from(p), PathBuf::from(Path::new(p).file_name().unwrap_or_default())))
            .collect();
        let mut notes = Vec::new();
        let jobs = name_outputs(found, &mut notes);
        (jobs.into_iter().map(|j| j.out_stem).collect(), notes)
    }

    #[test]
    fn colliding_stems_keep_their_extension() {
        let (outs, notes) = stems(&["a/report.pdf", "b/report.png", "c/x.jpg"]);
        assert_eq!(outs, [PathBuf::from("report.pdf"), PathBuf::from("report.png"), PathBuf::from("x")]);
        assert!(notes.is_empty());
    }

    #[test]
    fn the_same_name_twice_is_numbered_not_overwritten() {
        let (outs, notes) = stems(&["d1/x.png", "d2/x.png", "d3/x.png"]);
        assert_eq!(outs, [PathBuf::from("x.png"), PathBuf::from("x.png~2"), PathBuf::from("x.png~3")]);
        assert_eq!(notes.len(), 2);
        assert!(notes[0].contains("d2/x.png") && notes[0].contains("d1/x.png"), "{notes:?}");
    }

    #[test]
    fn a_name_with_an_extension_inside_does_not_collide_with_its_neighbour() {
        // `x.pdf` keeps its extension (it shares the stem `x` with `x.png`),
        // which is the stem of `x.pdf.png`.
        let (outs, _) = stems(&["x.pdf", "x.png", "x.pdf.png"]);
        let unique: HashSet<_> = outs.iter().collect();
        assert_eq!(unique.len(), 3, "{outs:?}");
    }

    #[test]
    fn a_renamed_output_never_takes_a_name_another_input_wants() {
        let (outs, _) = stems(&["a/x.png", "b/x.png", "x.png~2.png"]);
        let unique: HashSet<_> = outs.iter().collect();
        assert_eq!(unique.len(), 3, "{outs:?}");
    }

    proptest::proptest! {
        #[test]
        fn output_names_never_collide(names in proptest::collection::vec("[ab]{1,2}(\\.(pdf|png))?(~2)?(\\.png)?", 1..12)) {
            let inputs: Vec<String> = names.iter().enumerate().map(|(i, n)| format!("d{}/{n}", i % 3)).collect();
            let refs: Vec<&str> = inputs.iter().map(String::as_str).collect();
            let (outs, _) = stems(&refs);
            let unique: HashSet<_> = outs.iter().collect();
            proptest::prop_assert_eq!(unique.len(), outs.len(), "{:?} -> {:?}", refs, outs);
        }
    }
}

//! Writing a file's outputs: all of them or none, never through a link.
//!
//! Every output (each format, each figure PNG) is first written to a
//! temporary file created exclusively (`O_CREAT | O_EXCL`, which also
//! refuses a symbolic link at that name) under a unique name beside its
//! destination, and synced. Only when every one is written are they renamed
//! into place; a failure before that removes the temporaries, and a failure
//! while renaming removes what this set had already put in place. Renaming
//! replaces a link at the destination, never what it points to.
//!
//! Directories below the output directory are created one component at a
//! time and a component that is a symbolic link is refused, so whoever can
//! write into `--out` cannot steer outputs elsewhere.

use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The output directory, checked writable before the batch starts.
#[derive(Debug)]
pub struct OutDir {
    root: PathBuf,
}

impl OutDir {
    /// Creates `root` if needed and proves it writable with a probe file.
    pub fn open(root: &Path) -> io::Result<OutDir> {
        fs::create_dir_all(root)?;
        if !fs::metadata(root)?.is_dir() {
            return Err(io::Error::new(io::ErrorKind::NotADirectory, "not a directory"));
        }
        let out = OutDir { root: root.to_owned() };
        let (path, file) = create_unique(root, ".parasol-probe")?;
        drop(file);
        fs::remove_file(path)?;
        Ok(out)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// An empty set of outputs to be written together.
    pub fn set(&self) -> OutputSet<'_> {
        OutputSet { out: self, staged: Vec::new() }
    }

    /// `root/rel`'s directory, created component by component; a component
    /// that exists as a symbolic link or a non-directory is an error.
    fn dir_for(&self, rel: &Path) -> io::Result<PathBuf> {
        let mut dir = self.root.clone();
        let Some(parent) = rel.parent() else { return Ok(dir) };
        for c in parent.components() {
            let Component::Normal(name) = c else {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "output path leaves the output directory",
                ));
            };
            dir.push(name);
            match fs::symlink_metadata(&dir) {
                Ok(m) if m.is_dir() => {}
                Ok(m) if m.file_type().is_symlink() => {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidInput,
                        format!(
                            "{} is a symbolic link; outputs are not written through links",
                            dir.display()
                        ),
                    ))
                }
                Ok(_) => {
                    return Err(io::Error::new(
                        io::ErrorKind::AlreadyExists,
                        format!("{} exists and is not a directory", dir.display()),
                    ))
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => match fs::create_dir(&dir) {
                    Ok(()) => {}
                    // Another run made it meanwhile: fine if it is a directory.
                    Err(e) if e.kind() == io::ErrorKind::AlreadyExists && dir.is_dir() && !is_link(&dir) => {}
                    Err(e) => return Err(e),
                },
                Err(e) => return Err(e),
            }
        }
        Ok(dir)
    }
}

fn is_link(p: &Path) -> bool {
    fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink())
}

/// A temporary file `.NAME.PID-N.partial` in `dir`, created exclusively.
fn create_unique(dir: &Path, name: &str) -> io::Result<(PathBuf, fs::File)> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let path = dir.join(format!(".{name}.{}-{n}-{nanos:08x}.partial", std::process::id()));
        match fs::OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(file) => return Ok((path, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

/// One staged output: written and synced, not yet in place.
#[derive(Debug)]
struct Staged {
    tmp: PathBuf,
    dest: PathBuf,
}

/// A file's outputs, put in place together by [`OutputSet::commit`];
/// dropped uncommitted, it leaves nothing behind.
#[derive(Debug)]
pub struct OutputSet<'a> {
    out: &'a OutDir,
    staged: Vec<Staged>,
}

impl OutputSet<'_> {
    /// Stages `bytes` for `OUT/rel`.
    pub fn add(&mut self, rel: &Path, bytes: &[u8]) -> io::Result<()> {
        let dir = self.out.dir_for(rel)?;
        let name = rel
            .file_name()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "output path has no file name"))?;
        let (tmp, mut file) = create_unique(&dir, &name.to_string_lossy())?;
        // Registered before writing, so a failed write is cleaned up too.
        self.staged.push(Staged { tmp, dest: dir.join(name) });
        file.write_all(bytes)?;
        file.sync_all()
    }

    /// Puts every staged output in place, or none of them.
    pub fn commit(mut self) -> io::Result<()> {
        let staged = std::mem::take(&mut self.staged);
        for (i, s) in staged.iter().enumerate() {
            if let Err(e) = fs::rename(&s.tmp, &s.dest) {
                for done in &staged[..i] {
                    let _ = fs::remove_file(&done.dest);
                }
                for rest in &staged[i..] {
                    let _ = fs::remove_file(&rest.tmp);
                }
                return Err(io::Error::new(e.kind(), format!("cannot write {}: {e}", s.dest.display())));
            }
        }
        Ok(())
    }
}

impl Drop for OutputSet<'_> {
    fn drop(&mut self) {
        for s in &self.staged {
            let _ = fs::remove_file(&s.tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tempdir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("parasol-outputs-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut out = Vec::new();
        for e in fs::read_dir(dir).unwrap() {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            if e.file_type().unwrap().is_dir() {
                out.extend(listing(&e.path()).into_iter().map(|n| format!("{name}/{n}")));
            } else {
                out.push(name);
            }
        }
        out.sort();
        out
    }

    #[test]
    fn a_committed_set_is_all_in_place_and_nothing_else() {
        let dir = tempdir("commit");
        let out = OutDir::open(&dir).unwrap();
        let mut set = out.set();
        set.add(Path::new("a/x.html"), b"<p>x</p>").unwrap();
        set.add(Path::new("a/x_files/p1-e0.png"), b"png").unwrap();
        set.commit().unwrap();
        assert_eq!(listing(&dir), ["a/x.html", "a/x_files/p1-e0.png"]);
        assert_eq!(fs::read(dir.join("a/x.html")).unwrap(), b"<p>x</p>");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_dropped_set_leaves_nothing() {
        let dir = tempdir("drop");
        let out = OutDir::open(&dir).unwrap();
        let mut set = out.set();
        set.add(Path::new("x.html"), b"x").unwrap();
        set.add(Path::new("x.json"), b"{}").unwrap();
        drop(set);
        assert!(listing(&dir).is_empty(), "{:?}", listing(&dir));
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_link_planted_at_a_temporary_or_final_name_is_never_written_through() {
        let dir = tempdir("links");
        let victim = dir.join("victim");
        fs::write(&victim, b"precious").unwrap();
        let out_root = dir.join("out");
        let out = OutDir::open(&out_root).unwrap();
        // The old predictable temporary name, and the destination itself.
        std::os::unix::fs::symlink(&victim, out_root.join("ok.html.partial")).unwrap();
        std::os::unix::fs::symlink(&victim, out_root.join("ok.html")).unwrap();
        let mut set = out.set();
        set.add(Path::new("ok.html"), b"new").unwrap();
        set.commit().unwrap();
        assert_eq!(fs::read(&victim).unwrap(), b"precious");
        assert_eq!(fs::read(out_root.join("ok.html")).unwrap(), b"new");
        assert!(!is_link(&out_root.join("ok.html")));
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_linked_subdirectory_is_refused() {
        let dir = tempdir("linkdir");
        let elsewhere = dir.join("elsewhere");
        fs::create_dir_all(&elsewhere).unwrap();
        let out_root = dir.join("out");
        let out = OutDir::open(&out_root).unwrap();
        std::os::unix::fs::symlink(&elsewhere, out_root.join("a")).unwrap();
        let mut set = out.set();
        let err = set.add(Path::new("a/x.html"), b"x").unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        drop(set);
        assert!(listing(&elsewhere).is_empty());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_unwritable_output_directory_is_found_before_any_work() {
        let err = OutDir::open(Path::new("/proc/parasol-cannot-write-here")).unwrap_err();
        assert!(!err.to_string().is_empty());
    }

    proptest::proptest! {
        /// Whatever is staged, a committed set holds exactly the last bytes
        /// given for each name, and a dropped one leaves the directory as it was.
        #[test]
        fn sets_are_all_or_nothing(
            files in proptest::collection::vec(("[a-c]{1,2}(/[a-c]{1,2})?\\.(html|md)", proptest::collection::vec(0u8..255, 0..64)), 1..6),
            commit in proptest::bool::ANY,
        ) {
            let dir = tempdir("prop");
            let out = OutDir::open(&dir).unwrap();
            let mut set = out.set();
            for (name, bytes) in &files {
                set.add(Path::new(name), bytes).unwrap();
            }
            if commit {
                set.commit().unwrap();
                for (name, _) in &files {
                    let last = files.iter().rev().find(|(n, _)| n == name).map(|(_, b)| b.clone()).unwrap_or_default();
                    proptest::prop_assert_eq!(fs::read(dir.join(name)).unwrap(), last);
                }
                proptest::prop_assert!(listing(&dir).iter().all(|n| !n.ends_with(".partial")));
            } else {
                drop(set);
                proptest::prop_assert!(listing(&dir).is_empty());
            }
            fs::remove_dir_all(&dir).unwrap();
        }
    }
}

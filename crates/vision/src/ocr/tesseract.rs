//! A thin, safe binding over Tesseract's stable C API (`capi.h`), loaded
//! at run time from the system's `libtesseract.so.5` (Debian
//! `libtesseract5`).
//!
//! Loading at run time rather than linking keeps the `parasol` binary
//! running where libtesseract is absent: only the callers that need it
//! (Korean recognition) fail, with an error naming the Debian package.
//! This module is the only place in `vision` that allows `unsafe`; every
//! block says why it is sound. The safe surface is [`Tesseract`], one
//! `TessBaseAPI` handle that reads one image at a time.

#![allow(unsafe_code)]

use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::path::Path;
use std::sync::OnceLock;

use crate::VisionError;

/// The shared library's name (its soname on Debian 12).
pub(crate) const LIBRARY: &str = "libtesseract.so.5";
/// The Debian package that ships [`LIBRARY`].
pub(crate) const PACKAGE: &str = "libtesseract5";

/// `tesseract::PSM_SINGLE_LINE`: treat the image as a single text line.
const PSM_SINGLE_LINE: c_int = 7;
/// `tesseract::OEM_LSTM_ONLY`: the LSTM recogniser, never the legacy one.
const OEM_LSTM_ONLY: c_int = 1;
/// `tesseract::RIL_SYMBOL`: the iterator's level of single characters.
const RIL_SYMBOL: c_int = 4;

type Handle = *mut c_void;

/// The C functions used, resolved once. The `Library` is kept beside the
/// function pointers so that they stay valid as long as the struct lives
/// (it lives in a `static`, so for the whole process).
struct Api {
    _lib: libloading::Library,
    _gomp: Option<libloading::Library>,
    create: unsafe extern "C" fn() -> Handle,
    delete: unsafe extern "C" fn(Handle),
    end: unsafe extern "C" fn(Handle),
    init2: unsafe extern "C" fn(Handle, *const c_char, *const c_char, c_int) -> c_int,
    set_variable: unsafe extern "C" fn(Handle, *const c_char, *const c_char) -> c_int,
    set_page_seg_mode: unsafe extern "C" fn(Handle, c_int),
    set_image: unsafe extern "C" fn(Handle, *const u8, c_int, c_int, c_int, c_int),
    set_source_resolution: unsafe extern "C" fn(Handle, c_int),
    recognize: unsafe extern "C" fn(Handle, *mut c_void) -> c_int,
    get_utf8_text: unsafe extern "C" fn(Handle) -> *mut c_char,
    mean_text_conf: unsafe extern "C" fn(Handle) -> c_int,
    delete_text: unsafe extern "C" fn(*const c_char),
    get_iterator: unsafe extern "C" fn(Handle) -> Handle,
    iterator_delete: unsafe extern "C" fn(Handle),
    iterator_page: unsafe extern "C" fn(Handle) -> Handle,
    iterator_next: unsafe extern "C" fn(Handle, c_int) -> c_int,
    iterator_text: unsafe extern "C" fn(Handle, c_int) -> *mut c_char,
    iterator_box:
        unsafe extern "C" fn(Handle, c_int, *mut c_int, *mut c_int, *mut c_int, *mut c_int) -> c_int,
}

impl std::fmt::Debug for Api {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Api(libtesseract)")
    }
}

fn load() -> Result<Api, libloading::Error> {
    // SAFETY: loading libtesseract runs its (and leptonica's, libgomp's)
    // static initialisers, which have no preconditions on our side.
    let lib = unsafe { libloading::Library::new(LIBRARY)? };
    macro_rules! sym {
        ($name:literal) => {
            // SAFETY: the type written at the field matches the function's
            // declaration in Tesseract 5's `capi.h` (`TessBaseAPI*` as an
            // opaque pointer, `BOOL` and the enums as `int`); the pointer
            // is copied out of the `Symbol` but kept valid by `_lib`, which
            // is stored beside it and never unloaded before it.
            unsafe { *lib.get($name)? }
        };
    }
    let gomp = single_threaded_openmp();
    Ok(Api {
        _gomp: gomp,
        create: sym!(b"TessBaseAPICreate\0"),
        delete: sym!(b"TessBaseAPIDelete\0"),
        end: sym!(b"TessBaseAPIEnd\0"),
        init2: sym!(b"TessBaseAPIInit2\0"),
        set_variable: sym!(b"TessBaseAPISetVariable\0"),
        set_page_seg_mode: sym!(b"TessBaseAPISetPageSegMode\0"),
        set_image: sym!(b"TessBaseAPISetImage\0"),
        set_source_resolution: sym!(b"TessBaseAPISetSourceResolution\0"),
        recognize: sym!(b"TessBaseAPIRecognize\0"),
        get_utf8_text: sym!(b"TessBaseAPIGetUTF8Text\0"),
        mean_text_conf: sym!(b"TessBaseAPIMeanTextConf\0"),
        delete_text: sym!(b"TessDeleteText\0"),
        get_iterator: sym!(b"TessBaseAPIGetIterator\0"),
        iterator_delete: sym!(b"TessResultIteratorDelete\0"),
        iterator_page: sym!(b"TessResultIteratorGetPageIterator\0"),
        iterator_next: sym!(b"TessResultIteratorNext\0"),
        iterator_text: sym!(b"TessResultIteratorGetUTF8Text\0"),
        iterator_box: sym!(b"TessPageIteratorBoundingBox\0"),
        _lib: lib,
    })
}

/// Debian builds libtesseract with OpenMP, whose LSTM layers then start a
/// team of threads for every line: on two cores, with our own threads
/// reading lines in parallel, a page took four times as long (40 lines:
/// 31.6 s against 7.2 s). `omp_set_max_active_levels(0)` makes every
/// OpenMP parallel region run on its calling thread. It is a process-wide
/// setting of libgomp, which nothing else in Parasol uses. Returns the
/// library handle to keep, or `None` when libtesseract has no OpenMP.
fn single_threaded_openmp() -> Option<libloading::Library> {
    // SAFETY: libgomp is already loaded as libtesseract's dependency when
    // it has one, so this only takes a reference; its initialisers have
    // no preconditions.
    let gomp = unsafe { libloading::Library::new("libgomp.so.1").ok()? };
    // SAFETY: `void omp_set_max_active_levels(int)` per the OpenMP API;
    // called once, before any Tesseract handle exists, so no parallel
    // region is running.
    unsafe {
        let set: libloading::Symbol<'_, unsafe extern "C" fn(c_int)> =
            gomp.get(b"omp_set_max_active_levels\0").ok()?;
        set(0);
    }
    Some(gomp)
}

/// The process's libtesseract, loaded on first use; the error is kept as
/// text, since a load failure is the same for every later caller.
fn api() -> Result<&'static Api, VisionError> {
    static API: OnceLock<Result<Api, String>> = OnceLock::new();
    API.get_or_init(|| load().map_err(|e| e.to_string())).as_ref().map_err(|e| VisionError::NativeLibrary {
        library: LIBRARY,
        package: PACKAGE,
        source: e.clone().into(),
    })
}

/// Whether libtesseract can be loaded in this process.
pub(crate) fn available() -> bool {
    api().is_ok()
}

/// One recognised character (a Hangul syllable, a letter, a digit …) of a
/// line, with its horizontal extent in the image's pixels.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Symbol {
    pub text: String,
    pub left: i32,
    pub right: i32,
}

/// A line as Tesseract reads it.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct LineReading {
    /// The text, trimmed.
    pub text: String,
    /// Mean word confidence in 0–1.
    pub conf: f32,
    /// Its symbols, in order (empty when the iterator gave none).
    pub symbols: Vec<Symbol>,
}

/// One initialised `TessBaseAPI`: not `Sync` (a handle reads one image at
/// a time), but `Send`, since Tesseract keeps no thread-local state in it.
#[derive(Debug)]
pub(crate) struct Tesseract {
    api: &'static Api,
    handle: Handle,
}

// SAFETY: a `TessBaseAPI` is a plain heap object used by one thread at a
// time (`&mut self` for every call); Tesseract documents separate handles
// as the way to use it from several threads, and moving one between
// threads is the same as using it from one.
unsafe impl Send for Tesseract {}

impl Tesseract {
    /// A handle reading `languages` (`kor+eng`) with the LSTM recogniser
    /// from the `<lang>.traineddata` files in `datapath`, one line per image.
    pub fn new(datapath: &Path, languages: &str) -> Result<Tesseract, VisionError> {
        let api = api()?;
        let init_error = |reason: &str| VisionError::TesseractInit {
            datapath: datapath.to_path_buf(),
            languages: languages.to_owned(),
            reason: reason.to_owned(),
        };
        let dir = path_cstring(datapath).ok_or_else(|| init_error("the path holds a NUL byte"))?;
        let langs = CString::new(languages).map_err(|_| init_error("the language holds a NUL byte"))?;
        // SAFETY: `TessBaseAPICreate` has no preconditions; a null result
        // (allocation failure) is checked.
        let handle = unsafe { (api.create)() };
        if handle.is_null() {
            return Err(init_error("TessBaseAPICreate returned null"));
        }
        // From here on `Drop` ends and deletes the handle, also on error.
        let mut tess = Tesseract { api, handle };
        // Tesseract writes its warnings ("Estimating resolution", empty
        // pages) to stderr; a library must not print.
        tess.set_variable(c"debug_file", c"/dev/null");
        // SAFETY: the handle is live; `dir` and `langs` are NUL-terminated
        // and outlive the call, which copies them.
        let status = unsafe { (api.init2)(handle, dir.as_ptr(), langs.as_ptr(), OEM_LSTM_ONLY) };
        if status != 0 {
            return Err(init_error("a traineddata file is missing or unreadable"));
        }
        // SAFETY: the handle is live and initialised.
        unsafe { (api.set_page_seg_mode)(handle, PSM_SINGLE_LINE) };
        Ok(tess)
    }

    fn set_variable(&mut self, name: &CStr, value: &CStr) -> bool {
        // SAFETY: the handle is live; both strings are NUL-terminated and
        // outlive the call, which copies them.
        unsafe { (self.api.set_variable)(self.handle, name.as_ptr(), value.as_ptr()) != 0 }
    }

    /// Reads a grey image (`width × height` bytes, row-major) as one line:
    /// the text (trimmed) and Tesseract's mean word confidence in 0–1.
    /// `None` when the image is empty or too large for Tesseract's `int`s,
    /// or when recognition fails.
    pub fn read_line(&mut self, grey: &[u8], width: usize, height: usize, dpi: u32) -> Option<LineReading> {
        let (w, h) = (c_int::try_from(width).ok()?, c_int::try_from(height).ok()?);
        if w == 0 || h == 0 || grey.len() != width * height {
            return None;
        }
        // SAFETY: the handle is live; `grey` holds exactly `h` rows of `w`
        // bytes (checked above), one byte per pixel with a stride of `w`,
        // and Tesseract copies it into its own image before returning.
        unsafe { (self.api.set_image)(self.handle, grey.as_ptr(), w, h, 1, w) };
        // SAFETY: the handle is live and has an image.
        unsafe { (self.api.set_source_resolution)(self.handle, c_int::try_from(dpi).unwrap_or(300)) };
        // SAFETY: as above; a null monitor is allowed (no progress, no timeout).
        if unsafe { (self.api.recognize)(self.handle, std::ptr::null_mut()) } != 0 {
            return None;
        }
        // SAFETY: the handle is live and has recognised its image; the
        // returned string is NUL-terminated, owned by us and freed below
        // with `TessDeleteText`, as the API requires.
        let text = unsafe {
            let raw = (self.api.get_utf8_text)(self.handle);
            if raw.is_null() {
                return None;
            }
            let text = CStr::from_ptr(raw).to_string_lossy().into_owned();
            (self.api.delete_text)(raw);
            text
        };
        // SAFETY: the handle is live and has recognised its image.
        let conf = unsafe { (self.api.mean_text_conf)(self.handle) };
        let conf = conf.clamp(0, 100) as f32 / 100.0;
        Some(LineReading { text: text.trim().to_owned(), conf, symbols: self.symbols() })
    }

    /// The symbols of the last recognised image.
    fn symbols(&mut self) -> Vec<Symbol> {
        let mut out = Vec::new();
        // SAFETY: the handle is live and has recognised its image; the
        // iterator it returns is ours and deleted below; the page iterator
        // is a view of it (not separately owned), used only while it lives.
        // Every string from it is freed with `TessDeleteText`.
        unsafe {
            let it = (self.api.get_iterator)(self.handle);
            if it.is_null() {
                return out;
            }
            let page = (self.api.iterator_page)(it);
            loop {
                let raw = (self.api.iterator_text)(it, RIL_SYMBOL);
                if !raw.is_null() {
                    let text = CStr::from_ptr(raw).to_string_lossy().into_owned();
                    (self.api.delete_text)(raw);
                    let (mut l, mut t, mut r, mut b) = (0, 0, 0, 0);
                    let boxed =
                        (self.api.iterator_box)(page, RIL_SYMBOL, &mut l, &mut t, &mut r, &mut b) != 0;
                    if boxed {
                        out.push(Symbol { text, left: l, right: r });
                    }
                }
                if (self.api.iterator_next)(it, RIL_SYMBOL) == 0 {
                    break;
                }
            }
            (self.api.iterator_delete)(it);
        }
        out
    }
}

impl Drop for Tesseract {
    fn drop(&mut self) {
        // SAFETY: the handle came from `TessBaseAPICreate` and is ended and
        // deleted exactly once, here; `End` is allowed on a handle whose
        // `Init` failed.
        unsafe {
            (self.api.end)(self.handle);
            (self.api.delete)(self.handle);
        }
    }
}

fn path_cstring(p: &Path) -> Option<CString> {
    use std::os::unix::ffi::OsStrExt;
    CString::new(p.as_os_str().as_bytes()).ok()
}

//! A Document Parse request's multipart form, as Upstage's clients send it,
//! into Parasol's option types.
//!
//! Upstage's fields: `document` (the file), `model`, `ocr`,
//! `output_formats`, `coordinates`, `base64_encoding`, and, accepted
//! without effect, `chart_recognition`, `merge_multipage_tables` and `mode`. Lists come as JSON
//! (`["html", "markdown"]`), as the Python repr langchain-upstage sends
//! (`"['html', 'markdown']"`) or comma-separated. Parasol's own options have
//! the names of [`Options`]' fields (`layout`, `ocr_model`, `lang`, `dpi`,
//! `password`, `tables`, `formulas`, `orientation`, `figures`,
//! `drop_headers_footers`)
//! and the values the CLI takes. An unknown field is refused by name.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use axum::extract::multipart::{Field, Multipart, MultipartError};
use parasol_doc::upstage::UpstageResponse;
use parasol_doc::Category;
use parasol_pipeline::{Kind, Options};
use serde::{Deserialize, Serialize};
use tokio::io::AsyncWriteExt;

use crate::error::ApiError;

/// The content renderings a response can carry, with Upstage's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Html,
    Markdown,
    Text,
}

impl FromStr for Format {
    type Err = ();
    fn from_str(s: &str) -> Result<Format, ()> {
        match s {
            "html" => Ok(Format::Html),
            "markdown" => Ok(Format::Markdown),
            "text" => Ok(Format::Text),
            _ => Err(()),
        }
    }
}

/// What of a response the caller asked for; applied when it is served, so
/// a stored result holds everything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutputSelection {
    pub formats: Vec<Format>,
    pub coordinates: bool,
    /// Categories whose elements carry their image as base64.
    pub base64: Vec<Category>,
}

impl Default for OutputSelection {
    /// Upstage's defaults: HTML, coordinates, no base64.
    fn default() -> OutputSelection {
        OutputSelection { formats: vec![Format::Html], coordinates: true, base64: Vec::new() }
    }
}

impl OutputSelection {
    /// Empties the renderings not asked for, drops coordinates and images
    /// not asked for.
    pub fn apply(&self, r: &mut UpstageResponse) {
        let keep = |f: Format, s: &mut String| {
            if !self.formats.contains(&f) {
                s.clear();
            }
        };
        let mut contents = vec![&mut r.content];
        for e in &mut r.elements {
            if !self.coordinates {
                e.coordinates.clear();
            }
            if !self.base64.contains(&e.category) {
                e.base64_encoding = None;
            }
            contents.push(&mut e.content);
        }
        for c in contents {
            keep(Format::Html, &mut c.html);
            keep(Format::Markdown, &mut c.markdown);
            keep(Format::Text, &mut c.text);
        }
    }
}

/// A parsed request: the uploaded document (in a temporary file), what to
/// run and what to answer with.
#[derive(Debug)]
pub struct ParseRequest {
    pub upload: Upload,
    pub model: String,
    pub options: Options,
    pub output: OutputSelection,
}

/// What a job keeps of its request, to run it again after a restart.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredRequest {
    pub options: Options,
    pub output: OutputSelection,
}

/// An uploaded file, deleted when dropped unless [`Upload::persist`] moved it.
#[derive(Debug)]
pub struct Upload {
    path: PathBuf,
    pub bytes: u64,
    pub kind: Kind,
}

impl Upload {
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Moves the file to `dest` (same filesystem) and keeps it.
    pub fn persist(mut self, dest: &Path) -> std::io::Result<()> {
        std::fs::rename(&self.path, dest)?;
        self.path = PathBuf::new();
        Ok(())
    }
}

impl Drop for Upload {
    fn drop(&mut self) {
        if !self.path.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// The model names accepted: `document-parse`, its dated versions
/// (`document-parse-250618`) and `document-parse-nightly`.
pub fn valid_model(name: &str) -> bool {
    match name.strip_prefix("document-parse") {
        Some("") | Some("-nightly") => true,
        Some(rest) => rest
            .strip_prefix('-')
            .is_some_and(|d| (6..=8).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit())),
        None => false,
    }
}

/// A list field: JSON, Python repr or comma-separated.
pub fn parse_list(value: &str) -> Vec<String> {
    let v = value.trim();
    let v = v.strip_prefix('[').and_then(|v| v.strip_suffix(']')).unwrap_or(v);
    v.split(',')
        .map(|s| s.trim().trim_matches(|c| c == '\'' || c == '"').trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty())
        .collect()
}

pub fn parse_bool(field: &str, value: &str) -> Result<bool, ApiError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        other => Err(ApiError::bad_field(field, format!("`{field}` must be true or false, not `{other}`"))),
    }
}

fn choice<T: FromStr>(field: &str, value: &str) -> Result<T, ApiError>
where
    T::Err: std::fmt::Display,
{
    value.trim().parse().map_err(|e| ApiError::bad_field(field, format!("`{field}`: {e}")))
}

/// How the form is read.
#[derive(Debug, Clone)]
pub struct FormLimits {
    pub max_upload_bytes: u64,
    /// Where uploads are written while the request is read.
    pub tmp_dir: PathBuf,
}

/// Text fields are short; anything longer is a mistake or an attack.
const MAX_FIELD_BYTES: usize = 64 << 10;

fn multipart_error(e: MultipartError, limits: &FormLimits) -> ApiError {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::UploadTooLarge { limit_mib: limits.max_upload_bytes >> 20 }
    } else {
        ApiError::bad_field("document", format!("the multipart form cannot be read: {}", e.body_text()))
    }
}

/// Reads the whole form, the document into a temporary file.
pub async fn read(mut form: Multipart, limits: &FormLimits) -> Result<ParseRequest, ApiError> {
    let mut upload = None;
    let mut model = "document-parse".to_string();
    let mut options = Options::default();
    let mut output = OutputSelection::default();
    while let Some(field) = form.next_field().await.map_err(|e| multipart_error(e, limits))? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "document" {
            upload = Some(save(field, limits).await?);
            continue;
        }
        let value = text(field, &name, limits).await?;
        let v = value.trim();
        match name.as_str() {
            "model" => {
                if !valid_model(v) {
                    return Err(ApiError::bad_field(
                        "model",
                        format!("unknown model `{v}`; expected `document-parse` or a dated version of it"),
                    ));
                }
                model = v.to_string();
            }
            "ocr" => options.ocr = choice("ocr", v)?,
            "output_formats" => {
                output.formats = parse_list(v)
                    .iter()
                    .map(|f| {
                        f.parse().map_err(|()| {
                            ApiError::bad_field(
                                "output_formats",
                                format!("unknown output format `{f}`; expected html, markdown or text"),
                            )
                        })
                    })
                    .collect::<Result<_, _>>()?;
            }
            "coordinates" => output.coordinates = parse_bool("coordinates", v)?,
            "base64_encoding" => {
                output.base64 = parse_list(v)
                    .iter()
                    .map(|c| {
                        serde_json::from_value(serde_json::Value::String(c.clone())).map_err(|_| {
                            ApiError::bad_field("base64_encoding", format!("unknown category `{c}`"))
                        })
                    })
                    .collect::<Result<_, _>>()?;
            }
            // Upstage options with no counterpart here: accepted and checked,
            // without effect (charts are read as figures; tables are not merged
            // across pages; there is one mode).
            "chart_recognition" | "merge_multipage_tables" => {
                parse_bool(&name, v)?;
            }
            "mode" => {
                if !["standard", "enhanced", "auto"].contains(&v) {
                    return Err(ApiError::bad_field("mode", format!("unknown mode `{v}`")));
                }
            }
            "layout" => options.layout = choice("layout", v)?,
            "ocr_model" => options.ocr_model = choice("ocr_model", v)?,
            "lang" => options.lang = choice("lang", v)?,
            "figures" => options.figures = choice("figures", v)?,
            "dpi" => options.dpi = choice("dpi", v)?,
            "password" => options.password = Some(value.clone()),
            "tables" => options.tables = parse_bool("tables", v)?,
            "formulas" => options.formulas = parse_bool("formulas", v)?,
            "orientation" => options.orientation = parse_bool("orientation", v)?,
            "drop_headers_footers" => options.drop_headers_footers = parse_bool("drop_headers_footers", v)?,
            other => {
                let shown: String = other.chars().filter(|c| !c.is_control()).take(64).collect();
                return Err(ApiError::bad_field(other, format!("unknown field `{shown}`")));
            }
        }
    }
    options.validate().map_err(|e| ApiError::bad_field("dpi", e.to_string()))?;
    let upload = upload.ok_or_else(|| ApiError::bad_field("document", "the form has no `document` field"))?;
    Ok(ParseRequest { upload, model, options, output })
}

async fn text(mut field: Field<'_>, name: &str, limits: &FormLimits) -> Result<String, ApiError> {
    let mut buf = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|e| multipart_error(e, limits))? {
        if buf.len() + chunk.len() > MAX_FIELD_BYTES {
            return Err(ApiError::bad_field(name, format!("`{name}` is too long")));
        }
        buf.extend_from_slice(&chunk);
    }
    String::from_utf8(buf).map_err(|_| ApiError::bad_field(name, format!("`{name}` is not UTF-8 text")))
}

/// Streams the document to a temporary file, counting against the limit,
/// and checks its type from its first bytes.
async fn save(mut field: Field<'_>, limits: &FormLimits) -> Result<Upload, ApiError> {
    let path = limits.tmp_dir.join(format!("upload-{}", uuid::Uuid::new_v4()));
    let mut file =
        tokio::fs::OpenOptions::new().write(true).create_new(true).open(&path).await.map_err(|e| {
            tracing::error!(error = %e, "cannot create an upload file");
            ApiError::Internal
        })?;
    // From here the file is removed however we leave.
    let mut upload = Upload { path, bytes: 0, kind: Kind::Pdf };
    let mut head = Vec::with_capacity(16);
    while let Some(chunk) = field.chunk().await.map_err(|e| multipart_error(e, limits))? {
        upload.bytes += chunk.len() as u64;
        if upload.bytes > limits.max_upload_bytes {
            return Err(ApiError::UploadTooLarge { limit_mib: limits.max_upload_bytes >> 20 });
        }
        if head.len() < 16 {
            head.extend(chunk.iter().take(16 - head.len()));
        }
        file.write_all(&chunk).await.map_err(|e| {
            tracing::error!(error = %e, "cannot write an upload");
            ApiError::Internal
        })?;
    }
    file.flush().await.map_err(|_| ApiError::Internal)?;
    upload.kind = Kind::sniff(&head).ok_or(ApiError::UnsupportedType)?;
    Ok(upload)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_come_in_every_shape_clients_send() {
        let want = ["html", "markdown"];
        assert_eq!(parse_list(r#"["html", "markdown"]"#), want);
        assert_eq!(parse_list("['html', 'markdown']"), want);
        assert_eq!(parse_list("html,markdown"), want);
        assert_eq!(parse_list("[]"), Vec::<String>::new());
    }

    #[test]
    fn dated_model_names_are_accepted() {
        for ok in ["document-parse", "document-parse-250618", "document-parse-nightly"] {
            assert!(valid_model(ok), "{ok}");
        }
        for bad in ["", "document-parse-", "document-parse-abc", "ocr", "document-parse-1"] {
            assert!(!valid_model(bad), "{bad}");
        }
    }

    #[test]
    fn the_selection_empties_what_was_not_asked_for() {
        use parasol_doc::{BBox, Document, Element, PageInfo};
        let mut doc = Document::default();
        doc.pages.push(PageInfo { number: 1, width: 100.0, height: 100.0, dpi: 72.0 });
        doc.elements.push(Element::text(0, Category::Paragraph, 1, BBox::new(1.0, 1.0, 50.0, 9.0), "Hi"));
        let mut r = UpstageResponse::from_document(&doc, "m");
        let sel = OutputSelection { formats: vec![Format::Markdown], coordinates: false, base64: vec![] };
        sel.apply(&mut r);
        assert_eq!((r.content.html.as_str(), r.content.markdown.as_str()), ("", "Hi\n"));
        assert!(r.elements[0].coordinates.is_empty() && r.elements[0].content.text.is_empty());
    }
}

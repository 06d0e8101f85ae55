//! The typed output contract: Upstage Document Parse's JSON response.
//!
//! [`UpstageResponse`] is what `parasol convert --format json` writes and what
//! a server answers with; it deserialises too, so that clients and tests can
//! read a response back. Fields are declared in alphabetical order: the
//! serialised keys then come out sorted, as Upstage's own responses and our
//! golden files have them. Coordinates are the element box's four corners,
//! clockwise from top-left, as fractions of the page's width and height
//! rounded to four decimals.
//!
//! ```
//! use parasol_doc::upstage::UpstageResponse;
//! use parasol_doc::{BBox, Category, Document, Element, PageInfo};
//! let mut doc = Document::default();
//! doc.pages.push(PageInfo { number: 1, width: 200.0, height: 100.0, dpi: 72.0 });
//! doc.elements.push(Element::text(0, Category::Footer, 1, BBox::new(20.0, 90.0, 100.0, 100.0), "p. 1"));
//! let response = UpstageResponse::from_document(&doc, "parasol");
//! assert_eq!(response.elements[0].coordinates[0].x, 0.1);
//! let json = format!("{response}");
//! assert!(json.starts_with(r#"{"api":"2.0","content":{"html":"<footer id='0'"#));
//! assert_eq!(serde_json::from_str::<UpstageResponse>(&json)?, response);
//! # Ok::<(), serde_json::Error>(())
//! ```

use std::fmt;

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use crate::render::{self, element_html, element_markdown, element_text};
use crate::{Category, Document, Element};

/// The `api` version of the response shape we produce.
pub const API_VERSION: &str = "2.0";

/// A whole document parse: the document in three renderings, its elements,
/// and what was used.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UpstageResponse {
    pub api: String,
    /// The whole document: HTML with captions nested in their tables and
    /// figures, Markdown, text.
    pub content: Content,
    /// Elements in reading order.
    pub elements: Vec<UpstageElement>,
    /// Name and version of what produced the response.
    pub model: String,
    pub usage: Usage,
}

/// One piece of content in each rendering.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Content {
    pub html: String,
    pub markdown: String,
    pub text: String,
}

/// One element of the document.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UpstageElement {
    /// The PNG of a figure or chart, base64-encoded, when it was embedded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base64_encoding: Option<String>,
    pub category: Category,
    /// The element alone (a table's caption is its own element here).
    pub content: Content,
    /// The box's corners, clockwise from top-left, normalised to 0–1
    /// (left out when a request asked for no coordinates).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub coordinates: Vec<Point>,
    /// Position in reading order, from 0.
    pub id: usize,
    /// 1-based page number.
    pub page: usize,
}

/// A point as fractions of the page's width (`x`) and height (`y`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// What the parse consumed.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Usage {
    pub pages: usize,
}

impl UpstageResponse {
    /// The response for `doc`, naming `model` as its producer.
    pub fn from_document(doc: &Document, model: &str) -> UpstageResponse {
        UpstageResponse {
            api: API_VERSION.to_string(),
            content: Content {
                html: render::html(doc),
                markdown: render::markdown(doc),
                text: render::text(doc),
            },
            elements: doc.elements.iter().map(|e| UpstageElement::from_element(doc, e)).collect(),
            model: model.to_string(),
            usage: Usage { pages: doc.pages.len() },
        }
    }
}

impl UpstageResponse {
    /// The response for consecutive parts of one document (async batches,
    /// each numbered on from the last), joined as one conversion of the
    /// whole renders it: HTML parts one per line, Markdown and text parts a
    /// blank line apart with one final newline.
    pub fn join(parts: Vec<UpstageResponse>) -> Option<UpstageResponse> {
        let mut parts = parts.into_iter();
        let mut whole = parts.next()?;
        let trim = |s: &mut String| s.truncate(s.trim_end_matches('\n').len());
        trim(&mut whole.content.markdown);
        trim(&mut whole.content.text);
        for mut part in parts {
            for (acc, add, sep) in [
                (&mut whole.content.html, &mut part.content.html, "\n"),
                (&mut whole.content.markdown, &mut part.content.markdown, "\n\n"),
                (&mut whole.content.text, &mut part.content.text, "\n\n"),
            ] {
                trim(add);
                if !acc.is_empty() && !add.is_empty() {
                    acc.push_str(sep);
                }
                acc.push_str(add);
            }
            whole.elements.append(&mut part.elements);
            whole.usage.pages += part.usage.pages;
        }
        for s in [&mut whole.content.markdown, &mut whole.content.text] {
            if !s.is_empty() {
                s.push('\n');
            }
        }
        Some(whole)
    }
}

impl UpstageResponse {
    /// The document a response describes, as far as the response says:
    /// elements with their category, page, id and box (pages are 1 × 1, the
    /// box in page fractions); text from the plain-text rendering, tables
    /// as their Markdown (the cells themselves are not in the response).
    pub fn to_document(&self) -> Document {
        let mut doc = Document::default();
        for e in &self.elements {
            if !doc.pages.iter().any(|p| p.number == e.page) {
                doc.pages.push(crate::PageInfo { number: e.page, width: 1.0, height: 1.0, dpi: 72.0 });
            }
            let xs = e.coordinates.iter().map(|p| p.x as f32);
            let ys = e.coordinates.iter().map(|p| p.y as f32);
            let bbox = crate::BBox::new(
                xs.clone().fold(f32::INFINITY, f32::min).clamp(0.0, 1.0),
                ys.clone().fold(f32::INFINITY, f32::min).clamp(0.0, 1.0),
                xs.fold(0.0, f32::max),
                ys.fold(0.0, f32::max),
            );
            let text = match e.category {
                Category::Table => e.content.markdown.clone(),
                _ => e.content.text.trim_end().to_string(),
            };
            doc.elements.push(Element::text(e.id, e.category, e.page, bbox, text));
        }
        doc.pages.sort_by_key(|p| p.number);
        doc
    }
}

impl UpstageElement {
    /// Element `e` of `doc`, its box normalised by its page's size.
    fn from_element(doc: &Document, e: &Element) -> UpstageElement {
        let page = doc.pages.iter().find(|p| p.number == e.page);
        let (w, h) = page.map_or((1.0, 1.0), |p| (p.width.max(1.0), p.height.max(1.0)));
        let coordinates = e
            .bbox
            .to_quad()
            .iter()
            .map(|[x, y]| Point { x: round4((x / w).clamp(0.0, 1.0)), y: round4((y / h).clamp(0.0, 1.0)) })
            .collect();
        UpstageElement {
            base64_encoding: e
                .image
                .as_ref()
                .and_then(|i| i.png.as_ref())
                .map(|png| base64::engine::general_purpose::STANDARD.encode(png)),
            category: e.category,
            content: Content { html: element_html(e), markdown: element_markdown(e), text: element_text(e) },
            coordinates,
            id: e.id,
            page: e.page,
        }
    }
}

/// JSON, as `serde_json::Value` displays: compact with `{}`, pretty (two
/// spaces) with `{:#}`. Serialisation cannot fail: every field is a string,
/// a number, a list or a struct of those, and non-finite numbers become `null`.
impl fmt::Display for UpstageResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let json =
            if f.alternate() { serde_json::to_string_pretty(self) } else { serde_json::to_string(self) };
        f.write_str(&json.map_err(|_| fmt::Error)?)
    }
}

fn round4(v: f32) -> f64 {
    (f64::from(v) * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests;

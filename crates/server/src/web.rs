//! The web page at `/`: upload documents, see each parse beside its pages,
//! download the outputs and chat about the document, in plain HTML, CSS and
//! JavaScript embedded in the binary (`crates/server/web/`), so it works
//! offline and needs no build step.
//!
//! Every response of the page carries a Content-Security-Policy that allows
//! scripts and styles from this origin only (no inline script, no inline
//! style attribute), images from this origin, `blob:` and `data:` (page
//! images are fetched with the API key and shown as blobs; figures are
//! `data:` PNGs), and requests to this origin only. The script never
//! inserts document content as HTML: it builds elements with `textContent`,
//! and copies tables from an inert `DOMParser` document tag by tag.

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

/// The page's policy: this origin only, nothing inline.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' blob: data:; connect-src 'self'; form-action 'self'; base-uri 'none'; \
     frame-ancestors 'none'";

const INDEX_HTML: &str = include_str!("../web/index.html");
const APP_JS: &str = include_str!("../web/app.js");
const APP_CSS: &str = include_str!("../web/app.css");

/// The page's routes; they need no API key (the page asks for one when the
/// API does).
pub(crate) fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/", get(|| async { asset(INDEX_HTML, "text/html; charset=utf-8") }))
        .route("/assets/app.js", get(|| async { asset(APP_JS, "text/javascript; charset=utf-8") }))
        .route("/assets/app.css", get(|| async { asset(APP_CSS, "text/css; charset=utf-8") }))
}

fn asset(body: &'static str, content_type: &'static str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // Assets change with the binary; a browser asks again each time.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_has_no_inline_script_or_style_and_names_its_assets() {
        for needle in ["<script>", "style=", "javascript:"] {
            assert!(!INDEX_HTML.contains(needle), "index.html contains {needle:?}");
        }
        // No event handler attributes (` onclick=` and the like).
        for (i, _) in INDEX_HTML.match_indices(" on") {
            let name: String = INDEX_HTML[i + 3..].chars().take_while(char::is_ascii_lowercase).collect();
            let after = INDEX_HTML[i + 3 + name.len()..].chars().next();
            assert!(name.is_empty() || after != Some('='), "index.html has an on{name}= attribute");
        }
        assert!(INDEX_HTML.contains(r#"<script src="/assets/app.js" type="module"></script>"#));
        assert!(INDEX_HTML.contains(r#"<link rel="stylesheet" href="/assets/app.css">"#));
    }

    #[test]
    fn the_script_never_writes_html_strings() {
        for needle in
            ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"]
        {
            assert!(!APP_JS.contains(needle), "app.js uses {needle}");
        }
    }
}

//! A small, forgiving HTML parser: just enough of libxml2's HTML parser (what
//! lxml and so PubTabNet's TEDS use) to build the element tree of a table.
//!
//! Tag and attribute names are lower-cased, comments, doctypes and processing
//! instructions are dropped, character references are decoded, void elements
//! (`br`, `img`, …) never take children, and the implied end tags of tables
//! are honoured (`<td>` closes an open cell, `<tr>` an open row, `<tbody>` an
//! open section), as are stray end tags (ignored) and unclosed ones (closed
//! at the end of their parent). It never fails: any input gives a tree.

/// A node of the parsed tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Element(Element),
    Text(String),
}

/// An element with its attributes and children in document order.
#[derive(Debug, Clone, PartialEq)]
pub struct Element {
    pub tag: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Node>,
}

impl Element {
    fn new(tag: &str) -> Element {
        Element { tag: tag.to_owned(), attrs: Vec::new(), children: Vec::new() }
    }

    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// Number of elements below this one (not counting itself): lxml's
    /// `len(node.xpath(".//*"))`.
    pub fn descendant_count(&self) -> usize {
        self.elements().map(|e| 1 + e.descendant_count()).sum()
    }

    /// The first element named `tag` in document order, this one included.
    pub fn find(&self, tag: &str) -> Option<&Element> {
        if self.tag == tag {
            return Some(self);
        }
        self.elements().find_map(|e| e.find(tag))
    }
}

const VOID: &[&str] =
    &["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "wbr"];

/// Parses a document into a synthetic root element named `#document`.
pub fn parse(html: &str) -> Element {
    let mut stack: Vec<Element> = vec![Element::new("#document")];
    let mut rest = html;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |i| &after[i + 3..]);
        } else if rest.starts_with("<!") || rest.starts_with("<?") {
            rest = rest.find('>').map_or("", |i| &rest[i + 1..]);
        } else if let Some(after) = rest.strip_prefix("</") {
            let end = after.find('>').unwrap_or(after.len());
            let name = after[..end].split(|c: char| c.is_whitespace() || c == '/').next().unwrap_or("");
            close(&mut stack, &name.to_ascii_lowercase());
            rest = after.get(end + 1..).unwrap_or("");
        } else if rest.starts_with('<') && rest[1..].starts_with(|c: char| c.is_ascii_alphabetic()) {
            let (element, self_closing, after) = start_tag(&rest[1..]);
            rest = after;
            let tag = element.tag.clone();
            open(&mut stack, element);
            if VOID.contains(&tag.as_str()) || self_closing {
                pop_into_parent(&mut stack);
            } else if tag == "script" || tag == "style" {
                // Raw text up to the matching end tag.
                let close_tag = format!("</{tag}");
                let end = find_ascii_ci(rest, &close_tag).unwrap_or(rest.len());
                text(&mut stack, &rest[..end]);
                rest = &rest[end..];
            }
        } else {
            let first = rest.chars().next().map_or(1, char::len_utf8);
            let end = rest[first..].find('<').map_or(rest.len(), |i| i + first);
            text(&mut stack, &decode_entities(&rest[..end]));
            rest = &rest[end..];
        }
    }
    while stack.len() > 1 {
        pop_into_parent(&mut stack);
    }
    stack.pop().unwrap_or_else(|| Element::new("#document"))
}

fn find_ascii_ci(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    (0..h.len().saturating_sub(n.len() - 1)).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

fn text(stack: &mut [Element], s: &str) {
    if s.is_empty() {
        return;
    }
    if let Some(top) = stack.last_mut() {
        if let Some(Node::Text(t)) = top.children.last_mut() {
            t.push_str(s);
        } else {
            top.children.push(Node::Text(s.to_owned()));
        }
    }
}

fn pop_into_parent(stack: &mut Vec<Element>) {
    if stack.len() > 1 {
        if let Some(e) = stack.pop() {
            if let Some(parent) = stack.last_mut() {
                parent.children.push(Node::Element(e));
            }
        }
    }
}

/// Pops open elements named in `implied` while they sit above the nearest
/// element named in `boundary`.
fn close_implied(stack: &mut Vec<Element>, implied: &[&str], boundary: &[&str]) {
    while let Some(top) = stack.last() {
        if boundary.contains(&top.tag.as_str()) || !implied.contains(&top.tag.as_str()) {
            break;
        }
        pop_into_parent(stack);
    }
}

fn open(stack: &mut Vec<Element>, element: Element) {
    match element.tag.as_str() {
        "td" | "th" => close_implied(stack, &["td", "th"], &["tr", "table"]),
        "tr" => close_implied(stack, &["td", "th", "tr"], &["thead", "tbody", "tfoot", "table"]),
        "thead" | "tbody" | "tfoot" => {
            close_implied(stack, &["td", "th", "tr", "thead", "tbody", "tfoot"], &["table"])
        }
        "p" => close_implied(stack, &["p"], &["td", "th", "table", "body"]),
        _ => {}
    }
    stack.push(element);
}

fn close(stack: &mut Vec<Element>, name: &str) {
    // An end tag closes the innermost open element of that name (and any
    // left open inside it); without one it is ignored.
    if let Some(pos) = stack.iter().rposition(|e| e.tag == name) {
        if pos == 0 {
            return;
        }
        while stack.len() > pos {
            pop_into_parent(stack);
        }
    }
}

/// Parses `name attr=value …>` (after the `<`); returns the element, whether
/// it ended in `/>`, and the rest of the input.
fn start_tag(s: &str) -> (Element, bool, &str) {
    let name_end = s.find(|c: char| c.is_whitespace() || c == '>' || c == '/').unwrap_or(s.len());
    let mut element = Element::new(&s[..name_end].to_ascii_lowercase());
    let mut rest = &s[name_end..];
    let mut self_closing = false;
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return (element, self_closing, rest);
        }
        if let Some(after) = rest.strip_prefix('>') {
            return (element, self_closing, after);
        }
        if let Some(after) = rest.strip_prefix('/') {
            self_closing = after.starts_with('>');
            rest = after;
            continue;
        }
        let end =
            rest.find(|c: char| c.is_whitespace() || c == '=' || c == '>' || c == '/').unwrap_or(rest.len());
        let name = rest[..end].to_ascii_lowercase();
        rest = rest[end..].trim_start();
        let mut value = String::new();
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            if let Some(q) = after.chars().next().filter(|c| *c == '"' || *c == '\'') {
                let body = &after[1..];
                let close = body.find(q).unwrap_or(body.len());
                value = decode_entities(&body[..close]);
                rest = body.get(close + 1..).unwrap_or("");
            } else {
                let close = after.find(|c: char| c.is_whitespace() || c == '>').unwrap_or(after.len());
                value = decode_entities(&after[..close]);
                rest = &after[close..];
            }
        }
        if !name.is_empty() && element.attr(&name).is_none() {
            element.attrs.push((name, value));
        }
    }
}

/// Decodes numeric character references and the named ones seen in tables
/// and scientific text; unknown references are kept as written.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[1..].find(|c: char| !(c.is_ascii_alphanumeric() || c == '#')).map(|e| e + 1);
        let (name, consumed) = match end {
            Some(e) if rest[e..].starts_with(';') => (&rest[1..e], e + 1),
            Some(e) => (&rest[1..e], e),
            None => (&rest[1..], rest.len()),
        };
        match entity(name) {
            Some(c) => {
                out.push(c);
                rest = &rest[consumed..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "ndash" => '–',
        "mdash" => '—',
        "minus" => '−',
        "plusmn" => '±',
        "times" => '×',
        "divide" => '÷',
        "deg" => '°',
        "micro" => 'µ',
        "middot" => '·',
        "le" => '≤',
        "ge" => '≥',
        "ne" => '≠',
        "asymp" => '≈',
        "hellip" => '…',
        "bull" => '•',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "alpha" => 'α',
        "beta" => 'β',
        "gamma" => 'γ',
        "delta" => 'δ',
        "mu" => 'μ',
        "sigma" => 'σ',
        "chi" => 'χ',
        "copy" => '©',
        "reg" => '®',
        "sect" => '§',
        "para" => '¶',
        "dagger" => '†',
        "Dagger" => '‡',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outline(e: &Element) -> String {
        let mut s = e.tag.clone();
        let inner: Vec<String> = e
            .children
            .iter()
            .map(|n| match n {
                Node::Element(c) => outline(c),
                Node::Text(t) => format!("{t:?}"),
            })
            .collect();
        if !inner.is_empty() {
            s.push_str(&format!("({})", inner.join(" ")));
        }
        s
    }

    #[track_caller]
    fn check(html: &str, expect: &str) {
        assert_eq!(outline(&parse(html)), expect);
    }

    #[test]
    fn parses_tables_like_libxml2() {
        check("<TABLE><tr><td>a</td></tr></TABLE>", r#"#document(table(tr(td("a"))))"#);
        // Implied end tags of cells, rows and sections.
        check(
            "<table><tr><td>a<td>b<tr><td>c</table>",
            r#"#document(table(tr(td("a") td("b")) tr(td("c"))))"#,
        );
        check(
            "<table><thead><tr><td>h<tbody><tr><td>x</table>",
            r#"#document(table(thead(tr(td("h"))) tbody(tr(td("x")))))"#,
        );
        // Comments and doctypes vanish, void elements take no children,
        // stray end tags are ignored.
        check("<!DOCTYPE html><!-- c --><p>a<br>b</span></p>", r#"#document(p("a" br "b"))"#);
        check("<td><b>x</b> y</td>", r#"#document(td(b("x") " y"))"#);
        check("<style>td { x: '<td>' }</style>", r#"#document(style("td { x: '<td>' }"))"#);
        check("a < b", r#"#document("a < b")"#);
    }

    #[test]
    fn attributes_and_entities() {
        let doc = parse(
            r#"<td COLSPAN="2" rowspan=3 class='x &amp; y' nowrap>1 &lt; 2 &amp;&#946;&#x3b3;&bogus;</td>"#,
        );
        let td = doc.find("td").unwrap();
        assert_eq!(td.attr("colspan"), Some("2"));
        assert_eq!(td.attr("rowspan"), Some("3"));
        assert_eq!(td.attr("class"), Some("x & y"));
        assert_eq!(td.attr("nowrap"), Some(""));
        assert_eq!(td.children, vec![Node::Text("1 < 2 &βγ&bogus;".into())]);
    }

    #[test]
    fn counts_descendants() {
        let doc = parse("<table><tr><td><b>a</b></td><td></td></tr></table>");
        assert_eq!(doc.find("table").unwrap().descendant_count(), 4);
    }
}

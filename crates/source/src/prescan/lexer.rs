//! Just enough PDF syntax for the pre-scan: white space, comments,
//! names with `#xx` escapes, strings skipped, numbers, references, arrays and
//! dictionaries, nested no deeper than [`MAX_DEPTH`].

/// Deepest nesting of arrays and dictionaries parsed.
const MAX_DEPTH: usize = 32;

/// The `N` of an `N G obj` header whose `obj` is at `o`.
pub(super) fn object_number(bytes: &[u8], o: usize) -> Option<u32> {
    if bytes.get(o + 3).is_some_and(|&c| is_regular(c)) {
        return None;
    }
    let mut j = o;
    let back_while = |j: &mut usize, f: fn(u8) -> bool| {
        let end = *j;
        while *j > 0 && f(bytes[*j - 1]) {
            *j -= 1;
        }
        end - *j
    };
    back_while(&mut j, is_white);
    if back_while(&mut j, |c| c.is_ascii_digit()) == 0 || back_while(&mut j, is_white) == 0 {
        return None;
    }
    let end = j;
    if back_while(&mut j, |c| c.is_ascii_digit()) == 0 || (j > 0 && is_regular(bytes[j - 1])) {
        return None;
    }
    std::str::from_utf8(&bytes[j..end]).ok()?.parse().ok()
}

pub(super) fn get<'d>(dict: &'d [(Vec<u8>, Obj)], key: &[u8]) -> Option<&'d Obj> {
    dict.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v)
}

pub(super) fn is_white(c: u8) -> bool {
    matches!(c, b'\0' | b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

fn is_delimiter(c: u8) -> bool {
    matches!(c, b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%')
}

pub(super) fn is_regular(c: u8) -> bool {
    !is_white(c) && !is_delimiter(c)
}

/// A dictionary's entries, keys without their `/`.
pub(super) type Dict = Vec<(Vec<u8>, Obj)>;

/// The PDF objects the pass needs to tell apart.
#[derive(Debug, PartialEq)]
pub(super) enum Obj {
    Int(i64),
    Ref(u32),
    /// With `#xx` escapes decoded.
    Name(Vec<u8>),
    Array(Vec<Obj>),
    Dict(Vec<(Vec<u8>, Obj)>),
    Other,
}

/// A minimal PDF tokenizer over `b`, from `i`.
pub(super) struct Lexer<'a> {
    pub(super) b: &'a [u8],
    pub(super) i: usize,
}

impl<'a> Lexer<'a> {
    pub(super) fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    pub(super) fn skip_white(&mut self) {
        while let Some(c) = self.peek() {
            if is_white(c) {
                self.i += 1;
            } else if c == b'%' {
                while self.peek().is_some_and(|c| c != b'\r' && c != b'\n') {
                    self.i += 1;
                }
            } else {
                break;
            }
        }
    }

    fn regular(&mut self) -> &'a [u8] {
        let start = self.i;
        while self.peek().is_some_and(is_regular) {
            self.i += 1;
        }
        &self.b[start..self.i]
    }

    /// An integer token, or nothing consumed.
    pub(super) fn int(&mut self) -> Option<i64> {
        let start = self.i;
        let n = std::str::from_utf8(self.regular()).ok().and_then(|t| t.parse().ok());
        if n.is_none() {
            self.i = start;
        }
        n
    }

    /// `N G R` after white space, or nothing consumed.
    pub(super) fn reference(&mut self) -> Option<u32> {
        let start = self.i;
        let parsed = (|| {
            self.skip_white();
            let number = u32::try_from(self.int()?).ok()?;
            self.skip_white();
            self.int()?;
            self.skip_white();
            (self.regular() == b"R").then_some(number)
        })();
        if parsed.is_none() {
            self.i = start;
        }
        parsed
    }

    /// A name's characters after its `/`.
    fn name(&mut self) -> Vec<u8> {
        let raw = self.regular();
        let mut out = Vec::with_capacity(raw.len());
        let mut k = 0;
        while k < raw.len() {
            let hex = raw.get(k + 1..k + 3).and_then(|h| std::str::from_utf8(h).ok());
            match (raw[k], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
                (b'#', Some(c)) => {
                    out.push(c);
                    k += 3;
                }
                (c, _) => {
                    out.push(c);
                    k += 1;
                }
            }
        }
        out
    }

    pub(super) fn value(&mut self, depth: usize) -> Option<Obj> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.skip_white();
        match self.peek()? {
            b'/' => {
                self.i += 1;
                Some(Obj::Name(self.name()))
            }
            b'<' if self.b.get(self.i + 1) == Some(&b'<') => {
                self.i += 2;
                let mut dict = Vec::new();
                loop {
                    self.skip_white();
                    match self.peek()? {
                        b'>' if self.b.get(self.i + 1) == Some(&b'>') => {
                            self.i += 2;
                            return Some(Obj::Dict(dict));
                        }
                        b'/' => {
                            self.i += 1;
                            let key = self.name();
                            let value = self.value(depth + 1)?;
                            dict.push((key, value));
                        }
                        _ => return None,
                    }
                }
            }
            b'<' => {
                let end = memchr::memchr(b'>', &self.b[self.i..])?;
                self.i += end + 1;
                Some(Obj::Other)
            }
            b'(' => {
                self.literal_string()?;
                Some(Obj::Other)
            }
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_white();
                    if self.peek()? == b']' {
                        self.i += 1;
                        return Some(Obj::Array(items));
                    }
                    items.push(self.value(depth + 1)?);
                }
            }
            c if is_regular(c) => {
                if let Some(r) = self.reference() {
                    return Some(Obj::Ref(r));
                }
                Some(self.int().map_or_else(
                    || {
                        self.regular();
                        Obj::Other
                    },
                    Obj::Int,
                ))
            }
            _ => None,
        }
    }

    /// Skips a `( … )` string: balanced parentheses, backslash escapes.
    fn literal_string(&mut self) -> Option<()> {
        let mut depth = 0usize;
        while let Some(c) = self.peek() {
            self.i += 1;
            match c {
                b'\\' => self.i += 1,
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(());
                    }
                }
                _ => {}
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lexer_reads_the_objects_it_needs() {
        let mut lx =
            Lexer { b: b"<< /Filter [/A85 /Fl#61te] /Length 12 0 R /N -3 /S (a(b)c\\)) /H <0a> >>", i: 0 };
        let Some(Obj::Dict(d)) = lx.value(0) else { panic!("not a dictionary") };
        assert_eq!(
            get(&d, b"Filter"),
            Some(&Obj::Array(vec![Obj::Name(b"A85".to_vec()), Obj::Name(b"Flate".to_vec())]))
        );
        assert_eq!(get(&d, b"Length"), Some(&Obj::Ref(12)));
        assert_eq!(get(&d, b"N"), Some(&Obj::Int(-3)));
        assert_eq!(get(&d, b"S"), Some(&Obj::Other));
        assert_eq!(get(&d, b"H"), Some(&Obj::Other));
        assert_eq!(object_number(b"\n12 0 obj", 6), Some(12));
        assert_eq!(object_number(b"endobj", 3), None);
        assert_eq!(object_number(b"x12 0 obj", 6), None);
    }
}

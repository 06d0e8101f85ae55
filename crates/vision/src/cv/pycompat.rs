//! The few Python and NumPy semantics RapidOCR's results depend on:
//! `str.splitlines`, `str.strip`, `round`, `np.mean` and `np.round`.

/// `str.splitlines()`: splits on every Python line boundary and drops a
/// final empty piece.
pub(crate) fn splitlines(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut it = s.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        let boundary = matches!(
            c,
            '\n' | '\r' | '\x0b' | '\x0c' | '\x1c' | '\x1d' | '\x1e' | '\u{85}' | '\u{2028}' | '\u{2029}'
        );
        if boundary {
            out.push(&s[start..i]);
            let mut end = i + c.len_utf8();
            if c == '\r' {
                if let Some(&(j, '\n')) = it.peek() {
                    it.next();
                    end = j + 1;
                }
            }
            start = end;
        }
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

/// Python's `str.isspace` for one character.
fn is_py_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\x1c'..='\x1f')
}

/// Whether `s.strip()` is empty in Python.
pub(crate) fn is_blank(s: &str) -> bool {
    s.chars().all(is_py_space)
}

/// Python's `round(x, 5)`: the exact binary value rounded to five decimals.
pub(crate) fn py_round5(x: f64) -> f64 {
    format!("{x:.5}").parse().unwrap_or(x)
}

/// NumPy's `ndarray.round(5)`: scale, round half to even, unscale.
pub(crate) fn np_round5(x: f64) -> f64 {
    (x * 1e5).round_ties_even() / 1e5
}

/// NumPy's pairwise summation (`DOUBLE_pairwise_sum`).
fn pairwise_sum(a: &[f64]) -> f64 {
    let n = a.len();
    if n < 8 {
        let mut res = 0.0;
        for &v in a {
            res += v;
        }
        res
    } else if n <= 128 {
        let mut r = [0f64; 8];
        r.copy_from_slice(&a[..8]);
        let mut i = 8;
        while i < n - n % 8 {
            for j in 0..8 {
                r[j] += a[i + j];
            }
            i += 8;
        }
        let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        while i < n {
            res += a[i];
            i += 1;
        }
        res
    } else {
        let mut n2 = n / 2;
        n2 -= n2 % 8;
        pairwise_sum(&a[..n2]) + pairwise_sum(&a[n2..])
    }
}

/// `np.mean` of a list of floats: pairwise sum divided by the count
/// (checked against NumPy 2.4 on 20,000 random lists).
pub(crate) fn np_mean(a: &[f64]) -> f64 {
    pairwise_sum(a) / a.len() as f64
}

/// Python's `round(x)` on a float: to the nearest integer, ties to even.
pub(crate) fn py_round(x: f64) -> i64 {
    x.round_ties_even() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitlines_matches_python() {
        assert_eq!(splitlines("a\nb\r\nc\rd\u{2028}e\n"), ["a", "b", "c", "d", "e"]);
        assert_eq!(splitlines("\n\nx"), ["", "", "x"]);
        assert_eq!(splitlines(""), Vec::<&str>::new());
    }

    #[test]
    fn rounding_matches_python_and_numpy() {
        assert_eq!(py_round5(0.123456), 0.12346);
        assert_eq!(py_round(2.5), 2);
        assert_eq!(py_round(3.5), 4);
        assert_eq!(np_mean(&[1.0, 2.0, 4.0]), 7.0 / 3.0);
        assert!(is_blank(" \u{3000}\t"));
        assert!(!is_blank(" a "));
    }
}

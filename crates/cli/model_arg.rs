//! `--model NAME|PATH`: a chat model by name (`parasol_models::ChatModel`)
//! or a model file by path, shared by `ask`, `chat`, `generate` and `serve`.

use std::path::{Path, PathBuf};

use parasol_models::{ChatModel, MissingModel, ModelStore};

/// What the user named with `--model`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelArg {
    Named(ChatModel),
    Path(PathBuf),
}

impl Default for ModelArg {
    fn default() -> ModelArg {
        ModelArg::Named(ChatModel::default())
    }
}

impl std::str::FromStr for ModelArg {
    type Err = String;

    /// A known name, else a path to an existing file or directory.
    fn from_str(s: &str) -> Result<ModelArg, String> {
        if let Some(m) = ChatModel::from_name(s) {
            return Ok(ModelArg::Named(m));
        }
        let path = PathBuf::from(s);
        if path.exists() {
            return Ok(ModelArg::Path(path));
        }
        let names: Vec<&str> = ChatModel::ALL.iter().map(|m| m.name()).collect();
        Err(format!("{s:?} is neither a model name ({}) nor an existing file", names.join(", ")))
    }
}

impl std::fmt::Display for ModelArg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ModelArg::Named(m) => write!(f, "{m}"),
            ModelArg::Path(p) => write!(f, "{}", p.display()),
        }
    }
}

impl ModelArg {
    /// Its judge threshold ([`ChatModel::judge_threshold`]); a model given
    /// by path has none measured, so it is not asked.
    pub fn judge_threshold(&self) -> Option<f32> {
        match self {
            ModelArg::Named(m) => m.judge_threshold(),
            ModelArg::Path(_) => None,
        }
    }

    /// The model's file: a named model in the model directory (or an error
    /// naming the command that fetches it), or the path as given.
    pub fn resolve(&self, models: &Path) -> Result<PathBuf, MissingModel> {
        match self {
            ModelArg::Named(m) => ModelStore::new(models).require(m.file()),
            ModelArg::Path(p) => Ok(p.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_aliases_and_paths() {
        assert_eq!("smollm2".parse::<ModelArg>(), Ok(ModelArg::Named(ChatModel::SmolLm2)));
        assert_eq!("qwen".parse::<ModelArg>(), Ok(ModelArg::Named(ChatModel::Qwen25Coder)));
        assert_eq!("/".parse::<ModelArg>(), Ok(ModelArg::Path(PathBuf::from("/"))));
        let err = "/no/such.gguf".parse::<ModelArg>().unwrap_err();
        assert!(err.contains("smollm2, qwen2.5-coder-1.5b"), "{err}");
        let missing = ModelArg::Named(ChatModel::Qwen25Coder).resolve(Path::new("/nowhere")).unwrap_err();
        assert!(missing.to_string().contains("--group large"), "{missing}");
    }
}

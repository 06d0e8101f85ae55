//! Chat templates: Solar's `### User:` format, ChatML, and the Jinja
//! template a GGUF file ships in `tokenizer.chat_template`.
//!
//! All three are rendered by minijinja with the settings transformers uses
//! (`trim_blocks`, `lstrip_blocks`, Python string methods), so a model's own
//! template renders here as it does in Python.

use serde::Serialize;

use crate::error::{Result, SolarError};

/// Upstage SOLAR-10.7B-Instruct's template.
pub const SOLAR_TEMPLATE: &str = "{% for message in messages %}{% if message['role'] == 'system' %}{% if message['content'] %}{{ '### System:\\n' + message['content'] + '\\n\\n' }}{% endif %}{% elif message['role'] == 'user' %}{{ '### User:\\n' + message['content'] + '\\n\\n' }}{% elif message['role'] == 'assistant' %}{{ '### Assistant:\\n' + message['content'] }}{% endif %}{% if loop.last and add_generation_prompt %}{{ '### Assistant:\\n' }}{% endif %}{% endfor %}";

/// Plain ChatML (`<|im_start|>role\ncontent<|im_end|>\n`).
pub const CHATML_TEMPLATE: &str = "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

/// Who said a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    System,
    User,
    Assistant,
}

/// One turn of a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Message {
    pub role: Role,
    pub content: String,
}

impl Message {
    pub fn system(content: impl Into<String>) -> Self {
        Self { role: Role::System, content: content.into() }
    }

    pub fn user(content: impl Into<String>) -> Self {
        Self { role: Role::User, content: content.into() }
    }

    pub fn assistant(content: impl Into<String>) -> Self {
        Self { role: Role::Assistant, content: content.into() }
    }
}

/// How a conversation becomes prompt text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChatTemplate {
    /// `### System:` / `### User:` / `### Assistant:` (SOLAR-10.7B-Instruct).
    Solar,
    /// `<|im_start|>` … `<|im_end|>` (SmolLM2, Qwen, …).
    ChatMl,
    /// A Jinja template, usually the model's own `tokenizer.chat_template`.
    Jinja(String),
    /// No template: the messages' contents, concatenated (plain completion).
    Raw,
}

impl ChatTemplate {
    /// The Jinja source of the template (`None` for [`ChatTemplate::Raw`]).
    pub fn source(&self) -> Option<&str> {
        match self {
            Self::Solar => Some(SOLAR_TEMPLATE),
            Self::ChatMl => Some(CHATML_TEMPLATE),
            Self::Jinja(s) => Some(s),
            Self::Raw => None,
        }
    }

    /// Renders `messages`, ending with the assistant's turn opener when
    /// `add_generation_prompt` is set.
    pub fn render(
        &self,
        messages: &[Message],
        add_generation_prompt: bool,
        bos: &str,
        eos: &str,
    ) -> Result<String> {
        let Some(source) = self.source() else {
            return Ok(messages.iter().map(|m| m.content.as_str()).collect());
        };
        let mut env = minijinja::Environment::new();
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.set_unknown_method_callback(minijinja_contrib::pycompat::unknown_method_callback);
        env.add_function("raise_exception", |msg: String| -> std::result::Result<String, minijinja::Error> {
            Err(minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, msg))
        });
        env.add_template("chat", source)?;
        let template = env.get_template("chat")?;
        let rendered = template.render(minijinja::context! {
            messages => messages,
            add_generation_prompt => add_generation_prompt,
            bos_token => bos,
            eos_token => eos,
        })?;
        Ok(rendered)
    }

    /// Parses a template name: `solar`, `chatml`, `raw`.
    pub fn from_name(name: &str) -> Result<Self> {
        match name {
            "solar" => Ok(Self::Solar),
            "chatml" => Ok(Self::ChatMl),
            "raw" => Ok(Self::Raw),
            other => {
                Err(SolarError::Argument(format!("unknown chat template {other:?} (solar, chatml, raw)")))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(template: ChatTemplate, messages: &[Message], expect: &str) {
        assert_eq!(template.render(messages, true, "<s>", "</s>").unwrap(), expect);
    }

    #[test]
    fn solar_format() {
        check(
            ChatTemplate::Solar,
            &[Message::system("Be brief."), Message::user("Hi?")],
            "### System:\nBe brief.\n\n### User:\nHi?\n\n### Assistant:\n",
        );
        check(ChatTemplate::Solar, &[Message::user("Hi?")], "### User:\nHi?\n\n### Assistant:\n");
        check(
            ChatTemplate::Solar,
            &[Message::user("a"), Message::assistant("b"), Message::user("c")],
            "### User:\na\n\n### Assistant:\nb### User:\nc\n\n### Assistant:\n",
        );
    }

    #[test]
    fn chatml_format() {
        check(
            ChatTemplate::ChatMl,
            &[Message::system("S"), Message::user("U")],
            "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nU<|im_end|>\n<|im_start|>assistant\n",
        );
    }

    #[test]
    fn jinja_with_python_methods_and_bos() {
        let t = ChatTemplate::Jinja(
            "{{ bos_token }}{% for m in messages %}[{{ m.role }}] {{ m.content.strip() }}\n{% endfor %}"
                .into(),
        );
        check(t, &[Message::user("  hi  ")], "<s>[user] hi\n");
    }

    #[test]
    fn raise_exception_is_an_error() {
        let t = ChatTemplate::Jinja("{{ raise_exception('no system role') }}".into());
        assert!(t.render(&[Message::user("x")], true, "", "").is_err());
    }

    #[test]
    fn raw_concatenates() {
        check(ChatTemplate::Raw, &[Message::user("The capital of France is")], "The capital of France is");
    }
}

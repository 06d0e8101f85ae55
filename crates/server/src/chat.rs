//! OpenAI-compatible chat: `POST /v1/chat/completions` (plain or streamed as
//! server-sent events) and `GET /v1/models`, answered by the Solar engine.
//!
//! A conversation may name completed parse jobs in `documents` (the
//! `openai` client sends it through `extra_body`): their passages are
//! ranked for the last user message, the best ones given to the model with
//! instructions to cite them as `[n]`, and the answer comes back with a
//! top-level `citations` list of element ids, pages, boxes and quotes.
//!
//! One generation runs at a time, on one thread that owns the model; at
//! most `queue` more wait, beyond that the request gets 429. A client that
//! hangs up cancels its generation.

use std::convert::Infallible;
use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::Arc;

use axum::extract::State;
use axum::response::sse::{Event, Sse};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use parasol_doc::upstage::UpstageResponse;
use parasol_qa::{cite, judge, prompt, Citation, Embedder, Index};
use parasol_solar::{CancelToken, FinishReason, GenerateOptions, Generator, Message, SamplingParams};
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc as tmpsc;

use crate::error::{ApiError, ErrorBody};
use crate::store::Status;
use crate::{now, Owner, Shared};

/// The name `/v1/models` lists and requests use.
pub const MODEL_ID: &str = "solar-mini";
/// Tokens of context a prompt may use (the model's own limit applies too).
const CONTEXT_TOKENS: usize = 2048;

/// How chat is set up.
#[derive(Debug, Clone)]
pub struct ChatConfig {
    /// The GGUF the engine loads (on first use).
    pub model: PathBuf,
    /// Requests waiting for the engine at most.
    pub queue: usize,
    /// The embedding model for dense retrieval (loaded on first use);
    /// `None`: BM25 alone.
    pub embedder: Option<PathBuf>,
    /// The model's judge threshold (`parasol_qa::Settings::judge`): a chat
    /// about documents first asks the model whether the passages hold the
    /// answer. `None`: not asked.
    pub judge: Option<f32>,
}

/// Documents' indexes, built on first question and kept for the next ones
/// (embedding a long document takes seconds).
#[derive(Debug)]
struct Retrieval {
    path: Option<PathBuf>,
    embedder: std::sync::OnceLock<Option<Arc<Embedder>>>,
    /// Most recently used last.
    cache: std::sync::Mutex<Vec<(String, Arc<Index>)>>,
}

/// Indexes kept in memory.
const CACHED_INDEXES: usize = 16;

impl Retrieval {
    fn embedder(&self) -> Option<Arc<Embedder>> {
        self.embedder
            .get_or_init(|| {
                let path = self.path.as_ref()?;
                Embedder::open(path)
                    .inspect_err(
                        |e| tracing::error!(error = %e, "cannot load the embedding model; BM25 alone"),
                    )
                    .ok()
                    .map(Arc::new)
            })
            .clone()
    }

    /// The index of job `id`'s document, from the cache or built now.
    fn index(&self, id: &str, doc: &parasol_doc::Document) -> Result<Arc<Index>, parasol_qa::QaError> {
        let lock = || self.cache.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        {
            let mut cache = lock();
            if let Some(pos) = cache.iter().position(|(k, _)| k == id) {
                let hit = cache.remove(pos);
                let index = Arc::clone(&hit.1);
                cache.push(hit);
                return Ok(index);
            }
        }
        let index = Arc::new(match self.embedder() {
            Some(e) => Index::with_embedder(doc, e)?,
            None => Index::new(doc)?,
        });
        let mut cache = lock();
        cache.retain(|(k, _)| k != id);
        if cache.len() >= CACHED_INDEXES {
            cache.remove(0);
        }
        cache.push((id.to_owned(), Arc::clone(&index)));
        Ok(index)
    }
}

/// One generation asked of the engine thread.
struct Job {
    messages: Vec<Message>,
    /// The passages and question of a chat about documents, and the judge
    /// threshold: the model is first asked whether they hold the answer
    /// ([`judge`]); if not, the answer is [`prompt::ABSTENTION`], not generated.
    judged: Option<(parasol_qa::Prompt, f32)>,
    max_tokens: usize,
    sampling: SamplingParams,
    cancel: CancelToken,
    out: tmpsc::UnboundedSender<Piece>,
}

enum Piece {
    Text(String),
    Done { prompt_tokens: usize, completion_tokens: usize, finish: FinishReason },
    Failed(ApiError),
}

/// The engine thread and its queue, and the documents' indexes.
#[derive(Debug, Clone)]
pub struct ChatEngine {
    tx: mpsc::SyncSender<JobBox>,
    retrieval: Arc<Retrieval>,
    judge: Option<f32>,
}

struct JobBox(Job);

impl std::fmt::Debug for JobBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JobBox")
    }
}

impl ChatEngine {
    /// Starts the engine thread; the model loads on the first request.
    pub fn start(config: ChatConfig) -> ChatEngine {
        let (tx, rx) = mpsc::sync_channel::<JobBox>(config.queue);
        let judge = config.judge;
        let retrieval = Arc::new(Retrieval {
            path: config.embedder.clone(),
            embedder: std::sync::OnceLock::new(),
            cache: std::sync::Mutex::new(Vec::new()),
        });
        std::thread::spawn(move || {
            let mut generator: Option<Generator> = None;
            while let Ok(JobBox(job)) = rx.recv() {
                if job.cancel.is_cancelled() {
                    continue;
                }
                if generator.is_none() {
                    match Generator::load(&config.model) {
                        Ok(g) => generator = Some(g),
                        Err(e) => {
                            tracing::error!(error = %e, "cannot load the chat model");
                            let _ = job.out.send(Piece::Failed(ApiError::Unavailable(
                                "the chat model cannot be loaded",
                            )));
                            continue;
                        }
                    }
                }
                if let Some(g) = generator.as_mut() {
                    run(g, job);
                }
            }
        });
        ChatEngine { tx, retrieval, judge }
    }

    fn submit(&self, job: Job) -> Result<(), ApiError> {
        self.tx.try_send(JobBox(job)).map_err(|e| match e {
            mpsc::TrySendError::Full(_) => ApiError::Busy("too many chat requests are waiting", 5),
            mpsc::TrySendError::Disconnected(_) => ApiError::Unavailable("the chat engine stopped"),
        })
    }
}

fn run(g: &mut Generator, job: Job) {
    let prompt = match g.chat_prompt(&job.messages) {
        Ok(p) => p,
        Err(e) => {
            tracing::error!(error = %e, "chat template failed");
            let _ = job.out.send(Piece::Failed(ApiError::Internal));
            return;
        }
    };
    let limit = g.model.config.context_length.min(CONTEXT_TOKENS);
    let tokens = match g.encode_prompt(&prompt) {
        Ok(t) => t.len(),
        Err(_) => 0,
    };
    if tokens + job.max_tokens > limit {
        let _ = job.out.send(Piece::Failed(ApiError::bad_field(
            "messages",
            format!(
                "the conversation is {tokens} tokens; with max_tokens {} it exceeds the model's context of {limit} tokens",
                job.max_tokens
            ),
        )));
        return;
    }
    if let Some((p, threshold)) = &job.judged {
        match judge::verdict(g, p, Some(*threshold)) {
            Ok(Some(v)) if !v.holds => {
                tracing::debug!(v.support, "the passages were judged not to answer the question");
                let _ = job.out.send(Piece::Text(prompt::ABSTENTION.to_string()));
                let _ = job.out.send(Piece::Done {
                    prompt_tokens: tokens,
                    completion_tokens: 0,
                    finish: FinishReason::StopToken,
                });
                return;
            }
            Ok(_) => {}
            Err(e) => {
                tracing::error!(error = %e, "judging the passages failed");
                let _ = job.out.send(Piece::Failed(ApiError::Internal));
                return;
            }
        }
    }
    let options = GenerateOptions {
        max_tokens: job.max_tokens,
        sampling: job.sampling,
        stop: Vec::new(),
        cancel: Some(job.cancel.clone()),
    };
    let out = job.out.clone();
    let cancel = job.cancel.clone();
    let result = g.generate(&prompt, &options, |piece| {
        if out.send(Piece::Text(piece.to_string())).is_err() {
            // Nobody listens any more: stop at the next token.
            cancel.cancel();
        }
    });
    match result {
        Ok(gen) => {
            let _ = job.out.send(Piece::Done {
                prompt_tokens: gen.prompt_tokens,
                completion_tokens: gen.tokens.len(),
                finish: gen.finish,
            });
        }
        Err(e) => {
            tracing::error!(error = %e, "generation failed");
            let _ = job.out.send(Piece::Failed(ApiError::Internal));
        }
    }
}

/// An OpenAI chat message.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ChatMessage {
    pub role: String,
    #[serde(default)]
    pub content: String,
}

/// The body of `POST /v1/chat/completions`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ChatRequest {
    pub model: String,
    pub messages: Vec<ChatMessage>,
    #[serde(default)]
    pub stream: bool,
    pub max_tokens: Option<usize>,
    pub max_completion_tokens: Option<usize>,
    pub temperature: Option<f32>,
    pub top_p: Option<f32>,
    pub seed: Option<u64>,
    /// Ids of completed parse jobs whose documents the answer must come from.
    #[serde(default)]
    pub documents: Vec<String>,
}

/// A cited source, in the response's `citations`.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ChatCitation {
    /// The `n` of `[n]` in the answer.
    pub marker: usize,
    /// The parse job the element belongs to.
    pub document: String,
    pub element_id: usize,
    pub page: usize,
    /// The element's corners, clockwise from top-left, as page fractions.
    pub coordinates: Vec<parasol_doc::upstage::Point>,
    pub quote: String,
}

type AppState = Arc<Shared>;

/// The models chat answers with.
#[utoipa::path(get, path = "/v1/models", tag = "chat", responses((status = 200, description = "OpenAI's model list")))]
pub(crate) async fn models() -> Json<serde_json::Value> {
    Json(serde_json::json!({
        "object": "list",
        "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "parasol"}],
    }))
}

/// What a question about documents was given, to map citations back.
struct Grounding {
    prompt: prompt::Prompt,
    /// (job id, its document) for each passage's source.
    docs: Vec<(String, parasol_doc::Document)>,
    /// Passage index in `prompt.given` → position in `docs`.
    origin: Vec<usize>,
}

/// OpenAI-compatible chat completions, optionally grounded in parsed documents.
#[utoipa::path(post, path = "/v1/chat/completions", tag = "chat",
    request_body = ChatRequest,
    responses(
        (status = 200, description = "a chat.completion, or chat.completion.chunk events ending `data: [DONE]`"),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "a document's parse is not completed"),
        (status = 429, body = ErrorBody),
    ))]
pub(crate) async fn completions(
    State(shared): State<AppState>,
    Extension(owner): Extension<Owner>,
    Json(request): Json<ChatRequest>,
) -> Result<Response, ApiError> {
    let Some(engine) = shared.chat.clone() else {
        return Err(ApiError::Unavailable("chat is not configured"));
    };
    if request.model != MODEL_ID {
        return Err(ApiError::bad_field(
            "model",
            format!("unknown model `{}`; GET /v1/models lists `{MODEL_ID}`", request.model),
        ));
    }
    let question = request
        .messages
        .iter()
        .rev()
        .find(|m| m.role == "user")
        .map(|m| m.content.clone())
        .ok_or_else(|| ApiError::bad_field("messages", "no user message"))?;
    let max_tokens = request.max_completion_tokens.or(request.max_tokens).unwrap_or(256).clamp(1, 2048);
    let mut messages: Vec<Message> = Vec::new();
    let grounding = if request.documents.is_empty() {
        None
    } else {
        Some(ground(&shared, &engine, &owner.0, &request.documents, &question).await?)
    };
    let last_user = request.messages.iter().rposition(|m| m.role == "user");
    if let Some(g) = &grounding {
        messages.push(Message::system(g.prompt.system.clone()));
    }
    for (i, m) in request.messages.iter().enumerate() {
        let content = match (&grounding, Some(i) == last_user) {
            (Some(g), true) => g.prompt.user.clone(),
            _ => m.content.clone(),
        };
        messages.push(match m.role.as_str() {
            "system" if grounding.is_none() => Message::system(content),
            "system" => continue,
            "assistant" => Message::assistant(content),
            _ => Message::user(content),
        });
    }
    let sampling = match request.temperature {
        Some(t) if t > 0.0 => SamplingParams {
            temperature: t,
            top_p: request.top_p.unwrap_or(1.0),
            seed: request.seed.unwrap_or(0),
            ..SamplingParams::greedy()
        },
        _ => SamplingParams::greedy(),
    };
    let cancel = CancelToken::new();
    let (out, mut pieces) = tmpsc::unbounded_channel();
    let judged = grounding.as_ref().zip(engine.judge).map(|(g, t)| (g.prompt.clone(), t));
    engine.submit(Job { messages, judged, max_tokens, sampling, cancel: cancel.clone(), out })?;
    let guard = CancelOnDrop(cancel);
    let id = format!("chatcmpl-{}", uuid::Uuid::new_v4().simple());
    let created = now();

    if request.stream {
        let stream = sse_stream(id, created, pieces, grounding, guard);
        return Ok(Sse::new(stream).into_response());
    }
    let mut text = String::new();
    loop {
        match pieces.recv().await {
            Some(Piece::Text(t)) => text.push_str(&t),
            Some(Piece::Done { prompt_tokens, completion_tokens, finish }) => {
                drop(guard);
                let citations = grounding.as_ref().map(|g| citations(g, &text)).unwrap_or_default();
                let body = serde_json::json!({
                    "id": id,
                    "object": "chat.completion",
                    "created": created,
                    "model": MODEL_ID,
                    "choices": [{
                        "index": 0,
                        "message": {"role": "assistant", "content": text.trim()},
                        "finish_reason": finish_reason(finish),
                    }],
                    "usage": usage(prompt_tokens, completion_tokens),
                    "citations": citations,
                });
                return Ok(Json(body).into_response());
            }
            Some(Piece::Failed(e)) => return Err(e),
            None => return Err(ApiError::Internal),
        }
    }
}

/// Cancels the generation when the request goes away before it ends.
struct CancelOnDrop(CancelToken);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

fn finish_reason(f: FinishReason) -> &'static str {
    match f {
        FinishReason::MaxTokens => "length",
        _ => "stop",
    }
}

fn usage(prompt: usize, completion: usize) -> serde_json::Value {
    serde_json::json!({"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion})
}

/// The answer as server-sent events: a role chunk, a chunk per piece of
/// text, a last chunk with the finish reason, usage and citations, then
/// `[DONE]`. Dropping the stream (the client hung up) stops the task and
/// with it the generation.
fn sse_stream(
    id: String,
    created: i64,
    mut pieces: tmpsc::UnboundedReceiver<Piece>,
    grounding: Option<Grounding>,
    guard: CancelOnDrop,
) -> EventStream {
    let (tx, rx) = tmpsc::channel::<Event>(16);
    let task = tokio::spawn(async move {
        let _guard = guard;
        let chunk = |delta: serde_json::Value, finish: Option<&str>| {
            serde_json::json!({
                "id": id,
                "object": "chat.completion.chunk",
                "created": created,
                "model": MODEL_ID,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            })
        };
        let first = chunk(serde_json::json!({"role": "assistant", "content": ""}), None);
        if tx.send(Event::default().data(first.to_string())).await.is_err() {
            return;
        }
        let mut text = String::new();
        while let Some(piece) = pieces.recv().await {
            let event = match piece {
                Piece::Text(t) => {
                    text.push_str(&t);
                    chunk(serde_json::json!({"content": t}), None)
                }
                Piece::Done { prompt_tokens, completion_tokens, finish } => {
                    let mut last = chunk(serde_json::json!({}), Some(finish_reason(finish)));
                    last["usage"] = usage(prompt_tokens, completion_tokens);
                    let cites = grounding.as_ref().map(|g| citations(g, &text)).unwrap_or_default();
                    last["citations"] = serde_json::to_value(cites).unwrap_or_default();
                    last
                }
                Piece::Failed(e) => {
                    serde_json::json!({"error": {"message": e.to_string(), "type": e.kind(), "code": e.code()}})
                }
            };
            let end = event.get("error").is_some() || event["choices"][0]["finish_reason"].is_string();
            if tx.send(Event::default().data(event.to_string())).await.is_err() {
                return;
            }
            if end {
                break;
            }
        }
        let _ = tx.send(Event::default().data("[DONE]")).await;
    });
    EventStream { rx, _task: AbortOnDrop(task) }
}

struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

struct EventStream {
    rx: tmpsc::Receiver<Event>,
    _task: AbortOnDrop,
}

impl futures_core::Stream for EventStream {
    type Item = Result<Event, Infallible>;
    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        self.rx.poll_recv(cx).map(|e| e.map(Ok))
    }
}

/// Loads the documents of `ids` (the caller's completed jobs) and builds
/// the grounded prompt for `question`.
async fn ground(
    shared: &AppState,
    engine: &ChatEngine,
    owner: &str,
    ids: &[String],
    question: &str,
) -> Result<Grounding, ApiError> {
    let mut docs = Vec::new();
    for id in ids {
        let store = Arc::clone(&shared.store);
        let key = id.clone();
        let job = tokio::task::spawn_blocking(move || store.get(&key))
            .await
            .map_err(|_| ApiError::Internal)?
            .map_err(|_| ApiError::Internal)?
            .filter(|j| j.owner == owner)
            .ok_or(ApiError::NotFound)?;
        match job.status {
            Status::Completed => {}
            Status::Failed => {
                return Err(ApiError::Conflict(format!(
                    "the parse job `{id}` failed: {}",
                    job.failure_message.unwrap_or_default()
                )))
            }
            _ => return Err(ApiError::Conflict(format!("the parse job `{id}` is not completed yet"))),
        }
        let mut parts = Vec::new();
        for b in &job.batches {
            let bytes = crate::api::load_result(shared, id, b.index).await?;
            parts.push(serde_json::from_slice::<UpstageResponse>(&bytes).map_err(|_| ApiError::Internal)?);
        }
        let whole = UpstageResponse::join(parts).ok_or(ApiError::Internal)?;
        docs.push((id.clone(), whole.to_document()));
    }
    let mut indexes: Vec<Arc<Index>> = Vec::new();
    for (id, doc) in &docs {
        let (retrieval, id, doc) = (Arc::clone(&engine.retrieval), id.clone(), doc.clone());
        let built = tokio::task::spawn_blocking(move || retrieval.index(&id, &doc))
            .await
            .map_err(|_| ApiError::Internal)?;
        indexes.extend(built.ok());
    }
    if indexes.is_empty() {
        return Err(ApiError::Unprocessable {
            code: "no_text",
            message: "the documents have no text to search".into(),
        });
    }
    // Rank within each document, then interleave by rank; as many
    // passages as `parasol ask` gives.
    let top = parasol_qa::Settings::default().top;
    let mut ranked = Vec::new();
    let mut origin = Vec::new();
    let per_doc: Vec<Vec<&parasol_qa::Passage>> = indexes.iter().map(|ix| ix.search(question, top)).collect();
    for rank in 0..top {
        for (d, list) in per_doc.iter().enumerate() {
            if let Some(p) = list.get(rank) {
                ranked.push(*p);
                origin.push(d);
            }
        }
    }
    // Characters over three: a conservative count of the model's tokens.
    let prompt = prompt::build(question, &ranked, CONTEXT_TOKENS - 512, &|s: &str| s.len() / 3 + 1)
        .map_err(|e| ApiError::bad_field("messages", e.to_string()))?;
    let origin = prompt.chosen.iter().map(|&r| origin[r]).collect();
    Ok(Grounding { prompt, docs, origin })
}

fn citations(g: &Grounding, answer: &str) -> Vec<ChatCitation> {
    let mut out = Vec::new();
    for (d, (job, doc)) in g.docs.iter().enumerate() {
        let mut prompt = g.prompt.clone();
        // Only this document's passages keep their numbers.
        for (i, p) in prompt.given.iter_mut().enumerate() {
            if g.origin.get(i) != Some(&d) {
                p.elements.clear();
            }
        }
        let answer = cite::cite(answer, &prompt, doc);
        out.extend(answer.citations.into_iter().map(|c: Citation| ChatCitation {
            marker: c.marker,
            document: job.clone(),
            element_id: c.element_id,
            page: c.page,
            coordinates: vec![
                parasol_doc::upstage::Point { x: c.bbox[0] as f64, y: c.bbox[1] as f64 },
                parasol_doc::upstage::Point { x: c.bbox[2] as f64, y: c.bbox[1] as f64 },
                parasol_doc::upstage::Point { x: c.bbox[2] as f64, y: c.bbox[3] as f64 },
                parasol_doc::upstage::Point { x: c.bbox[0] as f64, y: c.bbox[3] as f64 },
            ],
            quote: c.quote,
        }));
    }
    out.sort_by_key(|c| c.marker);
    out
}

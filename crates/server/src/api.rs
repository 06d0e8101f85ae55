//! Routes and handlers.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{DefaultBodyLimit, MatchedPath, Multipart, Path, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use parasol_doc::upstage::UpstageResponse;
use parasol_models::ModelFile;
use serde::{Deserialize, Serialize};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use utoipa::{OpenApi, ToSchema};
use utoipa_swagger_ui::SwaggerUi;

use crate::error::{ApiError, ErrorBody, ErrorDetail};
use crate::form::{self, FormLimits, StoredRequest};
use crate::metrics::RequestLabels;
use crate::pool::{Priority, RunError};
use crate::protocol::{ConvertCommand, FailureKind, Reply};
use crate::store::{Job, NewJob, Status};
use crate::{now, Owner, Shared};

type AppState = Arc<Shared>;

/// Seconds a client is told to wait when the queue is full.
const RETRY_AFTER_SECS: u64 = 10;

const SYNC_PATH: &str = "/v1/document-digitization";
const LEGACY_SYNC_PATH: &str = "/v1/document-ai/document-parse";
const ASYNC_PATH: &str = "/v1/document-digitization/async";
const LEGACY_ASYNC_PATH: &str = "/v1/document-ai/async/document-parse";
const REQUESTS_PATH: &str = "/v1/document-digitization/requests";
const REQUEST_PATH: &str = "/v1/document-digitization/requests/{id}";
const RESULT_PATH: &str = "/v1/document-digitization/requests/{id}/result";
const PAGE_IMAGE_PATH: &str = "/v1/document-digitization/requests/{id}/pages/{page}";
const DOWNLOAD_PATH: &str = "/v1/document-digitization/requests/{id}/batches/{batch}";

#[derive(OpenApi)]
#[openapi(
    info(title = "Parasol", description = "Upstage-compatible Document Parse, local and on CPU"),
    paths(
        parse_sync,
        parse_async,
        request_status,
        list_requests,
        request_result,
        page_image,
        download_batch,
        health,
        ready,
        metrics,
        crate::chat::completions,
        crate::chat::models
    ),
    components(schemas(
        UpstageResponse,
        AsyncAccepted,
        RequestStatus,
        BatchStatus,
        RequestList,
        ErrorBody,
        ErrorDetail
    ))
)]
struct ApiDoc;

/// The router: every route, its middleware and its state.
pub fn app(shared: AppState) -> Router {
    let body_limit = (shared.config.max_upload_bytes + (1 << 20)) as usize;
    let v1 = Router::new()
        .route(SYNC_PATH, post(parse_sync))
        .route(LEGACY_SYNC_PATH, post(parse_sync))
        .route(ASYNC_PATH, post(parse_async))
        .route(LEGACY_ASYNC_PATH, post(parse_async))
        .route(REQUESTS_PATH, get(list_requests))
        .route(REQUEST_PATH, get(request_status))
        .route(RESULT_PATH, get(request_result))
        .route(PAGE_IMAGE_PATH, get(page_image))
        .route("/v1/chat/completions", post(crate::chat::completions))
        .route("/v1/models", get(crate::chat::models))
        .layer(middleware::from_fn_with_state(Arc::clone(&shared), authenticate));
    Router::new()
        .merge(v1)
        .merge(crate::web::routes())
        .route(DOWNLOAD_PATH, get(download_batch))
        .route("/health", get(health))
        .route("/ready", get(ready))
        .route("/metrics", get(metrics))
        .merge(SwaggerUi::new("/docs").url("/openapi.json", ApiDoc::openapi()))
        .fallback(|| async { ApiError::NotFound })
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(middleware::from_fn_with_state(Arc::clone(&shared), count_requests))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request| {
                    let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
                    tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
                })
                // One line per request at the default level: status and latency.
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(shared)
}

async fn count_requests(State(shared): State<AppState>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let response = next.run(req).await;
    let labels = RequestLabels { route, status: response.status().as_u16() };
    shared.metrics.requests.get_or_create(&labels).inc();
    response
}

/// With API keys configured, `Authorization: Bearer <key>` must name one;
/// without, any (or none) is accepted and every caller is one owner.
async fn authenticate(State(shared): State<AppState>, mut req: Request, next: Next) -> Response {
    let keys = &shared.config.api_keys;
    let owner = if keys.is_empty() {
        crate::sign::owner_of(None)
    } else {
        let sent = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(str::trim);
        match sent.filter(|k| keys.iter().any(|key| constant_time_eq(key.as_bytes(), k.as_bytes()))) {
            Some(k) => crate::sign::owner_of(Some(k)),
            None => return ApiError::Unauthorized.into_response(),
        }
    };
    req.extensions_mut().insert(Owner(owner));
    next.run(req).await
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn form_limits(shared: &Shared) -> FormLimits {
    FormLimits { max_upload_bytes: shared.config.max_upload_bytes, tmp_dir: shared.dirs.tmp() }
}

/// Parse a document and answer with the result.
///
/// Multipart form: `document` (PDF, PNG, JPEG, TIFF or WebP), `model`,
/// `ocr` (`auto`|`force`), `output_formats` (`["html", "markdown", "text"]`),
/// `coordinates`, `base64_encoding` (categories), `chart_recognition`, and
/// Parasol's `layout`, `ocr_model`, `lang`, `dpi`, `password`, `tables`,
/// `formulas`, `orientation`, `figures`, `drop_headers_footers`. At most 100 pages;
/// longer documents go through the async endpoint. A client that hangs up
/// cancels the conversion.
#[utoipa::path(post, path = "/v1/document-digitization", tag = "document parse",
    request_body(content_type = "multipart/form-data", description = "the document and options"),
    responses(
        (status = 200, body = UpstageResponse),
        (status = 400, body = ErrorBody, description = "missing document or bad option"),
        (status = 401, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "encrypted (code password_required or wrong_password) or unreadable"),
        (status = 429, body = ErrorBody, description = "queue full; see Retry-After"),
    ))]
async fn parse_sync(State(shared): State<AppState>, form: Multipart) -> Result<Response, ApiError> {
    let busy = || !shared.pool.has_idle() && shared.pool.waiting() >= shared.config.max_waiting_requests;
    let refusal = ApiError::Busy("too many requests are waiting for a worker", RETRY_AFTER_SECS);
    // Before reading the upload, and again once it is read.
    if busy() {
        return Err(refusal);
    }
    let request = form::read(form, &form_limits(&shared)).await?;
    if busy() {
        return Err(refusal);
    }
    let command = ConvertCommand {
        path: request.upload.path().to_path_buf(),
        options: request.options,
        start_page: 0,
        batch_pages: usize::MAX,
        first_id: 0,
        max_pages: Some(shared.config.sync_max_pages),
        model: parasol_pipeline::PRODUCER.to_string(),
        page_images: None,
    };
    let mut lease = shared.pool.acquire(Priority::Interactive).await;
    let t0 = Instant::now();
    let mut response = None;
    let mut pages = None;
    let metrics = Arc::clone(&shared.metrics);
    let mut on_reply = |reply: Reply| match reply {
        Reply::Opened { pages: n } => pages = Some(n),
        Reply::Progress { .. } => {
            metrics.pages.inc();
        }
        Reply::Batch(b) => response = Some(b.response),
        _ => {}
    };
    let outcome = lease.convert(command, &mut on_reply).await;
    drop(lease);
    shared.metrics.conversion_seconds.observe(t0.elapsed().as_secs_f64());
    drop(request.upload);
    outcome.map_err(|e| run_error(e, pages, &shared))?;
    let mut parsed: UpstageResponse = response
        .as_deref()
        .map(serde_json::from_str)
        .transpose()
        .map_err(|e| {
            tracing::error!(error = %e, "a worker's response cannot be read");
            ApiError::Internal
        })?
        .ok_or(ApiError::Internal)?;
    request.output.apply(&mut parsed);
    Ok(Json(parsed).into_response())
}

/// What a failed conversion of a document of `pages` pages (when it
/// opened) means for the client.
fn run_error(e: RunError, pages: Option<usize>, shared: &Shared) -> ApiError {
    match e {
        RunError::Failed { kind, message } => match kind {
            FailureKind::UnsupportedType => ApiError::UnsupportedType,
            FailureKind::PasswordRequired => ApiError::PasswordRequired,
            FailureKind::WrongPassword => ApiError::WrongPassword,
            // Over the synchronous limit once opened; over the input
            // limit (`Limits::max_pages`) before.
            FailureKind::TooManyPages => match pages {
                Some(pages) => ApiError::TooManyPages { pages, max: shared.config.sync_max_pages },
                None => ApiError::TooLarge(message),
            },
            FailureKind::LimitExceeded => ApiError::TooLarge(message),
            FailureKind::OutOfMemory => ApiError::Unprocessable {
                code: "out_of_memory",
                message: match shared.config.pool.memory_limit_mib {
                    Some(mib) => {
                        format!("{message}: the document needs more memory than a worker may use ({mib} MiB)")
                    }
                    None => message,
                },
            },
            FailureKind::Corrupt => ApiError::Unprocessable { code: "unreadable_document", message },
            FailureKind::NoPages => ApiError::Unprocessable { code: "no_pages", message },
            FailureKind::InvalidOption => ApiError::bad_field("dpi", message),
            FailureKind::Cancelled | FailureKind::Internal => {
                tracing::error!(message, "conversion failed");
                ApiError::Internal
            }
        },
        RunError::Crashed(message) => ApiError::Unprocessable { code: "worker_crashed", message },
        RunError::TimedOut => ApiError::Timeout(shared.pool.job_timeout().as_secs()),
        RunError::Unavailable(message) => {
            tracing::error!(message, "no worker");
            ApiError::Unavailable("no worker can start")
        }
    }
}

#[derive(Serialize, Deserialize, ToSchema)]
struct AsyncAccepted {
    request_id: String,
}

/// Submit a document for parsing in the background.
///
/// The same form as the synchronous endpoint, without its page limit. The
/// job is stored before this answers: it survives a restart. Results come
/// in batches of 10 pages (`GET /v1/document-digitization/requests/{id}`).
#[utoipa::path(post, path = "/v1/document-digitization/async", tag = "document parse",
    request_body(content_type = "multipart/form-data", description = "the document and options"),
    responses(
        (status = 200, body = AsyncAccepted),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 429, body = ErrorBody, description = "queue full; see Retry-After"),
    ))]
async fn parse_async(
    State(shared): State<AppState>,
    Extension(owner): Extension<Owner>,
    form: Multipart,
) -> Result<Json<AsyncAccepted>, ApiError> {
    // Before reading the upload, and again once it is read.
    queue_has_room(&shared).await?;
    let request = form::read(form, &form_limits(&shared)).await?;
    queue_has_room(&shared).await?;
    let id = uuid::Uuid::new_v4().to_string();
    let created_at = now();
    let stored = StoredRequest { options: request.options, output: request.output };
    let job = NewJob {
        id: id.clone(),
        owner: owner.0,
        model: request.model,
        request: serde_json::to_string(&stored).map_err(|_| ApiError::Internal)?,
        created_at,
        expires_at: created_at + shared.config.result_ttl.as_secs() as i64,
    };
    let store = Arc::clone(&shared.store);
    let upload = request.upload;
    tokio::task::spawn_blocking(move || {
        // The store takes the document with the job (or neither); the
        // upload's temporary file goes when `upload` is dropped.
        let stored = store.insert(&job, upload.path());
        drop(upload);
        stored
    })
    .await
    .map_err(|_| ApiError::Internal)?
    .map_err(store_error)?;
    shared.jobs_added.notify_one();
    tracing::info!(job = %id, "job accepted");
    Ok(Json(AsyncAccepted { request_id: id }))
}

async fn queue_has_room(shared: &AppState) -> Result<(), ApiError> {
    let store = Arc::clone(&shared.store);
    let unfinished = tokio::task::spawn_blocking(move || store.unfinished())
        .await
        .map_err(|_| ApiError::Internal)?
        .map_err(store_error)?;
    if unfinished >= shared.config.max_queued_jobs {
        return Err(ApiError::Busy("the job queue is full", RETRY_AFTER_SECS));
    }
    Ok(())
}

/// A store call that failed: 503 while the store cannot be reached (a
/// database restarting: the client may retry), else 500.
fn store_error(e: crate::store::StoreError) -> ApiError {
    tracing::error!(error = %e, "job store error");
    if e.is_unavailable() {
        ApiError::Unavailable("the job store does not answer")
    } else {
        ApiError::Internal
    }
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    tracing::error!(error = %e, "internal error");
    ApiError::Internal
}

/// A job's state, in Upstage's shape.
#[derive(Serialize, Deserialize, ToSchema)]
struct RequestStatus {
    id: String,
    /// `submitted`, `started`, `completed` or `failed`.
    status: String,
    model: String,
    /// Why the job failed; empty otherwise.
    failure_message: String,
    total_pages: Option<usize>,
    completed_pages: usize,
    /// Unix seconds.
    requested_at: i64,
    /// Unix seconds, once completed or failed.
    completed_at: Option<i64>,
    batches: Vec<BatchStatus>,
}

#[derive(Serialize, Deserialize, ToSchema)]
struct BatchStatus {
    id: usize,
    model: String,
    /// `scheduled`, `started`, `completed` or `failed`.
    status: String,
    failure_message: String,
    /// 1-based first page of the batch.
    start_page: usize,
    /// 1-based last page of the batch.
    end_page: usize,
    /// A signed link to the batch's result, valid for a while (no
    /// `Authorization` needed); empty until the batch is completed. Every
    /// status request gives fresh links.
    download_url: String,
    requested_at: i64,
    updated_at: i64,
}

fn base_url(shared: &Shared, headers: &HeaderMap) -> String {
    if let Some(url) = &shared.config.public_url {
        return url.trim_end_matches('/').to_string();
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    format!("http://{host}")
}

fn status_of(shared: &Shared, job: &Job, base: &str) -> RequestStatus {
    let expires = (now() + shared.config.link_ttl.as_secs() as i64).min(job.expires_at);
    let finished = matches!(job.status, Status::Completed | Status::Failed);
    RequestStatus {
        id: job.id.clone(),
        status: job.status.as_str().to_string(),
        model: job.model.clone(),
        failure_message: job.failure_message.clone().unwrap_or_default(),
        total_pages: job.total_pages,
        completed_pages: job.completed_pages,
        requested_at: job.created_at,
        completed_at: finished.then_some(job.updated_at),
        batches: job
            .batches
            .iter()
            .map(|b| BatchStatus {
                id: b.index,
                model: job.model.clone(),
                status: match b.status {
                    Status::Submitted => "scheduled",
                    other => other.as_str(),
                }
                .to_string(),
                failure_message: match b.status {
                    Status::Failed => job.failure_message.clone().unwrap_or_default(),
                    _ => String::new(),
                },
                start_page: b.start_page + 1,
                end_page: b.end_page,
                download_url: if b.status == Status::Completed {
                    let sig = shared.signer.sign(&job.id, b.index, expires);
                    format!(
                        "{base}/v1/document-digitization/requests/{}/batches/{}?expires={expires}&signature={sig}",
                        job.id, b.index
                    )
                } else {
                    String::new()
                },
                requested_at: job.created_at,
                updated_at: job.updated_at,
            })
            .collect(),
    }
}

async fn load_job(shared: &AppState, id: String) -> Result<Option<Job>, ApiError> {
    let store = Arc::clone(&shared.store);
    tokio::task::spawn_blocking(move || store.get(&id))
        .await
        .map_err(|_| ApiError::Internal)?
        .map_err(store_error)
}

/// A completed batch's response, as the store keeps it.
pub(crate) async fn load_result(shared: &AppState, id: &str, batch: usize) -> Result<Vec<u8>, ApiError> {
    let (store, id) = (Arc::clone(&shared.store), id.to_string());
    tokio::task::spawn_blocking(move || store.result(&id, batch))
        .await
        .map_err(|_| ApiError::Internal)?
        .map_err(store_error)?
        .ok_or_else(|| internal("a completed batch has no result"))
}

/// A job's status and its batches' download links.
#[utoipa::path(get, path = "/v1/document-digitization/requests/{id}", tag = "document parse",
    params(("id" = String, Path, description = "the request_id the submission returned")),
    responses((status = 200, body = RequestStatus), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn request_status(
    State(shared): State<AppState>,
    Extension(owner): Extension<Owner>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<RequestStatus>, ApiError> {
    let job = load_job(&shared, id).await?.filter(|j| j.owner == owner.0).ok_or(ApiError::NotFound)?;
    Ok(Json(status_of(&shared, &job, &base_url(&shared, &headers))))
}

#[derive(Serialize, Deserialize, ToSchema)]
struct RequestList {
    requests: Vec<RequestStatus>,
}

/// The caller's jobs, newest first (at most 100).
#[utoipa::path(get, path = "/v1/document-digitization/requests", tag = "document parse",
    responses((status = 200, body = RequestList), (status = 401, body = ErrorBody)))]
async fn list_requests(
    State(shared): State<AppState>,
    Extension(owner): Extension<Owner>,
    headers: HeaderMap,
) -> Result<Json<RequestList>, ApiError> {
    let store = Arc::clone(&shared.store);
    let jobs = tokio::task::spawn_blocking(move || store.list(Some(&owner.0), 100))
        .await
        .map_err(|_| ApiError::Internal)?
        .map_err(store_error)?;
    let base = base_url(&shared, &headers);
    Ok(Json(RequestList { requests: jobs.iter().map(|j| status_of(&shared, j, &base)).collect() }))
}

/// A completed job's whole result: its batches joined, as one synchronous
/// request would have answered (the web page's viewer and downloads).
#[utoipa::path(get, path = "/v1/document-digitization/requests/{id}/result", tag = "document parse",
    params(("id" = String, Path, description = "the request_id the submission returned")),
    responses((status = 200, body = UpstageResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "the job is not completed")))]
async fn request_result(
    State(shared): State<AppState>,
    Extension(owner): Extension<Owner>,
    Path(id): Path<String>,
) -> Result<Json<UpstageResponse>, ApiError> {
    let job =
        load_job(&shared, id.clone()).await?.filter(|j| j.owner == owner.0).ok_or(ApiError::NotFound)?;
    match job.status {
        Status::Completed => {}
        Status::Failed => return Err(ApiError::Conflict("the job failed; it has no result".into())),
        _ => return Err(ApiError::Conflict("the job is not completed yet".into())),
    }
    let stored: StoredRequest = serde_json::from_str(&job.request).map_err(internal)?;
    let mut parts = Vec::with_capacity(job.batches.len());
    for b in &job.batches {
        let bytes = load_result(&shared, &id, b.index).await?;
        parts.push(serde_json::from_slice::<UpstageResponse>(&bytes).map_err(internal)?);
    }
    let mut whole = UpstageResponse::join(parts).ok_or(ApiError::Internal)?;
    stored.output.apply(&mut whole);
    Ok(Json(whole))
}

/// The image of one page (1-based) of a job, as the parse read it (turned
/// upright if it was), for drawing its elements' boxes on: a PNG, at most
/// 1400 pixels on its longer side, there once the page's batch is completed.
#[utoipa::path(get, path = "/v1/document-digitization/requests/{id}/pages/{page}", tag = "document parse",
    params(("id" = String, Path), ("page" = usize, Path, description = "1-based page number")),
    responses((status = 200, content_type = "image/png", description = "the page"),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn page_image(
    State(shared): State<AppState>,
    Extension(owner): Extension<Owner>,
    Path((id, page)): Path<(String, usize)>,
) -> Result<Response, ApiError> {
    let job =
        load_job(&shared, id.clone()).await?.filter(|j| j.owner == owner.0).ok_or(ApiError::NotFound)?;
    let done = job
        .batches
        .iter()
        .any(|b| b.status == Status::Completed && b.start_page < page && page <= b.end_page);
    if !done {
        return Err(ApiError::NotFound);
    }
    let store = Arc::clone(&shared.store);
    let png = tokio::task::spawn_blocking(move || store.page_image(&id, page))
        .await
        .map_err(|_| ApiError::Internal)?
        .map_err(store_error)?
        .ok_or(ApiError::NotFound)?;
    Ok(([(header::CONTENT_TYPE, "image/png"), (header::CACHE_CONTROL, "private, max-age=3600")], png)
        .into_response())
}

#[derive(Deserialize)]
struct LinkQuery {
    expires: i64,
    signature: String,
}

/// One batch's result, through the signed link the status gives.
#[utoipa::path(get, path = "/v1/document-digitization/requests/{id}/batches/{batch}", tag = "document parse",
    params(("id" = String, Path), ("batch" = usize, Path), ("expires" = i64, Query), ("signature" = String, Query)),
    responses((status = 200, body = UpstageResponse), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn download_batch(
    State(shared): State<AppState>,
    Path((id, batch)): Path<(String, usize)>,
    Query(link): Query<LinkQuery>,
) -> Result<Json<UpstageResponse>, ApiError> {
    if !shared.signer.verify(&id, batch, link.expires, &link.signature, now()) {
        return Err(ApiError::BadLink);
    }
    let job = load_job(&shared, id.clone()).await?.ok_or(ApiError::NotFound)?;
    let done = job.batches.get(batch).is_some_and(|b| b.status == Status::Completed);
    if !done {
        return Err(ApiError::NotFound);
    }
    let stored: StoredRequest = serde_json::from_str(&job.request).map_err(internal)?;
    let bytes = load_result(&shared, &id, batch).await?;
    let mut response: UpstageResponse = serde_json::from_slice(&bytes).map_err(internal)?;
    stored.output.apply(&mut response);
    Ok(Json(response))
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
    workers: usize,
}

/// Liveness: the server answers.
#[utoipa::path(get, path = "/health", tag = "operations", responses((status = 200, description = "alive")))]
async fn health(State(shared): State<AppState>) -> Json<Health> {
    Json(Health { status: "ok", workers: shared.pool.live() })
}

/// Whether the job store answers, as the `store_up` metric keeps it.
async fn store_answers(shared: &AppState) -> bool {
    let store = Arc::clone(&shared.store);
    let up = matches!(tokio::task::spawn_blocking(move || store.ping()).await, Ok(Ok(())));
    shared.metrics.store_up.set(i64::from(up));
    up
}

/// Readiness: the core models are installed, a worker is up and the job
/// store answers.
#[utoipa::path(get, path = "/ready", tag = "operations",
    responses((status = 200, description = "ready"), (status = 503, body = ErrorBody)))]
async fn ready(State(shared): State<AppState>) -> Result<Json<Health>, ApiError> {
    if !store_answers(&shared).await {
        return Err(ApiError::Unavailable("the job store does not answer"));
    }
    let models =
        [ModelFile::Pdfium, ModelFile::OnnxRuntime, ModelFile::OcrDetSmall, ModelFile::LayoutPicoDet];
    if models.iter().any(|&m| shared.config.models.require(m).is_err()) {
        return Err(ApiError::Unavailable("models are missing; run python3 scripts/fetch_models.py"));
    }
    if shared.pool.live() == 0 {
        return Err(ApiError::Unavailable("no worker is running"));
    }
    Ok(Json(Health { status: "ready", workers: shared.pool.live() }))
}

/// Prometheus metrics.
#[utoipa::path(get, path = "/metrics", tag = "operations", responses((status = 200, description = "Prometheus text format")))]
async fn metrics(State(shared): State<AppState>) -> Response {
    let store = Arc::clone(&shared.store);
    let unfinished = tokio::task::spawn_blocking(move || store.unfinished()).await.ok().and_then(Result::ok);
    shared.metrics.store_up.set(i64::from(unfinished.is_some()));
    let depth = unfinished.unwrap_or(0) + shared.pool.waiting();
    shared.metrics.queue_depth.set(depth as i64);
    shared.metrics.workers_live.set(shared.pool.live() as i64);
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")],
        shared.metrics.encode(),
    )
        .into_response()
}

//! The demo service: an OpenAI-compatible mock of the seed's API that produces
//! every error of the seed documentation, all from one `#[derive(ApiError)]` enum.
//!
//! `cargo run --example server` serves it on `127.0.0.1:$PORT` (8080 by default);
//! the end-to-end tests start the same [`app`] on an ephemeral port with [`spawn`].
//!
//! Checks run in this order: routing (unknown route 404, wrong method 405 — no key
//! needed); then, on every `/v1` route, authentication (401), the per-key rate limit
//! (429), the body — size (413), content type (415), JSON syntax and fields (400) —
//! credits (402), and the model's state (503 / 500).

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, Method, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use dos_errors::integrations::axum::{envelope_errors, request_span};
use dos_errors::ApiError;
use http_body_util::BodyExt as _;
use serde::Serialize;
use serde_json::{Map, Value};
use tower_http::catch_panic::CatchPanicLayer;

/// Every error the demo answers with. The `#[error]` texts are for the logs; the
/// `#[api_error]` attributes are the clients' contract.
#[derive(Debug, thiserror::Error, ApiError)]
#[api_error(integrations(axum, utoipa))]
pub enum DemoError {
    /// The body is not JSON.
    ///
    /// # How to fix
    /// - Verify the request body is valid JSON.
    #[error("malformed JSON body: {detail}")]
    #[api_error(status = 400, message = "Malformed JSON in the request body: {detail}")]
    MalformedJson {
        /// What the JSON parser said.
        detail: String,
    },

    /// The body is JSON but not an object.
    ///
    /// # How to fix
    /// - Verify the request body is valid JSON.
    #[error("body is not a JSON object")]
    #[api_error(status = 400, message = "The request body must be a JSON object")]
    NotAnObject,

    /// `model` or `messages` is missing.
    ///
    /// # How to fix
    /// - Check that all required fields (`model`, `messages`) are present.
    #[error("missing field {field}")]
    #[api_error(status = 400, message = "Missing required field: {field}")]
    MissingField {
        /// The missing field.
        field: &'static str,
    },

    /// A field has the wrong JSON type.
    ///
    /// # How to fix
    /// - Ensure parameter values are within documented ranges and of the documented type.
    #[error("field {field} is not {expected}")]
    #[api_error(
        status = 400,
        message = "Invalid value for {field}: expected {expected}"
    )]
    InvalidField {
        /// The field.
        field: &'static str,
        /// What it should be.
        expected: &'static str,
    },

    /// No model has this id.
    ///
    /// # How to fix
    /// - Use the Models API (`GET /v1/models`) to confirm valid model IDs.
    #[error("unknown model {model:?}")]
    #[api_error(status = 400, message = "The model `{model}` does not exist")]
    UnknownModel {
        /// The id asked for.
        model: String,
    },

    /// `messages` is `[]`.
    ///
    /// # How to fix
    /// - Send at least one message in `messages`.
    #[error("empty messages")]
    #[api_error(status = 400, message = "messages must contain at least one message")]
    EmptyMessages,

    /// `temperature` outside 0–2.
    ///
    /// # How to fix
    /// - Ensure parameter values are within documented ranges.
    #[error("temperature {value} out of range")]
    #[api_error(
        status = 400,
        message = "temperature must be between 0 and 2, got {value}"
    )]
    TemperatureOutOfRange {
        /// The value sent.
        value: f64,
    },

    /// `max_tokens` negative or above the model's context.
    ///
    /// # How to fix
    /// - Ensure parameter values are within documented ranges.
    #[error("max_tokens {value} out of range for {model}")]
    #[api_error(
        status = 400,
        message = "max_tokens must be between 0 and {context} (the context of {model}), got {value}"
    )]
    MaxTokensOutOfRange {
        /// The value sent.
        value: i64,
        /// The model.
        model: &'static str,
        /// The model's context length.
        context: u32,
    },

    /// No `Authorization` header.
    ///
    /// # How to fix
    /// - Check the `Authorization` header format: `Authorization: Bearer dos_sk_...`.
    #[error("no Authorization header")]
    #[api_error(
        status = 401,
        message = "Missing Authorization header: send `Authorization: Bearer YOUR_API_KEY`"
    )]
    MissingAuthorization,

    /// The header is not `Bearer <key>`.
    ///
    /// # How to fix
    /// - Check the `Authorization` header format: `Authorization: Bearer dos_sk_...`.
    /// - Ensure there are no trailing spaces or newlines in the key.
    #[error("Authorization header is not Bearer")]
    #[api_error(
        status = 401,
        message = "Incorrect Authorization header format: it must be `Bearer YOUR_API_KEY`"
    )]
    MalformedAuthorization,

    /// The key does not start with `dos_sk_`.
    ///
    /// # How to fix
    /// - Verify your API key starts with `dos_sk_`.
    #[error("API key without the dos_sk_ prefix")]
    #[api_error(status = 401, message = "Invalid API key: keys start with `dos_sk_`")]
    InvalidKeyFormat,

    /// No such key.
    ///
    /// # How to fix
    /// - Verify your API key starts with `dos_sk_`.
    /// - Ensure there are no trailing spaces or newlines in the key.
    #[error("unknown API key")]
    #[api_error(status = 401, message = "Invalid API key")]
    UnknownKey,

    /// The key was revoked.
    ///
    /// # How to fix
    /// - Generate a new key from the dashboard if your current key may be compromised.
    #[error("revoked API key")]
    #[api_error(status = 401, message = "This API key has been revoked")]
    RevokedKey,

    /// The key's account has no credits.
    ///
    /// # How to fix
    /// - Check your current balance on the dashboard.
    /// - Add credits to your account.
    #[error("no credits left")]
    #[api_error(status = 402)]
    NoCredits,

    /// The body is over the limit.
    ///
    /// # How to fix
    /// - Keep request bodies under 1 MiB.
    #[error("body over {limit} bytes")]
    #[api_error(
        status = 413,
        message = "The request body is larger than {limit} bytes"
    )]
    BodyTooLarge {
        /// The limit in bytes.
        limit: usize,
    },

    /// The body could not be read.
    ///
    /// # How to fix
    /// - Verify the request body is valid JSON.
    #[error("reading the body failed: {detail}")]
    #[api_error(status = 400, message = "The request body could not be read")]
    UnreadableBody {
        /// Why.
        detail: String,
    },

    /// The body is not `application/json`.
    ///
    /// # How to fix
    /// - Send the body as JSON with `Content-Type: application/json`.
    #[error("content type {found:?} is not JSON")]
    #[api_error(status = 415, message = "Content-Type must be application/json")]
    UnsupportedContentType {
        /// The content type sent, if any.
        found: Option<String>,
    },

    /// The key made too many requests.
    ///
    /// # How to fix
    /// - Reduce the frequency of your requests.
    /// - Contact us for higher limits if your use case requires them.
    #[error("rate limited: {limit} per {window}s")]
    #[api_error(
        status = 429,
        message = "Rate limit exceeded: {limit} requests per {window} seconds"
    )]
    RateLimited {
        /// Requests allowed per window.
        limit: u32,
        /// The window in seconds.
        window: u64,
        /// Until the window frees a slot.
        #[api_error(retry_after)]
        wait: Duration,
    },

    /// The model failed while generating: the client sees only the default 500 message.
    ///
    /// # How to fix
    /// - If the error persists, try a different model.
    /// - Check status.dos.ai for any ongoing incidents.
    #[error("model {model} crashed")]
    #[api_error(status = 500)]
    ModelCrashed {
        /// The model.
        model: &'static str,
        /// What went wrong inside.
        #[source]
        cause: InferenceFault,
    },

    /// A handler panicked: masked like any 500.
    ///
    /// # How to fix
    /// - If the error persists, try a different model.
    /// - Check status.dos.ai for any ongoing incidents.
    #[error("handler panicked: {detail}")]
    #[api_error(status = 500)]
    Panicked {
        /// The panic's message.
        detail: String,
    },

    /// The model is loading.
    ///
    /// # How to fix
    /// - Model loading typically completes within a few minutes.
    /// - Try a different model if you need an immediate response.
    #[error("model {model} is loading")]
    #[api_error(status = 503, message = "The model {model} is loading; retry shortly")]
    ModelLoading {
        /// The model.
        model: &'static str,
        /// When to come back.
        #[api_error(retry_after)]
        wait: Duration,
    },

    /// No route has this path.
    ///
    /// # How to fix
    /// - Check the path: the API lives under `/v1`.
    #[error("no route for {method} {path}")]
    #[api_error(status = 404, message = "Unknown route: {method} {path}")]
    UnknownRoute {
        /// The request's method.
        method: Method,
        /// The request's path.
        path: String,
    },

    /// The route exists, not with this method.
    ///
    /// # How to fix
    /// - Check the method: `GET /v1/models`, `POST /v1/chat/completions`.
    #[error("{method} not allowed on {path}")]
    #[api_error(status = 405, message = "Method {method} is not allowed on {path}")]
    MethodNotAllowed {
        /// The request's method.
        method: Method,
        /// The request's path.
        path: String,
    },
}

/// The internal cause of [`DemoError::ModelCrashed`]: it reaches the log, never the client.
#[derive(Debug, thiserror::Error)]
#[error("inference worker {worker} lost its GPU context (CUDA error 700 at 0x7f3a9c)")]
pub struct InferenceFault {
    worker: u32,
}

/// A model the demo serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Model {
    /// Its id.
    pub id: &'static str,
    /// Its context length in tokens.
    pub context: u32,
    /// What happens when it is asked for a completion.
    pub behavior: Behavior,
}

/// What a model does when asked for a completion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behavior {
    /// Answers with an echo.
    Echo,
    /// Is loading: 503 with `Retry-After`.
    Loading,
    /// Fails internally: a masked 500.
    Crash,
    /// Panics inside the handler: a masked 500, and the server keeps serving.
    Panic,
}

/// The models of `GET /v1/models` (`dos-panic` is not listed but answers).
pub const MODELS: [Model; 5] = [
    Model {
        id: "dos-chat-small",
        context: 8192,
        behavior: Behavior::Echo,
    },
    Model {
        id: "dos-chat-large",
        context: 32768,
        behavior: Behavior::Echo,
    },
    Model {
        id: "dos-loading",
        context: 8192,
        behavior: Behavior::Loading,
    },
    Model {
        id: "dos-crash",
        context: 8192,
        behavior: Behavior::Crash,
    },
    Model {
        id: "dos-panic",
        context: 8192,
        behavior: Behavior::Panic,
    },
];

/// How many of [`MODELS`] `GET /v1/models` lists.
const LISTED_MODELS: usize = 4;

/// When the models were "created" (OpenAI's `created` field).
const MODELS_CREATED: u64 = 1_735_689_600;

/// A demo API key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiKey {
    /// The key.
    pub key: &'static str,
    /// Whether its account has credits.
    pub has_credits: bool,
    /// Whether it was revoked.
    pub revoked: bool,
}

/// The demo keys: `dos_sk_demo` has credits, `dos_sk_empty` none (402), `dos_sk_revoked` is revoked (401).
pub const KEYS: [ApiKey; 3] = [
    ApiKey {
        key: "dos_sk_demo",
        has_credits: true,
        revoked: false,
    },
    ApiKey {
        key: "dos_sk_empty",
        has_credits: false,
        revoked: false,
    },
    ApiKey {
        key: "dos_sk_revoked",
        has_credits: true,
        revoked: true,
    },
];

/// The demo's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoConfig {
    /// Requests allowed per key and window (default 10; `DEMO_RATE_LIMIT`).
    pub rate_limit: u32,
    /// The rate limit's sliding window (default 10 s).
    pub rate_window: Duration,
    /// The `Retry-After` of `dos-loading` (default 3 s, so the client demo retries quickly).
    pub loading_retry_after: Duration,
    /// `None` (the default): `dos-loading` is always loading. `Some(n)`: it answers
    /// 503 to the first `n` completions of each key, then is ready — for clients'
    /// retry tests.
    pub loading_failures: Option<u32>,
    /// The largest accepted body (default 1 MiB).
    pub max_body_bytes: usize,
}

impl Default for DemoConfig {
    fn default() -> Self {
        DemoConfig {
            rate_limit: 10,
            rate_window: Duration::from_secs(10),
            loading_retry_after: Duration::from_secs(3),
            loading_failures: None,
            max_body_bytes: 1024 * 1024,
        }
    }
}

impl DemoConfig {
    /// The defaults, with `DEMO_RATE_LIMIT=N` (a positive integer) as the rate limit.
    ///
    /// # Errors
    /// A message when `DEMO_RATE_LIMIT` is set but not a positive integer.
    pub fn from_env() -> Result<Self, String> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// [`from_env`](Self::from_env) reading the variables through `var`.
    ///
    /// # Errors
    /// A message when `DEMO_RATE_LIMIT` is set but not a positive integer.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let mut config = DemoConfig::default();
        if let Some(value) = var("DEMO_RATE_LIMIT") {
            config.rate_limit = value
                .trim()
                .parse()
                .ok()
                .filter(|limit| *limit > 0)
                .ok_or_else(|| {
                    format!("DEMO_RATE_LIMIT must be a positive integer, got {value:?}")
                })?;
        }
        Ok(config)
    }
}

/// The server's state.
#[derive(Debug)]
struct Demo {
    config: DemoConfig,
    /// Per key: the instants of the requests counted in the current window.
    windows: Mutex<HashMap<&'static str, VecDeque<Instant>>>,
    /// Per key: how many `dos-loading` completions answered 503.
    loading_answers: Mutex<HashMap<&'static str, u32>>,
    completions: AtomicU64,
}

type Shared = Arc<Demo>;

/// The demo's router, ready to be served.
pub fn app(config: DemoConfig) -> Router {
    let state: Shared = Arc::new(Demo {
        config,
        windows: Mutex::new(HashMap::new()),
        loading_answers: Mutex::new(HashMap::new()),
        completions: AtomicU64::new(0),
    });
    let v1 = Router::new()
        .route("/v1/models", get(list_models))
        .route("/v1/chat/completions", post(chat_completion))
        // route_layer: only matched routes authenticate, so 404 and 405 need no key.
        .route_layer(middleware::from_fn_with_state(state.clone(), authenticate));
    Router::new()
        .merge(v1)
        .fallback(unknown_route)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(middleware::from_fn(request_span))
        .layer(middleware::from_fn(request_id))
        // A safety net: any plain-text error from a layer becomes an envelope too.
        .layer(middleware::map_response(envelope_errors))
        .with_state(state)
}

/// Serves the demo on `listener` until `shutdown` completes.
///
/// # Errors
/// The listener's I/O errors.
pub async fn serve(
    listener: tokio::net::TcpListener,
    config: DemoConfig,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app(config))
        .with_graceful_shutdown(shutdown)
        .await
}

/// Starts the demo on an ephemeral loopback port in the current tokio runtime; it
/// stops with the runtime (or when the returned handle is aborted).
///
/// # Errors
/// When no loopback port can be bound.
pub async fn spawn(
    config: DemoConfig,
) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
    let listener = tokio::net::TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0)).await?;
    let addr = listener.local_addr()?;
    let handle = tokio::spawn(async move {
        if let Err(error) = serve(listener, config, std::future::pending()).await {
            tracing::error!(%error, "demo server stopped");
        }
    });
    Ok((addr, handle))
}

/// Gives every request an `x-request-id` (the client's, or a new one), echoes it
/// on the response, and logs one line per request.
async fn request_id(mut request: Request, next: Next) -> Response {
    static NEXT_ID: AtomicU64 = AtomicU64::new(1);
    let id = match request.headers().get("x-request-id") {
        Some(id) => id.clone(),
        None => {
            let id = format!("req_{:06}", NEXT_ID.fetch_add(1, Ordering::Relaxed));
            let id = HeaderValue::from_str(&id).unwrap_or(HeaderValue::from_static("req_unknown"));
            request.headers_mut().insert("x-request-id", id.clone());
            id
        }
    };
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let started = Instant::now();
    let mut response = next.run(request).await;
    tracing::info!(
        request_id = id.to_str().unwrap_or(""),
        %method,
        path,
        status = response.status().as_u16(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "request"
    );
    response.headers_mut().insert("x-request-id", id);
    response
}

async fn unknown_route(method: Method, uri: Uri) -> DemoError {
    DemoError::UnknownRoute {
        method,
        path: uri.path().to_owned(),
    }
}

async fn method_not_allowed(method: Method, uri: Uri) -> DemoError {
    DemoError::MethodNotAllowed {
        method,
        path: uri.path().to_owned(),
    }
}

fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<&str>()
        .map(|text| (*text).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_owned());
    DemoError::Panicked { detail }.into_response()
}

/// Authentication (401), then the rate limit (429), for every `/v1` route.
async fn authenticate(State(demo): State<Shared>, mut request: Request, next: Next) -> Response {
    let key = match api_key(request.headers()) {
        Ok(key) => key,
        Err(error) => return error.into_response(),
    };
    if let Err(error) = demo.count_request(key.key) {
        return error.into_response();
    }
    request.extensions_mut().insert(key);
    next.run(request).await
}

/// The key of the `Authorization: Bearer <key>` header.
fn api_key(headers: &HeaderMap) -> Result<ApiKey, DemoError> {
    let header = headers
        .get(AUTHORIZATION)
        .ok_or(DemoError::MissingAuthorization)?;
    let key = header
        .to_str()
        .ok()
        .and_then(|value| value.strip_prefix("Bearer "))
        .filter(|key| !key.is_empty())
        .ok_or(DemoError::MalformedAuthorization)?;
    if !key.starts_with("dos_sk_") {
        return Err(DemoError::InvalidKeyFormat);
    }
    let known = KEYS
        .iter()
        .find(|known| known.key == key)
        .ok_or(DemoError::UnknownKey)?;
    if known.revoked {
        return Err(DemoError::RevokedKey);
    }
    Ok(*known)
}

impl Demo {
    /// Counts a request of `key` in its sliding window, or refuses it (429) when the
    /// window is full; refused requests are not counted.
    fn count_request(&self, key: &'static str) -> Result<(), DemoError> {
        let now = Instant::now();
        let window = self.config.rate_window;
        let mut windows = self.windows.lock().unwrap_or_else(PoisonError::into_inner);
        let requests = windows.entry(key).or_default();
        while requests
            .front()
            .is_some_and(|at| now.duration_since(*at) >= window)
        {
            requests.pop_front();
        }
        let limit = self.config.rate_limit as usize;
        if requests.len() >= limit {
            // The slot of the oldest counted request frees when it leaves the window.
            let oldest = requests.front().copied().unwrap_or(now);
            let wait = window.saturating_sub(now.duration_since(oldest));
            return Err(DemoError::RateLimited {
                limit: self.config.rate_limit,
                window: window.as_secs_f64().ceil() as u64,
                wait,
            });
        }
        requests.push_back(now);
        Ok(())
    }

    /// Whether `dos-loading` still answers 503 to `key`; counts the answer.
    fn still_loading(&self, key: &'static str) -> bool {
        let Some(failures) = self.config.loading_failures else {
            return true;
        };
        let mut answers = self
            .loading_answers
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let answered = answers.entry(key).or_insert(0);
        if *answered < failures {
            *answered += 1;
            true
        } else {
            false
        }
    }
}

/// OpenAI's model list: `{"object":"list","data":[…]}`.
#[derive(Debug, Serialize)]
struct ModelList {
    object: &'static str,
    data: Vec<ModelObject>,
}

/// One model of the list, in OpenAI's shape (plus its context length).
#[derive(Debug, Serialize)]
struct ModelObject {
    id: &'static str,
    object: &'static str,
    created: u64,
    owned_by: &'static str,
    context_length: u32,
}

async fn list_models() -> Json<ModelList> {
    let data = MODELS[..LISTED_MODELS]
        .iter()
        .map(|model| ModelObject {
            id: model.id,
            object: "model",
            created: MODELS_CREATED,
            owned_by: "dos",
            context_length: model.context,
        })
        .collect();
    Json(ModelList {
        object: "list",
        data,
    })
}

/// A validated completion request.
struct ChatRequest {
    model: &'static Model,
    prompt: String,
    prompt_tokens: usize,
    max_tokens: Option<u32>,
}

async fn chat_completion(
    State(demo): State<Shared>,
    Extension(key): Extension<ApiKey>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<ChatCompletion>, DemoError> {
    let limit = demo.config.max_body_bytes;
    let bytes = read_body(&headers, body, limit).await?;
    check_content_type(&headers)?;
    let request = parse_chat_request(&bytes)?;
    if !key.has_credits {
        return Err(DemoError::NoCredits);
    }
    match request.model.behavior {
        Behavior::Echo => {}
        Behavior::Loading => {
            if demo.still_loading(key.key) {
                return Err(DemoError::ModelLoading {
                    model: request.model.id,
                    wait: demo.config.loading_retry_after,
                });
            }
        }
        Behavior::Crash => {
            return Err(DemoError::ModelCrashed {
                model: request.model.id,
                cause: InferenceFault { worker: 3 },
            })
        }
        Behavior::Panic => panic!("model {} panicked on purpose", request.model.id),
    }
    let number = demo.completions.fetch_add(1, Ordering::Relaxed) + 1;
    Ok(Json(completion(&request, number)))
}

/// How much of a body over the limit is read and thrown away before answering 413,
/// and for how long: a client still sending when the server closes the connection
/// could miss the response (the close becomes a reset).
const DRAIN_BYTES: u64 = 8 * 1024 * 1024;
const DRAIN_TIME: Duration = Duration::from_secs(2);

/// The body, at most `limit` bytes (413 beyond).
async fn read_body(headers: &HeaderMap, mut body: Body, limit: usize) -> Result<Bytes, DemoError> {
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    let mut seen = 0u64;
    if !declared.is_some_and(|length| length > limit as u64) {
        let mut bytes = Vec::new();
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|error| DemoError::UnreadableBody {
                detail: error.to_string(),
            })?;
            let Ok(data) = frame.into_data() else {
                continue;
            };
            if bytes.len() + data.len() > limit {
                seen = (bytes.len() + data.len()) as u64;
                break;
            }
            bytes.extend_from_slice(&data);
        }
        if seen == 0 {
            return Ok(Bytes::from(bytes));
        }
    }
    if declared.unwrap_or(seen) <= DRAIN_BYTES {
        let drain = async { while let Some(Ok(_)) = body.frame().await {} };
        let _ = tokio::time::timeout(DRAIN_TIME, drain).await;
    }
    Err(DemoError::BodyTooLarge { limit })
}

/// 415 unless the body is declared `application/json` (parameters allowed).
fn check_content_type(headers: &HeaderMap) -> Result<(), DemoError> {
    let value = headers.get(CONTENT_TYPE);
    let is_json = value
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"));
    if is_json {
        Ok(())
    } else {
        Err(DemoError::UnsupportedContentType {
            found: value.map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned()),
        })
    }
}

/// JSON syntax, then the fields, in the order the seed documents them.
fn parse_chat_request(bytes: &[u8]) -> Result<ChatRequest, DemoError> {
    let body: Value = serde_json::from_slice(bytes).map_err(|error| DemoError::MalformedJson {
        detail: error.to_string(),
    })?;
    let body = body.as_object().ok_or(DemoError::NotAnObject)?;
    let model = body
        .get("model")
        .ok_or(DemoError::MissingField { field: "model" })?;
    let messages = body
        .get("messages")
        .ok_or(DemoError::MissingField { field: "messages" })?;
    let model = model.as_str().ok_or(DemoError::InvalidField {
        field: "model",
        expected: "a string",
    })?;
    let model = MODELS
        .iter()
        .find(|known| known.id == model)
        .ok_or_else(|| DemoError::UnknownModel {
            model: model.to_owned(),
        })?;
    let messages = messages.as_array().ok_or(DemoError::InvalidField {
        field: "messages",
        expected: "an array",
    })?;
    if messages.is_empty() {
        return Err(DemoError::EmptyMessages);
    }
    let mut prompt = String::new();
    let mut prompt_tokens = 0;
    for message in messages {
        let message = message.as_object().ok_or(DemoError::InvalidField {
            field: "messages",
            expected: "objects with `role` and `content`",
        })?;
        if !message.get("role").is_some_and(Value::is_string) {
            return Err(DemoError::InvalidField {
                field: "messages",
                expected: "objects with a string `role`",
            });
        }
        let text = content_text(message);
        prompt_tokens += text.split_whitespace().count();
        prompt = text;
    }
    check_temperature(body)?;
    let max_tokens = check_max_tokens(body, model)?;
    if body
        .get("stream")
        .is_some_and(|stream| stream != &Value::Bool(false) && !stream.is_null())
    {
        // An OpenAI SDK asking for a stream would choke on a plain completion.
        return Err(DemoError::InvalidField {
            field: "stream",
            expected: "false (this demo does not stream)",
        });
    }
    Ok(ChatRequest {
        model,
        prompt,
        prompt_tokens,
        max_tokens,
    })
}

/// The text of a message's `content`: a string, or the text parts of an array.
fn content_text(message: &Map<String, Value>) -> String {
    match message.get("content") {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Array(parts)) => parts
            .iter()
            .filter_map(|part| part.get("text").and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join(" "),
        _ => String::new(),
    }
}

fn check_temperature(body: &Map<String, Value>) -> Result<(), DemoError> {
    match body.get("temperature") {
        None | Some(Value::Null) => Ok(()),
        Some(value) => {
            let value = value.as_f64().ok_or(DemoError::InvalidField {
                field: "temperature",
                expected: "a number",
            })?;
            if (0.0..=2.0).contains(&value) {
                Ok(())
            } else {
                Err(DemoError::TemperatureOutOfRange { value })
            }
        }
    }
}

fn check_max_tokens(body: &Map<String, Value>, model: &Model) -> Result<Option<u32>, DemoError> {
    let value = match body.get("max_tokens") {
        None | Some(Value::Null) => return Ok(None),
        Some(value) => value,
    };
    let out_of_range = |value: i64| DemoError::MaxTokensOutOfRange {
        value,
        model: model.id,
        context: model.context,
    };
    if let Some(value) = value.as_i64() {
        return u32::try_from(value)
            .ok()
            .filter(|tokens| *tokens <= model.context)
            .map(Some)
            .ok_or_else(|| out_of_range(value));
    }
    if value.as_u64().is_some() {
        return Err(out_of_range(i64::MAX));
    }
    Err(DemoError::InvalidField {
        field: "max_tokens",
        expected: "an integer",
    })
}

/// OpenAI's `chat.completion` object.
#[derive(Debug, Serialize)]
struct ChatCompletion {
    id: String,
    object: &'static str,
    created: u64,
    model: &'static str,
    choices: [Choice; 1],
    usage: Usage,
}

#[derive(Debug, Serialize)]
struct Choice {
    index: u32,
    message: Message,
    finish_reason: &'static str,
}

#[derive(Debug, Serialize)]
struct Message {
    role: &'static str,
    content: String,
}

#[derive(Debug, Serialize)]
struct Usage {
    prompt_tokens: usize,
    completion_tokens: usize,
    total_tokens: usize,
}

/// A completion echoing the last message, cut to `max_tokens` words.
fn completion(request: &ChatRequest, number: u64) -> ChatCompletion {
    let echo = format!("You said: {}", request.prompt);
    let words: Vec<&str> = echo.split_whitespace().collect();
    let kept = request
        .max_tokens
        .map_or(words.len(), |max| words.len().min(max as usize));
    let created = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs());
    ChatCompletion {
        id: format!("chatcmpl-{number:08}"),
        object: "chat.completion",
        created,
        model: request.model.id,
        choices: [Choice {
            index: 0,
            message: Message {
                role: "assistant",
                content: words[..kept].join(" "),
            },
            finish_reason: if kept < words.len() { "length" } else { "stop" },
        }],
        usage: Usage {
            prompt_tokens: request.prompt_tokens,
            completion_tokens: kept,
            total_tokens: request.prompt_tokens + kept,
        },
    }
}

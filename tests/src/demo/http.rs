//! The HTTP service: the router with its layers, the OpenAI-compatible routes
//! (`GET /v1/models`, `POST /v1/chat/completions`), the framework's own errors
//! (404, 405, panics), and reading a body (413, 415).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, Method, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use dos_errors::integrations::axum::{envelope_errors, error_format, request_span};
use dos_errors::integrations::ErrorFormat;
use http_body_util::BodyExt as _;
use serde::Serialize;
use tower_http::catch_panic::CatchPanicLayer;
use utoipa::ToSchema;

use super::checks;
use super::keys::ApiKey;
use super::models::{self, Echo, MODELS_CREATED};
use super::{anthropic, openapi, Demo, DemoConfig, DemoError};

/// The state every route shares.
pub type Shared = Arc<Demo>;

/// The demo's router, ready to be served.
pub fn app(config: DemoConfig) -> Router {
    router(Arc::new(Demo::new(config)))
}

/// The demo's router over a state that another transport may share.
///
/// Layers, outermost first: `request_span` (the request id: generated or echoed,
/// in `x-request-id` and the log span), `error_format` (the service's format,
/// `Accept: application/problem+json` negotiated), the access log, the plain-text
/// safety net, the panic catcher; then routing (404, 405), and per route its checks.
pub fn router(state: Shared) -> Router {
    let format = ErrorFormat::new(state.config.format).negotiate(true);
    let document = openapi::document_json(state.config.format);
    let openai = Router::new()
        .route("/v1/models", get(list_models))
        .route("/v1/chat/completions", post(chat_completion))
        // route_layer: only matched routes authenticate, so 404 and 405 need no key.
        .route_layer(middleware::from_fn_with_state(state.clone(), authenticate));
    Router::new()
        .merge(openai)
        .route("/v1/messages", anthropic::route(state.clone()))
        .route(
            "/openapi.json",
            get(move || async move { ([(CONTENT_TYPE, "application/json")], document) }),
        )
        .fallback(unknown_route)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(CatchPanicLayer::custom(panic_response))
        // A safety net: any plain-text error from a layer becomes an error body too.
        .layer(middleware::map_response(envelope_errors))
        .layer(middleware::from_fn(access_log))
        .layer(middleware::from_fn_with_state(format, error_format))
        .layer(middleware::from_fn(request_span))
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
    serve_shared(listener, Arc::new(Demo::new(config)), shutdown).await
}

/// [`serve`] over a state that another transport (the gRPC service) shares: one
/// rate limit per key, whichever way it calls.
///
/// # Errors
/// The listener's I/O errors.
pub async fn serve_shared(
    listener: tokio::net::TcpListener,
    state: Shared,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
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
    spawn_shared(Arc::new(Demo::new(config))).await
}

/// [`spawn`] over a state that another transport may share.
///
/// # Errors
/// When no loopback port can be bound.
pub async fn spawn_shared(
    state: Shared,
) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
    let listener = tokio::net::TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0)).await?;
    let addr = listener.local_addr()?;
    let handle = tokio::spawn(async move {
        if let Err(error) = serve_shared(listener, state, std::future::pending()).await {
            tracing::error!(%error, "demo server stopped");
        }
    });
    Ok((addr, handle))
}

/// Logs one line per request, inside the request's span (which has its id).
async fn access_log(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    tracing::info!(
        %method,
        path,
        status = response.status().as_u16(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "request"
    );
    response
}

async fn unknown_route(method: Method, uri: Uri) -> DemoError {
    DemoError::UnknownRoute {
        method,
        path: uri.path().to_owned(),
    }
}

pub(super) async fn method_not_allowed(method: Method, uri: Uri) -> DemoError {
    DemoError::MethodNotAllowed {
        method,
        path: uri.path().to_owned(),
    }
}

pub(super) fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    DemoError::Panicked {
        detail: panic_detail(&*panic),
    }
    .into_response()
}

/// The message of a caught panic (for the log: [`DemoError::Panicked`] masks it).
pub(super) fn panic_detail(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|text| (*text).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_owned())
}

/// Authentication (401), then the rate limit (429), for every `/v1` route.
async fn authenticate(State(demo): State<Shared>, mut request: Request, next: Next) -> Response {
    let header = request
        .headers()
        .get(AUTHORIZATION)
        .map(HeaderValue::as_bytes);
    let key = match checks::bearer_key(header).and_then(checks::authenticate) {
        Ok(key) => key,
        Err(error) => return error.into_response(),
    };
    if let Err(error) = demo.count_request(key.key) {
        return error.into_response();
    }
    request.extensions_mut().insert(key);
    next.run(request).await
}

/// OpenAI's model list: `{"object":"list","data":[…]}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ModelList {
    #[schema(inline)]
    object: ListObject,
    /// The models.
    data: Vec<ModelObject>,
}

/// The `object` of a [`ModelList`].
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ListObject {
    /// Always.
    List,
}

/// One model of the list, in OpenAI's shape (plus its context length).
#[derive(Debug, Serialize, ToSchema)]
pub struct ModelObject {
    /// The model's id, for `model` in requests.
    id: &'static str,
    #[schema(inline)]
    object: ModelObjectType,
    /// When the model was created (seconds since the epoch).
    created: u64,
    /// Always `dos`.
    owned_by: &'static str,
    /// The model's context in tokens: the largest `max_tokens`.
    context_length: u32,
}

/// The `object` of a [`ModelObject`].
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ModelObjectType {
    /// Always.
    Model,
}

async fn list_models() -> Json<ModelList> {
    let data = models::listed()
        .iter()
        .map(|model| ModelObject {
            id: model.id,
            object: ModelObjectType::Model,
            created: MODELS_CREATED,
            owned_by: "dos",
            context_length: model.context,
        })
        .collect();
    Json(ModelList {
        object: ListObject::List,
        data,
    })
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
    let request = checks::chat_request(&bytes)?;
    checks::credits(&key)?;
    let echo = checks::run_model(&demo, &key, &request)?;
    Ok(Json(completion(
        request.model.id,
        echo,
        demo.next_completion(),
    )))
}

/// How much of a body over the limit is read and thrown away before answering 413,
/// and for how long: a client still sending when the server closes the connection
/// could miss the response (the close becomes a reset).
const DRAIN_BYTES: u64 = 8 * 1024 * 1024;
const DRAIN_TIME: Duration = Duration::from_secs(2);

/// The body, at most `limit` bytes (413 beyond).
pub(super) async fn read_body(
    headers: &HeaderMap,
    mut body: Body,
    limit: usize,
) -> Result<Bytes, DemoError> {
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
pub(super) fn check_content_type(headers: &HeaderMap) -> Result<(), DemoError> {
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

/// OpenAI's `chat.completion` object.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChatCompletion {
    /// `chatcmpl-` and a number.
    id: String,
    #[schema(inline)]
    object: ChatCompletionObject,
    /// When it was made (seconds since the epoch).
    created: u64,
    /// The model that answered.
    model: &'static str,
    /// The answer: one choice.
    choices: Vec<Choice>,
    usage: Usage,
}

/// The `object` of a [`ChatCompletion`].
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub enum ChatCompletionObject {
    /// Always.
    #[serde(rename = "chat.completion")]
    ChatCompletion,
}

/// A choice of a [`ChatCompletion`].
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ChatCompletionChoice)]
pub struct Choice {
    /// Always 0.
    index: u32,
    message: AssistantMessage,
    #[schema(inline)]
    finish_reason: FinishReason,
}

/// The message of a [`Choice`].
#[derive(Debug, Serialize, ToSchema)]
pub struct AssistantMessage {
    #[schema(inline)]
    role: AssistantRole,
    /// The echo of the last message.
    content: String,
}

/// The role of an [`AssistantMessage`].
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AssistantRole {
    /// Always.
    Assistant,
}

/// Why a [`Choice`] ended.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FinishReason {
    /// The answer is whole.
    Stop,
    /// `max_tokens` cut it.
    Length,
}

/// The tokens of a [`ChatCompletion`] (words, in this demo).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = CompletionUsage)]
pub struct Usage {
    /// The words of the request's messages.
    prompt_tokens: usize,
    /// The words of the answer.
    completion_tokens: usize,
    /// Their sum.
    total_tokens: usize,
}

/// The completion number `number` of `model`, answering `echo`.
fn completion(model: &'static str, echo: Echo, number: u64) -> ChatCompletion {
    let created = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs());
    ChatCompletion {
        id: format!("chatcmpl-{number:08}"),
        object: ChatCompletionObject::ChatCompletion,
        created,
        model,
        choices: vec![Choice {
            index: 0,
            message: AssistantMessage {
                role: AssistantRole::Assistant,
                content: echo.text,
            },
            finish_reason: if echo.truncated {
                FinishReason::Length
            } else {
                FinishReason::Stop
            },
        }],
        usage: Usage {
            prompt_tokens: echo.prompt_tokens,
            completion_tokens: echo.completion_tokens,
            total_tokens: echo.prompt_tokens + echo.completion_tokens,
        },
    }
}

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
use dos_errors::integrations::axum::{envelope_errors, request_span};
use http_body_util::BodyExt as _;
use serde::Serialize;
use tower_http::catch_panic::CatchPanicLayer;

use super::checks;
use super::keys::ApiKey;
use super::models::{self, Echo, MODELS_CREATED};
use super::{Demo, DemoConfig, DemoError};

/// The state every route shares.
pub type Shared = Arc<Demo>;

/// The demo's router, ready to be served.
pub fn app(config: DemoConfig) -> Router {
    router(Arc::new(Demo::new(config)))
}

/// The demo's router over a state that another transport may share.
pub fn router(state: Shared) -> Router {
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
    use std::sync::atomic::{AtomicU64, Ordering};
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
    let data = models::listed()
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

/// The completion number `number` of `model`, answering `echo`.
fn completion(model: &'static str, echo: Echo, number: u64) -> ChatCompletion {
    let created = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs());
    ChatCompletion {
        id: format!("chatcmpl-{number:08}"),
        object: "chat.completion",
        created,
        model,
        choices: [Choice {
            index: 0,
            message: Message {
                role: "assistant",
                content: echo.text,
            },
            finish_reason: if echo.truncated { "length" } else { "stop" },
        }],
        usage: Usage {
            prompt_tokens: echo.prompt_tokens,
            completion_tokens: echo.completion_tokens,
            total_tokens: echo.prompt_tokens + echo.completion_tokens,
        },
    }
}

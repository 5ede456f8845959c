//! `POST /v1/messages`: Anthropic's Messages API over the same models, keys, rate
//! limit and check order as the OpenAI-compatible routes ([`checks::MESSAGES`]).
//!
//! The key comes from `x-api-key` (else `Authorization: Bearer`). Every error of the
//! route — a 405 and a caught panic included — is in Anthropic's format, whatever
//! the service's format: `{"type":"error","error":{"type":…,"message":…},"request_id":…}`,
//! and every response carries Anthropic's `request-id` header next to
//! `x-request-id` (the same id), so Anthropic's SDKs report it.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{post, MethodRouter};
use axum::{Extension, Json};
use dos_errors::integrations::axum::error_format;
use dos_errors::integrations::ErrorFormat;
use dos_errors::Format;
use serde::Serialize;
use tower_http::catch_panic::CatchPanicLayer;
use utoipa::ToSchema;

use super::checks;
use super::http::{check_content_type, method_not_allowed, panic_response, read_body, Shared};
use super::keys::ApiKey;
use super::models::Echo;
use super::DemoError;

/// Anthropic's request id header.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("request-id");

/// The route, with its own error format, `request-id` header, 405 and panic
/// handling (inner layers: they win over the service's).
pub(super) fn route(state: Shared) -> MethodRouter<Shared> {
    post(create_message)
        .route_layer(middleware::from_fn_with_state(state, authenticate))
        .fallback(method_not_allowed)
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(middleware::from_fn(request_id_header))
        .layer(middleware::from_fn_with_state(
            ErrorFormat::new(Format::Anthropic),
            error_format,
        ))
}

/// The key (401), then the rate limit (429).
async fn authenticate(State(demo): State<Shared>, mut request: Request, next: Next) -> Response {
    let headers = request.headers();
    let key = checks::api_key(
        headers.get("x-api-key").map(HeaderValue::as_bytes),
        headers.get(AUTHORIZATION).map(HeaderValue::as_bytes),
    )
    .and_then(checks::authenticate)
    .and_then(|key| demo.count_request(key.key).map(|()| key));
    match key {
        Ok(key) => {
            request.extensions_mut().insert(key);
            next.run(request).await
        }
        Err(error) => error.into_response(),
    }
}

/// Copies the request's id (given by `request_span`, an outer layer) into
/// Anthropic's `request-id` response header.
async fn request_id_header(request: Request, next: Next) -> Response {
    let id = request.headers().get("x-request-id").cloned();
    let mut response = next.run(request).await;
    if let Some(id) = id {
        response.headers_mut().insert(REQUEST_ID, id);
    }
    response
}

async fn create_message(
    State(demo): State<Shared>,
    Extension(key): Extension<ApiKey>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Message>, DemoError> {
    let bytes = read_body(&headers, body, demo.config.max_body_bytes).await?;
    check_content_type(&headers)?;
    let request = checks::messages_request(&bytes)?;
    checks::credits(&key)?;
    let echo = checks::run_model(&demo, &key, &request)?;
    Ok(Json(message(
        request.model.id,
        echo,
        demo.next_completion(),
    )))
}

/// Anthropic's `message` object.
#[derive(Debug, Serialize, ToSchema)]
pub struct Message {
    /// `msg_` and a number.
    id: String,
    #[serde(rename = "type")]
    #[schema(inline)]
    kind: MessageType,
    #[schema(inline)]
    role: Role,
    /// The model that answered.
    model: &'static str,
    /// The answer: one text block.
    content: Vec<TextBlock>,
    #[schema(inline)]
    stop_reason: StopReason,
    /// Always `null`: the demo has no stop sequences.
    stop_sequence: Option<String>,
    usage: MessageUsage,
}

/// The type of a [`Message`].
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MessageType {
    /// The only one.
    Message,
}

/// Who wrote a [`Message`].
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The model.
    Assistant,
}

/// Why the answer stopped.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// The answer is whole.
    EndTurn,
    /// `max_tokens` cut it.
    MaxTokens,
}

/// A text block of a message's content.
#[derive(Debug, Serialize, ToSchema)]
pub struct TextBlock {
    #[serde(rename = "type")]
    #[schema(inline)]
    kind: BlockType,
    /// The text.
    text: String,
}

/// The type of a [`TextBlock`].
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BlockType {
    /// The only one the demo writes.
    Text,
}

/// The tokens read and written (words, in this demo).
#[derive(Debug, Serialize, ToSchema)]
pub struct MessageUsage {
    /// The words of the request's messages.
    input_tokens: usize,
    /// The words of the answer.
    output_tokens: usize,
}

/// The message number `number` of `model`, answering `echo`.
fn message(model: &'static str, echo: Echo, number: u64) -> Message {
    Message {
        id: format!("msg_{number:024}"),
        kind: MessageType::Message,
        role: Role::Assistant,
        model,
        content: vec![TextBlock {
            kind: BlockType::Text,
            text: echo.text,
        }],
        stop_reason: if echo.truncated {
            StopReason::MaxTokens
        } else {
            StopReason::EndTurn
        },
        stop_sequence: None,
        usage: MessageUsage {
            input_tokens: echo.prompt_tokens,
            output_tokens: echo.completion_tokens,
        },
    }
}

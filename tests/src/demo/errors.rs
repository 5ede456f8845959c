//! The demo's error enum: every error it answers with, declared once. The checks
//! (`checks.rs`), the routes and the OpenAPI document all use this declaration.

use std::borrow::Cow;
use std::time::Duration;

use axum::http::Method;
use dos_errors::{ApiError, FieldViolation};

/// Every error the demo answers with. The `#[error]` texts are for the logs; the
/// `#[api_error]` attributes are the clients' contract: status, type, message,
/// `code` (OpenAI's `code`, Google's `ErrorInfo.reason`), the parameter at fault,
/// and the documentation link `https://docs.dos.ai/errors#<code>`. Over gRPC
/// (`integrations(tonic)`), the status's code is the HTTP status's (400
/// `INVALID_ARGUMENT`, 401 `UNAUTHENTICATED`, 402 `FAILED_PRECONDITION`, 429
/// `RESOURCE_EXHAUSTED`, 500 `INTERNAL`, 503 `UNAVAILABLE`), with the same message
/// and Google's rich error details.
#[derive(Debug, thiserror::Error, ApiError)]
#[api_error(
    integrations(axum, utoipa, tonic),
    domain = "dos.ai",
    docs = "https://docs.dos.ai/errors"
)]
pub enum DemoError {
    /// The body is not JSON.
    ///
    /// # How to fix
    /// - Verify the request body is valid JSON.
    #[error("malformed JSON body: {detail}")]
    #[api_error(
        status = 400,
        code = "invalid_json",
        message = "Malformed JSON in the request body: {detail}"
    )]
    MalformedJson {
        /// What the JSON parser said.
        detail: String,
    },

    /// The body is JSON but not an object.
    ///
    /// # How to fix
    /// - Verify the request body is valid JSON.
    #[error("body is not a JSON object")]
    #[api_error(
        status = 400,
        code = "invalid_type",
        message = "The request body must be a JSON object"
    )]
    NotAnObject,

    /// `model` or `messages` is missing (`max_tokens` too on `/v1/messages`).
    ///
    /// # How to fix
    /// - Check that all required fields (`model`, `messages`) are present.
    #[error("missing field {field}")]
    #[api_error(
        status = 400,
        code = "missing_required_parameter",
        message = "Missing required field: {field}"
    )]
    MissingField {
        /// The missing field.
        #[api_error(param)]
        field: &'static str,
    },

    /// A field has the wrong JSON type.
    ///
    /// # How to fix
    /// - Ensure parameter values are within documented ranges and of the documented type.
    #[error("field {field} is not {expected}")]
    #[api_error(
        status = 400,
        code = "invalid_type",
        message = "Invalid value for {field}: expected {expected}"
    )]
    InvalidField {
        /// The field: a name, or a path such as `messages[1].content`.
        #[api_error(param)]
        field: Cow<'static, str>,
        /// What it should be.
        expected: &'static str,
    },

    /// No model has this id.
    ///
    /// # How to fix
    /// - Use the Models API (`GET /v1/models`) to confirm valid model IDs.
    #[error("unknown model {model:?}")]
    #[api_error(
        status = 400,
        code = "model_not_found",
        param = "model",
        message = "The model `{model}` does not exist"
    )]
    UnknownModel {
        /// The id asked for.
        model: String,
    },

    /// `messages` is `[]`.
    ///
    /// # How to fix
    /// - Send at least one message in `messages`.
    #[error("empty messages")]
    #[api_error(
        status = 400,
        code = "invalid_value",
        param = "messages",
        message = "messages must contain at least one message"
    )]
    EmptyMessages,

    /// `temperature` outside 0–2 (0–1 on `/v1/messages`).
    ///
    /// # How to fix
    /// - Ensure parameter values are within documented ranges.
    #[error("temperature {value} out of range")]
    #[api_error(
        status = 400,
        code = "invalid_value",
        param = "temperature",
        message = "temperature must be between 0 and {max}, got {value}"
    )]
    TemperatureOutOfRange {
        /// The value sent.
        value: f64,
        /// The highest temperature of the route.
        max: u32,
    },

    /// `max_tokens` below 0 (below 1 on `/v1/messages`) or above the model's context.
    ///
    /// # How to fix
    /// - Ensure parameter values are within documented ranges.
    #[error("max_tokens {value} out of range for {model}")]
    #[api_error(
        status = 400,
        code = "invalid_value",
        param = "max_tokens",
        message = "max_tokens must be between {min} and {context} (the context of {model}), got {value}"
    )]
    MaxTokensOutOfRange {
        /// The value sent.
        value: i64,
        /// The least accepted.
        min: u32,
        /// The model.
        model: &'static str,
        /// The model's context length.
        context: u32,
    },

    /// A message's `role` is not one of the route's roles. Every such message is
    /// reported, in one error.
    ///
    /// # How to fix
    // One line per item: the "Error Codes" page makes a bullet of each line.
    /// - Give each message a role of the route: `system`, `user`, `assistant` or `tool` (`user` or `assistant` on `/v1/messages`).
    #[error("invalid roles: {fields}")]
    #[api_error(
        status = 400,
        code = "invalid_value",
        message = "Invalid message role: {fields} must be one of {allowed}"
    )]
    InvalidRoles {
        /// The paths of the roles at fault, comma-separated (`messages[1].role, messages[3].role`).
        fields: String,
        /// The roles the route accepts, comma-separated.
        allowed: &'static str,
        /// One violation per message at fault.
        #[api_error(violations)]
        violations: Vec<FieldViolation>,
    },

    /// No `Authorization` header.
    ///
    /// # How to fix
    /// - Check the `Authorization` header format: `Authorization: Bearer dos_sk_...`.
    #[error("no Authorization header")]
    #[api_error(
        status = 401,
        code = "invalid_api_key",
        message = "Missing Authorization header: send `Authorization: Bearer YOUR_API_KEY`"
    )]
    MissingAuthorization,

    /// No `x-api-key` header, nor an `Authorization` header (`/v1/messages`).
    ///
    /// # How to fix
    /// - Send the key in the `x-api-key` header: `x-api-key: dos_sk_...`.
    #[error("no x-api-key header")]
    #[api_error(
        status = 401,
        code = "invalid_api_key",
        message = "Missing API key: send `x-api-key: YOUR_API_KEY`"
    )]
    MissingApiKey,

    /// The header is not `Bearer <key>`.
    ///
    /// # How to fix
    /// - Check the `Authorization` header format: `Authorization: Bearer dos_sk_...`.
    /// - Ensure there are no trailing spaces or newlines in the key.
    #[error("Authorization header is not Bearer")]
    #[api_error(
        status = 401,
        code = "invalid_api_key",
        message = "Incorrect Authorization header format: it must be `Bearer YOUR_API_KEY`"
    )]
    MalformedAuthorization,

    /// The key does not start with `dos_sk_`.
    ///
    /// # How to fix
    /// - Verify your API key starts with `dos_sk_`.
    #[error("API key without the dos_sk_ prefix")]
    #[api_error(
        status = 401,
        code = "invalid_api_key",
        message = "Invalid API key: keys start with `dos_sk_`"
    )]
    InvalidKeyFormat,

    /// No such key.
    ///
    /// # How to fix
    /// - Verify your API key starts with `dos_sk_`.
    /// - Ensure there are no trailing spaces or newlines in the key.
    #[error("unknown API key")]
    #[api_error(status = 401, code = "invalid_api_key", message = "Invalid API key")]
    UnknownKey,

    /// The key was revoked.
    ///
    /// # How to fix
    /// - Generate a new key from the dashboard if your current key may be compromised.
    #[error("revoked API key")]
    #[api_error(
        status = 401,
        code = "invalid_api_key",
        message = "This API key has been revoked"
    )]
    RevokedKey,

    /// The key's account has no credits.
    ///
    /// # How to fix
    /// - Check your current balance on the dashboard.
    /// - Add credits to your account.
    #[error("no credits left")]
    #[api_error(status = 402, code = "insufficient_credits")]
    NoCredits,

    /// The body is over the limit.
    ///
    /// # How to fix
    /// - Keep request bodies under 1 MiB.
    #[error("body over {limit} bytes")]
    #[api_error(
        status = 413,
        code = "request_too_large",
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
    #[api_error(
        status = 400,
        code = "unreadable_body",
        message = "The request body could not be read"
    )]
    UnreadableBody {
        /// Why.
        detail: String,
    },

    /// The body is not `application/json`.
    ///
    /// # How to fix
    /// - Send the body as JSON with `Content-Type: application/json`.
    #[error("content type {found:?} is not JSON")]
    #[api_error(
        status = 415,
        code = "unsupported_content_type",
        message = "Content-Type must be application/json"
    )]
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
        code = "rate_limit_exceeded",
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
    #[api_error(
        status = 503,
        code = "model_loading",
        message = "The model {model} is loading; retry shortly"
    )]
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
    #[api_error(
        status = 404,
        code = "unknown_route",
        message = "Unknown route: {method} {path}"
    )]
    UnknownRoute {
        /// The request's method.
        method: Method,
        /// The request's path.
        path: String,
    },

    /// The route exists, not with this method.
    ///
    /// # How to fix
    /// - Check the method: `GET /v1/models`, `POST /v1/chat/completions`, `POST /v1/messages`.
    #[error("{method} not allowed on {path}")]
    #[api_error(
        status = 405,
        code = "method_not_allowed",
        message = "Method {method} is not allowed on {path}"
    )]
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

impl InferenceFault {
    /// A fault of inference worker `worker`.
    pub fn new(worker: u32) -> Self {
        InferenceFault { worker }
    }
}

//! The checks of a request, independent of the transport: the key, the rate limit,
//! the body's fields, the credits and the model's state. The HTTP routes call them
//! in the documented order; any other transport (a gRPC service) calls the same
//! functions in the same order and gets the same [`DemoError`]s.

use serde_json::{Map, Value};

use super::keys::{self, ApiKey};
use super::models::{self, Behavior, Echo, Model};
use super::{Demo, DemoError, InferenceFault};

/// The key of an `Authorization` header value (`Bearer <key>`): the header of an
/// HTTP request, or the `authorization` metadata of a gRPC call.
///
/// # Errors
/// [`DemoError::MissingAuthorization`] without a value,
/// [`DemoError::MalformedAuthorization`] when it is not `Bearer <key>`.
pub fn bearer_key(authorization: Option<&[u8]>) -> Result<&str, DemoError> {
    let value = authorization.ok_or(DemoError::MissingAuthorization)?;
    // Visible ASCII only, as `HeaderValue::to_str` reads a header.
    let visible = value
        .iter()
        .all(|&b| b == b'\t' || (b' '..=b'~').contains(&b));
    std::str::from_utf8(value)
        .ok()
        .filter(|_| visible)
        .and_then(|value| value.strip_prefix("Bearer "))
        .filter(|key| !key.is_empty())
        .ok_or(DemoError::MalformedAuthorization)
}

/// The account of `key`.
///
/// # Errors
/// A 401: a key without the `dos_sk_` prefix, an unknown key, a revoked key.
pub fn authenticate(key: &str) -> Result<ApiKey, DemoError> {
    if !key.starts_with("dos_sk_") {
        return Err(DemoError::InvalidKeyFormat);
    }
    let known = keys::find(key).ok_or(DemoError::UnknownKey)?;
    if known.revoked {
        return Err(DemoError::RevokedKey);
    }
    Ok(*known)
}

/// A validated completion request.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatRequest {
    /// The model asked for.
    pub model: &'static Model,
    /// The text of the last message.
    pub prompt: String,
    /// The words of all the messages.
    pub prompt_tokens: usize,
    /// The most words to answer with.
    pub max_tokens: Option<u32>,
}

/// The body of a chat completion: JSON syntax, then the fields, in the order the
/// API documents them.
///
/// # Errors
/// A 400 naming the first problem found.
pub fn chat_request(bytes: &[u8]) -> Result<ChatRequest, DemoError> {
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
    let model = models::find(model).ok_or_else(|| DemoError::UnknownModel {
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

/// 402 unless the key's account has credits.
///
/// # Errors
/// [`DemoError::NoCredits`].
pub fn credits(key: &ApiKey) -> Result<(), DemoError> {
    if key.has_credits {
        Ok(())
    } else {
        Err(DemoError::NoCredits)
    }
}

/// Asks `model` for the echo of `prompt`: the model's state decides.
///
/// # Errors
/// [`DemoError::ModelLoading`] (503) while `dos-loading` loads,
/// [`DemoError::ModelCrashed`] (500) from `dos-crash`.
///
/// # Panics
/// For `dos-panic`, on purpose: the transport must catch it (a masked 500) and
/// keep serving.
pub fn run_model(
    demo: &Demo,
    key: &ApiKey,
    model: &'static Model,
    prompt: &str,
    prompt_tokens: usize,
    max_tokens: Option<u32>,
) -> Result<Echo, DemoError> {
    match model.behavior {
        Behavior::Echo => {}
        Behavior::Loading => {
            if demo.still_loading(key.key) {
                return Err(DemoError::ModelLoading {
                    model: model.id,
                    wait: demo.config.loading_retry_after,
                });
            }
        }
        Behavior::Crash => {
            return Err(DemoError::ModelCrashed {
                model: model.id,
                cause: InferenceFault::new(3),
            })
        }
        Behavior::Panic => panic!("model {} panicked on purpose", model.id),
    }
    Ok(models::echo(prompt, prompt_tokens, max_tokens))
}

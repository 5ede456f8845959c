//! The checks of a request, independent of the transport: the key, the rate limit,
//! the body's fields, the credits and the model's state.
//!
//! Each route runs its [`Check`]s in a documented order ([`LIST_MODELS`],
//! [`CHAT_COMPLETIONS`], [`MESSAGES`]); the HTTP routes call the functions of this
//! module in that order. The gRPC service (`grpc.rs`) calls the same functions in
//! the same order — the rate limit through the shared [`Demo`] state — and so
//! answers with the same [`DemoError`]s: it reads the key from its `authorization`
//! metadata with [`bearer_key`], and checks its request message, whose fields
//! already have their types, with [`chat_fields`]: the checks of [`chat_request`]
//! less those of the JSON types, in the same order.
//!
//! The errors each check can answer with ([`Check::errors`]) are what the OpenAPI
//! document lists per route: a route documents exactly the errors of its checks.

use std::borrow::Cow;

use dos_errors::catalog::{ApiErrorCatalog, ErrorSpec};
use dos_errors::FieldViolation;
use serde_json::{Map, Value};

use super::keys::{self, ApiKey};
use super::models::{self, Behavior, Echo, Model};
use super::{Demo, DemoError, InferenceFault};

/// One check of a request. A route runs its checks in order and answers with the
/// first error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Check {
    /// The key of `Authorization: Bearer <key>`: 401.
    Bearer,
    /// The key of `x-api-key`, else of `Authorization: Bearer <key>`: 401.
    ApiKey,
    /// The key's rate limit: 429.
    RateLimit,
    /// The body's size (413), or a body that cannot be read (400).
    BodySize,
    /// The body's content type: 415.
    ContentType,
    /// The body's JSON syntax and fields: 400.
    Body,
    /// The account's credits: 402.
    Credits,
    /// The model's state: 503 while it loads, 500 when it fails.
    ModelState,
}

/// The checks of `GET /v1/models`.
pub const LIST_MODELS: &[Check] = &[Check::Bearer, Check::RateLimit];

/// The checks of `POST /v1/chat/completions`.
pub const CHAT_COMPLETIONS: &[Check] = &[
    Check::Bearer,
    Check::RateLimit,
    Check::BodySize,
    Check::ContentType,
    Check::Body,
    Check::Credits,
    Check::ModelState,
];

/// The checks of `POST /v1/messages`: those of a chat completion, with the key
/// taken from `x-api-key` too.
pub const MESSAGES: &[Check] = &[
    Check::ApiKey,
    Check::RateLimit,
    Check::BodySize,
    Check::ContentType,
    Check::Body,
    Check::Credits,
    Check::ModelState,
];

/// The errors of routing, before any check: no route has the path (404), or not
/// with this method (405).
pub const ROUTING: &[&str] = &["UnknownRoute", "MethodNotAllowed"];

impl Check {
    /// The names of the [`DemoError`] variants this check can answer with.
    pub const fn errors(self) -> &'static [&'static str] {
        const AUTH: [&str; 4] = [
            "MalformedAuthorization",
            "InvalidKeyFormat",
            "UnknownKey",
            "RevokedKey",
        ];
        match self {
            Check::Bearer => &["MissingAuthorization", AUTH[0], AUTH[1], AUTH[2], AUTH[3]],
            Check::ApiKey => &["MissingApiKey", AUTH[0], AUTH[1], AUTH[2], AUTH[3]],
            Check::RateLimit => &["RateLimited"],
            Check::BodySize => &["BodyTooLarge", "UnreadableBody"],
            Check::ContentType => &["UnsupportedContentType"],
            Check::Body => &[
                "MalformedJson",
                "NotAnObject",
                "MissingField",
                "InvalidField",
                "UnknownModel",
                "EmptyMessages",
                "TemperatureOutOfRange",
                "MaxTokensOutOfRange",
                "InvalidRoles",
            ],
            Check::Credits => &["NoCredits"],
            // A panic of the model is caught by the route: a masked 500 too.
            Check::ModelState => &["ModelLoading", "ModelCrashed", "Panicked"],
        }
    }
}

/// The declared errors a route with these checks can answer with, in the
/// catalogue's order.
pub fn errors_of(checks: &[Check]) -> Vec<ErrorSpec> {
    DemoError::catalog()
        .into_iter()
        .filter(|spec| {
            checks
                .iter()
                .any(|check| check.errors().contains(&spec.name))
        })
        .collect()
}

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

/// The key of a request to `/v1/messages`: the `x-api-key` value, else the key of
/// `Authorization: Bearer <key>`.
///
/// # Errors
/// [`DemoError::MissingApiKey`] without either,
/// [`DemoError::MalformedAuthorization`] when `Authorization` is not `Bearer <key>`.
pub fn api_key<'a>(
    x_api_key: Option<&'a [u8]>,
    authorization: Option<&'a [u8]>,
) -> Result<&'a str, DemoError> {
    match (x_api_key, authorization) {
        // Not UTF-8: not a key of ours (`authenticate` says so).
        (Some(key), _) => Ok(std::str::from_utf8(key).unwrap_or("")),
        (None, Some(_)) => bearer_key(authorization),
        (None, None) => Err(DemoError::MissingApiKey),
    }
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

/// The roles a route accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Roles {
    /// Each role.
    pub names: &'static [&'static str],
    /// The same, comma-separated, for messages.
    pub listed: &'static str,
}

/// The roles of a chat completion's messages.
pub const CHAT_ROLES: Roles = Roles {
    names: &["system", "user", "assistant", "tool"],
    listed: "system, user, assistant, tool",
};

/// The roles of an Anthropic message (the system prompt is the `system` field).
pub const MESSAGES_ROLES: Roles = Roles {
    names: &["user", "assistant"],
    listed: "user, assistant",
};

/// The highest `temperature` of a chat completion.
pub const CHAT_MAX_TEMPERATURE: u32 = 2;

/// The highest `temperature` of an Anthropic message.
pub const MESSAGES_MAX_TEMPERATURE: u32 = 1;

/// The least `max_tokens` of a chat completion.
pub const CHAT_MIN_TOKENS: u32 = 0;

/// The least `max_tokens` of an Anthropic message.
pub const MESSAGES_MIN_TOKENS: u32 = 1;

/// A validated completion request, whatever its route.
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

/// A body's JSON: it must be an object.
///
/// # Errors
/// [`DemoError::MalformedJson`], [`DemoError::NotAnObject`].
pub fn json_object(bytes: &[u8]) -> Result<Map<String, Value>, DemoError> {
    let body: Value = serde_json::from_slice(bytes).map_err(|error| DemoError::MalformedJson {
        detail: error.to_string(),
    })?;
    match body {
        Value::Object(body) => Ok(body),
        _ => Err(DemoError::NotAnObject),
    }
}

/// The body of a chat completion: JSON syntax, then the fields, in the order the
/// API documents them; the roles last.
///
/// # Errors
/// A 400 naming the first problem found; every bad role at once.
pub fn chat_request(bytes: &[u8]) -> Result<ChatRequest, DemoError> {
    let body = json_object(bytes)?;
    let model = required(&body, "model")?;
    let messages = required(&body, "messages")?;
    let model = known_model(model)?;
    let messages = non_empty_messages(messages)?;
    let mut texts = Vec::with_capacity(messages.len());
    for (index, message) in messages.iter().enumerate() {
        let message = message_object(index, message)?;
        texts.push(chat_content(index, message)?);
    }
    check_temperature(&body, CHAT_MAX_TEMPERATURE)?;
    let max_tokens = check_max_tokens(&body, model, CHAT_MIN_TOKENS)?;
    check_no_stream(&body)?;
    check_roles(messages, CHAT_ROLES)?;
    Ok(request(model, &texts, max_tokens))
}

/// A chat completion's fields once they have their types: what a typed transport
/// (gRPC's `ChatCompletionRequest`) carries. `None` is an absent field.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChatFields<'a> {
    /// `model`.
    pub model: Option<&'a str>,
    /// `messages`.
    pub messages: Option<&'a [MessageFields<'a>]>,
    /// `temperature`.
    pub temperature: Option<f64>,
    /// `max_tokens`.
    pub max_tokens: Option<i64>,
}

/// A message of [`ChatFields`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageFields<'a> {
    /// Its role (any text: which ones are accepted is checked).
    pub role: &'a str,
    /// Its text.
    pub content: &'a str,
}

/// The checks of [`chat_request`] on fields that already have their types: a
/// missing field, the model, empty messages, `temperature`, `max_tokens`, the
/// roles — the same errors, in the same order, as the JSON body with these fields.
///
/// # Errors
/// A 400 naming the first problem found; every bad role at once.
pub fn chat_fields(fields: &ChatFields<'_>) -> Result<ChatRequest, DemoError> {
    let model = fields
        .model
        .ok_or(DemoError::MissingField { field: "model" })?;
    let messages = fields
        .messages
        .ok_or(DemoError::MissingField { field: "messages" })?;
    let model = model_named(model)?;
    if messages.is_empty() {
        return Err(DemoError::EmptyMessages);
    }
    temperature_in_range(fields.temperature, CHAT_MAX_TEMPERATURE)?;
    let max_tokens = max_tokens_in_range(fields.max_tokens, model, CHAT_MIN_TOKENS)?;
    roles_in(messages.iter().map(|message| message.role), CHAT_ROLES)?;
    let texts: Vec<String> = messages
        .iter()
        .map(|message| message.content.to_owned())
        .collect();
    Ok(request(model, &texts, max_tokens))
}

/// The body of an Anthropic message: as [`chat_request`], with `max_tokens`
/// required, each `content` a string, `system` an optional string, `temperature`
/// up to 1, and the roles `user` and `assistant`.
///
/// # Errors
/// A 400 naming the first problem found; every bad role at once.
pub fn messages_request(bytes: &[u8]) -> Result<ChatRequest, DemoError> {
    let body = json_object(bytes)?;
    let model = required(&body, "model")?;
    let messages = required(&body, "messages")?;
    if required(&body, "max_tokens")?.is_null() {
        return Err(invalid("max_tokens", "an integer"));
    }
    let model = known_model(model)?;
    let messages = non_empty_messages(messages)?;
    let mut texts = Vec::with_capacity(messages.len());
    for (index, message) in messages.iter().enumerate() {
        let message = message_object(index, message)?;
        let text = message
            .get("content")
            .and_then(Value::as_str)
            .ok_or_else(|| invalid(format!("messages[{index}].content"), "a string"))?;
        texts.push(text.to_owned());
    }
    if !matches!(body.get("system"), None | Some(Value::String(_))) {
        return Err(invalid("system", "a string"));
    }
    check_temperature(&body, MESSAGES_MAX_TEMPERATURE)?;
    let max_tokens = check_max_tokens(&body, model, MESSAGES_MIN_TOKENS)?;
    check_no_stream(&body)?;
    check_roles(messages, MESSAGES_ROLES)?;
    Ok(request(model, &texts, max_tokens))
}

fn request(model: &'static Model, texts: &[String], max_tokens: Option<u32>) -> ChatRequest {
    ChatRequest {
        model,
        prompt: texts.last().cloned().unwrap_or_default(),
        prompt_tokens: texts
            .iter()
            .map(|text| text.split_whitespace().count())
            .sum(),
        max_tokens,
    }
}

fn invalid(field: impl Into<Cow<'static, str>>, expected: &'static str) -> DemoError {
    DemoError::InvalidField {
        field: field.into(),
        expected,
    }
}

fn required<'a>(body: &'a Map<String, Value>, field: &'static str) -> Result<&'a Value, DemoError> {
    body.get(field).ok_or(DemoError::MissingField { field })
}

fn known_model(model: &Value) -> Result<&'static Model, DemoError> {
    model_named(model.as_str().ok_or(invalid("model", "a string"))?)
}

fn model_named(model: &str) -> Result<&'static Model, DemoError> {
    models::find(model).ok_or_else(|| DemoError::UnknownModel {
        model: model.to_owned(),
    })
}

fn non_empty_messages(messages: &Value) -> Result<&[Value], DemoError> {
    let messages = messages.as_array().ok_or(invalid("messages", "an array"))?;
    if messages.is_empty() {
        return Err(DemoError::EmptyMessages);
    }
    Ok(messages)
}

/// A message: an object whose `role` is a string (which one is checked last).
fn message_object(index: usize, message: &Value) -> Result<&Map<String, Value>, DemoError> {
    let message = message.as_object().ok_or_else(|| {
        invalid(
            format!("messages[{index}]"),
            "an object with `role` and `content`",
        )
    })?;
    match message.get("role") {
        Some(Value::String(_)) => Ok(message),
        _ => Err(invalid(format!("messages[{index}].role"), "a string")),
    }
}

/// The text of a chat message's `content`: absent or `null` (empty), a string, or
/// an array of text parts `{"type":"text","text":…}` (joined by spaces).
fn chat_content(index: usize, message: &Map<String, Value>) -> Result<String, DemoError> {
    let not_text = || {
        invalid(
            format!("messages[{index}].content"),
            "a string or an array of text parts",
        )
    };
    match message.get("content") {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::String(text)) => Ok(text.clone()),
        Some(Value::Array(parts)) => {
            let mut texts = Vec::with_capacity(parts.len());
            for part in parts {
                let is_text = part.get("type").and_then(Value::as_str) == Some("text");
                match part.get("text").and_then(Value::as_str) {
                    Some(text) if is_text => texts.push(text),
                    _ => return Err(not_text()),
                }
            }
            Ok(texts.join(" "))
        }
        Some(_) => Err(not_text()),
    }
}

fn check_temperature(body: &Map<String, Value>, max: u32) -> Result<(), DemoError> {
    let value = match body.get("temperature") {
        None | Some(Value::Null) => None,
        Some(value) => Some(value.as_f64().ok_or(invalid("temperature", "a number"))?),
    };
    temperature_in_range(value, max)
}

/// `temperature`, if given, from 0 to `max` (NaN is outside).
fn temperature_in_range(value: Option<f64>, max: u32) -> Result<(), DemoError> {
    match value {
        Some(value) if !(0.0..=f64::from(max)).contains(&value) => {
            Err(DemoError::TemperatureOutOfRange { value, max })
        }
        _ => Ok(()),
    }
}

/// `max_tokens`: an integer (`3.0` is one, as in JSON Schema) from `min` to the
/// model's context.
fn check_max_tokens(
    body: &Map<String, Value>,
    model: &Model,
    min: u32,
) -> Result<Option<u32>, DemoError> {
    let value = match body.get("max_tokens") {
        None | Some(Value::Null) => return Ok(None),
        Some(value) => value,
    };
    let value = if let Some(value) = value.as_i64() {
        value
    } else if value.as_u64().is_some() {
        i64::MAX
    } else {
        match value.as_f64() {
            // Saturating: beyond i64 is out of range anyway.
            Some(value) if value.fract() == 0.0 => value as i64,
            _ => return Err(invalid("max_tokens", "an integer")),
        }
    };
    max_tokens_in_range(Some(value), model, min)
}

/// `max_tokens`, if given, from `min` to the model's context.
fn max_tokens_in_range(
    value: Option<i64>,
    model: &Model,
    min: u32,
) -> Result<Option<u32>, DemoError> {
    let Some(value) = value else {
        return Ok(None);
    };
    u32::try_from(value)
        .ok()
        .filter(|tokens| (min..=model.context).contains(tokens))
        .map(Some)
        .ok_or(DemoError::MaxTokensOutOfRange {
            value,
            min,
            model: model.id,
            context: model.context,
        })
}

/// The demo answers whole: `stream` may only be absent, `null` or `false` (an SDK
/// asking for a stream would choke on a plain answer).
fn check_no_stream(body: &Map<String, Value>) -> Result<(), DemoError> {
    match body.get("stream") {
        None | Some(Value::Null | Value::Bool(false)) => Ok(()),
        Some(_) => Err(invalid("stream", "false (this demo does not stream)")),
    }
}

/// Every message whose role is not one of `roles`, in one error.
fn check_roles(messages: &[Value], roles: Roles) -> Result<(), DemoError> {
    roles_in(
        messages
            .iter()
            .map(|message| message.get("role").and_then(Value::as_str).unwrap_or("")),
        roles,
    )
}

/// Every role of `messages` (in their order) that is not one of `roles`, in one error.
fn roles_in<'a>(messages: impl Iterator<Item = &'a str>, roles: Roles) -> Result<(), DemoError> {
    let description = format!("must be one of {}", roles.listed);
    let violations: Vec<FieldViolation> = messages
        .enumerate()
        .filter(|(_, role)| !roles.names.contains(role))
        .map(|(index, _)| FieldViolation::new(format!("messages[{index}].role"), &description))
        .collect();
    if violations.is_empty() {
        return Ok(());
    }
    let fields = violations
        .iter()
        .map(FieldViolation::field)
        .collect::<Vec<_>>()
        .join(", ");
    Err(DemoError::InvalidRoles {
        fields,
        allowed: roles.listed,
        violations,
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

/// Asks the request's model for its answer: the model's state decides.
///
/// # Errors
/// [`DemoError::ModelLoading`] (503) while `dos-loading` loads,
/// [`DemoError::ModelCrashed`] (500) from `dos-crash`.
///
/// # Panics
/// For `dos-panic`, on purpose: the transport must catch the panic (a masked 500,
/// [`DemoError::Panicked`]) and keep serving.
pub fn run_model(demo: &Demo, key: &ApiKey, request: &ChatRequest) -> Result<Echo, DemoError> {
    let model = request.model;
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
    Ok(models::echo(
        &request.prompt,
        request.prompt_tokens,
        request.max_tokens,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_is_answered_by_one_check_or_by_routing() {
        let catalog = DemoError::catalog();
        let names: Vec<&str> = catalog.iter().map(|spec| spec.name).collect();
        let all = [
            Check::Bearer,
            Check::ApiKey,
            Check::RateLimit,
            Check::BodySize,
            Check::ContentType,
            Check::Body,
            Check::Credits,
            Check::ModelState,
        ];
        for check in all {
            for name in check.errors() {
                assert!(names.contains(name), "{check:?} lists unknown {name}");
            }
        }
        for name in names {
            let checks = all
                .iter()
                .filter(|check| check.errors().contains(&name))
                .count();
            let routing = ROUTING.contains(&name);
            assert!(checks > 0 || routing, "{name} comes from no check");
            assert!(!(checks > 0 && routing), "{name} is listed twice");
        }
    }

    #[test]
    fn routes_list_the_errors_of_their_checks_only() {
        let names = |checks| {
            errors_of(checks)
                .iter()
                .map(|spec| spec.name)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names(LIST_MODELS),
            [
                "MissingAuthorization",
                "MalformedAuthorization",
                "InvalidKeyFormat",
                "UnknownKey",
                "RevokedKey",
                "RateLimited"
            ]
        );
        let chat = names(CHAT_COMPLETIONS);
        assert!(chat.contains(&"InvalidRoles") && chat.contains(&"Panicked"));
        assert!(!chat.contains(&"MissingApiKey") && !chat.contains(&"UnknownRoute"));
        let messages = names(MESSAGES);
        assert!(messages.contains(&"MissingApiKey") && !messages.contains(&"MissingAuthorization"));
    }

    #[test]
    fn roles_are_listed_as_named() {
        for roles in [CHAT_ROLES, MESSAGES_ROLES] {
            assert_eq!(roles.names.join(", "), roles.listed);
        }
    }

    #[test]
    fn keys_come_from_x_api_key_first() {
        assert_eq!(
            api_key(Some(b"dos_sk_demo"), Some(b"Basic x")).ok(),
            Some("dos_sk_demo")
        );
        assert_eq!(
            api_key(None, Some(b"Bearer dos_sk_demo")).ok(),
            Some("dos_sk_demo")
        );
        assert!(matches!(
            api_key(None, Some(b"Basic x")),
            Err(DemoError::MalformedAuthorization)
        ));
        assert!(matches!(api_key(None, None), Err(DemoError::MissingApiKey)));
        assert!(matches!(
            authenticate(api_key(Some(&[0xff]), None).unwrap_or("?")),
            Err(DemoError::InvalidKeyFormat)
        ));
    }

    #[test]
    fn typed_fields_answer_as_the_json_body_with_the_same_fields() {
        let hi = [MessageFields {
            role: "user",
            content: "hi there",
        }];
        let bad_roles = [
            MessageFields {
                role: "robot",
                content: "a",
            },
            MessageFields {
                role: "user",
                content: "b",
            },
            MessageFields {
                role: "",
                content: "c",
            },
        ];
        let models = [None, Some("dos-chat-small"), Some("gpt-9"), Some("")];
        let messages: [Option<&[MessageFields]>; 4] =
            [None, Some(&[]), Some(&hi), Some(&bad_roles)];
        let temperatures = [None, Some(0.5), Some(3.0), Some(-1.0)];
        let max_tokens = [
            None,
            Some(5),
            Some(-1),
            Some(9000),
            Some(i64::from(u32::MAX) + 1),
        ];
        let mut compared = 0;
        for model in models {
            for messages in messages {
                for temperature in temperatures {
                    for max_tokens in max_tokens {
                        let fields = ChatFields {
                            model,
                            messages,
                            temperature,
                            max_tokens,
                        };
                        let mut body = Map::new();
                        if let Some(model) = model {
                            body.insert("model".into(), model.into());
                        }
                        if let Some(messages) = messages {
                            let messages = messages
                                .iter()
                                .map(|m| serde_json::json!({"role": m.role, "content": m.content}))
                                .collect();
                            body.insert("messages".into(), Value::Array(messages));
                        }
                        if let Some(temperature) = temperature {
                            body.insert("temperature".into(), temperature.into());
                        }
                        if let Some(max_tokens) = max_tokens {
                            body.insert("max_tokens".into(), max_tokens.into());
                        }
                        let json = serde_json::to_vec(&body).unwrap_or_default();
                        assert_eq!(
                            format!("{:?}", chat_fields(&fields)),
                            format!("{:?}", chat_request(&json)),
                            "{fields:?}"
                        );
                        compared += 1;
                    }
                }
            }
        }
        assert_eq!(compared, 320);
        // NaN, which JSON cannot carry, is outside the range.
        let nan = chat_fields(&ChatFields {
            model: Some("dos-chat-small"),
            messages: Some(&hi),
            temperature: Some(f64::NAN),
            max_tokens: None,
        });
        assert!(matches!(
            nan,
            Err(DemoError::TemperatureOutOfRange { max: 2, .. })
        ));
    }

    #[test]
    fn max_tokens_accepts_integral_numbers_only() {
        let body = |value: &str| {
            format!(
                r#"{{"model":"dos-chat-small","messages":[{{"role":"user","content":"hi"}}],"max_tokens":{value}}}"#
            )
        };
        let tokens = |value: &str| chat_request(body(value).as_bytes()).map(|r| r.max_tokens);
        assert_eq!(tokens("3").ok(), Some(Some(3)));
        assert_eq!(tokens("3.0").ok(), Some(Some(3)));
        assert_eq!(tokens("null").ok(), Some(None));
        assert!(matches!(tokens("3.5"), Err(DemoError::InvalidField { .. })));
        assert!(matches!(
            tokens("1e300"),
            Err(DemoError::MaxTokensOutOfRange { .. })
        ));
        assert!(matches!(
            tokens("18446744073709551615"),
            Err(DemoError::MaxTokensOutOfRange {
                value: i64::MAX,
                ..
            })
        ));
    }
}

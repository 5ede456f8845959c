//! `GET /openapi.json`: the demo's OpenAPI 3.1 document, built with utoipa from
//! the declarations that answer requests.
//!
//! - The errors of each route are the declared errors of its checks
//!   ([`checks::errors_of`]), grouped by status by
//!   [`responses_in`]: the body schema
//!   of the route's format, an example per error, `Retry-After` where it is sent;
//!   with `application/problem+json` too on the routes that negotiate it.
//! - The request bodies are described from the constants the checks use (the
//!   models and their contexts, the roles, the ranges), so that a body the schema
//!   allows is one the checks accept, and the other way round.
//! - The success bodies are the schemas of the types the routes serialize.
//! - Every response has `x-request-id`; the responses of `/v1/messages` have
//!   Anthropic's `request-id` too.

use std::collections::BTreeMap;

use dos_errors::catalog::openapi::responses_in;
use dos_errors::Format;
use serde_json::Value;
use utoipa::openapi::header::{Header, HeaderBuilder};
use utoipa::openapi::path::{HttpMethod, OperationBuilder, PathItem};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::schema::{
    AllOfBuilder, AnyOfBuilder, ArrayBuilder, ObjectBuilder, Schema, SchemaType, Type,
};
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::{
    ComponentsBuilder, ContentBuilder, InfoBuilder, OpenApi, OpenApiBuilder, PathsBuilder, Ref,
    RefOr, Required, ResponsesBuilder,
};
use utoipa::ToSchema;

use super::anthropic::{self, REQUEST_ID};
use super::checks::{self, Check, Roles};
use super::http::{ChatCompletion, ModelList};
use super::models;

/// The security scheme of `Authorization: Bearer <key>`.
pub const BEARER: &str = "bearer";

/// The security scheme of `x-api-key: <key>` (`/v1/messages`).
pub const API_KEY: &str = "apiKey";

/// One route of the document.
struct Route {
    method: HttpMethod,
    path: &'static str,
    operation_id: &'static str,
    summary: &'static str,
    /// Its checks, in order: they decide its errors.
    checks: &'static [Check],
    /// The security schemes it accepts, any one of them.
    security: &'static [&'static str],
    /// The component schema of its request body, and an example of it.
    request: Option<(&'static str, &'static str)>,
    /// The component schema of its success body.
    success: &'static str,
    /// The format of its errors, and whether `Accept` may ask for problem details.
    errors_in: (Format, bool),
    /// Whether its responses carry Anthropic's `request-id`.
    anthropic_request_id: bool,
}

/// The routes of the demo, in the document's order.
fn routes(format: Format) -> [Route; 4] {
    [
        Route {
            method: HttpMethod::Get,
            path: "/v1/models",
            operation_id: "listModels",
            summary: "The models: their ids and context lengths.",
            checks: checks::LIST_MODELS,
            security: &[BEARER],
            request: None,
            success: "ModelList",
            errors_in: (format, true),
            anthropic_request_id: false,
        },
        Route {
            method: HttpMethod::Post,
            path: "/v1/chat/completions",
            operation_id: "createChatCompletion",
            summary: "A chat completion (OpenAI's API): the echo of the last message.",
            checks: checks::CHAT_COMPLETIONS,
            security: &[BEARER],
            request: Some((
                "ChatCompletionRequest",
                r#"{"model":"dos-chat-small","messages":[{"role":"user","content":"Hello!"}]}"#,
            )),
            success: "ChatCompletion",
            errors_in: (format, true),
            anthropic_request_id: false,
        },
        Route {
            method: HttpMethod::Post,
            path: "/v1/messages",
            operation_id: "createMessage",
            summary: "A message (Anthropic's Messages API): the echo of the last message. \
                      Errors are always in Anthropic's format.",
            checks: checks::MESSAGES,
            security: &[API_KEY, BEARER],
            request: Some((
                "MessagesRequest",
                r#"{"model":"dos-chat-small","max_tokens":100,"messages":[{"role":"user","content":"Hello!"}]}"#,
            )),
            success: "Message",
            errors_in: (Format::Anthropic, false),
            anthropic_request_id: true,
        },
        Route {
            method: HttpMethod::Get,
            path: "/openapi.json",
            operation_id: "getOpenApi",
            summary: "This document. No key needed.",
            checks: &[],
            security: &[],
            request: None,
            success: "OpenApiDocument",
            errors_in: (format, true),
            anthropic_request_id: false,
        },
    ]
}

/// The document of a demo whose service format is `format`.
pub fn document(format: Format) -> OpenApi {
    let mut paths = PathsBuilder::new();
    for route in routes(format) {
        paths = paths.path(
            route.path,
            PathItem::new(route.method.clone(), operation(&route)),
        );
    }
    let mut components = ComponentsBuilder::new()
        .security_scheme(
            BEARER,
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        )
        .security_scheme(
            API_KEY,
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("x-api-key"))),
        )
        .schema("ChatCompletionRequest", chat_request_schema())
        .schema("MessagesRequest", messages_request_schema())
        .schema(
            "OpenApiDocument",
            ObjectBuilder::new().description(Some("An OpenAPI 3.1 document.")),
        );
    let mut schemas = Vec::new();
    component::<ModelList>(&mut schemas);
    component::<ChatCompletion>(&mut schemas);
    component::<anthropic::Message>(&mut schemas);
    for (name, schema) in schemas {
        components = components.schema(name, schema);
    }
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("dos demo API")
                .version("1")
                .description(Some(format!(
                    "An OpenAI-compatible mock API whose every error comes from one declaration. \
                     Errors are in the `{format}` format (`/v1/messages`: always `anthropic`); \
                     send `Accept: application/problem+json` for RFC 9457 problem details on \
                     the other routes. Checks run in this order: the route (404, 405), the key \
                     (401), the rate limit (429), the body (413, 415, 400), the credits (402), \
                     the model (503, 500)."
                ))),
        )
        .paths(paths.build())
        .components(Some(components.build()))
        .build()
}

/// [`document`] as compact JSON.
pub fn document_json(format: Format) -> String {
    // A document of plain data always serializes; "{}" would still be JSON.
    serde_json::to_string(&document(format)).unwrap_or_else(|_| "{}".to_owned())
}

/// `T`'s schema and those it refers to.
fn component<T: ToSchema>(schemas: &mut Vec<(String, RefOr<Schema>)>) {
    schemas.push((T::name().into_owned(), T::schema()));
    T::schemas(schemas);
}

fn operation(route: &Route) -> utoipa::openapi::path::Operation {
    let mut operation = OperationBuilder::new()
        .operation_id(Some(route.operation_id))
        .summary(Some(route.summary))
        .responses(responses(route));
    for scheme in route.security {
        operation = operation.security(SecurityRequirement::new(*scheme, [] as [&str; 0]));
    }
    if let Some((schema, example)) = route.request {
        operation = operation.request_body(Some(
            RequestBodyBuilder::new()
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name(schema)))
                        .example(serde_json::from_str(example).ok())
                        .build(),
                )
                .required(Some(Required::True))
                .build(),
        ));
    }
    operation.build()
}

/// The success response and one response per error status of the route's checks,
/// each with the request id headers.
fn responses(route: &Route) -> utoipa::openapi::Responses {
    let success = ResponseBuilder::new()
        .description("Success.")
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name(route.success)))
                .build(),
        )
        .build();
    let (format, negotiate) = route.errors_in;
    let mut responses: BTreeMap<String, RefOr<Response>> =
        responses_in(&checks::errors_of(route.checks), format, negotiate);
    responses.insert("200".to_owned(), RefOr::T(success));
    for response in responses.values_mut() {
        if let RefOr::T(response) = response {
            response
                .headers
                .insert("x-request-id".to_owned(), request_id_header("The request's id: the client's `x-request-id` when it is 1 to 200 visible ASCII characters, else a new one."));
            if route.anthropic_request_id {
                response.headers.insert(
                    REQUEST_ID.as_str().to_owned(),
                    request_id_header(
                        "The request's id (Anthropic's header): the same as `x-request-id`.",
                    ),
                );
            }
        }
    }
    ResponsesBuilder::new()
        .responses_from_iter(responses)
        .build()
}

fn request_id_header(description: &str) -> Header {
    HeaderBuilder::new()
        .schema(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(200)),
        )
        .description(Some(description))
        .build()
}

/// A schema with no `type`: constraints on the values that have one.
fn any() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(SchemaType::AnyValue)
}

fn described(schema: ObjectBuilder, description: &str) -> ObjectBuilder {
    schema.description(Some(description))
}

/// `model`: one of the listed models.
fn model_schema() -> ObjectBuilder {
    described(
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(models::listed().iter().map(|model| model.id))),
        "The model: an id of `GET /v1/models`.",
    )
}

/// The largest context of the listed models.
fn max_context() -> u32 {
    models::listed()
        .iter()
        .map(|model| model.context)
        .max()
        .unwrap_or(0)
}

/// `max_tokens` is at most the context of the model asked for: one branch per
/// context length, naming the models that have it.
fn max_tokens_by_model() -> RefOr<Schema> {
    let mut by_context: BTreeMap<u32, Vec<&'static str>> = BTreeMap::new();
    for model in models::listed() {
        by_context.entry(model.context).or_default().push(model.id);
    }
    let mut branches =
        AnyOfBuilder::new().description(Some("`max_tokens` is at most the context of the model."));
    for (context, ids) in by_context {
        branches = branches.item(
            ObjectBuilder::new()
                .property("model", any().enum_values(Some(ids)))
                .property("max_tokens", any().maximum(Some(context))),
        );
    }
    branches.into()
}

fn max_tokens_schema(min: u32, nullable: bool) -> ObjectBuilder {
    let schema_type = if nullable {
        SchemaType::from_iter([Type::Integer, Type::Null])
    } else {
        SchemaType::new(Type::Integer)
    };
    described(
        ObjectBuilder::new()
            .schema_type(schema_type)
            .minimum(Some(min))
            .maximum(Some(max_context())),
        "The most tokens (words) to answer with: at most the model's context.",
    )
}

fn temperature_schema(max: u32) -> ObjectBuilder {
    described(
        ObjectBuilder::new()
            .schema_type(SchemaType::from_iter([Type::Number, Type::Null]))
            .minimum(Some(0))
            .maximum(Some(max)),
        "Accepted and ignored by the echo.",
    )
}

/// `stream`: the demo does not stream.
fn stream_schema() -> ObjectBuilder {
    described(
        ObjectBuilder::new()
            .schema_type(SchemaType::from_iter([Type::Boolean, Type::Null]))
            .enum_values(Some([Value::Bool(false), Value::Null])),
        "Absent, `null` or `false`: the demo does not stream.",
    )
}

fn role_schema(roles: Roles) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(roles.names.iter().copied()))
}

/// The body of `POST /v1/chat/completions`, as [`checks::chat_request`] reads it.
fn chat_request_schema() -> RefOr<Schema> {
    let text_part = ObjectBuilder::new()
        .property(
            "type",
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(["text"])),
        )
        .required("type")
        .property("text", ObjectBuilder::new().schema_type(Type::String))
        .required("text");
    let content = AnyOfBuilder::new()
        .item(ObjectBuilder::new().schema_type(Type::String))
        .item(ArrayBuilder::new().items(text_part))
        .item(ObjectBuilder::new().schema_type(Type::Null))
        .description(Some("A string, an array of text parts, or `null`."));
    let message = ObjectBuilder::new()
        .property("role", role_schema(checks::CHAT_ROLES))
        .required("role")
        .property("content", content);
    let body = ObjectBuilder::new()
        .property("model", model_schema())
        .required("model")
        .property(
            "messages",
            ArrayBuilder::new().items(message).min_items(Some(1)),
        )
        .required("messages")
        .property(
            "temperature",
            temperature_schema(checks::CHAT_MAX_TEMPERATURE),
        )
        .property(
            "max_tokens",
            max_tokens_schema(checks::CHAT_MIN_TOKENS, true),
        )
        .property("stream", stream_schema());
    AllOfBuilder::new()
        .item(body)
        .item(max_tokens_by_model())
        .into()
}

/// The body of `POST /v1/messages`, as [`checks::messages_request`] reads it.
fn messages_request_schema() -> RefOr<Schema> {
    let message = ObjectBuilder::new()
        .property("role", role_schema(checks::MESSAGES_ROLES))
        .required("role")
        .property("content", ObjectBuilder::new().schema_type(Type::String))
        .required("content");
    let body = ObjectBuilder::new()
        .property("model", model_schema())
        .required("model")
        .property(
            "messages",
            ArrayBuilder::new().items(message).min_items(Some(1)),
        )
        .required("messages")
        .property(
            "max_tokens",
            max_tokens_schema(checks::MESSAGES_MIN_TOKENS, false),
        )
        .required("max_tokens")
        .property(
            "system",
            described(
                ObjectBuilder::new().schema_type(Type::String),
                "A system prompt (ignored by the echo).",
            ),
        )
        .property(
            "temperature",
            temperature_schema(checks::MESSAGES_MAX_TEMPERATURE),
        )
        .property("stream", stream_schema());
    AllOfBuilder::new()
        .item(body)
        .item(max_tokens_by_model())
        .into()
}

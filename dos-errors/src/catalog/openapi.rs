//! OpenAPI from the catalogue, with utoipa 5 (feature `utoipa`).
//!
//! [`ErrorEnvelope`] and [`ErrorBody`] implement `utoipa::ToSchema`, and every type
//! deriving `ApiError` with `#[api_error(integrations(utoipa))]` implements
//! `utoipa::IntoResponses`: one response per status,
//! described from the doc comments, with an example body per variant (placeholders
//! shown as written), a `Retry-After` header on retryable 429 and 503 responses,
//! an `x-should-retry` header where a variant's declared retryability differs
//! from its status's, and in Anthropic's format its `request-id` header.
//!
//! A service that answers in another [`Format`] describes its errors with
//! [`responses_in`]: the body schema of that format ([`schema`], exactly what is
//! sent: `null`able members where the format writes `null`, optional ones where it
//! leaves them out), examples in that format, and, when the service also answers
//! `Accept: application/problem+json` with [`Format::Problem`], that media type too.
//!
//! ```
//! use dos_errors::ApiError;
//! use utoipa::IntoResponses;
//!
//! #[derive(Debug, ApiError)]
//! #[api_error(integrations(utoipa))]
//! enum ChatError {
//!     /// The model does not exist.
//!     #[api_error(status = 400, message = "The model `{0}` does not exist")]
//!     UnknownModel(String),
//!     /// The model is loading.
//!     #[api_error(status = 503, retry_after = 30)]
//!     Loading,
//! }
//!
//! let responses = ChatError::responses();
//! assert_eq!(responses.keys().collect::<Vec<_>>(), ["400", "503"]);
//! let json = serde_json::to_value(&responses["503"]).unwrap();
//! assert!(json["headers"]["Retry-After"].is_object());
//! ```

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde_json::Value;
use utoipa::openapi::example::ExampleBuilder;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::schema::{
    ArrayBuilder, ObjectBuilder, OneOfBuilder, Schema, SchemaType, Type,
};
use utoipa::openapi::{ContentBuilder, RefOr};
use utoipa::{PartialSchema, ToSchema};

use super::{example_json_in, ErrorSpec};
use crate::{ErrorBody, ErrorEnvelope, Format, GrpcCode, Status};

impl PartialSchema for ErrorBody {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .description(Some(
                "The error: what went wrong, its machine-readable type and the HTTP status.",
            ))
            .property(
                "message",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .description(Some("A human-readable description of the error.")),
            )
            .required("message")
            .property(
                "type",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .description(Some(
                        "The error type, lower snake_case, e.g. `invalid_request_error`.",
                    ))
                    .examples(["invalid_request_error"]),
            )
            .required("type")
            .property(
                "code",
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .minimum(Some(400))
                    .maximum(Some(599))
                    .description(Some("The HTTP status code of the response.")),
            )
            .required("code")
            .into()
    }
}

impl ToSchema for ErrorBody {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("ErrorBody")
    }
}

impl PartialSchema for ErrorEnvelope {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .description(Some("The body of every error response."))
            .property("error", ErrorBody::schema())
            .required("error")
            .into()
    }
}

impl ToSchema for ErrorEnvelope {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("ErrorEnvelope")
    }
}

/// The OpenAPI responses of a catalogue: one per status, in ascending order, in
/// the envelope format ([`responses_in`] with [`Format::Envelope`], no negotiation).
#[must_use]
pub fn responses(specs: &[ErrorSpec]) -> BTreeMap<String, RefOr<Response>> {
    responses_in(specs, Format::Envelope, false)
}

/// The OpenAPI responses of a catalogue whose errors are sent in `format`: one
/// per status, in ascending order, each with the format's body [`schema`] under
/// its content type, an example per error in that format (placeholders shown as
/// written, see [`example_json_in`]), and a `Retry-After`
/// header where an error of the status [documents one](ErrorSpec::documents_retry_after).
/// With `negotiate`, the service also answers in [`Format::Problem`] to clients
/// that accept `application/problem+json`, and each response describes that media
/// type too.
///
/// ```
/// use dos_errors::catalog::{openapi, ApiErrorCatalog};
/// use dos_errors::{ApiError, Format};
///
/// #[derive(Debug, ApiError)]
/// enum ChatError {
///     /// The model does not exist.
///     #[api_error(status = 404, code = "model_not_found", message = "No model {0}")]
///     NoModel(String),
///     /// Too many requests.
///     #[api_error(status = 429, retry_after = 20)]
///     RateLimited,
/// }
///
/// let responses = openapi::responses_in(&ChatError::catalog(), Format::OpenAi, true);
/// let json = serde_json::to_value(&responses["404"]).unwrap();
/// let content = &json["content"];
/// assert_eq!(
///     content["application/json"]["examples"]["NoModel"]["value"]["error"]["code"],
///     "model_not_found"
/// );
/// assert_eq!(
///     content["application/problem+json"]["examples"]["NoModel"]["value"]["error_code"],
///     "model_not_found"
/// );
/// let json = serde_json::to_value(&responses["429"]).unwrap();
/// assert!(json["headers"]["Retry-After"].is_object());
/// ```
#[must_use]
pub fn responses_in(
    specs: &[ErrorSpec],
    format: Format,
    negotiate: bool,
) -> BTreeMap<String, RefOr<Response>> {
    let mut by_status: BTreeMap<Status, Vec<&ErrorSpec>> = BTreeMap::new();
    for spec in specs {
        by_status.entry(spec.status).or_default().push(spec);
    }
    by_status
        .into_iter()
        .map(|(status, specs)| {
            let response = response(status, &specs, format, negotiate);
            (status.as_u16().to_string(), response.into())
        })
        .collect()
}

fn response(status: Status, specs: &[&ErrorSpec], format: Format, negotiate: bool) -> Response {
    let mut description = status.default_message().to_owned();
    for spec in specs {
        description.push_str(&format!("\n- `{}`: {}", spec.error_type, summary(spec)));
    }
    let mut builder = ResponseBuilder::new().description(description);
    let mut formats = vec![format];
    if negotiate && format != Format::Problem {
        formats.push(Format::Problem);
    }
    for format in formats {
        let examples = specs.iter().map(|spec| {
            let value = serde_json::from_str::<Value>(&example_json_in(spec, format)).ok();
            (
                spec.name,
                ExampleBuilder::new()
                    .summary(summary(spec))
                    .value(value)
                    .build(),
            )
        });
        let content = ContentBuilder::new()
            .schema(Some(schema(format)))
            .examples_from_iter(examples)
            .build();
        builder = builder.content(format.content_type(), content);
    }
    let documents_delay = specs.iter().any(|spec| spec.documents_retry_after());
    if documents_delay {
        builder = builder.header(
            "Retry-After",
            HeaderBuilder::new()
                .schema(
                    ObjectBuilder::new()
                        .schema_type(Type::Integer)
                        .minimum(Some(0)),
                )
                .description(Some(
                    "Seconds to wait before retrying (whole seconds, rounded up). \
                     Never retry sooner.",
                ))
                .build(),
        );
    }
    if format == Format::Anthropic {
        builder = builder.header(
            crate::headers::ANTHROPIC_REQUEST_ID,
            HeaderBuilder::new()
                .schema(ObjectBuilder::new().schema_type(Type::String))
                .description(Some(
                    "The request's id, as in the body's `request_id`, when the request has one.",
                ))
                .build(),
        );
    }
    if specs
        .iter()
        .any(|spec| spec.should_retry_header().is_some())
    {
        builder = builder.header(
            crate::headers::X_SHOULD_RETRY,
            HeaderBuilder::new()
                .schema(
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .enum_values(Some(["true", "false"])),
                )
                .description(Some(
                    "Whether to retry, where the error's declaration differs from what \
                     its status says by default. Takes precedence over the status.",
                ))
                .build(),
        );
    }
    builder.build()
}

/// What an example or a list entry says about `spec`: its summary, else its name.
fn summary(spec: &ErrorSpec) -> &'static str {
    match spec.summary() {
        "" => spec.name,
        summary => summary,
    }
}

/// The name to register [`schema`] under in `components/schemas`:
/// `ErrorEnvelope`, `OpenAiError`, `AnthropicError`, `Problem`, `GoogleError`.
#[must_use]
pub const fn schema_name(format: Format) -> &'static str {
    match format {
        Format::Envelope => "ErrorEnvelope",
        Format::OpenAi => "OpenAiError",
        Format::Anthropic => "AnthropicError",
        Format::Problem => "Problem",
        Format::Google => "GoogleError",
    }
}

/// The JSON schema of an error body in `format`: exactly the members the format
/// writes, `required` when it always writes them, `null`able where it writes
/// `null` (OpenAI's `param` and `code`).
///
/// ```
/// use dos_errors::catalog::openapi;
/// use dos_errors::Format;
///
/// let schema = serde_json::to_value(openapi::schema(Format::OpenAi)).unwrap();
/// let error = &schema["properties"]["error"];
/// assert_eq!(error["required"], serde_json::json!(["message", "type", "param", "code"]));
/// assert_eq!(error["properties"]["code"]["type"], serde_json::json!(["string", "null"]));
/// ```
#[must_use]
pub fn schema(format: Format) -> RefOr<Schema> {
    match format {
        Format::Envelope => ErrorEnvelope::schema(),
        Format::OpenAi => openai_schema(),
        Format::Anthropic => anthropic_schema(),
        Format::Problem => problem_schema(),
        Format::Google => google_schema(),
    }
}

/// A string member.
fn string(description: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
}

/// A string or `null`.
fn nullable_string(description: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .description(Some(description))
}

/// A string that is always `value`.
fn constant(value: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some([value]))
}

/// The HTTP status as an integer.
fn http_status(description: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(400))
        .maximum(Some(599))
        .description(Some(description))
}

const MESSAGE: &str = "A human-readable description of the error.";
const TYPE: &str = "The error type, lower snake_case, e.g. `invalid_request_error`.";

fn openai_schema() -> RefOr<Schema> {
    let error = ObjectBuilder::new()
        .property("message", string(MESSAGE))
        .required("message")
        .property("type", string(TYPE))
        .required("type")
        .property(
            "param",
            nullable_string("The request parameter at fault, if any."),
        )
        .required("param")
        .property(
            "code",
            nullable_string("The error's stable code, e.g. `model_not_found`, if any."),
        )
        .required("code");
    ObjectBuilder::new()
        .description(Some("The body of every error response (OpenAI's format)."))
        .property("error", error)
        .required("error")
        .into()
}

fn anthropic_schema() -> RefOr<Schema> {
    let error = ObjectBuilder::new()
        .property("type", string(TYPE))
        .required("type")
        .property("message", string(MESSAGE))
        .required("message");
    ObjectBuilder::new()
        .description(Some(
            "The body of every error response (Anthropic's format).",
        ))
        .property("type", constant("error"))
        .required("type")
        .property("error", error)
        .required("error")
        .property(
            "request_id",
            string("The id of the request, when it has one."),
        )
        .into()
}

fn problem_schema() -> RefOr<Schema> {
    let violation = ObjectBuilder::new()
        .property("detail", string("What is wrong with the field."))
        .required("detail")
        .property(
            "pointer",
            string("The field, as a JSON pointer into the request body in URI fragment form, e.g. `#/messages/1/role`."),
        )
        .required("pointer");
    ObjectBuilder::new()
        .description(Some(
            "The body of every error response: RFC 9457 problem details.",
        ))
        .property(
            "type",
            string("The documentation of the error, or `about:blank`."),
        )
        .required("type")
        .property(
            "title",
            string("The reason phrase of the HTTP status, e.g. `Too Many Requests`."),
        )
        .required("title")
        .property("status", http_status("The HTTP status of the response."))
        .required("status")
        .property("detail", string(MESSAGE))
        .required("detail")
        .property("error_type", string(TYPE))
        .required("error_type")
        .property(
            "error_code",
            string("The error's stable code, e.g. `model_not_found`."),
        )
        .property("param", string("The request parameter at fault."))
        .property(
            "errors",
            ArrayBuilder::new()
                .items(violation)
                .description(Some("The fields of the request that are wrong.")),
        )
        .into()
}

fn google_schema() -> RefOr<Schema> {
    let detail_type = |name: &str| constant(&format!("type.googleapis.com/google.rpc.{name}"));
    let error_info = ObjectBuilder::new()
        .title(Some("ErrorInfo"))
        .property("@type", detail_type("ErrorInfo"))
        .required("@type")
        .property(
            "reason",
            string("The error's code, else its type, upper-cased, e.g. `MODEL_NOT_FOUND`."),
        )
        .required("reason")
        .property("domain", string("The service's domain."))
        .property(
            "metadata",
            ObjectBuilder::new()
                .additional_properties(Some(ObjectBuilder::new().schema_type(Type::String)))
                .description(Some(
                    "The values interpolated into the message, by placeholder name.",
                )),
        );
    let retry_info = ObjectBuilder::new()
        .title(Some("RetryInfo"))
        .property("@type", detail_type("RetryInfo"))
        .required("@type")
        .property(
            "retryDelay",
            string("How long to wait before retrying, e.g. `30s`, `1.500s`.")
                .pattern(Some(r"^[0-9]+(\.[0-9]{3}|\.[0-9]{6}|\.[0-9]{9})?s$")),
        )
        .required("retryDelay");
    let field_violation = ObjectBuilder::new()
        .property(
            "field",
            string("The path of the field, e.g. `messages[1].role`."),
        )
        .required("field")
        .property("description", string("What is wrong with it."))
        .required("description");
    let bad_request = ObjectBuilder::new()
        .title(Some("BadRequest"))
        .property("@type", detail_type("BadRequest"))
        .required("@type")
        .property(
            "fieldViolations",
            ArrayBuilder::new().items(field_violation),
        )
        .required("fieldViolations");
    let link = ObjectBuilder::new()
        .property("description", string("What the link offers."))
        .required("description")
        .property("url", string("The documentation of the error."))
        .required("url");
    let help = ObjectBuilder::new()
        .title(Some("Help"))
        .property("@type", detail_type("Help"))
        .required("@type")
        .property("links", ArrayBuilder::new().items(link))
        .required("links");
    let details = OneOfBuilder::new()
        .item(error_info)
        .item(retry_info)
        .item(bad_request)
        .item(help);
    let error = ObjectBuilder::new()
        .property("code", http_status("The HTTP status of the response."))
        .required("code")
        .property("message", string(MESSAGE))
        .required("message")
        .property(
            "status",
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(GrpcCode::ALL.map(GrpcCode::as_str)))
                .description(Some("The gRPC code, e.g. `RESOURCE_EXHAUSTED`.")),
        )
        .required("status")
        .property(
            "details",
            ArrayBuilder::new().items(details).description(Some(
                "`ErrorInfo` always, then `RetryInfo`, `BadRequest` and `Help` when they apply.",
            )),
        )
        .required("details");
    ObjectBuilder::new()
        .description(Some(
            "The body of every error response (Google's AIP-193 format).",
        ))
        .property("error", error)
        .required("error")
        .into()
}

/// `integrations(utoipa)`: `utoipa::IntoResponses` for a derived type.
#[doc(hidden)]
#[macro_export]
macro_rules! __integrate_utoipa {
    (impl [$($impl_generics:tt)*] for [$($self_ty:tt)*] where [$($where_clause:tt)*]) => {
        #[automatically_derived]
        impl $($impl_generics)* $crate::__private::utoipa::IntoResponses for $($self_ty)*
        $($where_clause)*
        {
            fn responses() -> ::std::collections::BTreeMap<
                ::std::string::String,
                $crate::__private::utoipa::openapi::RefOr<$crate::__private::utoipa::openapi::response::Response>,
            > {
                $crate::catalog::openapi::responses(
                    &<Self as $crate::catalog::ApiErrorCatalog>::catalog(),
                )
            }
        }
    };
}

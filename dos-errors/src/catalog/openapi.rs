//! OpenAPI from the catalogue, with utoipa 5 (feature `utoipa`).
//!
//! [`ErrorEnvelope`] and [`ErrorBody`] implement `utoipa::ToSchema`, and every type
//! deriving `ApiError` with `#[api_error(integrations(utoipa))]` implements
//! `utoipa::IntoResponses`: one response per status,
//! described from the doc comments, with an example body per variant (placeholders
//! shown as written) and a `Retry-After` header on retryable 429 and 503 responses.
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

use utoipa::openapi::example::ExampleBuilder;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::{ContentBuilder, RefOr};
use utoipa::{PartialSchema, ToSchema};

use super::ErrorSpec;
use crate::{ErrorBody, ErrorEnvelope, Status};

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

/// The OpenAPI responses of a catalogue: one per status, in ascending order.
#[must_use]
pub fn responses(specs: &[ErrorSpec]) -> BTreeMap<String, RefOr<Response>> {
    let mut by_status: BTreeMap<Status, Vec<&ErrorSpec>> = BTreeMap::new();
    for spec in specs {
        by_status.entry(spec.status).or_default().push(spec);
    }
    by_status
        .into_iter()
        .map(|(status, specs)| (status.as_u16().to_string(), response(status, &specs).into()))
        .collect()
}

fn response(status: Status, specs: &[&ErrorSpec]) -> Response {
    let mut description = status.default_message().to_owned();
    for spec in specs {
        let summary = match spec.summary() {
            "" => spec.name,
            summary => summary,
        };
        description.push_str(&format!("\n- `{}`: {}", spec.error_type, summary));
    }
    let examples = specs.iter().map(|spec| {
        let value = serde_json::to_value(spec.example_envelope()).ok();
        let summary = match spec.summary() {
            "" => spec.name,
            summary => summary,
        };
        (
            spec.name,
            ExampleBuilder::new().summary(summary).value(value).build(),
        )
    });
    let content = ContentBuilder::new()
        .schema(Some(ErrorEnvelope::schema()))
        .examples_from_iter(examples)
        .build();
    let mut builder = ResponseBuilder::new()
        .description(description)
        .content("application/json", content);
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
    builder.build()
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

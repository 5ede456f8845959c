//! Crate A of the feature-additivity check.
//!
//! It depends on `dos-errors` without any feature (and under another name), derives
//! `ApiError`, and implements the framework traits of its error types by hand.
//! Crate B depends on this crate and turns on `dos-errors/axum`, `actix-web`,
//! `utoipa` and `tonic`: since framework impls of derived types are opted into per type, B's
//! features add nothing to A's types, and `cargo build -p additivity-b` succeeds.
//! (Before the opt-in, the derive implemented `IntoResponse` & co. for every type
//! as soon as the feature was on anywhere in the build, and these impls conflicted.)

use std::collections::BTreeMap;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use errors::ApiError;
use utoipa::openapi::response::Response as OpenApiResponse;
use utoipa::openapi::RefOr;

/// A's own error, with hand-written framework impls.
#[derive(Debug, ApiError)]
#[api_error(crate = "errors")]
pub enum AErr {
    /// A bad value.
    #[api_error(status = 400, message = "bad value {0}")]
    Bad(String),
    /// Overloaded.
    #[api_error(status = 503, retry_after = 3)]
    Busy,
}

impl IntoResponse for AErr {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.status().as_u16()).unwrap_or(StatusCode::BAD_REQUEST);
        (status, [("x-handwritten", "a")], self.to_json()).into_response()
    }
}

impl From<AErr> for actix_web::Error {
    fn from(error: AErr) -> Self {
        actix_web::error::ErrorBadRequest(error.to_json())
    }
}

impl From<AErr> for tonic::Status {
    fn from(error: AErr) -> Self {
        tonic::Status::aborted(format!("by hand: {}", error.message()))
    }
}

impl utoipa::IntoResponses for AErr {
    fn responses() -> BTreeMap<String, RefOr<OpenApiResponse>> {
        BTreeMap::new()
    }
}

/// A generic error over a `std::error::Error`: it asks for no framework impl, so
/// no framework bound (`'static`, `Send`, …) is added to it, whatever the features.
#[derive(Debug, ApiError)]
#[api_error(crate = "errors")]
pub enum Generic<E: std::error::Error> {
    /// The inner error, shown.
    #[api_error(status = 400, message = "bad {0}")]
    Bad(E),
}

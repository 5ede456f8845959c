//! Crate B of the feature-additivity check: it turns on the framework features of
//! `dos-errors` and uses crate A's hand-written impls next to its own opted-in
//! derived types. Building this crate is the test (`cargo build -p additivity-b`).

use additivity_a::{AErr, Generic};
use dos_errors::ApiError;

/// B's own error, opting into every framework.
#[derive(Debug, ApiError)]
#[api_error(integrations(axum, actix_web, utoipa, tonic))]
pub enum BErr {
    /// Not found.
    #[api_error(status = 404, message = "no such thing: {0}")]
    Missing(String),
}

/// A generic error that opts in: the impls still ask nothing of `E` beyond what
/// its message needs (no `'static`).
#[derive(Debug, ApiError)]
#[api_error(integrations(axum, actix_web))]
pub enum BGeneric<E: std::error::Error> {
    /// The inner error, shown.
    #[api_error(status = 400, message = "bad {0}")]
    Bad(E),
}

/// A's error through A's own `IntoResponse`.
#[must_use]
pub fn a_response() -> axum::response::Response {
    axum::response::IntoResponse::into_response(AErr::Bad("x".into()))
}

/// B's error through the derived `IntoResponse`.
#[must_use]
pub fn b_response() -> axum::response::Response {
    axum::response::IntoResponse::into_response(BErr::Missing("y".into()))
}

/// Both into actix errors.
#[must_use]
pub fn actix_errors() -> [actix_web::Error; 2] {
    [AErr::Busy.into(), BErr::Missing("z".into()).into()]
}

/// Both describe their responses to utoipa.
#[must_use]
pub fn openapi_statuses() -> (usize, Vec<String>) {
    use utoipa::IntoResponses;
    (
        AErr::responses().len(),
        BErr::responses().into_keys().collect(),
    )
}

/// Both into gRPC statuses.
#[must_use]
pub fn tonic_statuses() -> [tonic::Status; 2] {
    [AErr::Busy.into(), BErr::Missing("w".into()).into()]
}

/// A generic error over a non-`'static` error type, through axum.
#[must_use]
pub fn borrowed_generic(error: &std::fmt::Error) -> axum::response::Response {
    #[derive(Debug)]
    struct Borrowed<'a>(&'a std::fmt::Error);
    impl std::fmt::Display for Borrowed<'_> {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            self.0.fmt(f)
        }
    }
    impl std::error::Error for Borrowed<'_> {}
    let message = Generic::Bad(Borrowed(error)).message().into_owned();
    let response = axum::response::IntoResponse::into_response(BGeneric::Bad(Borrowed(error)));
    assert_eq!(message, "bad an error occurred when formatting an argument");
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_written_and_derived_impls_live_side_by_side() {
        let a = a_response();
        assert_eq!(a.status(), 400);
        assert_eq!(a.headers()["x-handwritten"], "a");
        let b = b_response();
        assert_eq!(b.status(), 404);
        assert_eq!(b.headers()["content-type"], "application/json");
        let [busy, missing] = actix_errors();
        assert_eq!(busy.as_response_error().status_code(), 400);
        assert_eq!(missing.as_response_error().status_code(), 404);
        assert_eq!(openapi_statuses(), (0, vec!["404".to_owned()]));
        let [busy, missing] = tonic_statuses();
        assert_eq!(busy.code(), tonic::Code::Aborted);
        assert!(busy.message().starts_with("by hand: "));
        assert_eq!(missing.code(), tonic::Code::NotFound);
        assert_eq!(missing.message(), "no such thing: w");
        assert_eq!(borrowed_generic(&std::fmt::Error).status(), 400);
    }
}

//! Framework impls are opted into per type, and follow the features of
//! `dos-errors` itself: run this file both without features
//! (`cargo test -p dos-errors --test integration_opt_in`) and with them
//! (`--all-features`). Asking for a framework whose feature is off is a compile
//! error (see the `additivity` crates of the workspace).

use dos_errors::ApiError;

#[derive(Debug, ApiError)]
#[api_error(status = 503, retry_after = 2)]
struct Loading;

#[cfg(feature = "axum")]
#[derive(Debug, ApiError)]
#[api_error(status = 503, retry_after = 2, integrations(axum))]
struct AxumLoading;

#[cfg(feature = "actix-web")]
#[derive(Debug, ApiError)]
#[api_error(status = 503, retry_after = 2, integrations(actix_web))]
struct ActixLoading;

#[test]
fn derived_types_answer_like_the_trait_says() {
    assert_eq!(Loading.status(), 503);
    assert_eq!(
        Loading.retry_after(),
        Some(std::time::Duration::from_secs(2))
    );
}

#[cfg(feature = "axum")]
#[test]
fn with_axum_derived_types_are_responses() {
    use axum::response::IntoResponse;

    let response = AxumLoading.into_response();
    assert_eq!(response.status(), 503);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(response.headers()["retry-after"], "2");
}

#[cfg(feature = "actix-web")]
#[test]
fn with_actix_web_derived_types_convert_into_actix_errors() {
    let error: actix_web::Error = ActixLoading.into();
    let response = error.error_response();
    assert_eq!(response.status().as_u16(), 503);
    assert_eq!(
        response.headers().get("retry-after").map(|v| v.as_bytes()),
        Some(&b"2"[..])
    );
    assert_eq!(
        response.headers().get("content-type").map(|v| v.as_bytes()),
        Some(&b"application/json"[..])
    );
}

#[cfg(feature = "http")]
#[test]
fn with_http_any_error_is_a_response_and_decodes_back() {
    use dos_errors::client::ErrorResponse;
    use dos_errors::integrations::http::response;

    let response = response(&Loading);
    assert_eq!(response.status(), 503);
    let decoded = ErrorResponse::from_http(&response, response.body());
    assert_eq!(decoded.status(), Loading.status());
    assert_eq!(decoded.error_type(), Loading.error_type());
    assert_eq!(decoded.message(), Loading.message());
    assert_eq!(decoded.retry_after(), Loading.retry_after());
}

//! The framework hooks follow the features of `dos-errors` itself: run this file
//! both without features (`cargo test -p dos-errors --test integration_hooks`) and
//! with them (`--all-features`).

use dos_errors::ApiError;

#[derive(Debug, ApiError)]
#[api_error(status = 503, retry_after = 2)]
struct Loading;

// Without their feature, hooks expand to nothing: given a type that does not
// exist, they still compile.
#[cfg(not(feature = "axum"))]
dos_errors::__hook_axum! {
    impl_generics = {},
    self_ty = { NoSuchType },
    where_clause = { where Self: ::dos_errors::ApiError, },
}

#[cfg(not(feature = "actix-web"))]
dos_errors::__hook_actix! {
    impl_generics = {},
    self_ty = { NoSuchType },
    where_clause = { where Self: ::dos_errors::ApiError, },
}

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

    let response = Loading.into_response();
    assert_eq!(response.status(), 503);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(response.headers()["retry-after"], "2");
}

#[cfg(feature = "actix-web")]
#[test]
fn with_actix_web_derived_types_convert_into_actix_errors() {
    let error: actix_web::Error = Loading.into();
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

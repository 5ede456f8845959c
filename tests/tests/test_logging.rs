//! `log = "…"`: the level at which the integrations log an error's internal
//! description when it becomes a response. By default a masked 5xx logs at error
//! level and nothing else is logged; a deliberate 503 can log at warn, a 4xx worth
//! watching at info, and a planned outage not at all.

mod support;

use axum::response::IntoResponse;
use dos_errors::catalog::ApiErrorCatalog;
use dos_errors::{ApiError, LogLevel};
use support::Captured;

#[derive(Debug, thiserror::Error, ApiError)]
#[api_error(integrations(axum, actix_web))]
enum Service {
    #[error("database failed: pool exhausted")]
    #[api_error(status = 500)]
    Database,
    #[error("maintenance window 02:00-02:30")]
    #[api_error(status = 503, log = "off")]
    Maintenance,
    #[error("upstream 10.0.0.7 overloaded")]
    #[api_error(status = 503, log = "warn")]
    Overloaded,
    #[error("key dos_sk_x hit the limit")]
    #[api_error(status = 429, log = "info")]
    Limited,
    #[error("bad request body")]
    #[api_error(status = 400)]
    BadRequest,
}

/// A type-level default applies to every variant that does not set its own.
#[derive(Debug, thiserror::Error, ApiError)]
#[api_error(log = "debug", integrations(axum))]
enum Quiet {
    #[error("quiet failure")]
    #[api_error(status = 500)]
    Failure,
    #[error("quiet but important")]
    #[api_error(status = 502, log = "error")]
    Important,
}

/// Responds with each error inside a fresh subscriber (at `DEBUG`) and returns
/// what was logged for it.
fn logged(response: impl FnOnce() -> axum::response::Response) -> String {
    let logs = Captured::default();
    let subscriber = logs.subscriber(tracing::Level::DEBUG);
    tracing::subscriber::with_default(subscriber, || drop(response()));
    logs.text()
}

#[test]
fn each_error_logs_at_its_declared_level() {
    let database = logged(|| Service::Database.into_response());
    assert!(database.contains("ERROR"), "{database}");
    assert!(
        database.contains("database failed: pool exhausted"),
        "{database}"
    );

    assert_eq!(logged(|| Service::Maintenance.into_response()), "");

    let overloaded = logged(|| Service::Overloaded.into_response());
    assert!(overloaded.contains(" WARN "), "{overloaded}");
    assert!(
        overloaded.contains("upstream 10.0.0.7 overloaded"),
        "{overloaded}"
    );

    let limited = logged(|| Service::Limited.into_response());
    assert!(limited.contains(" INFO "), "{limited}");
    assert!(limited.contains("hit the limit"), "{limited}");
    // A 429 is not masked: its log line does not say the client was kept from it.
    assert!(
        limited.contains("error answered to the client"),
        "{limited}"
    );
    assert!(!limited.contains("hidden"), "{limited}");
    assert!(
        database.contains("internal error hidden from the client"),
        "{database}"
    );

    assert_eq!(logged(|| Service::BadRequest.into_response()), "");

    let quiet = logged(|| Quiet::Failure.into_response());
    assert!(quiet.contains("DEBUG"), "{quiet}");
    let important = logged(|| Quiet::Important.into_response());
    assert!(important.contains("ERROR"), "{important}");
}

#[test]
fn the_level_is_part_of_the_catalogue() {
    let levels: Vec<(&str, LogLevel)> = Service::catalog()
        .iter()
        .map(|spec| (spec.name, spec.log))
        .collect();
    assert_eq!(
        levels,
        [
            ("Database", LogLevel::Error),
            ("Maintenance", LogLevel::Off),
            ("Overloaded", LogLevel::Warn),
            ("Limited", LogLevel::Info),
            ("BadRequest", LogLevel::Off),
        ]
    );
    assert_eq!(
        Quiet::Failure.spec().map(|spec| spec.log),
        Some(LogLevel::Debug)
    );
    // The client still sees only the public message.
    assert_eq!(
        Service::Overloaded.message(),
        "The requested model is temporarily unavailable."
    );
}

#[actix_web::test]
async fn actix_logs_at_the_declared_level_too() {
    let logs = Captured::default();
    let subscriber = logs.subscriber(tracing::Level::DEBUG);
    let _guard = tracing::subscriber::set_default(subscriber);
    let error: actix_web::Error = Service::Overloaded.into();
    let response = error.error_response();
    assert_eq!(response.status().as_u16(), 503);
    let text = logs.text();
    assert!(text.contains(" WARN "), "{text}");
    let error: actix_web::Error = Service::Maintenance.into();
    drop(error.error_response());
    assert_eq!(
        logs.text().matches("dos_errors").count(),
        1,
        "{}",
        logs.text()
    );
}

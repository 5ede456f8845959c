//! Derived code compiles cleanly under strict lints (clippy's pedantic group is
//! checked when CI runs clippy over all targets).
#![deny(warnings, unused_qualifications, clippy::pedantic)]

use std::time::Duration;

use dos_errors::ApiError;

#[derive(Debug, thiserror::Error, ApiError)]
#[api_error(status = 400)]
enum Strict<T: std::fmt::Display> {
    #[error("a")]
    #[api_error(message = "value {0} / {0:?}")]
    Value(T),
    #[error("b")]
    #[api_error(status = 429, message = "wait {secs:.1}")]
    Wait {
        secs: f64,
        #[api_error(retry_after)]
        delay: Option<Duration>,
    },
    #[error("c")]
    #[api_error(status = 500)]
    Masked(String),
    #[error(transparent)]
    #[api_error(transparent)]
    Inner(#[from] StrictInner),
    #[error("d")]
    #[api_error(display)]
    Shown,
}

#[derive(Debug, thiserror::Error, ApiError)]
#[error("inner")]
#[api_error(status = 503, retry_after = 1)]
struct StrictInner;

#[test]
fn strict_lints_hold() {
    let err: Strict<u8> = Strict::Value(1);
    assert_eq!(err.message(), "value 1 / 1");
    let err: Strict<u8> = StrictInner.into();
    assert_eq!(err.retry_after(), Some(Duration::from_secs(1)));
    let err: Strict<u8> = Strict::Wait {
        secs: 1.25,
        delay: None,
    };
    assert_eq!(err.message(), "wait 1.2");
    assert_eq!(Strict::<u8>::Masked(String::new()).status(), 500);
    assert_eq!(Strict::<u8>::Shown.message(), "d");
}

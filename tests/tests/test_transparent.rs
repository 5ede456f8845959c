//! `transparent`: every method delegates to the one field, nested twice, through pointers.

use std::time::Duration;

use dos_errors::{ApiError, Retryability};

#[derive(Debug, ApiError)]
enum Inner {
    #[api_error(status = 429, message = "slow down, {0}")]
    Limited(&'static str, #[api_error(retry_after)] u64),
    #[api_error(status = 500)]
    Crash,
    #[api_error(status = 400, type = "custom_error", retryable)]
    RetryableBadRequest,
}

#[derive(Debug, ApiError)]
enum Middle {
    #[api_error(transparent)]
    Inner(Inner),
    #[api_error(status = 404)]
    Missing,
}

#[derive(Debug, ApiError)]
enum Outer {
    #[api_error(transparent)]
    Middle(Middle),
    #[api_error(transparent)]
    Boxed(Box<Inner>),
}

#[derive(Debug, ApiError)]
#[api_error(transparent)]
struct Wrapper(Outer);

fn check_same(outer: &dyn ApiError, inner: &dyn ApiError) {
    assert_eq!(outer.status(), inner.status());
    assert_eq!(outer.error_type(), inner.error_type());
    assert_eq!(outer.message(), inner.message());
    assert_eq!(outer.retryability(), inner.retryability());
    assert_eq!(outer.is_retryable(), inner.is_retryable());
    assert_eq!(outer.retry_after(), inner.retry_after());
    assert_eq!(outer.to_envelope(), inner.to_envelope());
    assert_eq!(outer.to_json(), inner.to_json());
}

#[test]
fn nested_twice_delegates_everything() {
    let make = || Inner::Limited("alice", 7);
    let outer = Outer::Middle(Middle::Inner(make()));
    check_same(&outer, &make());
    assert_eq!(outer.retry_after(), Some(Duration::from_secs(7)));
    assert_eq!(outer.retryability(), Retryability::Throttled);
    assert_eq!(outer.message(), "slow down, alice");

    check_same(&Outer::Middle(Middle::Inner(Inner::Crash)), &Inner::Crash);
    check_same(
        &Outer::Boxed(Box::new(Inner::RetryableBadRequest)),
        &Inner::RetryableBadRequest,
    );
    assert!(Outer::Boxed(Box::new(Inner::RetryableBadRequest)).is_retryable());
    check_same(&Outer::Middle(Middle::Missing), &Middle::Missing);
    check_same(&Wrapper(Outer::Middle(Middle::Inner(make()))), &make());
}

#[test]
fn transparent_over_a_hand_written_impl() {
    use std::borrow::Cow;
    #[derive(Debug)]
    struct Manual;
    impl ApiError for Manual {
        fn status(&self) -> dos_errors::Status {
            dos_errors::Status::SERVICE_UNAVAILABLE
        }
        fn error_type(&self) -> &str {
            "manual_error"
        }
        fn message(&self) -> Cow<'_, str> {
            Cow::Borrowed("manual \"quoted\"")
        }
        fn retry_after(&self) -> Option<Duration> {
            Some(Duration::from_millis(1500))
        }
    }
    #[derive(Debug, ApiError)]
    enum E {
        #[api_error(transparent)]
        Manual(Manual),
    }
    check_same(&E::Manual(Manual), &Manual);
    assert_eq!(
        E::Manual(Manual).to_json(),
        r#"{"error":{"message":"manual \"quoted\"","type":"manual_error","code":503}}"#
    );
}

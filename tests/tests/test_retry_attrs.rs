//! `retryable` and `retry_after` attributes.

use std::time::Duration;

use dos_errors::{ApiError, Retryability};

#[test]
fn retryable_overrides_the_status_default() {
    #[derive(Debug, ApiError)]
    enum E {
        #[api_error(status = 409, retryable)]
        Conflict,
        #[api_error(status = 429, retryable = true)]
        Limited,
        #[api_error(status = 503, retryable = false)]
        Gone,
        #[api_error(status = 500)]
        Default,
        #[api_error(status = 400, retryable = false)]
        AlreadyFatal,
    }
    assert_eq!(E::Conflict.retryability(), Retryability::Transient);
    assert_eq!(E::Limited.retryability(), Retryability::Throttled);
    assert_eq!(E::Gone.retryability(), Retryability::Fatal);
    assert!(!E::Gone.is_retryable());
    assert_eq!(E::Default.retryability(), Retryability::Transient);
    assert_eq!(E::AlreadyFatal.retryability(), Retryability::Fatal);
}

#[test]
fn retry_after_from_constants_and_every_field_type() {
    #[derive(Debug, ApiError)]
    enum E {
        #[api_error(status = 503, retry_after = 30)]
        Constant,
        #[api_error(status = 429)]
        Dur {
            #[api_error(retry_after)]
            wait: Duration,
        },
        #[api_error(status = 429)]
        Secs64(#[api_error(retry_after)] u64),
        #[api_error(status = 429)]
        Secs32(#[api_error(retry_after)] u32),
        #[api_error(status = 503)]
        Maybe(#[api_error(retry_after)] Option<Duration>),
        #[api_error(status = 503)]
        MaybeSecs(#[api_error(retry_after)] Option<u64>),
        #[api_error(status = 409, retryable, retry_after = 1)]
        RetryableConflict,
        #[api_error(status = 500)]
        Nothing,
    }
    assert_eq!(E::Constant.retry_after(), Some(Duration::from_secs(30)));
    assert_eq!(
        E::Dur {
            wait: Duration::from_millis(1500)
        }
        .retry_after(),
        Some(Duration::from_millis(1500))
    );
    assert_eq!(E::Secs64(5).retry_after(), Some(Duration::from_secs(5)));
    assert_eq!(E::Secs32(6).retry_after(), Some(Duration::from_secs(6)));
    assert_eq!(E::Maybe(None).retry_after(), None);
    assert_eq!(
        E::Maybe(Some(Duration::from_secs(1))).retry_after(),
        Some(Duration::from_secs(1))
    );
    assert_eq!(
        E::MaybeSecs(Some(2)).retry_after(),
        Some(Duration::from_secs(2))
    );
    assert_eq!(
        E::RetryableConflict.retry_after(),
        Some(Duration::from_secs(1))
    );
    assert_eq!(E::Nothing.retry_after(), None);
}

#[test]
fn type_level_retry_after_applies_to_retryable_variants_only() {
    #[derive(Debug, ApiError)]
    #[api_error(retry_after = 10)]
    enum E {
        #[api_error(status = 503)]
        Unavailable,
        #[api_error(status = 400)]
        BadRequest,
        #[api_error(status = 400, retryable)]
        MadeRetryable,
        #[api_error(status = 503, retryable = false)]
        MadeFatal,
        #[api_error(status = 429, retry_after = 2)]
        Own,
    }
    assert_eq!(E::Unavailable.retry_after(), Some(Duration::from_secs(10)));
    assert_eq!(E::BadRequest.retry_after(), None);
    assert_eq!(
        E::MadeRetryable.retry_after(),
        Some(Duration::from_secs(10))
    );
    assert_eq!(E::MadeFatal.retry_after(), None);
    assert_eq!(E::Own.retry_after(), Some(Duration::from_secs(2)));
}

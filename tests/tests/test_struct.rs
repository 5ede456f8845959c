//! Structs: unit, named and tuple, with every attribute on the type.

use std::time::Duration;

use dos_errors::{ApiError, Retryability, Status};

#[test]
fn unit_named_and_tuple_structs() {
    #[derive(Debug, ApiError)]
    #[api_error(status = 402)]
    struct NoCredits;

    #[derive(Debug, ApiError)]
    #[api_error(
        status = 429,
        type = "quota_error",
        message = "Quota of {limit} exceeded"
    )]
    struct Quota {
        limit: u32,
        #[api_error(retry_after)]
        reset: Duration,
    }

    #[derive(Debug, ApiError)]
    #[api_error(status = 404, message = "No model named {0}")]
    struct NoModel(String);

    assert_eq!(NoCredits.status(), Status::PAYMENT_REQUIRED);
    assert_eq!(
        NoCredits.to_json(),
        r#"{"error":{"message":"Your account does not have sufficient credits to process the request.","type":"insufficient_credits_error","code":402}}"#
    );
    let quota = Quota {
        limit: 3,
        reset: Duration::from_secs(4),
    };
    assert_eq!(quota.message(), "Quota of 3 exceeded");
    assert_eq!(quota.error_type(), "quota_error");
    assert_eq!(quota.retryability(), Retryability::Throttled);
    assert_eq!(quota.retry_after(), Some(Duration::from_secs(4)));
    assert_eq!(NoModel("x".into()).message(), "No model named x");
}

#[test]
fn struct_with_retryable_override_and_constant_delay() {
    #[derive(Debug, ApiError)]
    #[api_error(status = 409, retryable, retry_after = 2)]
    struct Busy;
    assert_eq!(Busy.retryability(), Retryability::Transient);
    assert_eq!(Busy.retry_after(), Some(Duration::from_secs(2)));
}

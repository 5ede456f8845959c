//! Generated code is clean under strict lints.
#![deny(warnings, unused_qualifications, unused_results, missing_docs)]
#![forbid(unsafe_code)]

use dos_errors::ApiError;
use std::time::Duration;

/// Errors.
#[derive(Debug, ApiError)]
#[api_error(status = 400)]
pub enum E {
    /// A.
    #[api_error(message = "a {0}")]
    A(u8),
    /// B.
    #[api_error(status = 429)]
    B {
        /// wait
        #[api_error(retry_after)]
        wait: Option<Duration>,
    },
    /// C.
    #[api_error(transparent)]
    C(Box<Inner>),
}

/// Inner.
#[derive(Debug, ApiError)]
#[api_error(status = 503, retry_after = 3)]
pub struct Inner;

fn main() {
    assert_eq!(E::C(Box::new(Inner)).retry_after(), Some(Duration::from_secs(3)));
    assert_eq!(E::B { wait: None }.retry_after(), None);
    assert_eq!(E::A(1).to_json(), r#"{"error":{"message":"a 1","type":"invalid_request_error","code":400}}"#);
}

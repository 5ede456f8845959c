//! The `tower` feature: [`HttpRetryPolicy`], a `tower::retry::Policy` for HTTP
//! clients driven by a [`RetryPolicy`].
//!
//! ```
//! use dos_errors::integrations::tower::HttpRetryPolicy;
//! use dos_errors::retry::RetryPolicy;
//! use tower::ServiceBuilder;
//!
//! # fn wrap<S: Clone>(client: S) {
//! let client = ServiceBuilder::new()
//!     .retry(HttpRetryPolicy::new(RetryPolicy::default().max_retries(3)))
//!     .service(client);
//! # let _ = client;
//! # }
//! ```

use std::time::Duration;

use ::tower::retry::Policy;

use crate::client::header_pairs;
use crate::client::ErrorResponse;
use crate::retry::{RetryDecision, RetryPolicy};

/// Retries HTTP requests whose response is an error the [`RetryPolicy`] says to
/// retry — 429, 500, 503… — after the delay it computes, which honours
/// `Retry-After`; 400, 401, 402… come back at once.
///
/// The decision reads the response's status and headers only (an
/// [`ErrorResponse`] decoded without a body), so the body of the response that is
/// finally returned is left untouched for the caller. Transport errors (the
/// service's `Err`) are not retried: the policy cannot know whether the request
/// reached the server.
///
/// Works with any request type that can be cloned (`http::Request<B>` with a
/// cloneable body, for instance) and responses of type `http::Response<B>`. Tower
/// clones the policy for each request, so the retry count is per request; clones
/// of a [`RetryPolicy`] share its budget, if it has one.
#[derive(Debug, Clone)]
pub struct HttpRetryPolicy {
    policy: RetryPolicy,
    retries: u32,
    last_decision: Option<RetryDecision>,
}

impl HttpRetryPolicy {
    /// A tower policy following `policy`.
    #[must_use]
    pub fn new(policy: RetryPolicy) -> Self {
        HttpRetryPolicy {
            policy,
            retries: 0,
            last_decision: None,
        }
    }

    /// How many retries this request has made so far.
    #[must_use]
    pub fn retries(&self) -> u32 {
        self.retries
    }

    /// The decision taken after the last error response, if any.
    #[must_use]
    pub fn last_decision(&self) -> Option<&RetryDecision> {
        self.last_decision.as_ref()
    }

    /// The decision for one response: `Some(delay)` to retry.
    fn decide(&mut self, status: http::StatusCode, headers: &http::HeaderMap) -> Option<Duration> {
        if !(status.is_client_error() || status.is_server_error()) {
            self.policy.record_success();
            return None;
        }
        let error = ErrorResponse::from_parts(status.as_u16(), &header_pairs(headers), b"");
        let decision = self.policy.decide(self.retries, &error);
        let delay = decision.delay();
        self.last_decision = Some(decision);
        if delay.is_some() {
            self.retries = self.retries.saturating_add(1);
        }
        delay
    }
}

impl<Req: Clone, B, E> Policy<Req, http::Response<B>, E> for HttpRetryPolicy {
    type Future = tokio::time::Sleep;

    fn retry(
        &mut self,
        _request: &mut Req,
        result: &mut Result<http::Response<B>, E>,
    ) -> Option<Self::Future> {
        let response = result.as_ref().ok()?;
        let delay = self.decide(response.status(), response.headers())?;
        Some(tokio::time::sleep(delay))
    }

    fn clone_request(&mut self, request: &Req) -> Option<Req> {
        Some(request.clone())
    }
}

//! The `http` feature on the client side: [`ErrorResponse::from_http`] decodes an
//! `http::Response` (or its parts) and a body.

use ::http::StatusCode;

use super::ErrorResponse;

/// The status line and headers of an HTTP response: what
/// [`ErrorResponse::from_http`] reads besides the body. Implemented for
/// `::http::Response<B>` and `::http::response::Parts`.
pub trait ResponseHead {
    /// The status code.
    fn status_code(&self) -> StatusCode;
    /// The headers.
    fn header_map(&self) -> &::http::HeaderMap;
}

impl<B> ResponseHead for ::http::Response<B> {
    fn status_code(&self) -> StatusCode {
        self.status()
    }

    fn header_map(&self) -> &::http::HeaderMap {
        self.headers()
    }
}

impl ResponseHead for ::http::response::Parts {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn header_map(&self) -> &::http::HeaderMap {
        &self.headers
    }
}

impl ErrorResponse {
    /// Decodes an `http` response — a `Response<B>` or its `Parts` — and its body
    /// (see [`ErrorResponse::from_parts`]). Header values that are not UTF-8 are ignored.
    ///
    /// ```
    /// use dos_errors::client::ErrorResponse;
    /// use dos_errors::{integrations::http::response, ApiError};
    ///
    /// #[derive(Debug, ApiError)]
    /// #[api_error(status = 503, retry_after = 30)]
    /// struct Loading;
    ///
    /// let (parts, body) = response(&Loading).into_parts();
    /// let decoded = ErrorResponse::from_http(&parts, &body);
    /// assert_eq!(decoded.status(), 503);
    /// assert_eq!(decoded.error_type(), "service_unavailable_error");
    /// assert_eq!(decoded.retry_after(), Some(std::time::Duration::from_secs(30)));
    /// ```
    #[must_use]
    pub fn from_http<H: ResponseHead + ?Sized>(head: &H, body: &[u8]) -> ErrorResponse {
        let headers = header_pairs(head.header_map());
        ErrorResponse::from_parts(head.status_code().as_u16(), &headers, body)
    }
}

/// The headers as `(name, value)` pairs, skipping values that are not UTF-8.
pub(crate) fn header_pairs(headers: &::http::HeaderMap) -> Vec<(&str, &str)> {
    headers
        .iter()
        .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?)))
        .collect()
}

//! The `reqwest` feature: `ErrorResponse::from_reqwest(response).await`,
//! `From<reqwest::Error> for CallError` and `CallError::check_status(response).await`.

use std::error::Error as _;

use crate::client::{
    CallError, DecodeOptions, ErrorResponse, TransportKind, DEFAULT_MAX_BODY_BYTES,
};

impl ErrorResponse {
    /// Decodes a `reqwest` response (see [`ErrorResponse::from_parts`]), reading at
    /// most [`DEFAULT_MAX_BODY_BYTES`] of its body. Never fails: a body that breaks
    /// off is decoded as far as it was read.
    ///
    /// ```no_run
    /// # async fn call(client: reqwest::Client) {
    /// use dos_errors::client::ErrorResponse;
    /// use dos_errors::ApiError;
    ///
    /// let response = client.get("http://127.0.0.1:8080/v1/models").send().await.unwrap();
    /// if !response.status().is_success() {
    ///     let error = ErrorResponse::from_reqwest(response).await;
    ///     eprintln!("{}: {}", error.status(), error.message());
    /// }
    /// # }
    /// ```
    pub async fn from_reqwest(response: reqwest::Response) -> ErrorResponse {
        ErrorResponse::from_reqwest_limited(response, DEFAULT_MAX_BODY_BYTES).await
    }

    /// [`from_reqwest`](Self::from_reqwest) reading at most `max_body_bytes` of the body.
    pub async fn from_reqwest_limited(
        mut response: reqwest::Response,
        max_body_bytes: usize,
    ) -> ErrorResponse {
        let status = response.status().as_u16();
        let headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .filter_map(|(name, value)| {
                Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned()))
            })
            .collect();
        // One byte past the limit tells the decoder the body was cut.
        let wanted = max_body_bytes.saturating_add(1);
        let mut body = Vec::new();
        while body.len() < wanted {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    let room = wanted - body.len();
                    body.extend_from_slice(&chunk[..chunk.len().min(room)]);
                }
                Ok(None) | Err(_) => break,
            }
        }
        let headers: Vec<(&str, &str)> = headers
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect();
        DecodeOptions::new()
            .max_body_bytes(max_body_bytes)
            .decode(status, &headers, &body)
    }
}

impl CallError {
    /// `Ok(response)` for a 2xx response; any other status is an error response, decoded
    /// with [`ErrorResponse::from_reqwest`] (its headers and at most
    /// [`DEFAULT_MAX_BODY_BYTES`] of its body), so that its `Retry-After`,
    /// `x-should-retry` and body reach the retry policy.
    ///
    /// Unlike `reqwest::Response::error_for_status`, which keeps only the status, and
    /// which lets 1xx and 3xx through, any status outside 2xx is an error: a redirect
    /// reaches here only when the client does not follow it (see [`ErrorResponse`] for
    /// how a status outside `400..=599` is answered). See [`CallError`] for an example.
    pub async fn check_status(response: reqwest::Response) -> Result<reqwest::Response, CallError> {
        if response.status().is_success() {
            Ok(response)
        } else {
            Err(ErrorResponse::from_reqwest(response).await.into())
        }
    }
}

/// Classifies a `reqwest` error, so that `?` works inside a retried closure; the error
/// is kept as the [`source`](std::error::Error::source):
///
/// 1. a timeout (`is_timeout()`, whether connecting, waiting for the response or
///    reading its body) is [`TransportKind::Timeout`];
/// 2. a failure to connect (`is_connect()`: refused, unreachable, DNS, TLS) is
///    [`TransportKind::Connect`];
/// 3. an error of `Response::error_for_status` (`status()` is set) is the error
///    response of that status, decoded without headers or body — prefer
///    [`CallError::check_status`], which keeps them;
/// 4. a failure after connecting — sending the request or receiving the response
///    (`is_request()`: reset, closed early, an unreadable response), or reading a body
///    (`is_body()`, also when `text()`, `bytes()` or `json()` report it as a decode
///    error) — is [`TransportKind::Interrupted`];
/// 5. anything else — building the request (`is_builder()`: an invalid URL or
///    header), a redirect loop, a body that is not valid JSON — is
///    [`TransportKind::Other`], fatal.
impl From<reqwest::Error> for CallError {
    fn from(error: reqwest::Error) -> Self {
        let kind = if error.is_timeout() {
            TransportKind::Timeout
        } else if error.is_connect() {
            TransportKind::Connect
        } else if let Some(status) = error.status() {
            return ErrorResponse::from_parts(status.as_u16(), &[], b"").into();
        } else if error.is_request() || error.is_body() || body_broke_off(&error) {
            TransportKind::Interrupted
        } else {
            TransportKind::Other
        };
        CallError::transport(kind, error)
    }
}

/// `true` when a decode error comes from reading the body (`text()`, `bytes()`,
/// `chunk()` wrap a body error in a decode error), not from its contents.
fn body_broke_off(error: &reqwest::Error) -> bool {
    let mut source = error.source();
    while let Some(cause) = source {
        if cause
            .downcast_ref::<reqwest::Error>()
            .is_some_and(|inner| inner.is_body() || inner.is_request())
        {
            return true;
        }
        source = cause.source();
    }
    false
}

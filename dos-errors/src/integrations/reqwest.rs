//! The `reqwest` feature: `ErrorResponse::from_reqwest(response).await`.

use crate::client::{DecodeOptions, ErrorResponse, DEFAULT_MAX_BODY_BYTES};

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

//! The `tonic` feature, client side: `ErrorResponse::from_tonic(&status)` and
//! `From<tonic::Status> for ErrorResponse`.

use std::borrow::Cow;
use std::time::{Duration, SystemTime};

use prost::Message as _;
use tonic::metadata::KeyAndValueRef;

use super::{text, BodyShape, ErrorResponse, Fields, DEFAULT_MAX_MESSAGE_BYTES, MAX_FIELD_BYTES};
use crate::headers::ErrorHeaders;
use crate::integrations::tonic::rpc;
use crate::{GrpcCode, Status};

impl ErrorResponse {
    /// Decodes a gRPC status — a failed tonic call — into a response that answers
    /// like any other [`ErrorResponse`], so that the same
    /// [`RetryPolicy`](crate::retry::RetryPolicy), [`retry_async`](crate::retry::retry_async)
    /// and budgets retry tonic calls. Never fails, never panics, whatever the
    /// details' bytes; texts are cleaned and bounded as in a decoded body.
    ///
    /// As an [`ApiError`](crate::ApiError):
    ///
    /// - [`status`](crate::ApiError::status) is the HTTP status of the code
    ///   ([`GrpcCode::http_status`]: `UNAVAILABLE` is 503, `RESOURCE_EXHAUSTED` 429…),
    ///   and [`retryability`](crate::ApiError::retryability) that status's, so
    ///   `UNAVAILABLE`, `RESOURCE_EXHAUSTED`, `INTERNAL` and `DEADLINE_EXCEEDED` are
    ///   retried, `INVALID_ARGUMENT` or `NOT_FOUND` are not — unless the server's
    ///   `grpc-retry-pushback-ms` is negative, "do not retry" (gRPC A6), which makes
    ///   it fatal. An `OK` status, which is no error, is read as `UNKNOWN`;
    /// - [`error_type`](crate::ApiError::error_type) is the code's name
    ///   (`"UNAVAILABLE"`), [`grpc_code`](crate::ApiError::grpc_code) the code;
    /// - [`message`](crate::ApiError::message) is the status's message (else the
    ///   message of its `google.rpc.Status` details; else the status's default);
    /// - from the details (`grpc-status-details-bin`, a `google.rpc.Status`; the
    ///   first detail of each type): [`error_code`](crate::ApiError::error_code) is
    ///   `ErrorInfo.reason` lower-cased, [`domain`](crate::ApiError::domain) its
    ///   domain and [`metadata`](Self::metadata) its metadata (in the order sent);
    ///   [`violations`](crate::ApiError::violations) are `BadRequest`'s field
    ///   violations, and [`param`](crate::ApiError::param) the field of the first;
    ///   [`doc_url`](crate::ApiError::doc_url) is the URL of the first `Help` link;
    /// - [`retry_after`](crate::ApiError::retry_after) is `RetryInfo.retry_delay`,
    ///   else the metadata as a response's headers (`retry-after-ms`,
    ///   `Retry-After`, then `grpc-retry-pushback-ms`, see
    ///   [`headers`](crate::headers#how-a-decoded-response-gets-its-delay));
    /// - [`request_id`](Self::request_id) is the `x-request-id` (or `request-id`)
    ///   metadata, and [`should_retry_header`](Self::should_retry_header) an
    ///   `x-should-retry` one, as for HTTP.
    ///
    /// [`http_status`](Self::http_status) is the mapped status too (gRPC has none of
    /// its own) and [`body_code`](Self::body_code) is `None`;
    /// [`shape`](Self::shape) is [`BodyShape::Google`] when the details are a
    /// `google.rpc.Status` (the same content as a Google JSON error), else
    /// [`BodyShape::Text`], or [`BodyShape::Empty`] without a message.
    ///
    /// A status written by [`integrations::tonic::status`](crate::integrations::tonic::status)
    /// comes back with the error's message, code, param, violations (a lone param
    /// as the one violation it is sent as), documentation link, domain, metadata,
    /// retry-after and retryability, and written in the Google format it gives the
    /// original's body — when its status is the one of its gRPC code (a 429, not a
    /// 402 sent as `FAILED_PRECONDITION`, which comes back a 400). Its
    /// [`error_code`](crate::ApiError::error_code) is the error's code, else its
    /// type (what `ErrorInfo.reason` carries).
    ///
    /// ```
    /// use std::time::Duration;
    /// use dos_errors::client::ErrorResponse;
    /// use dos_errors::integrations::tonic::status;
    /// use dos_errors::{ApiError, FieldViolation, Retryability, Status};
    ///
    /// #[derive(Debug, ApiError)]
    /// #[api_error(domain = "example.com")]
    /// enum ChatError {
    ///     #[api_error(status = 400, code = "invalid_messages", message = "Invalid messages")]
    ///     Invalid {
    ///         #[api_error(violations)]
    ///         violations: Vec<FieldViolation>,
    ///     },
    ///     #[api_error(status = 429, message = "Limit: {limit}/min", retry_after = 30)]
    ///     RateLimited { limit: u32 },
    /// }
    ///
    /// let sent = status(&ChatError::RateLimited { limit: 10 });
    /// let err = ErrorResponse::from_tonic(&sent);
    /// assert_eq!(err.status(), Status::TOO_MANY_REQUESTS);
    /// assert_eq!(err.error_type(), "RESOURCE_EXHAUSTED");
    /// assert_eq!(err.message(), "Limit: 10/min");
    /// assert_eq!(err.retryability(), Retryability::Throttled);
    /// assert_eq!(err.retry_after(), Some(Duration::from_secs(30)));
    /// assert_eq!(err.error_code(), Some("rate_limit_error")); // no code: the type
    /// assert_eq!(err.metadata(), [("limit".to_owned(), "10".to_owned())]);
    ///
    /// let violations = vec![FieldViolation::new("messages[1].role", "unknown role")];
    /// let err = ErrorResponse::from_tonic(&status(&ChatError::Invalid { violations }));
    /// assert_eq!(err.status(), Status::BAD_REQUEST);
    /// assert!(!err.is_retryable());
    /// assert_eq!(err.error_code(), Some("invalid_messages"));
    /// assert_eq!(err.param().as_deref(), Some("messages[1].role"));
    /// assert_eq!(err.violations()[0].description(), "unknown role");
    /// assert_eq!(err.domain(), Some("example.com"));
    ///
    /// // Any status, from any gRPC server or from tonic itself.
    /// let err = ErrorResponse::from_tonic(&tonic::Status::unavailable("tcp connect error"));
    /// assert_eq!(err.status(), Status::SERVICE_UNAVAILABLE);
    /// assert_eq!(err.retryability(), Retryability::Transient);
    /// assert_eq!(err.message(), "tcp connect error");
    /// ```
    #[must_use]
    pub fn from_tonic(status: &tonic::Status) -> ErrorResponse {
        let code = GrpcCode::from_i32(status.code() as i32)
            .filter(|&code| code != GrpcCode::Ok)
            .unwrap_or(GrpcCode::Unknown);
        let http_status = code.http_status();
        let mapped = Status::new(http_status).unwrap_or(Status::INTERNAL_SERVER_ERROR);

        // Binary metadata (`-bin`) and values that are not visible ASCII say nothing here.
        let pairs: Vec<(&str, &str)> = status
            .metadata()
            .iter()
            .filter_map(|entry| match entry {
                KeyAndValueRef::Ascii(key, value) => Some((key.as_str(), value.to_str().ok()?)),
                KeyAndValueRef::Binary(..) => None,
            })
            .collect();
        let headers = ErrorHeaders::read(&pairs, http_status, SystemTime::now());

        let rich = Some(status.details())
            .filter(|details| !details.is_empty())
            .and_then(|details| rpc::Status::decode(details).ok());
        let details = rich.as_ref().map(Details::read).unwrap_or_default();

        let mut clean = text::Cleaner::default();
        let doc_url = details
            .help_url
            .and_then(|url| clean.url(&String::from_utf8_lossy(&url)));
        let mut text = |bytes: &[u8], max: usize| clean.text(&String::from_utf8_lossy(bytes), max);
        let message = text(status.message().as_bytes(), DEFAULT_MAX_MESSAGE_BYTES).or_else(|| {
            text(
                rich.as_ref().map_or(&[][..], |rich| &rich.message),
                DEFAULT_MAX_MESSAGE_BYTES,
            )
        });
        let shape = match (&rich, &message) {
            (Some(_), _) => BodyShape::Google,
            (None, Some(_)) => BodyShape::Text,
            (None, None) => BodyShape::Empty,
        };
        let error_code = details
            .reason
            .and_then(|reason| text(&reason.to_ascii_lowercase(), MAX_FIELD_BYTES));
        let domain = details
            .domain
            .and_then(|domain| text(&domain, MAX_FIELD_BYTES));
        let lossy = |bytes| String::from_utf8_lossy(bytes);
        let metadata = clean.metadata(
            details
                .metadata
                .iter()
                .map(|(name, value)| (lossy(name), lossy(value))),
        );
        let violations = clean.violations(
            details
                .violations
                .iter()
                .map(|violation| (lossy(&violation.field), lossy(&violation.description))),
            DEFAULT_MAX_MESSAGE_BYTES,
        );
        let request_id = headers
            .request_id
            .and_then(|id| clean.text(id, MAX_FIELD_BYTES));
        let retry_after = details
            .retry_delay
            .or(headers.retry_after)
            .or(headers.rate_limit_reset);

        let inner = Fields {
            http_status,
            status: mapped,
            body_code: None,
            shape,
            error_type: Cow::Borrowed(code.as_str()),
            message: message.map_or(Cow::Borrowed(mapped.default_message()), Cow::Owned),
            param: None,
            error_code,
            violations,
            doc_url,
            domain,
            metadata,
            grpc_code: Some(code),
            request_id,
            retry_after,
            should_retry: headers.should_retry,
            truncated: clean.truncated,
        };
        ErrorResponse {
            inner: Box::new(inner),
        }
    }
}

impl From<tonic::Status> for ErrorResponse {
    /// [`ErrorResponse::from_tonic`], for `map_err(ErrorResponse::from)` and `?`.
    fn from(status: tonic::Status) -> Self {
        ErrorResponse::from_tonic(&status)
    }
}

/// What the details of a `google.rpc.Status` say, read as the JSON decoder reads
/// Google's `details`: the first `ErrorInfo`, `BadRequest` and `Help` (with a link
/// URL), the first `RetryInfo` with a valid delay. A detail that does not decode is
/// skipped. Texts as sent: [`ErrorResponse::from_tonic`] cleans and bounds them.
#[derive(Default)]
struct Details {
    reason: Option<Vec<u8>>,
    domain: Option<Vec<u8>>,
    metadata: Vec<(Vec<u8>, Vec<u8>)>,
    retry_delay: Option<Duration>,
    violations: Vec<rpc::FieldViolation>,
    help_url: Option<Vec<u8>>,
}

impl Details {
    fn read(status: &rpc::Status) -> Details {
        let mut details = Details::default();
        let (mut error_info, mut bad_request) = (false, false);
        for any in &status.details {
            let value = &any.value[..];
            if !error_info && any.is(rpc::ERROR_INFO) {
                let Ok(info) = rpc::ErrorInfo::decode(value) else {
                    continue;
                };
                error_info = true;
                details.reason = Some(info.reason);
                details.domain = Some(info.domain);
                details.metadata = info
                    .metadata
                    .into_iter()
                    .map(|entry| (entry.key, entry.value))
                    .collect();
            } else if details.retry_delay.is_none() && any.is(rpc::RETRY_INFO) {
                details.retry_delay = rpc::RetryInfo::decode(value)
                    .ok()
                    .and_then(|info| info.retry_delay)
                    .and_then(rpc::Duration::to_std);
            } else if !bad_request && any.is(rpc::BAD_REQUEST) {
                if let Ok(request) = rpc::BadRequest::decode(value) {
                    bad_request = true;
                    details.violations = request.field_violations;
                }
            } else if details.help_url.is_none() && any.is(rpc::HELP) {
                details.help_url = rpc::Help::decode(value).ok().and_then(|help| {
                    let link = help.links.into_iter().find(|link| !link.url.is_empty())?;
                    Some(link.url)
                });
            }
        }
        details
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::MAX_URL_BYTES;
    use crate::integrations::tonic::rpc::{Any, MetadataEntry};
    use crate::ApiError;

    fn received(details: Vec<Any>) -> tonic::Status {
        let rich = rpc::Status {
            code: 3,
            message: b"from the details".to_vec(),
            details,
        };
        tonic::Status::with_details(
            tonic::Code::InvalidArgument,
            "",
            rich.encode_to_vec().into(),
        )
    }

    fn info(reason: &[u8], domain: &[u8], metadata: &[(&[u8], &[u8])]) -> Any {
        let metadata = metadata
            .iter()
            .map(|(key, value)| MetadataEntry {
                key: key.to_vec(),
                value: value.to_vec(),
            })
            .collect();
        Any::pack(
            rpc::ERROR_INFO,
            &rpc::ErrorInfo {
                reason: reason.to_vec(),
                domain: domain.to_vec(),
                metadata,
            },
        )
    }

    fn link(url: &[u8]) -> rpc::Link {
        rpc::Link {
            description: b"docs".to_vec(),
            url: url.to_vec(),
        }
    }

    #[test]
    fn invalid_utf8_is_replaced_not_fatal() {
        let err = ErrorResponse::from_tonic(&received(vec![
            info(b"BAD_\xff", b"d\xffmain", &[(b"k\xfe", b"v")]),
            Any::pack(
                rpc::BAD_REQUEST,
                &rpc::BadRequest {
                    field_violations: vec![rpc::FieldViolation {
                        field: b"f\xff".to_vec(),
                        description: b"caf\xc3".to_vec(),
                    }],
                },
            ),
        ]));
        assert_eq!(err.error_code(), Some("bad_\u{fffd}"));
        assert_eq!(err.domain(), Some("d\u{fffd}main"));
        assert_eq!(err.metadata(), [("k\u{fffd}".to_owned(), "v".to_owned())]);
        assert_eq!(err.violations()[0].field(), "f\u{fffd}");
        assert_eq!(err.violations()[0].description(), "caf\u{fffd}");
        // No message in the status: the details' one.
        assert_eq!(err.message(), "from the details");
    }

    #[test]
    fn the_first_detail_of_each_type_that_reads() {
        let broken = Any {
            type_url: rpc::ERROR_INFO.as_bytes().to_vec(),
            value: vec![0x0a, 5, b'a'], // a reason cut short
        };
        let no_delay = Any::pack(rpc::RETRY_INFO, &rpc::RetryInfo { retry_delay: None });
        let negative = Any::pack(
            rpc::RETRY_INFO,
            &rpc::RetryInfo {
                retry_delay: Some(rpc::Duration {
                    seconds: -1,
                    nanos: 0,
                }),
            },
        );
        let delay = Any::pack(
            rpc::RETRY_INFO,
            &rpc::RetryInfo {
                retry_delay: Some(Duration::from_secs(3).into()),
            },
        );
        let help = |links| Any::pack(rpc::HELP, &rpc::Help { links });
        let err = ErrorResponse::from_tonic(&received(vec![
            broken,
            info(b"FIRST", b"", &[]),
            info(b"SECOND", b"", &[]),
            no_delay,
            negative,
            delay,
            help(vec![link(b""), link(b"https://a.example.com")]),
            help(vec![link(b"https://b.example.com")]),
        ]));
        assert_eq!(err.error_code(), Some("first"));
        assert_eq!(err.domain(), None); // empty is absent
        assert_eq!(err.retry_after(), Some(Duration::from_secs(3)));
        assert_eq!(err.doc_url().as_deref(), Some("https://a.example.com"));
        assert_eq!(err.shape(), BodyShape::Google);
    }

    #[test]
    fn metadata_names_are_told_apart_once_cleaned() {
        let err = ErrorResponse::from_tonic(&received(vec![info(
            b"X",
            b"",
            &[
                (b"a\n", b"1"),
                (b"a", b"2"),
                (b" ", b"blank name"),
                (b"b", b"\x00"),
            ],
        )]));
        assert_eq!(
            err.metadata(),
            [
                ("a".to_owned(), "1".to_owned()),
                ("b".to_owned(), String::new())
            ]
        );
    }

    #[test]
    fn a_link_over_the_limit_is_dropped() {
        let long = format!("https://docs.example.com/{}", "a".repeat(MAX_URL_BYTES));
        let err = ErrorResponse::from_tonic(&received(vec![Any::pack(
            rpc::HELP,
            &rpc::Help {
                links: vec![link(long.as_bytes())],
            },
        )]));
        assert_eq!(err.doc_url(), None);
        assert!(err.truncated());
    }
}

//! `ErrorResponse::from_tonic` on arbitrary statuses — any code, any
//! `grpc-retry-pushback-ms`, any message, any `grpc-status-details-bin` bytes: it
//! must never panic, what it returns must respect the documented bounds, and
//! sending it on (`integrations::tonic::status`) and decoding that again must give
//! the same error back.
#![no_main]

use dos_errors::client::{
    ErrorResponse, DEFAULT_MAX_MESSAGE_BYTES, MAX_FIELD_BYTES, MAX_METADATA_ENTRIES,
    MAX_VIOLATIONS,
};
use dos_errors::headers::{parse_grpc_retry_pushback, Pushback};
use dos_errors::integrations::tonic::{status, RETRY_PUSHBACK_MS};
use dos_errors::{ApiError, Format};
use libfuzzer_sys::fuzz_target;
use tonic::metadata::{MetadataMap, MetadataValue};

// Input layout: 1 byte code; 1 byte pushback length (255: no pushback), then the
// pushback value; 1 byte message length, then the message; then the details.
fuzz_target!(|data: &[u8]| {
    let Some((&code, rest)) = data.split_first() else {
        return;
    };
    let Some((&pushback_len, rest)) = rest.split_first() else {
        return;
    };
    let (pushback, rest) = if pushback_len == 255 {
        (None, rest)
    } else {
        let (value, rest) = rest.split_at(usize::from(pushback_len).min(rest.len()));
        (Some(String::from_utf8_lossy(value)), rest)
    };
    let Some((&message_len, rest)) = rest.split_first() else {
        return;
    };
    let (message, details) = rest.split_at(usize::from(message_len).min(rest.len()));

    let mut metadata = MetadataMap::new();
    // A value a header cannot carry never reaches a client.
    let pushback = pushback.and_then(|value| {
        let value = MetadataValue::try_from(value.as_ref()).ok()?;
        let text = value.to_str().ok()?.to_owned();
        metadata.insert(RETRY_PUSHBACK_MS, value);
        Some(text)
    });
    let received = tonic::Status::with_details_and_metadata(
        tonic::Code::from_i32(i32::from(code)),
        String::from_utf8_lossy(message),
        details.to_vec().into(),
        metadata,
    );

    let err = ErrorResponse::from_tonic(&received);
    assert!((400..=599).contains(&err.status().as_u16()));
    assert_eq!(err.http_status(), err.status().as_u16());
    assert_eq!(err.error_type(), err.grpc_code().as_str());
    let message = err.message();
    assert!(!message.is_empty());
    assert!(message.len() <= DEFAULT_MAX_MESSAGE_BYTES);
    assert!(!message.chars().any(char::is_control));
    for field in [err.error_code(), err.domain()].into_iter().flatten() {
        assert!(!field.is_empty() && field.len() <= MAX_FIELD_BYTES);
    }
    assert!(err.violations().len() <= MAX_VIOLATIONS);
    assert!(err.metadata().len() <= MAX_METADATA_ENTRIES);
    if pushback.is_some_and(|value| parse_grpc_retry_pushback(&value) == Pushback::DoNotRetry) {
        assert!(!err.is_retryable());
    }
    let _ = err.to_string();
    let google = err.to_json_as(Format::Google);
    assert!(google.starts_with(r#"{"error":{"code":"#) && google.ends_with("]}}"));

    // Sent on and decoded again: the same error.
    let again = ErrorResponse::from_tonic(&status(&err));
    assert_eq!(again.status(), err.status());
    assert_eq!(again.grpc_code(), err.grpc_code());
    assert_eq!(again.message(), err.message());
    assert_eq!(again.retryability(), err.retryability());
    assert_eq!(again.retry_after(), err.retry_after());
    let code = err.error_type().to_ascii_lowercase();
    assert_eq!(again.error_code(), Some(err.error_code().unwrap_or(&code)));
    assert_eq!(again.domain(), err.domain());
    assert_eq!(again.metadata(), err.metadata());
    assert_eq!(again.violations(), err.violations());
    assert_eq!(again.param(), err.param());
    assert_eq!(again.doc_url(), err.doc_url());
    // Written as Google's JSON, the same body — but for the description of a
    // `Help` link of an error without a reason: `UNKNOWN` the first time, the
    // reason `unknown` it was sent with the second.
    if err.error_code().is_some() || err.doc_url().is_none() {
        assert_eq!(again.to_json_as(Format::Google), google);
    }
});

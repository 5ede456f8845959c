//! The derived JSON path allocates nothing beyond the output buffer: writing into a
//! pre-reserved `Vec` allocates nothing at all, whatever the variant.

use std::time::Duration;

use counting::allocations_during;
use dos_errors::client::ErrorResponse;
use dos_errors::{ApiError, Retryability, Status};

#[path = "support/counting.rs"]
mod counting;

#[global_allocator]
static ALLOCATOR: counting::CountingAllocator = counting::CountingAllocator;

#[derive(Debug, ApiError)]
enum ChatError {
    #[api_error(status = 401)]
    InvalidKey,
    #[api_error(status = 404, message = "No such model")]
    NoSuchModel,
    #[api_error(
        status = 429,
        message = "Model {model} is limited to {limit} requests per minute"
    )]
    RateLimited {
        model: String,
        limit: u32,
        #[api_error(retry_after)]
        wait: Duration,
    },
    #[api_error(status = 400, message = "Invalid value for {param}: {detail:?}")]
    InvalidValue { param: String, detail: String },
    // Masked: the field only shows in `Debug`.
    #[api_error(status = 500)]
    #[allow(dead_code)]
    Database(String),
    #[api_error(transparent)]
    Upstream(Gateway),
}

#[derive(Debug, ApiError)]
enum Gateway {
    #[api_error(transparent)]
    Auth(AuthError),
}

#[derive(Debug, ApiError)]
enum AuthError {
    #[api_error(status = 403, message = "Key {0} may not use this model")]
    Forbidden(&'static str),
}

fn every_variant() -> Vec<ChatError> {
    vec![
        ChatError::InvalidKey,
        ChatError::NoSuchModel,
        ChatError::RateLimited {
            model: "gpt-4o-mini".into(),
            limit: 10_000,
            wait: Duration::from_secs(7),
        },
        ChatError::InvalidValue {
            param: "messages[2].content".into(),
            detail: "expected \"}\" at line 3\n  found 'é' in «température»".repeat(40),
        },
        ChatError::Database("connection refused on 10.0.0.7".into()),
        ChatError::Upstream(Gateway::Auth(AuthError::Forbidden("sk-…1234"))),
    ]
}

#[test]
fn write_json_into_a_reserved_vec_allocates_nothing() {
    let errors = every_variant();
    let expected: Vec<String> = errors.iter().map(ApiError::to_json).collect();
    let mut out = Vec::with_capacity(64 * 1024);
    let mut written = Vec::with_capacity(errors.len());
    let allocations = allocations_during(|| {
        for error in &errors {
            let start = out.len();
            error.write_json(&mut out);
            written.push(start..out.len());
        }
    });
    assert_eq!(allocations, 0);
    // The bytes are the envelopes, whole: nothing was skipped to save an allocation.
    for (range, expected) in written.into_iter().zip(expected) {
        assert_eq!(&out[range], expected.as_bytes());
    }
}

/// The most allocations a `Vec` that starts with `capacity` makes to hold `len` bytes:
/// it at least doubles each time it grows.
fn growths(capacity: usize, len: usize) -> usize {
    let mut growths = 0;
    let mut capacity = capacity;
    while capacity < len {
        capacity *= 2;
        growths += 1;
    }
    growths
}

#[test]
fn the_output_buffer_is_the_only_allocation() {
    for error in every_variant() {
        let len = error.to_json().len();
        // `to_json` allocates its 128-byte buffer, and more only to grow it.
        let allocations = allocations_during(|| drop(std::hint::black_box(error.to_json())));
        assert!(
            (1..=1 + growths(128, len)).contains(&allocations),
            "{error:?}: {allocations} allocations for {len} bytes"
        );
        if len <= 128 {
            assert_eq!(allocations, 1, "{error:?}");
        }
        // Into an empty Vec: its growth (from at least 8 bytes), nothing else.
        let mut out = Vec::new();
        let allocations = allocations_during(|| error.write_json(&mut out));
        assert!(
            (1..=1 + growths(8, len)).contains(&allocations),
            "{error:?}: {allocations} allocations for {len} bytes"
        );
    }
}

#[test]
fn constant_answers_do_not_allocate() {
    let errors = every_variant();
    let allocations = allocations_during(|| {
        for error in &errors {
            std::hint::black_box(error.status());
            std::hint::black_box(error.error_type());
            std::hint::black_box(error.retryability());
            std::hint::black_box(error.retry_after());
        }
        // Messages without placeholders are borrowed.
        for error in &errors[..2] {
            std::hint::black_box(error.message());
        }
        std::hint::black_box(errors[4].message());
    });
    assert_eq!(allocations, 0);
    assert_eq!(errors[2].status(), Status::TOO_MANY_REQUESTS);
    assert_eq!(errors[2].retryability(), Retryability::Throttled);
    assert_eq!(
        errors[4].message(),
        "An unexpected error occurred on our servers."
    );
}

#[test]
fn a_decoded_response_is_written_back_without_allocating() {
    let response = ErrorResponse::from_parts(
        429,
        &[("Retry-After", "20")],
        br#"{"error":{"message":"Rate limit exceeded: 10 requests per minute","type":"rate_limit_error","code":429}}"#,
    );
    let mut out = Vec::with_capacity(1024);
    let allocations = allocations_during(|| response.write_json(&mut out));
    assert_eq!(allocations, 0);
    assert_eq!(out, response.to_json().as_bytes());
}

#[test]
fn the_counter_counts() {
    assert_eq!(
        allocations_during(|| drop(std::hint::black_box(vec![1u8; 16]))),
        1
    );
    let mut grows = Vec::<u8>::with_capacity(1);
    assert_eq!(allocations_during(|| grows.extend_from_slice(&[0; 64])), 1);
}

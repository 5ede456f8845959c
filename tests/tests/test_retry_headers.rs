//! Server pushback beyond `Retry-After`: the rate-limit reset headers on a 429 and
//! `grpc-retry-pushback-ms`, from a decoded response to the retry decision.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use dos_errors::client::ErrorResponse;
use dos_errors::headers::{
    parse_go_duration, parse_grpc_retry_pushback, parse_ratelimit, parse_rfc3339, rate_limit_reset,
    Pushback,
};
use dos_errors::retry::{GiveUpReason, Jitter, RetryDecision, RetryPolicy};
use dos_errors::{ApiError, Retryability};
use proptest::prelude::*;

/// 2026-01-27T12:00:00Z.
fn noon() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_769_515_200)
}

fn decode(status: u16, headers: &[(&str, &str)]) -> ErrorResponse {
    ErrorResponse::from_parts_at(status, headers, b"", noon())
}

fn decode_body(status: u16, headers: &[(&str, &str)], body: &str) -> ErrorResponse {
    ErrorResponse::from_parts_at(status, headers, body.as_bytes(), noon())
}

const OPENAI_429: [(&str, &str); 6] = [
    ("x-ratelimit-limit-requests", "60"),
    ("x-ratelimit-limit-tokens", "150000"),
    ("x-ratelimit-remaining-requests", "0"),
    ("x-ratelimit-remaining-tokens", "149984"),
    ("x-ratelimit-reset-requests", "1s"),
    ("x-ratelimit-reset-tokens", "6m0s"),
];

#[test]
fn openai_reset_headers_give_the_delay_of_a_429() {
    let err = decode(429, &OPENAI_429);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(1)));
    let policy = RetryPolicy::default().jitter(Jitter::None);
    assert_eq!(
        policy.decide(0, &err),
        RetryDecision::RetryAfter(Duration::from_secs(1))
    );
}

#[test]
fn anthropic_reset_headers_are_times() {
    let headers = [
        ("anthropic-ratelimit-requests-limit", "50"),
        ("anthropic-ratelimit-requests-remaining", "49"),
        ("anthropic-ratelimit-requests-reset", "2026-01-27T12:00:01Z"),
        ("anthropic-ratelimit-input-tokens-remaining", "0"),
        (
            "anthropic-ratelimit-input-tokens-reset",
            "2026-01-27T12:00:12.5Z",
        ),
    ];
    let err = decode(429, &headers);
    assert_eq!(err.retry_after(), Some(Duration::from_millis(12_500)));
}

#[test]
fn ietf_ratelimit_gives_the_reset_of_the_policy_in_effect() {
    let err = decode(
        429,
        &[
            (
                "RateLimit-Policy",
                r#""burst";q=100;w=60,"daily";q=1000;w=86400"#,
            ),
            ("RateLimit", r#""burst";r=0;t=40, "daily";r=800;t=3600"#),
        ],
    );
    assert_eq!(err.retry_after(), Some(Duration::from_secs(40)));
    // The draft's example of a throttled response; here its Retry-After date wins.
    let err = decode(
        429,
        &[
            ("Retry-After", "Tue, 27 Jan 2026 12:00:05 GMT"),
            ("RateLimit", r#""default";r=0;t=50"#),
        ],
    );
    assert_eq!(err.retry_after(), Some(Duration::from_secs(5)));
}

#[test]
fn reset_headers_count_only_on_a_429_and_only_without_retry_after() {
    assert_eq!(decode(503, &OPENAI_429).retry_after(), None);
    assert_eq!(decode(200, &OPENAI_429).retry_after(), None);
    let mut with_ms = OPENAI_429.to_vec();
    with_ms.push(("retry-after-ms", "250"));
    assert_eq!(
        decode(429, &with_ms).retry_after(),
        Some(Duration::from_millis(250))
    );
    // Google's RetryInfo in the body is the server's own delay: it comes before the resets.
    let body = r#"{"error":{"code":429,"message":"Quota exceeded","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"3s"}]}}"#;
    assert_eq!(
        decode_body(429, &OPENAI_429, body).retry_after(),
        Some(Duration::from_secs(3))
    );
}

#[test]
fn reset_headers_are_capped_by_max_retry_after() {
    let headers = [
        ("x-ratelimit-remaining-tokens", "0"),
        ("x-ratelimit-reset-tokens", "6m0s"),
    ];
    let err = decode(429, &headers);
    assert_eq!(
        RetryPolicy::default().decide(0, &err),
        RetryDecision::GiveUp(GiveUpReason::RetryAfterTooLong {
            retry_after: Duration::from_secs(360),
            max: Duration::from_secs(120),
        })
    );
    let patient = RetryPolicy::default()
        .max_retry_after(Duration::from_secs(600))
        .jitter(Jitter::None);
    assert_eq!(
        patient.decide(0, &err).delay(),
        Some(Duration::from_secs(360))
    );
}

#[test]
fn grpc_pushback_sets_the_delay_or_forbids_the_retry() {
    let policy = RetryPolicy::default().jitter(Jitter::None);
    let pushed = decode(503, &[("grpc-retry-pushback-ms", "750")]);
    assert_eq!(pushed.retry_after(), Some(Duration::from_millis(750)));
    assert_eq!(
        policy.decide(0, &pushed),
        RetryDecision::RetryAfter(Duration::from_millis(750))
    );

    for value in ["-1", "later"] {
        let stop = decode(
            503,
            &[
                ("grpc-retry-pushback-ms", value),
                ("x-should-retry", "true"),
            ],
        );
        assert_eq!(stop.retry_after(), None);
        assert_eq!(stop.should_retry_header(), Some(false));
        assert_eq!(stop.retryability(), Retryability::Fatal);
        assert_eq!(
            policy.decide(0, &stop),
            RetryDecision::GiveUp(GiveUpReason::Fatal)
        );
    }
    // Retry-After comes first.
    let both = decode(
        503,
        &[("grpc-retry-pushback-ms", "750"), ("Retry-After", "2")],
    );
    assert_eq!(both.retry_after(), Some(Duration::from_secs(2)));
}

#[test]
fn public_parsers() {
    assert_eq!(
        parse_grpc_retry_pushback("0"),
        Pushback::RetryAfter(Duration::ZERO)
    );
    assert_eq!(parse_go_duration("2h"), Some(Duration::from_secs(7200)));
    assert_eq!(
        parse_ratelimit(r#""a";r=0;t=1,"b";r=0;t=2"#),
        Some(Duration::from_secs(2))
    );
    assert_eq!(parse_rfc3339("2026-01-27T12:00:00Z"), Some(noon()));
    // A reset already past is now; no reset header at all is nothing.
    let past = [("anthropic-ratelimit-tokens-reset", "2026-01-27T11:00:00Z")];
    assert_eq!(rate_limit_reset(&past, noon()), Some(Duration::ZERO));
    assert_eq!(
        rate_limit_reset(&[("content-type", "text/plain")], noon()),
        None
    );
}

proptest! {
    #[test]
    fn header_parsers_never_panic(value in any::<String>(), name in any::<String>(), secs: u32) {
        let now = UNIX_EPOCH + Duration::from_secs(u64::from(secs));
        let _ = parse_go_duration(&value);
        let _ = parse_ratelimit(&value);
        let _ = parse_rfc3339(&value);
        let _ = parse_grpc_retry_pushback(&value);
        let headers = [
            (name.as_str(), value.as_str()),
            ("ratelimit", value.as_str()),
            ("x-ratelimit-reset-requests", value.as_str()),
            ("anthropic-ratelimit-requests-reset", value.as_str()),
        ];
        let _ = rate_limit_reset(&headers, now);
        let _ = ErrorResponse::from_parts_at(429, &headers, b"", now);
    }

    #[test]
    fn go_durations_round_trip(hours in 0u64..1000, minutes in 0u64..60, millis in 0u64..60_000) {
        let text = format!("{hours}h{minutes}m{}.{:03}s", millis / 1000, millis % 1000);
        let expected = Duration::from_secs(hours * 3600 + minutes * 60) + Duration::from_millis(millis);
        prop_assert_eq!(parse_go_duration(&text), Some(expected));
        prop_assert_eq!(parse_go_duration(&format!("{}ms", expected.as_millis())), Some(expected));
    }

    #[test]
    fn ratelimit_t_round_trips(t in 0u64..1_000_000_000_000, r in 0u64..1000) {
        let value = format!(r#""p";r={r};t={t};pk=:YWJj:"#);
        prop_assert_eq!(parse_ratelimit(&value), Some(Duration::from_secs(t)));
    }
}

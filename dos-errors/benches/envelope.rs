//! Runtime cost of the derived JSON error path against hand-written baselines.
//!
//! Every case writes one envelope into the same reused, pre-reserved `Vec` and is
//! measured next to two baselines in the same run:
//! - `serde`: a hand-written `#[derive(Serialize)]` envelope borrowing `&str` fields,
//!   written with `serde_json::to_writer` (interpolated messages are `format!`ted first);
//! - `format`: a hand-written `format!`-based writer with its own JSON escaping.
//!
//! Case 1 also has `limit`: one `extend_from_slice` of the same final bytes, the
//! physical limit. Case 5 decodes a 429 response (`ErrorResponse::from_parts`, against
//! serde into a borrowing struct and into a `serde_json::Value`) and times
//! `RetryPolicy::decide` on it.
//!
//! Case 6 writes every `Format` (`ApiError::write_as`) of a static and of an
//! interpolated error that declare a code, docs, a domain and a retry delay, each
//! against a hand-written serde rendering of the same body.
//!
//! `cargo bench -p dos-errors --bench envelope` runs criterion. The numbers in
//! BENCHMARKS.md come from `cargo bench -p dos-errors --bench envelope -- --ratios`:
//! all contenders round-robin in one process, medians and medians of ratios.

use std::fmt::{self, Write as _};
use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, Criterion};
use dos_errors::client::ErrorResponse;
use dos_errors::retry::RetryPolicy;
use dos_errors::{ApiError, Format};
use serde::{Deserialize, Serialize};

#[path = "support/interleaved.rs"]
mod support;

#[derive(Debug, Clone, ApiError)]
enum ChatError {
    /// Case 1: a static message (the status's default).
    #[api_error(status = 401)]
    InvalidKey,
    /// Case 2: a string and a number interpolated.
    #[api_error(
        status = 429,
        message = "Model {model} is limited to {limit} requests per minute"
    )]
    RateLimited { model: String, limit: u32 },
    /// Case 3: interpolated text that needs escaping.
    #[api_error(status = 400, message = "Invalid value for {param}: {detail}")]
    InvalidValue { param: String, detail: String },
    /// Case 4: two levels of `transparent` down to a static 401.
    #[api_error(transparent)]
    Upstream(Gateway),
}

#[derive(Debug, Clone, ApiError)]
enum Gateway {
    #[api_error(transparent)]
    Auth(AuthError),
    #[api_error(status = 502)]
    #[allow(dead_code)]
    Unreachable,
}

#[derive(Debug, Clone, ApiError)]
enum AuthError {
    #[api_error(status = 401)]
    InvalidKey,
    #[api_error(status = 403, message = "Key {0} may not use this model")]
    #[allow(dead_code)]
    Forbidden(String),
}

const INVALID_KEY_MESSAGE: &str = "The API key is missing, invalid, or has been revoked.";
const INVALID_KEY_TYPE: &str = "authentication_error";
const DETAIL: &str = "expected \"}\" at line 3\n  found 'é' (U+00E9) in «température»";

fn case_errors() -> [(&'static str, ChatError); 4] {
    [
        ("case1_static", ChatError::InvalidKey),
        (
            "case2_interpolated",
            ChatError::RateLimited {
                model: "gpt-4o-mini".into(),
                limit: 10_000,
            },
        ),
        (
            "case3_escaped",
            ChatError::InvalidValue {
                param: "messages[2].content".into(),
                detail: DETAIL.into(),
            },
        ),
        (
            "case4_transparent",
            ChatError::Upstream(Gateway::Auth(AuthError::InvalidKey)),
        ),
    ]
}

// ---- baseline (a): serde ---------------------------------------------------------

#[derive(Serialize)]
struct Envelope<'a> {
    error: Body<'a>,
}

#[derive(Serialize)]
struct Body<'a> {
    message: &'a str,
    #[serde(rename = "type")]
    error_type: &'a str,
    code: u16,
}

/// What a hand-written error type answers: the message (`format!`ted when it
/// interpolates), the type and the code, through a hand-written match.
fn parts(error: &ChatError) -> (std::borrow::Cow<'static, str>, &'static str, u16) {
    match error {
        ChatError::InvalidKey => (INVALID_KEY_MESSAGE.into(), INVALID_KEY_TYPE, 401),
        ChatError::RateLimited { model, limit } => (
            format!("Model {model} is limited to {limit} requests per minute").into(),
            "rate_limit_error",
            429,
        ),
        ChatError::InvalidValue { param, detail } => (
            format!("Invalid value for {param}: {detail}").into(),
            "invalid_request_error",
            400,
        ),
        ChatError::Upstream(gateway) => match gateway {
            Gateway::Auth(auth) => match auth {
                AuthError::InvalidKey => (INVALID_KEY_MESSAGE.into(), INVALID_KEY_TYPE, 401),
                AuthError::Forbidden(key) => (
                    format!("Key {key} may not use this model").into(),
                    "permission_error",
                    403,
                ),
            },
            Gateway::Unreachable => ("Bad Gateway.".into(), "bad_gateway_error", 502),
        },
    }
}

fn write_serde(out: &mut Vec<u8>, error: &ChatError) {
    let (message, error_type, code) = parts(error);
    let envelope = Envelope {
        error: Body {
            message: &message,
            error_type,
            code,
        },
    };
    serde_json::to_writer(out, &envelope).unwrap();
}

// ---- baseline (b): format! --------------------------------------------------------

/// JSON string escaping as one writes it by hand.
struct Escaped<'a>(&'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            match c {
                '"' => f.write_str("\\\"")?,
                '\\' => f.write_str("\\\\")?,
                '\n' => f.write_str("\\n")?,
                '\r' => f.write_str("\\r")?,
                '\t' => f.write_str("\\t")?,
                '\u{08}' => f.write_str("\\b")?,
                '\u{0C}' => f.write_str("\\f")?,
                c if c < ' ' => write!(f, "\\u{:04x}", c as u32)?,
                c => f.write_char(c)?,
            }
        }
        Ok(())
    }
}

fn write_format(out: &mut Vec<u8>, error: &ChatError) {
    let (message, error_type, code) = parts(error);
    let json = format!(
        r#"{{"error":{{"message":"{}","type":"{}","code":{}}}}}"#,
        Escaped(&message),
        Escaped(error_type),
        code
    );
    out.extend_from_slice(json.as_bytes());
}

// ---- case 5: decoding a response, deciding a retry ---------------------------------

const RESPONSE_STATUS: u16 = 429;
const RESPONSE_HEADERS: &[(&str, &str)] = &[
    ("content-type", "application/json"),
    ("x-request-id", "req_8f2c7d"),
    ("Retry-After", "20"),
];
const RESPONSE_BODY: &[u8] = br#"{"error":{"message":"Rate limit exceeded: 10 requests per minute","type":"rate_limit_error","code":429}}"#;

fn decode() -> ErrorResponse {
    ErrorResponse::from_parts(
        black_box(RESPONSE_STATUS),
        black_box(RESPONSE_HEADERS),
        black_box(RESPONSE_BODY),
    )
}

#[derive(Deserialize)]
struct Decoded<'a> {
    #[serde(borrow)]
    error: DecodedBody<'a>,
}

#[derive(Deserialize)]
struct DecodedBody<'a> {
    message: &'a str,
    #[serde(rename = "type")]
    error_type: &'a str,
    code: u16,
}

/// Baseline (a) for decoding: a borrowing `#[derive(Deserialize)]` struct and the
/// `Retry-After` seconds parsed by hand.
fn decode_serde() -> Option<(Decoded<'static>, Option<u64>)> {
    let decoded: Decoded = serde_json::from_slice(black_box(RESPONSE_BODY)).ok()?;
    let retry_after = black_box(RESPONSE_HEADERS)
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("retry-after"))
        .and_then(|(_, value)| value.trim().parse().ok());
    Some((decoded, retry_after))
}

/// Baseline (b) for decoding: an untyped `serde_json::Value` and the same header parsing.
fn decode_value() -> Option<(serde_json::Value, Option<u64>)> {
    let value: serde_json::Value = serde_json::from_slice(black_box(RESPONSE_BODY)).ok()?;
    let retry_after = black_box(RESPONSE_HEADERS)
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("retry-after"))
        .and_then(|(_, value)| value.trim().parse().ok());
    Some((value, retry_after))
}

// ---- case 6: every format --------------------------------------------------------

#[derive(Debug, Clone, ApiError)]
#[api_error(docs = "https://docs.example.com/errors", domain = "example.com")]
enum FormatError {
    /// Static: the status's default message, a code.
    #[api_error(status = 401, code = "invalid_api_key")]
    InvalidKey,
    /// Interpolated: a string and a number, a code, a retry delay.
    #[api_error(
        status = 429,
        code = "rate_limit_exceeded",
        message = "Model {model} is limited to {limit} requests per minute"
    )]
    RateLimited {
        model: String,
        limit: u32,
        #[api_error(retry_after)]
        wait: Duration,
    },
}

fn format_cases() -> [(&'static str, FormatError); 2] {
    [
        ("static", FormatError::InvalidKey),
        (
            "interpolated",
            FormatError::RateLimited {
                model: "gpt-4o-mini".into(),
                limit: 10_000,
                wait: Duration::from_secs(20),
            },
        ),
    ]
}

/// What a hand-written error type answers for a body in any format: constants from
/// a hand-written match, the message `format!`ted, the metadata and the delay
/// turned into strings.
struct FormatParts {
    status: u16,
    error_type: &'static str,
    message: std::borrow::Cow<'static, str>,
    code: &'static str,
    reason: &'static str,
    doc_url: &'static str,
    help: &'static str,
    grpc: &'static str,
    title: &'static str,
    metadata: Vec<(&'static str, String)>,
    retry_delay: Option<String>,
}

fn format_parts(error: &FormatError) -> FormatParts {
    match error {
        FormatError::InvalidKey => FormatParts {
            status: 401,
            error_type: INVALID_KEY_TYPE,
            message: INVALID_KEY_MESSAGE.into(),
            code: "invalid_api_key",
            reason: "INVALID_API_KEY",
            doc_url: "https://docs.example.com/errors#invalid_api_key",
            help: "Documentation of invalid_api_key",
            grpc: "UNAUTHENTICATED",
            title: "Unauthorized",
            metadata: Vec::new(),
            retry_delay: None,
        },
        FormatError::RateLimited { model, limit, wait } => FormatParts {
            status: 429,
            error_type: "rate_limit_error",
            message: format!("Model {model} is limited to {limit} requests per minute").into(),
            code: "rate_limit_exceeded",
            reason: "RATE_LIMIT_EXCEEDED",
            doc_url: "https://docs.example.com/errors#rate_limit_exceeded",
            help: "Documentation of rate_limit_exceeded",
            grpc: "RESOURCE_EXHAUSTED",
            title: "Too Many Requests",
            metadata: vec![("model", model.clone()), ("limit", limit.to_string())],
            retry_delay: Some(format!("{}s", wait.as_secs())),
        },
    }
}

mod shapes {
    use serde::ser::SerializeMap;
    use serde::{Serialize, Serializer};

    #[derive(Serialize)]
    pub struct OpenAi<'a> {
        pub error: OpenAiBody<'a>,
    }

    #[derive(Serialize)]
    pub struct OpenAiBody<'a> {
        pub message: &'a str,
        #[serde(rename = "type")]
        pub kind: &'a str,
        pub param: Option<&'a str>,
        pub code: Option<&'a str>,
    }

    #[derive(Serialize)]
    pub struct Anthropic<'a> {
        #[serde(rename = "type")]
        pub kind: &'a str,
        pub error: AnthropicBody<'a>,
    }

    #[derive(Serialize)]
    pub struct AnthropicBody<'a> {
        #[serde(rename = "type")]
        pub kind: &'a str,
        pub message: &'a str,
    }

    #[derive(Serialize)]
    pub struct Problem<'a> {
        #[serde(rename = "type")]
        pub kind: &'a str,
        pub title: &'a str,
        pub status: u16,
        pub detail: &'a str,
        pub error_type: &'a str,
        pub error_code: &'a str,
    }

    #[derive(Serialize)]
    pub struct Google<'a> {
        pub error: GoogleBody<'a>,
    }

    #[derive(Serialize)]
    pub struct GoogleBody<'a> {
        pub code: u16,
        pub message: &'a str,
        pub status: &'a str,
        pub details: Vec<Detail<'a>>,
    }

    #[derive(Serialize)]
    #[serde(untagged)]
    pub enum Detail<'a> {
        ErrorInfo {
            #[serde(rename = "@type")]
            kind: &'a str,
            reason: &'a str,
            domain: &'a str,
            #[serde(skip_serializing_if = "Metadata::is_empty")]
            metadata: Metadata<'a>,
        },
        RetryInfo {
            #[serde(rename = "@type")]
            kind: &'a str,
            #[serde(rename = "retryDelay")]
            retry_delay: &'a str,
        },
        Help {
            #[serde(rename = "@type")]
            kind: &'a str,
            links: [Link<'a>; 1],
        },
    }

    #[derive(Serialize)]
    pub struct Link<'a> {
        pub description: &'a str,
        pub url: &'a str,
    }

    /// Metadata in the order of the message's placeholders.
    pub struct Metadata<'a>(pub &'a [(&'static str, String)]);

    impl Metadata<'_> {
        fn is_empty(&self) -> bool {
            self.0.is_empty()
        }
    }

    impl Serialize for Metadata<'_> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut map = serializer.serialize_map(Some(self.0.len()))?;
            for (name, value) in self.0 {
                map.serialize_entry(name, value)?;
            }
            map.end()
        }
    }
}

/// Baseline: the same body as `format`, written by serde from hand-written parts.
fn write_serde_format(out: &mut Vec<u8>, error: &FormatError, format: Format) {
    let parts = format_parts(error);
    let result = match format {
        Format::Envelope => serde_json::to_writer(
            out,
            &Envelope {
                error: Body {
                    message: &parts.message,
                    error_type: parts.error_type,
                    code: parts.status,
                },
            },
        ),
        Format::OpenAi => serde_json::to_writer(
            out,
            &shapes::OpenAi {
                error: shapes::OpenAiBody {
                    message: &parts.message,
                    kind: parts.error_type,
                    param: None,
                    code: Some(parts.code),
                },
            },
        ),
        Format::Anthropic => serde_json::to_writer(
            out,
            &shapes::Anthropic {
                kind: "error",
                error: shapes::AnthropicBody {
                    kind: parts.error_type,
                    message: &parts.message,
                },
            },
        ),
        Format::Problem => serde_json::to_writer(
            out,
            &shapes::Problem {
                kind: parts.doc_url,
                title: parts.title,
                status: parts.status,
                detail: &parts.message,
                error_type: parts.error_type,
                error_code: parts.code,
            },
        ),
        Format::Google => {
            let mut details = vec![shapes::Detail::ErrorInfo {
                kind: "type.googleapis.com/google.rpc.ErrorInfo",
                reason: parts.reason,
                domain: "example.com",
                metadata: shapes::Metadata(&parts.metadata),
            }];
            if let Some(delay) = &parts.retry_delay {
                details.push(shapes::Detail::RetryInfo {
                    kind: "type.googleapis.com/google.rpc.RetryInfo",
                    retry_delay: delay,
                });
            }
            details.push(shapes::Detail::Help {
                kind: "type.googleapis.com/google.rpc.Help",
                links: [shapes::Link {
                    description: parts.help,
                    url: parts.doc_url,
                }],
            });
            serde_json::to_writer(
                out,
                &shapes::Google {
                    error: shapes::GoogleBody {
                        code: parts.status,
                        message: &parts.message,
                        status: parts.grpc,
                        details,
                    },
                },
            )
        }
    };
    result.unwrap();
}

// ---- the benchmarks ----------------------------------------------------------------

fn envelopes(c: &mut Criterion) {
    let mut out: Vec<u8> = Vec::with_capacity(512);
    for (case, error) in case_errors() {
        // All three writers must produce the same bytes.
        let expected = error.to_json().into_bytes();
        for write in [write_serde, write_format] {
            out.clear();
            write(&mut out, &error);
            assert_eq!(out, expected, "{case}");
        }

        let mut group = c.benchmark_group(case);
        group.bench_function("derive", |b| {
            b.iter(|| {
                out.clear();
                black_box(&error).write_json(&mut out);
                black_box(&out);
            });
        });
        group.bench_function("serde", |b| {
            b.iter(|| {
                out.clear();
                write_serde(&mut out, black_box(&error));
                black_box(&out);
            });
        });
        group.bench_function("format", |b| {
            b.iter(|| {
                out.clear();
                write_format(&mut out, black_box(&error));
                black_box(&out);
            });
        });
        if case == "case1_static" {
            group.bench_function("limit", |b| {
                b.iter(|| {
                    out.clear();
                    out.extend_from_slice(black_box(expected.as_slice()));
                    black_box(&out);
                });
            });
        }
        group.finish();
    }
}

fn client(c: &mut Criterion) {
    let response = decode();
    assert_eq!(response.retry_after(), Some(Duration::from_secs(20)));
    // The baselines decode the same thing.
    let (decoded, retry_after) = decode_serde().unwrap();
    let DecodedBody {
        message,
        error_type,
        code,
    } = decoded.error;
    assert_eq!(
        (message, error_type, code, retry_after),
        (&*response.message(), response.error_type(), 429, Some(20))
    );
    let policy = RetryPolicy::default();
    let mut group = c.benchmark_group("case5_client");
    group.bench_function("from_parts", |b| b.iter(decode));
    group.bench_function("serde", |b| b.iter(decode_serde));
    group.bench_function("value", |b| b.iter(decode_value));
    group.bench_function("decide", |b| {
        b.iter(|| policy.decide(black_box(0), black_box(&response)));
    });
    group.finish();
}

fn formats(c: &mut Criterion) {
    let mut out: Vec<u8> = Vec::with_capacity(1024);
    for (case, error) in format_cases() {
        for format in Format::ALL {
            // Both writers must produce the same bytes.
            let expected = error.to_json_as(format).into_bytes();
            out.clear();
            write_serde_format(&mut out, &error, format);
            assert_eq!(out, expected, "{case} in {format}");

            let mut group = c.benchmark_group(format!("case6_{format}_{case}"));
            group.bench_function("derive", |b| {
                b.iter(|| {
                    out.clear();
                    black_box(&error).write_as(black_box(format), &mut out);
                    black_box(&out);
                });
            });
            group.bench_function("serde", |b| {
                b.iter(|| {
                    out.clear();
                    write_serde_format(&mut out, black_box(&error), black_box(format));
                    black_box(&out);
                });
            });
            group.finish();
        }
    }
}

criterion_group!(benches, envelopes, client, formats);

fn main() {
    if std::env::args().any(|arg| arg == "--ratios") {
        interleaved::run();
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}

/// `-- --ratios`: every contender measured round-robin in the same process, so load
/// from other processes hits all of them alike; prints medians and the median of
/// the per-round ratios, the numbers BENCHMARKS.md records.
mod interleaved {
    use super::*;
    use crate::support::{find, measure, median, ratio, sampler, Contender, Sample};

    /// One way of writing an envelope.
    type Writer = fn(&mut Vec<u8>, &ChatError);

    /// A sample of `iterations` calls of `write` into one reused buffer.
    fn writer(error: ChatError, write: Writer) -> Sample {
        let mut out: Vec<u8> = Vec::with_capacity(512);
        sampler(move || {
            out.clear();
            write(&mut out, black_box(&error));
            black_box(out.len())
        })
    }

    fn write_derive(out: &mut Vec<u8>, error: &ChatError) {
        error.write_json(out);
    }

    const ROUNDS: usize = 3000;
    const SAMPLE_TARGET: Duration = Duration::from_micros(20);

    pub fn run() {
        let mut contenders = Vec::new();
        for (case, error) in case_errors() {
            let expected = error.to_json().into_bytes();
            let writers: [(&str, Writer); 3] = [
                ("derive", write_derive),
                ("serde", write_serde),
                ("format", write_format),
            ];
            for (name, write) in writers {
                contenders.push((case, name, writer(error.clone(), write)));
            }
            if case == "case1_static" {
                let mut out: Vec<u8> = Vec::with_capacity(512);
                let limit = sampler(move || {
                    out.clear();
                    out.extend_from_slice(black_box(expected.as_slice()));
                    black_box(out.len())
                });
                contenders.push((case, "limit", limit));
            }
        }
        for (case, error) in format_cases() {
            for format in Format::ALL {
                let expected = error.to_json_as(format).into_bytes();
                let mut check = Vec::new();
                write_serde_format(&mut check, &error, format);
                assert_eq!(check, expected, "{case} in {format}");
                let name: &'static str =
                    Box::leak(format!("case6_{format}_{case}").into_boxed_str());
                let (derive_error, serde_error) = (error.clone(), error.clone());
                let mut out: Vec<u8> = Vec::with_capacity(1024);
                contenders.push((
                    name,
                    "derive",
                    sampler(move || {
                        out.clear();
                        black_box(&derive_error).write_as(black_box(format), &mut out);
                        black_box(out.len())
                    }),
                ));
                let mut out: Vec<u8> = Vec::with_capacity(1024);
                contenders.push((
                    name,
                    "serde",
                    sampler(move || {
                        out.clear();
                        write_serde_format(&mut out, black_box(&serde_error), black_box(format));
                        black_box(out.len())
                    }),
                ));
            }
        }
        let response = decode();
        let policy = RetryPolicy::default();
        contenders.push(("case5_client", "from_parts", sampler(decode)));
        contenders.push(("case5_client", "serde", sampler(decode_serde)));
        contenders.push(("case5_client", "value", sampler(decode_value)));
        contenders.push((
            "case5_client",
            "decide",
            sampler(move || policy.decide(black_box(0), black_box(&response))),
        ));
        let contenders = measure(contenders, ROUNDS, SAMPLE_TARGET);
        report(&contenders);
    }

    fn report(contenders: &[Contender]) {
        println!("{ROUNDS} interleaved rounds; ns per envelope (median); ratios are medians of per-round ratios\n");
        println!("| case | derive | serde (a) | format (b) | derive/serde | derive/format |");
        println!("|---|---:|---:|---:|---:|---:|");
        for (case, _) in case_errors() {
            let [derive, serde, format] =
                ["derive", "serde", "format"].map(|name| find(contenders, case, name));
            let medians = [derive, serde, format].map(|c| median(&c.nanos));
            println!(
                "| {case} | {:.1} | {:.1} | {:.1} | {:.3} | {:.3} |",
                medians[0],
                medians[1],
                medians[2],
                ratio(derive, serde),
                ratio(derive, format)
            );
        }
        let case1 = find(contenders, "case1_static", "derive");
        let limit = find(contenders, "case1_static", "limit");
        let case4 = find(contenders, "case4_transparent", "derive");
        println!();
        println!("| comparison | ratio |");
        println!("|---|---:|");
        println!(
            "| limit: one extend_from_slice (ns) | {:.2} |",
            median(&limit.nanos)
        );
        println!("| case 1 / limit | {:.3} |", ratio(case1, limit));
        println!("| case 4 / case 1 | {:.3} |", ratio(case4, case1));

        let [from_parts, serde, value, decide] = ["from_parts", "serde", "value", "decide"]
            .map(|name| find(contenders, "case5_client", name));
        let medians = [from_parts, serde, value, decide].map(|c| median(&c.nanos));
        println!();
        println!("| case 5 | from_parts | serde struct (a) | serde Value (b) | from_parts/serde | from_parts/Value | decide |");
        println!("|---|---:|---:|---:|---:|---:|---:|");
        println!(
            "| 429 envelope + Retry-After | {:.1} | {:.1} | {:.1} | {:.3} | {:.3} | {:.1} |",
            medians[0],
            medians[1],
            medians[2],
            ratio(from_parts, serde),
            ratio(from_parts, value),
            medians[3]
        );

        println!();
        println!("| case 6: format | message | derive | serde (a) | derive/serde | target |");
        println!("|---|---|---:|---:|---:|---|");
        for format in Format::ALL {
            for (case, _) in format_cases() {
                let name = format!("case6_{format}_{case}");
                let [derive, serde] = ["derive", "serde"].map(|who| find(contenders, &name, who));
                let medians = [derive, serde].map(|c| median(&c.nanos));
                let ratio = ratio(derive, serde);
                let target = if case == "static" { 0.15 } else { 0.35 };
                let verdict = if ratio <= target { "met" } else { "MISSED" };
                println!(
                    "| {format} | {case} | {:.1} | {:.1} | {ratio:.3} | ≤ {target} — {verdict} |",
                    medians[0], medians[1]
                );
            }
        }
    }
}

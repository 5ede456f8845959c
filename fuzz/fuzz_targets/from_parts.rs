//! `ErrorResponse::from_parts` on arbitrary input: it must never panic, and what it
//! returns must respect the documented bounds.
#![no_main]

use std::time::{Duration, UNIX_EPOCH};

use dos_errors::client::{ErrorResponse, DEFAULT_MAX_MESSAGE_BYTES, MAX_FIELD_BYTES};
use dos_errors::ApiError;
use libfuzzer_sys::fuzz_target;

// Input layout: 2 bytes status, 8 bytes clock, 1 byte header count, then
// `count` headers of `name \n value \n`, then the body.
fuzz_target!(|data: &[u8]| {
    let Some((head, rest)) = data.split_first_chunk::<11>() else {
        return;
    };
    let status = u16::from_le_bytes([head[0], head[1]]);
    let mut clock = [0u8; 8];
    clock.copy_from_slice(&head[2..10]);
    let now = UNIX_EPOCH
        .checked_add(Duration::from_secs(u64::from_le_bytes(clock) >> 20))
        .unwrap_or(UNIX_EPOCH);

    let count = usize::from(head[10] % 8);
    let mut lines = rest.splitn(count * 2 + 1, |&b| b == b'\n');
    let mut owned = Vec::with_capacity(count);
    // Exactly `count` pairs: what follows them is the body (never read as a header name).
    for _ in 0..count {
        let (Some(name), Some(value)) = (lines.next(), lines.next()) else {
            break;
        };
        owned.push((
            String::from_utf8_lossy(name),
            String::from_utf8_lossy(value),
        ));
    }
    let body = lines.next().unwrap_or_default();
    let headers: Vec<(&str, &str)> = owned
        .iter()
        .map(|(n, v)| (n.as_ref(), v.as_ref()))
        .collect();

    let err = ErrorResponse::from_parts_at(status, &headers, body, now);
    let message = err.message();
    assert!(!message.is_empty());
    assert!(message.len() <= DEFAULT_MAX_MESSAGE_BYTES);
    assert!(!message.chars().any(char::is_control));
    assert!(
        err.error_type().len() <= MAX_FIELD_BYTES
            || err.error_type() == err.status().default_type()
    );
    assert!((400..=599).contains(&err.status().as_u16()));
    assert_eq!(err.http_status(), status);
    let _ = err.to_string();
    let json = err.to_json();
    assert!(serde_json_is_valid(&json));

    let small = ErrorResponse::decoder()
        .max_body_bytes(usize::from(head[10]))
        .max_message_bytes(usize::from(head[0]));
    let err = small.decode_at(status, &headers, body, now);
    assert!(
        err.message().len() <= usize::from(head[0])
            || err.message() == err.status().default_message()
    );
});

fn serde_json_is_valid(json: &str) -> bool {
    // Avoid a serde_json dependency here: the envelope starts and ends as documented.
    json.starts_with(r#"{"error":{"message":""#) && json.ends_with("}}")
}

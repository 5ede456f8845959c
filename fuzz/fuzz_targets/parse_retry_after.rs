//! `parse_retry_after` / `parse_retry_after_ms` / `parse_http_date` on arbitrary
//! strings and clocks: never a panic, and a date never yields a negative wait.
#![no_main]

use std::time::{Duration, UNIX_EPOCH};

use dos_errors::retry::{parse_http_date, parse_retry_after, parse_retry_after_ms};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((clock, rest)) = data.split_first_chunk::<8>() else {
        return;
    };
    let now = UNIX_EPOCH
        .checked_add(Duration::from_secs(u64::from_le_bytes(*clock) >> 20))
        .unwrap_or(UNIX_EPOCH);
    let Ok(value) = std::str::from_utf8(rest) else {
        return;
    };
    let delay = parse_retry_after(value, now);
    if let Some(date) = parse_http_date(value, now) {
        // A valid date is a valid Retry-After, measured from `now`.
        assert_eq!(
            delay,
            Some(date.duration_since(now).unwrap_or(Duration::ZERO))
        );
    }
    let _ = parse_retry_after_ms(value);
});

//! Rate-limit reset headers: how long until the limit that refused a request has quota again.
//!
//! Three families are read, all reduced to limits with a reset delay and, when the
//! server says it, the quota remaining:
//!
//! - IETF `RateLimit` (draft-ietf-httpapi-ratelimit-headers-07 and later): a list of
//!   service-limit items, `"default";r=0;t=30`, one per quota policy; the older
//!   drafts' dictionary `limit=10, remaining=0, reset=30` in the same field, and their
//!   separate `RateLimit-Reset` / `RateLimit-Remaining` fields;
//! - OpenAI's `x-ratelimit-reset-<kind>` (a Go duration: `1s`, `6m0s`, `450ms`) with
//!   `x-ratelimit-remaining-<kind>` (`requests`, `tokens`);
//! - Anthropic's `anthropic-ratelimit-<kind>-reset` (an RFC 3339 time) with
//!   `anthropic-ratelimit-<kind>-remaining` (`requests`, `tokens`, `input-tokens`, `output-tokens`).
//!
//! Nothing here allocates: headers are collected into fixed arrays (the extra ones
//! are ignored) and parsed when the reset is asked for.

use std::time::{Duration, SystemTime};

use super::http_date::parse_rfc3339;
use super::parse_retry_after;

/// Limits remembered per response; more are ignored (real APIs send two to four).
const MAX_LIMITS: usize = 12;
/// `RateLimit` field lines remembered per response.
const MAX_FIELDS: usize = 4;

/// Which header family a limit came from: it fixes the format of its reset value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    /// `RateLimit-Reset`: delay-seconds (or an HTTP-date).
    Ietf,
    /// `x-ratelimit-reset-*`: a Go duration.
    OpenAi,
    /// `anthropic-ratelimit-*-reset`: an RFC 3339 time.
    Anthropic,
}

/// One limit named by separate reset and remaining headers, paired by kind.
#[derive(Debug, Clone, Copy)]
struct Limit<'a> {
    family: Family,
    kind: &'a str,
    reset: Option<&'a str>,
    remaining: Option<&'a str>,
}

/// The rate-limit headers of one response, collected by [`offer`](Self::offer).
#[derive(Debug, Clone, Copy)]
pub(crate) struct RateLimitHeaders<'a> {
    limits: [Option<Limit<'a>>; MAX_LIMITS],
    fields: [&'a str; MAX_FIELDS],
    field_count: usize,
}

impl Default for RateLimitHeaders<'_> {
    fn default() -> Self {
        RateLimitHeaders {
            limits: [None; MAX_LIMITS],
            fields: [""; MAX_FIELDS],
            field_count: 0,
        }
    }
}

/// What a header name says about a limit.
enum Part {
    Reset,
    Remaining,
}

impl<'a> RateLimitHeaders<'a> {
    /// Remembers the header if it is a rate-limit header; `false` when it is not one.
    pub(crate) fn offer(&mut self, name: &'a str, value: &'a str) -> bool {
        if name.eq_ignore_ascii_case("ratelimit") {
            if let Some(slot) = self.fields.get_mut(self.field_count) {
                *slot = value;
                self.field_count += 1;
            }
            return true;
        }
        let Some((family, kind, part)) = classify(name) else {
            return false;
        };
        let same =
            |limit: &Limit<'_>| limit.family == family && limit.kind.eq_ignore_ascii_case(kind);
        let index = self
            .limits
            .iter()
            .position(|slot| slot.as_ref().is_some_and(same))
            .or_else(|| self.limits.iter().position(Option::is_none));
        if let Some(slot) = index.and_then(|i| self.limits.get_mut(i)) {
            let limit = slot.get_or_insert(Limit {
                family,
                kind,
                reset: None,
                remaining: None,
            });
            // The first value of each header wins, as for the other headers.
            match part {
                Part::Reset => limit.reset = limit.reset.or(Some(value)),
                Part::Remaining => limit.remaining = limit.remaining.or(Some(value)),
            }
        }
        true
    }

    /// The delay until the limits that refused the request have quota again.
    ///
    /// The limits that say they are exhausted (remaining 0) are the ones in effect;
    /// when none says so, all limits are. Of those, the latest reset wins: the
    /// request needs every one of them. `None` when no limit has a valid reset.
    pub(crate) fn reset(&self, now: SystemTime) -> Option<Duration> {
        let mut latest = Latest::default();
        for field in &self.fields[..self.field_count] {
            ratelimit_field(field, &mut latest);
        }
        for limit in self.limits.iter().flatten() {
            let Some(reset) = limit
                .reset
                .and_then(|value| parse_reset(limit.family, value, now))
            else {
                continue;
            };
            let remaining = limit.remaining.and_then(parse_count);
            latest.add(reset, remaining);
        }
        latest.result()
    }
}

/// `(family, kind, part)` of a separate reset or remaining header.
fn classify(name: &str) -> Option<(Family, &str, Part)> {
    if name.eq_ignore_ascii_case("ratelimit-reset") {
        return Some((Family::Ietf, "", Part::Reset));
    }
    if name.eq_ignore_ascii_case("ratelimit-remaining") {
        return Some((Family::Ietf, "", Part::Remaining));
    }
    if let Some(kind) = strip_prefix_ignore_case(name, "x-ratelimit-reset-") {
        return Some((Family::OpenAi, kind, Part::Reset));
    }
    if let Some(kind) = strip_prefix_ignore_case(name, "x-ratelimit-remaining-") {
        return Some((Family::OpenAi, kind, Part::Remaining));
    }
    let rest = strip_prefix_ignore_case(name, "anthropic-ratelimit-")?;
    if let Some(kind) = strip_suffix_ignore_case(rest, "-reset") {
        return Some((Family::Anthropic, kind, Part::Reset));
    }
    let kind = strip_suffix_ignore_case(rest, "-remaining")?;
    Some((Family::Anthropic, kind, Part::Remaining))
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
        .filter(|rest| !rest.is_empty())
}

fn strip_suffix_ignore_case<'a>(text: &'a str, suffix: &str) -> Option<&'a str> {
    let split = text.len().checked_sub(suffix.len())?;
    let tail = text.get(split..)?;
    tail.eq_ignore_ascii_case(suffix)
        .then(|| &text[..split])
        .filter(|rest| !rest.is_empty())
}

fn parse_reset(family: Family, value: &str, now: SystemTime) -> Option<Duration> {
    match family {
        Family::Ietf => parse_retry_after(value, now),
        Family::OpenAi => parse_go_duration(value),
        Family::Anthropic => {
            let at = parse_rfc3339(value)?;
            Some(at.duration_since(now).unwrap_or(Duration::ZERO))
        }
    }
}

/// A non-negative integer count (`remaining`), surrounding whitespace ignored.
fn parse_count(value: &str) -> Option<u64> {
    let value = value.trim();
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value.parse().ok()
}

/// The latest reset of the exhausted limits, and of all limits.
#[derive(Debug, Default, Clone, Copy)]
struct Latest {
    exhausted: Option<Duration>,
    any: Option<Duration>,
}

impl Latest {
    fn add(&mut self, reset: Duration, remaining: Option<u64>) {
        self.any = self.any.max(Some(reset));
        if remaining == Some(0) {
            self.exhausted = self.exhausted.max(Some(reset));
        }
    }

    fn result(self) -> Option<Duration> {
        self.exhausted.or(self.any)
    }
}

/// The reset that one `RateLimit` field value announces, chosen as for a whole response:
/// the latest `t` of the policies with `r=0`, else the latest `t` of all.
///
/// Reads the list of service-limit items of draft-ietf-httpapi-ratelimit-headers
/// (`"burst";r=0;t=1, "daily";r=500;t=3600`; `t` is seconds until more quota is made
/// available, `r` the quota remaining), and the dictionary of its drafts 03–06
/// (`limit=10, remaining=0, reset=30`). Items without a valid `t` are skipped;
/// other parameters are ignored. Never panics, never allocates.
///
/// ```
/// use std::time::Duration;
/// use dos_errors::headers::parse_ratelimit;
///
/// assert_eq!(parse_ratelimit(r#""default";r=0;t=30"#), Some(Duration::from_secs(30)));
/// // The exhausted policy is the one in effect, even if another resets later.
/// assert_eq!(
///     parse_ratelimit(r#""burst";r=0;t=1, "daily";r=500;t=3600"#),
///     Some(Duration::from_secs(1))
/// );
/// assert_eq!(parse_ratelimit("limit=100, remaining=0, reset=7"), Some(Duration::from_secs(7)));
/// assert_eq!(parse_ratelimit(r#""default";r=50"#), None);
/// ```
#[must_use]
pub fn parse_ratelimit(value: &str) -> Option<Duration> {
    let mut latest = Latest::default();
    ratelimit_field(value, &mut latest);
    latest.result()
}

/// Adds the limits of one `RateLimit` field value to `latest`.
fn ratelimit_field(value: &str, latest: &mut Latest) {
    // The older dictionary form describes a single limit spread over its members.
    let (mut dictionary_reset, mut dictionary_remaining) = (None, None);
    for member in split_outside_quotes(value, b',') {
        let member = member.trim();
        let mut pieces = split_outside_quotes(member, b';');
        let item = pieces.next().unwrap_or_default().trim();
        // `reset=30`: a dictionary member (a list item is a string or a bare token, never `key=value`).
        if let Some((key, number)) = item.split_once('=').filter(|_| !item.starts_with('"')) {
            match key.trim() {
                "reset" => dictionary_reset = sf_integer(number).and_then(non_negative_seconds),
                "remaining" => dictionary_remaining = sf_integer(number).and_then(non_negative),
                _ => {}
            }
            continue;
        }
        let (mut reset, mut remaining) = (None, None);
        for parameter in pieces {
            let Some((key, number)) = parameter.split_once('=') else {
                continue;
            };
            match key.trim() {
                "t" => reset = sf_integer(number).and_then(non_negative_seconds),
                "r" => remaining = sf_integer(number).and_then(non_negative),
                _ => {}
            }
        }
        if let Some(reset) = reset {
            latest.add(reset, remaining);
        }
    }
    if let Some(reset) = dictionary_reset {
        latest.add(reset, dictionary_remaining);
    }
}

/// A structured-field Integer: an optional `-` and 1 to 15 digits.
fn sf_integer(text: &str) -> Option<i64> {
    let text = text.trim();
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || digits.len() > 15 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn non_negative(value: i64) -> Option<u64> {
    u64::try_from(value).ok()
}

fn non_negative_seconds(value: i64) -> Option<Duration> {
    non_negative(value).map(Duration::from_secs)
}

/// Splits on `separator` except inside a double-quoted string (where `\` escapes).
fn split_outside_quotes(text: &str, separator: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let current = rest?;
        let (mut quoted, mut escaped) = (false, false);
        for (index, byte) in current.bytes().enumerate() {
            match byte {
                _ if escaped => escaped = false,
                b'\\' if quoted => escaped = true,
                b'"' => quoted = !quoted,
                _ if byte == separator && !quoted => {
                    rest = Some(&current[index + 1..]);
                    return Some(&current[..index]);
                }
                _ => {}
            }
        }
        rest = None;
        Some(current)
    })
}

/// Parses a Go duration string, the format of OpenAI's `x-ratelimit-reset-requests`
/// and `x-ratelimit-reset-tokens`: `1s`, `6m0s`, `450ms`, `1h2m3.5s`, `0s`.
///
/// A sequence of decimal numbers, each with a unit: `h`, `m`, `s`, `ms`, `us` (or
/// `µs`), `ns`. No sign (a reset is never negative); surrounding whitespace is
/// ignored. Anything else — a bare number, an unknown unit, an overflow — is
/// `None`. Never panics, never allocates.
///
/// ```
/// use std::time::Duration;
/// use dos_errors::headers::parse_go_duration;
///
/// assert_eq!(parse_go_duration("1s"), Some(Duration::from_secs(1)));
/// assert_eq!(parse_go_duration("6m0s"), Some(Duration::from_secs(360)));
/// assert_eq!(parse_go_duration("450ms"), Some(Duration::from_millis(450)));
/// assert_eq!(parse_go_duration("1.5s"), Some(Duration::from_millis(1500)));
/// assert_eq!(parse_go_duration("20"), None);
/// ```
#[must_use]
pub fn parse_go_duration(value: &str) -> Option<Duration> {
    let mut rest = value.trim();
    if rest.is_empty() {
        return None;
    }
    let mut total: u128 = 0;
    while !rest.is_empty() {
        let number_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (number, tail) = rest.split_at(number_end);
        let unit_end = tail
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(tail.len());
        let (unit, tail) = tail.split_at(unit_end);
        let unit_nanos: u128 = match unit {
            "h" => 3_600_000_000_000,
            "m" => 60_000_000_000,
            "s" => 1_000_000_000,
            "ms" => 1_000_000,
            "us" | "µs" | "μs" => 1_000,
            "ns" => 1,
            _ => return None,
        };
        let (whole, billionths) = super::http_date::parse_decimal(number)?;
        let nanos =
            u128::from(whole) * unit_nanos + u128::from(billionths) * unit_nanos / 1_000_000_000;
        total = total.checked_add(nanos)?;
        rest = tail;
    }
    let seconds = u64::try_from(total / 1_000_000_000).ok()?;
    let nanos = u32::try_from(total % 1_000_000_000).ok()?;
    Some(Duration::new(seconds, nanos))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    fn reset(headers: &[(&'static str, &'static str)], now: SystemTime) -> Option<Duration> {
        let mut collected = RateLimitHeaders::default();
        for &(name, value) in headers {
            collected.offer(name, value);
        }
        collected.reset(now)
    }

    #[test]
    fn the_exhausted_limit_is_in_effect() {
        let now = UNIX_EPOCH;
        let secs = |s| Some(Duration::from_secs(s));
        // OpenAI: tokens are exhausted, requests are not.
        let openai = [
            ("x-ratelimit-remaining-requests", "59"),
            ("x-ratelimit-remaining-tokens", "0"),
            ("x-ratelimit-reset-requests", "1s"),
            ("x-ratelimit-reset-tokens", "6m0s"),
        ];
        assert_eq!(reset(&openai, now), secs(360));
        // Neither says it is exhausted: the latest reset.
        assert_eq!(
            reset(
                &[
                    ("X-RateLimit-Reset-Requests", "2s"),
                    ("x-ratelimit-reset-tokens", "450ms")
                ],
                now
            ),
            secs(2)
        );
        // Anthropic: requests are exhausted.
        let anthropic = [
            ("anthropic-ratelimit-requests-remaining", "0"),
            ("anthropic-ratelimit-requests-reset", "1970-01-01T00:00:20Z"),
            ("anthropic-ratelimit-tokens-remaining", "1000"),
            ("anthropic-ratelimit-tokens-reset", "1970-01-01T00:01:00Z"),
            ("anthropic-ratelimit-input-tokens-reset", "garbage"),
        ];
        assert_eq!(reset(&anthropic, now), secs(20));
        // A reset in the past is now.
        assert_eq!(
            reset(&anthropic, UNIX_EPOCH + Duration::from_secs(100)),
            Some(Duration::ZERO)
        );
        // IETF, list form across two field lines, and the older separate fields.
        assert_eq!(
            reset(
                &[
                    ("RateLimit", r#""burst";r=5;t=1"#),
                    ("ratelimit", r#""hourly";r=0;t=45;pk=:cHJvamVjdDEyMw==:"#)
                ],
                now
            ),
            secs(45)
        );
        assert_eq!(
            reset(
                &[("RateLimit-Remaining", "0"), ("RateLimit-Reset", "12")],
                now
            ),
            secs(12)
        );
        assert_eq!(reset(&[("x-ratelimit-reset", "1700000000")], now), None);
        assert_eq!(reset(&[], now), None);
    }

    #[test]
    fn ratelimit_items() {
        let secs = |s| Some(Duration::from_secs(s));
        assert_eq!(parse_ratelimit(r#""a;b,c";r=0;t=9"#), secs(9));
        assert_eq!(parse_ratelimit(r#""esc\"aped";r=0;t=3, x;t=4"#), secs(3));
        assert_eq!(parse_ratelimit("default;r=1;t=8"), secs(8));
        assert_eq!(parse_ratelimit(r#""d";t=-1"#), None);
        assert_eq!(parse_ratelimit(r#""d";t=1.5"#), None);
        assert_eq!(parse_ratelimit(r#""d";t=1234567890123456"#), None);
        assert_eq!(parse_ratelimit(r#""d";r=-1;t=5"#), secs(5));
        assert_eq!(parse_ratelimit(""), None);
        assert_eq!(parse_ratelimit(",,;;=,"), None);
        assert_eq!(parse_ratelimit("remaining=3, reset=4"), secs(4));
        assert_eq!(parse_ratelimit(r#""k=v";r=0;t=6"#), secs(6));
    }

    #[test]
    fn go_durations() {
        let cases: &[(&str, Option<Duration>)] = &[
            ("0s", Some(Duration::ZERO)),
            ("1h2m3.5s", Some(Duration::from_millis(3_723_500))),
            ("2m", Some(Duration::from_secs(120))),
            ("1.5ms", Some(Duration::from_micros(1500))),
            ("7us", Some(Duration::from_micros(7))),
            ("7µs", Some(Duration::from_micros(7))),
            ("3ns", Some(Duration::from_nanos(3))),
            (" 17ms ", Some(Duration::from_millis(17))),
            (".5s", Some(Duration::from_millis(500))),
            ("", None),
            ("s", None),
            ("-1s", None),
            ("1", None),
            ("1x", None),
            ("1s2", None),
            ("1 s", None),
            ("1.2.3s", None),
            ("99999999999999999999h", None),
        ];
        for (value, expected) in cases {
            assert_eq!(parse_go_duration(value), *expected, "{value:?}");
        }
    }

    #[test]
    fn too_many_limits_are_ignored_not_a_panic() {
        let names: Vec<String> = (0..40).map(|i| format!("x-ratelimit-reset-k{i}")).collect();
        let mut collected = RateLimitHeaders::default();
        for name in &names {
            assert!(collected.offer(name, "1s"));
        }
        for _ in 0..10 {
            collected.offer("RateLimit", r#""d";r=0;t=2"#);
        }
        assert_eq!(collected.reset(UNIX_EPOCH), Some(Duration::from_secs(2)));
    }
}

//! HTTP-date parsing (RFC 9110 §5.6.7), RFC 3339 timestamps, and the decimal numbers of `Retry-After`.
//!
//! Written by hand so the runtime crate needs no date library. Nothing here
//! allocates or panics: every step is checked and a malformed value is `None`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

const SECONDS_PER_DAY: i64 = 86_400;

/// Parses an HTTP-date in any of the three formats of RFC 9110:
///
/// - IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT` (the preferred one),
/// - RFC 850: `Sunday, 06-Nov-94 08:49:37 GMT`,
/// - asctime: `Sun Nov  6 08:49:37 1994`.
///
/// Names are matched case-insensitively, runs of whitespace are tolerated, and
/// `UTC` is accepted for `GMT`. The weekday must be a weekday name but is not
/// checked against the date. A two-digit RFC 850 year is read as RFC 9110 asks:
/// a year more than 50 years after `now` is moved a century back.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use dos_errors::retry::parse_http_date;
///
/// let date = parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT", UNIX_EPOCH).unwrap();
/// assert_eq!(date, UNIX_EPOCH + Duration::from_secs(784_111_777));
/// assert_eq!(parse_http_date("Sun Nov  6 08:49:37 1994", UNIX_EPOCH), Some(date));
/// assert_eq!(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT", UNIX_EPOCH), Some(date));
/// assert_eq!(parse_http_date("yesterday", UNIX_EPOCH), None);
/// ```
#[must_use]
pub fn parse_http_date(value: &str, now: SystemTime) -> Option<SystemTime> {
    let mut tokens = [""; 6];
    let mut count = 0;
    for token in value.split_ascii_whitespace() {
        *tokens.get_mut(count)? = token;
        count += 1;
    }
    let parts = match (count, tokens[0].strip_suffix(',')) {
        // IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`
        (6, Some(weekday)) => {
            weekday_index(weekday)?;
            gmt(tokens[5])?;
            DateParts {
                year: digits(tokens[3], 4, 4)?,
                month: month_index(tokens[2])?,
                day: digits(tokens[1], 1, 2)?,
                time: time_of_day(tokens[4])?,
            }
        }
        // RFC 850: `Sunday, 06-Nov-94 08:49:37 GMT`
        (4, Some(weekday)) => {
            weekday_index(weekday)?;
            gmt(tokens[3])?;
            let mut date = tokens[1].split('-');
            let (day, month, year) = (date.next()?, date.next()?, date.next()?);
            if date.next().is_some() {
                return None;
            }
            let year = match year.len() {
                2 => two_digit_year(digits(year, 2, 2)?, now),
                _ => digits(year, 4, 4)?,
            };
            DateParts {
                year,
                month: month_index(month)?,
                day: digits(day, 1, 2)?,
                time: time_of_day(tokens[2])?,
            }
        }
        // asctime: `Sun Nov  6 08:49:37 1994`
        (5, None) => {
            weekday_index(tokens[0])?;
            DateParts {
                year: digits(tokens[4], 4, 4)?,
                month: month_index(tokens[1])?,
                day: digits(tokens[2], 1, 2)?,
                time: time_of_day(tokens[3])?,
            }
        }
        _ => return None,
    };
    parts.to_system_time()
}

/// Parses an RFC 3339 timestamp (the `date-time` of RFC 3339 §5.6), as Anthropic's
/// `anthropic-ratelimit-*-reset` headers send it: `2026-01-27T12:34:56Z`.
///
/// A fraction of a second (any number of digits; past the ninth they are ignored) and
/// an offset (`Z`, `+01:00`, `-05:30`) are accepted; `T` and `Z` in either case, and a
/// space for the `T` (RFC 3339's note). Anything else is `None`; never panics, never allocates.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use dos_errors::headers::parse_rfc3339;
///
/// let noon = UNIX_EPOCH + Duration::from_secs(1_769_515_200);
/// assert_eq!(parse_rfc3339("2026-01-27T12:00:00Z"), Some(noon));
/// assert_eq!(parse_rfc3339("2026-01-27T13:00:00.5+01:00"), Some(noon + Duration::from_millis(500)));
/// assert_eq!(parse_rfc3339("2026-02-30T00:00:00Z"), None);
/// assert_eq!(parse_rfc3339("2026-01-27 12:00:00"), None); // no offset
/// ```
#[must_use]
pub fn parse_rfc3339(value: &str) -> Option<SystemTime> {
    let value = value.trim().as_bytes();
    // `YYYY-MM-DDTHH:MM:SS` is 19 bytes; then an optional fraction, then the offset.
    let (head, mut rest) = (value.get(..19)?, value.get(19..)?);
    let field = |range: std::ops::Range<usize>| -> Option<u32> {
        let bytes = head.get(range)?;
        digits(std::str::from_utf8(bytes).ok()?, bytes.len(), bytes.len())
    };
    if head[4] != b'-' || head[7] != b'-' || !matches!(head[10], b'T' | b't' | b' ') {
        return None;
    }
    if head[13] != b':' || head[16] != b':' {
        return None;
    }
    let parts = DateParts {
        year: field(0..4)?,
        month: field(5..7)?,
        day: field(8..10)?,
        time: (field(11..13)?, field(14..16)?, field(17..19)?),
    };
    if !(1..=12).contains(&parts.month) {
        return None;
    }
    let mut nanos: u32 = 0;
    if let Some((b'.', fraction)) = rest.split_first() {
        let length = fraction.iter().take_while(|b| b.is_ascii_digit()).count();
        if length == 0 {
            return None;
        }
        let mut scale: u32 = 100_000_000;
        for &b in fraction.iter().take(length.min(9)) {
            nanos += u32::from(b - b'0') * scale;
            scale /= 10;
        }
        rest = &fraction[length..];
    }
    // The offset: local time = UTC + offset, so UTC = local time - offset.
    let offset_seconds: i64 = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let two = |a: u8, b: u8| -> Option<i64> {
                (a.is_ascii_digit() && b.is_ascii_digit())
                    .then(|| i64::from(a - b'0') * 10 + i64::from(b - b'0'))
            };
            let (hours, minutes) = (two(*h1, *h2)?, two(*m1, *m2)?);
            if hours > 23 || minutes > 59 {
                return None;
            }
            let magnitude = hours * 3600 + minutes * 60;
            if *sign == b'-' {
                -magnitude
            } else {
                magnitude
            }
        }
        _ => return None,
    };
    let local = parts.to_system_time()?;
    let utc = if offset_seconds >= 0 {
        local.checked_sub(Duration::from_secs(offset_seconds.unsigned_abs()))?
    } else {
        local.checked_add(Duration::from_secs(offset_seconds.unsigned_abs()))?
    };
    utc.checked_add(Duration::from_nanos(u64::from(nanos)))
}

/// A calendar date and time of day, not yet validated as a whole.
struct DateParts {
    year: u32,
    /// 1..=12
    month: u32,
    day: u32,
    /// (hour, minute, second)
    time: (u32, u32, u32),
}

impl DateParts {
    fn to_system_time(&self) -> Option<SystemTime> {
        let (hour, minute, second) = self.time;
        // Second 60 is a leap second; it is counted as the next second.
        if self.day == 0
            || self.day > days_in_month(self.year, self.month)
            || hour > 23
            || minute > 59
            || second > 60
        {
            return None;
        }
        let days = days_from_civil(i64::from(self.year), self.month, self.day);
        let seconds = days * SECONDS_PER_DAY
            + i64::from(hour) * 3600
            + i64::from(minute) * 60
            + i64::from(second);
        let magnitude = Duration::from_secs(seconds.unsigned_abs());
        if seconds >= 0 {
            UNIX_EPOCH.checked_add(magnitude)
        } else {
            UNIX_EPOCH.checked_sub(magnitude)
        }
    }
}

fn gmt(token: &str) -> Option<()> {
    (token.eq_ignore_ascii_case("GMT") || token.eq_ignore_ascii_case("UTC")).then_some(())
}

fn weekday_index(name: &str) -> Option<usize> {
    const SHORT: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    const LONG: [&str; 7] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    SHORT
        .iter()
        .position(|day| day.eq_ignore_ascii_case(name))
        .or_else(|| LONG.iter().position(|day| day.eq_ignore_ascii_case(name)))
}

fn month_index(name: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let index = MONTHS
        .iter()
        .position(|month| month.eq_ignore_ascii_case(name))?;
    u32::try_from(index + 1).ok()
}

/// `HH:MM:SS`, each field one or two digits.
fn time_of_day(token: &str) -> Option<(u32, u32, u32)> {
    let mut fields = token.split(':');
    let hour = digits(fields.next()?, 1, 2)?;
    let minute = digits(fields.next()?, 1, 2)?;
    let second = digits(fields.next()?, 1, 2)?;
    if fields.next().is_some() {
        return None;
    }
    Some((hour, minute, second))
}

/// A number of `min..=max` ASCII digits (at most 9, so it cannot overflow).
fn digits(token: &str, min: usize, max: usize) -> Option<u32> {
    if token.len() < min || token.len() > max.min(9) || !token.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(
        token
            .bytes()
            .fold(0, |value, b| value * 10 + u32::from(b - b'0')),
    )
}

/// RFC 9110: a two-digit year more than 50 years in the future is in the past century.
fn two_digit_year(two_digits: u32, now: SystemTime) -> u32 {
    let this_year = year_of(now);
    let candidate = this_year - this_year.rem_euclid(100) + i64::from(two_digits);
    let year = if candidate > this_year + 50 {
        candidate - 100
    } else {
        candidate
    };
    // Years before 0 or past 9999 cannot come from a real clock; clamp to stay in u32.
    u32::try_from(year.clamp(0, 9999)).unwrap_or(0)
}

/// The (proleptic Gregorian) year of `time`, in UTC.
fn year_of(time: SystemTime) -> i64 {
    let seconds = match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_secs()).map_or(i64::MIN, |s| -s),
    };
    // Clamp to a range where the arithmetic below cannot overflow.
    let days = seconds.div_euclid(SECONDS_PER_DAY).clamp(-1 << 40, 1 << 40);
    year_from_days(days)
}

const fn is_leap_year(year: u32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

const fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days from 1970-01-01 to the given date; years are counted from March so the
/// leap day is the last day of a counting year, and 400-year eras repeat exactly.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month_from_march = i64::from((month + 9) % 12);
    let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The inverse of [`days_from_civil`], for the year only.
fn year_from_days(days: i64) -> i64 {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let year = year_of_era + era * 400;
    // January and February belong to the next calendar year.
    if month_from_march >= 10 {
        year + 1
    } else {
        year
    }
}

/// A non-negative decimal `123`, `1.5`, `.5` or `2.`: the whole part and the
/// fraction in billionths (digits past the ninth are ignored). No sign, no
/// exponent; overflow of the whole part is `None`.
pub(crate) fn parse_decimal(text: &str) -> Option<(u64, u32)> {
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, fraction),
        None => (text, ""),
    };
    if whole.is_empty() && fraction.is_empty() {
        return None;
    }
    if !whole.bytes().all(|b| b.is_ascii_digit()) || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut value: u64 = 0;
    for b in whole.bytes() {
        value = value.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
    }
    let mut billionths: u32 = 0;
    let mut scale: u32 = 100_000_000;
    for b in fraction.bytes().take(9) {
        billionths += u32::from(b - b'0') * scale;
        scale /= 10;
    }
    Some((value, billionths))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_days_round_trip() {
        for days in [-800_000, -1, 0, 59, 60, 365, 10_957, 20_000, 2_932_896] {
            let year = year_from_days(days);
            assert!(days_from_civil(year, 1, 1) <= days);
            assert!(days_from_civil(year + 1, 1, 1) > days);
        }
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    #[test]
    fn rfc3339_timestamps() {
        let noon = UNIX_EPOCH + Duration::from_secs(1_769_515_200);
        for value in [
            "2026-01-27T12:00:00Z",
            " 2026-01-27t12:00:00z ",
            "2026-01-27 12:00:00Z",
            "2026-01-27T12:00:00+00:00",
            "2026-01-27T07:00:00-05:00",
            "2026-01-27T17:30:00+05:30",
            "2026-01-27T12:00:00.000000000000Z",
        ] {
            assert_eq!(parse_rfc3339(value), Some(noon), "{value:?}");
        }
        assert_eq!(
            parse_rfc3339("2026-01-27T12:00:00.123456789987Z"),
            Some(noon + Duration::from_nanos(123_456_789))
        );
        assert_eq!(
            parse_rfc3339("1969-12-31T23:59:59Z"),
            UNIX_EPOCH.checked_sub(Duration::from_secs(1))
        );
        for value in [
            "",
            "2026-01-27",
            "2026-01-27T12:00:00",
            "2026-01-27T12:00Z",
            "2026-13-01T00:00:00Z",
            "2026-00-01T00:00:00Z",
            "2026-02-29T00:00:00Z",
            "2026-01-27T24:00:00Z",
            "2026-01-27T12:00:00.Z",
            "2026-01-27T12:00:00+5:00",
            "2026-01-27T12:00:00+24:00",
            "2026-01-27T12:00:00Zjunk",
            "+2026-01-27T12:00:00Z",
            "2026-01-27X12:00:00Z",
            "２０２６-01-27T12:00:00Z",
            "Tue, 27 Jan 2026 12:00:00 GMT",
        ] {
            assert_eq!(parse_rfc3339(value), None, "{value:?}");
        }
    }

    #[test]
    fn decimals() {
        assert_eq!(parse_decimal("12"), Some((12, 0)));
        assert_eq!(parse_decimal("1.5"), Some((1, 500_000_000)));
        assert_eq!(parse_decimal(".25"), Some((0, 250_000_000)));
        assert_eq!(parse_decimal("2."), Some((2, 0)));
        assert_eq!(parse_decimal("0.1234567891"), Some((0, 123_456_789)));
        assert_eq!(parse_decimal("."), None);
        assert_eq!(parse_decimal("1e3"), None);
        assert_eq!(parse_decimal("18446744073709551616"), None);
    }
}

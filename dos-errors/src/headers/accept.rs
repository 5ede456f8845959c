//! `Accept`: whether a request prefers RFC 9457 problem details.

/// `true` when an `Accept` header value prefers `application/problem+json` to
/// `application/json`: a higher quality value, or the same one with
/// `application/problem+json` named while `application/json` is only matched by a
/// wildcard. Malformed media ranges are skipped; never panics.
///
/// ```
/// use dos_errors::headers::prefers_problem_json;
///
/// assert!(prefers_problem_json("application/problem+json"));
/// assert!(prefers_problem_json("application/problem+json, */*;q=0.5"));
/// assert!(prefers_problem_json("application/problem+json, application/*"));
/// assert!(!prefers_problem_json("application/json, application/problem+json;q=0.9"));
/// assert!(!prefers_problem_json("*/*"));
/// assert!(!prefers_problem_json("application/problem+json;q=0, */*"));
/// ```
#[must_use]
pub fn prefers_problem_json(accept: &str) -> bool {
    let problem = quality(accept, "application", "problem+json");
    let json = quality(accept, "application", "json");
    match (problem, json) {
        (Some((q_problem, exact)), Some((q_json, json_exact))) => {
            q_problem > q_json || (q_problem == q_json && q_problem > 0 && exact && !json_exact)
        }
        (Some((q_problem, _)), None) => q_problem > 0,
        (None, _) => false,
    }
}

/// The quality (in thousandths) the most specific range matching `kind/sub`
/// gives it, and whether that range names it exactly; `None` when nothing matches.
fn quality(accept: &str, kind: &str, sub: &str) -> Option<(u16, bool)> {
    let mut best: Option<(u8, u16)> = None;
    for range in accept.split(',') {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or_default().trim();
        let Some((range_kind, range_sub)) = media.split_once('/') else {
            continue;
        };
        let (range_kind, range_sub) = (range_kind.trim(), range_sub.trim());
        let specificity = if range_kind.eq_ignore_ascii_case(kind) {
            if range_sub.eq_ignore_ascii_case(sub) {
                2
            } else if range_sub == "*" {
                1
            } else {
                continue;
            }
        } else if range_kind == "*" && range_sub == "*" {
            0
        } else {
            continue;
        };
        let q = parts
            .filter_map(|param| param.split_once('='))
            .find(|(name, _)| name.trim().eq_ignore_ascii_case("q"))
            .map_or(Some(1000), |(_, value)| parse_quality(value.trim()));
        let Some(q) = q else { continue };
        match best {
            Some((seen, _)) if seen >= specificity => {}
            _ => best = Some((specificity, q)),
        }
    }
    best.map(|(specificity, q)| (q, specificity == 2))
}

/// A quality value `0`, `0.5`, `1.000` in thousandths; `None` when malformed.
fn parse_quality(value: &str) -> Option<u16> {
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths = fraction
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(3)
        .fold(0u16, |acc, digit| acc * 10 + u16::from(digit - b'0'));
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qualities_and_specificity() {
        assert!(prefers_problem_json(
            "application/problem+json;q=0.9, application/json;q=0.8"
        ));
        assert!(!prefers_problem_json(
            "application/problem+json;q=0.8, application/json;q=0.9"
        ));
        assert!(!prefers_problem_json(
            "application/problem+json, application/json"
        ));
        assert!(!prefers_problem_json("text/html"));
        assert!(!prefers_problem_json(""));
        assert!(!prefers_problem_json("application/problem+json;q=2"));
        assert!(prefers_problem_json("APPLICATION/PROBLEM+JSON ; Q=1.0"));
        assert!(!prefers_problem_json(",,;;==/,"));
        assert_eq!(parse_quality("0.125"), Some(125));
        assert_eq!(parse_quality("1.001"), None);
        assert_eq!(parse_quality("0.1234"), None);
    }
}

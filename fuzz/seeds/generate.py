#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets: `python3 seeds/generate.py` from `fuzz/`.

Each seed is a real input — an error body as an API sends it, a header value as a
server writes it — encoded in the layout its target decodes (see the targets):

- `from_parts/`: 2 bytes status (little-endian), 8 bytes clock, 1 byte header count
  (mod 8; the byte itself is the body limit of the target's second, small decoder),
  then `name\\nvalue\\n` per header, then the body;
- `parse_retry_after/`: 8 bytes clock, then the header value (UTF-8);
- `tonic_details/`: 1 byte gRPC code, 1 byte length of the `grpc-retry-pushback-ms`
  value (255: none) then the value, 1 byte message length then the message, then
  the `grpc-status-details-bin` bytes (an encoded `google.rpc.Status`).

The clock is a u64 whose top 44 bits are seconds since 1970 (the targets shift it
right by 20). Every seed uses NOW, 2025-06-01T00:00:00Z, so that the dates below are
in its near future or past. Output is deterministic: the directories are rewritten
from this file, and a seed's name says what it is.
"""

import json
import os
import struct
import sys
from datetime import datetime, timedelta, timezone

NOW = 1_748_736_000  # Sun, 01 Jun 2025 00:00:00 GMT
HERE = os.path.dirname(os.path.abspath(__file__))


def clock(seconds=NOW):
    return struct.pack("<Q", seconds << 20)


# ---- Header values: Retry-After in RFC 9110's three date formats, seconds, and the rest -------

RETRY_AFTER = {
    "seconds": "20",
    "seconds-zero": "0",
    "seconds-padded": " 120 ",
    "seconds-fraction": "1.5",
    "seconds-fraction-long": "0.000000001",
    "seconds-huge": "18446744073709551616",
    "seconds-negative": "-1",
    "seconds-exponent": "1e3",
    "seconds-leading-dot": ".5",
    "imf-fixdate": "Sun, 01 Jun 2025 00:00:30 GMT",
    "imf-fixdate-past": "Sat, 31 May 2025 23:59:00 GMT",
    "imf-fixdate-leap-day": "Thu, 29 Feb 2024 12:00:00 GMT",
    "imf-fixdate-leap-second": "Sun, 01 Jun 2025 00:00:60 GMT",
    "imf-fixdate-far": "Fri, 31 Dec 9999 23:59:59 GMT",
    "imf-fixdate-bad-day": "Mon, 30 Feb 2025 00:00:00 GMT",
    "imf-fixdate-wrong-weekday": "Mon, 01 Jun 2025 00:00:30 GMT",
    "imf-fixdate-not-gmt": "Sun, 01 Jun 2025 00:00:30 UTC",
    "imf-fixdate-lowercase": "sun, 01 jun 2025 00:00:30 gmt",
    "rfc850": "Sunday, 01-Jun-25 00:00:30 GMT",
    "rfc850-past-century": "Sunday, 06-Nov-94 08:49:37 GMT",
    "rfc850-next-century": "Thursday, 01-Jan-70 00:00:00 GMT",
    "asctime": "Sun Jun  1 00:00:30 2025",
    "asctime-two-digit-day": "Wed Jun 11 09:15:00 2025",
    "asctime-epoch": "Thu Jan  1 00:00:00 1970",
    "empty": "",
    "garbage": "soon",
}

# One date per month and per weekday, in each format: every name the date parser matches.
# (Names spelt out here rather than by strftime, whose names follow the locale.)
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def imf_fixdate(d):
    return f"{DAYS[d.weekday()][:3]}, {d.day:02} {MONTHS[d.month - 1]} {d.year} {d:%H:%M:%S} GMT"


def rfc850(d):
    return f"{DAYS[d.weekday()]}, {d.day:02}-{MONTHS[d.month - 1]}-{d.year % 100:02} {d:%H:%M:%S} GMT"


def asctime(d):
    return f"{DAYS[d.weekday()][:3]} {MONTHS[d.month - 1]} {d.day:2} {d:%H:%M:%S} {d.year}"


for month in range(12):
    d = datetime(2025, month + 1, 1, 0, 0, 30, tzinfo=timezone.utc) + timedelta(days=month)
    RETRY_AFTER[f"imf-fixdate-{MONTHS[month].lower()}"] = imf_fixdate(d)
for day in range(7):
    d = datetime(2025, 6, 1, 0, 0, 30, tzinfo=timezone.utc) + timedelta(days=day)
    RETRY_AFTER[f"rfc850-{DAYS[d.weekday()].lower()}"] = rfc850(d)
    RETRY_AFTER[f"asctime-{DAYS[d.weekday()][:3].lower()}"] = asctime(d)

RETRY_AFTER_MS = {
    "ms": "250",
    "ms-fraction": "250.5",
    "ms-huge": "99999999999999999999999",
    "ms-nan": "NaN",
}


# ---- Error bodies as APIs send them ---------------------------------------------------------


def compact(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


GOOGLE_429 = {
    "error": {
        "code": 429,
        "message": "Resource has been exhausted (e.g. check quota).",
        "status": "RESOURCE_EXHAUSTED",
        "details": [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "RATE_LIMIT_EXCEEDED",
                "domain": "googleapis.com",
                "metadata": {"quota_limit": "GenerateRequestsPerMinute", "service": "generativelanguage.googleapis.com"},
            },
            {
                "@type": "type.googleapis.com/google.rpc.QuotaFailure",
                "violations": [{"subject": "project:123", "description": "Requests per minute"}],
            },
            {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "32s"},
            {
                "@type": "type.googleapis.com/google.rpc.Help",
                "links": [{"description": "Quota docs", "url": "https://ai.google.dev/gemini-api/docs/rate-limits"}],
            },
        ],
    }
}

# (name, status, headers, body, small-decoder body limit or None for "all of it")
FROM_PARTS = [
    # This crate's (the dos API's) envelope.
    ("seed-400-missing-field", 400, [("content-type", "application/json")],
     compact({"error": {"message": "Missing required field: model", "type": "invalid_request_error", "code": 400}}), None),
    ("seed-401", 401, [("x-request-id", "req_000012")],
     compact({"error": {"message": "The API key is missing, invalid, or has been revoked.", "type": "authentication_error", "code": 401}}), None),
    ("seed-429-retry-after", 429, [("Retry-After", RETRY_AFTER["seconds"]), ("x-request-id", "req_8f2c")],
     compact({"error": {"message": "Rate limit exceeded: 10 requests per minute", "type": "rate_limit_error", "code": 429}}), None),
    ("seed-503-retry-after-date", 503, [("retry-after", RETRY_AFTER["imf-fixdate"])],
     compact({"error": {"message": "The model dos-loading is loading; retry shortly", "type": "service_unavailable_error", "code": 503}}), None),
    ("seed-503-code-mismatch", 503, [],
     compact({"error": {"message": "Model is loading", "type": "invalid_request_error", "code": 400}}), None),
    ("seed-500-float-code", 500, [],
     b'{"error":{"message":"An unexpected error occurred on our servers.","type":"server_error","code":500.0}}', None),
    ("seed-200-error-body", 200, [],
     compact({"error": {"message": "Quota exceeded", "type": "rate_limit_error", "code": 429}}), None),
    ("seed-pretty-printed", 402, [],
     json.dumps({"error": {"message": "Your account does not have sufficient credits to process the request.", "type": "insufficient_credits_error", "code": 402}}, indent=2).encode(), None),
    # OpenAI.
    ("openai-401-invalid-api-key", 401, [("x-request-id", "req_a1b2c3d4e5"), ("x-should-retry", "false")],
     compact({"error": {"message": "Incorrect API key provided: sk-abc***. You can find your API key at https://platform.openai.com/account/api-keys.", "type": "invalid_request_error", "param": None, "code": "invalid_api_key"}}), None),
    ("openai-400-param", 400, [],
     compact({"error": {"message": "Invalid type for 'messages[0].content': expected a string.", "type": "invalid_request_error", "param": "messages[0].content", "code": "invalid_type"}}), None),
    ("openai-429-retry-after-ms", 429,
     [("retry-after-ms", RETRY_AFTER_MS["ms-fraction"]), ("retry-after", "1"), ("x-ratelimit-remaining-requests", "0"), ("x-should-retry", "true")],
     compact({"error": {"message": "Rate limit reached for gpt-4o in organization org-123 on requests per min (RPM): Limit 500, Used 500, Requested 1.", "type": "requests", "param": None, "code": "rate_limit_exceeded"}}), None),
    ("openai-500-null-code", 500, [],
     compact({"error": {"message": "The server had an error while processing your request. Sorry about that!", "type": "server_error", "param": None, "code": None}}), None),
    # Anthropic.
    ("anthropic-529-overloaded", 529, [("request-id", "req_011CSHoEeqs5C35K2UUqR7Fy"), ("x-should-retry", "true")],
     compact({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}, "request_id": "req_011CSHoEeqs5C35K2UUqR7Fy"}), None),
    ("anthropic-429-rate-limit", 429, [("retry-after", "7"), ("anthropic-ratelimit-requests-remaining", "0")],
     compact({"type": "error", "error": {"type": "rate_limit_error", "message": "Number of request tokens has exceeded your per-minute rate limit"}}), None),
    ("anthropic-400-invalid", 400, [],
     compact({"type": "error", "error": {"type": "invalid_request_error", "message": "messages: roles must alternate between \"user\" and \"assistant\""}}), None),
    # RFC 9457 problem details.
    ("problem-403-content-type", 403, [("Content-Type", "application/problem+json; charset=utf-8")],
     compact({"type": "https://example.com/probs/out-of-credit", "title": "You do not have enough credit.", "status": 403,
              "detail": "Your current balance is 30, but that costs 50.", "instance": "/account/12345/msgs/abc", "balance": 30}), None),
    ("problem-404-about-blank", 404, [("content-type", "application/problem+json")],
     compact({"type": "about:blank", "title": "Not Found", "status": 404}), None),
    ("problem-422-no-content-type", 422, [],
     compact({"title": "Validation failed", "status": 422, "detail": "   ",
              "errors": [{"detail": "must be a positive integer", "pointer": "#/age"}]}), None),
    ("problem-500-empty-object", 500, [("content-type", "APPLICATION/PROBLEM+JSON")], b"{}", None),
    # Google AIP-193.
    ("google-429-details", 429, [], compact(GOOGLE_429), None),
    ("google-503-unavailable", 503, [],
     compact({"error": {"code": 503, "message": "The model is overloaded. Please try again later.", "status": "UNAVAILABLE"}}), None),
    ("google-400-fraction-delay", 400, [],
     compact({"error": {"code": 400, "message": "API key not valid.", "status": "INVALID_ARGUMENT",
                        "details": [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "1.500s"},
                                    {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID"}]}}), None),
    ("google-array-wrapped", 429, [], compact([GOOGLE_429]), None),
    # Other JSON.
    ("json-error-string", 401, [], compact({"error": "invalid token", "code": 401}), None),
    ("json-message", 500, [], compact({"message": "Internal server error", "status": 500}), None),
    ("json-fastapi-detail", 404, [], compact({"detail": "Not Found"}), None),
    ("json-fastapi-validation", 422, [],
     compact({"detail": [{"type": "missing", "loc": ["body", "model"], "msg": "Field required", "input": {}}]}), None),
    ("json-unknown-object", 502, [], compact({"ok": False, "errors": [1, 2.5, None, True]}), None),
    ("json-string", 503, [], b'"Service unavailable"', None),
    ("json-string-escapes", 500, [], b'"line\\nbreak\\ttab \\u0000 nul \\u202e bidi \\ud83d\\ude00 emoji"', None),
    ("json-lone-surrogate", 500, [], b'{"error":{"message":"bad \\ud800 half","type":"server_error"}}', None),
    ("json-number", 500, [], b"500", None),
    ("json-truncated", 429, [], compact({"error": {"message": "Rate limit exceeded", "type": "rate_limit_error", "code": 429}})[:40], None),
    ("json-cut-by-small-limit", 429, [], compact({"error": {"message": "Rate limit exceeded", "type": "rate_limit_error", "code": 429}}), 30),
    ("json-wrong-member-types", 400, [],
     compact({"error": {"message": ["not", "a", "string"], "type": 7, "code": -1, "param": {"a": 1}, "status": False, "details": "none"}}), None),
    ("json-deep-nesting", 500, [], b'{"error":{"message":"deep","type":"x","details":' + b"[" * 64 + b"]" * 64 + b"}}", None),
    # Not JSON.
    ("text-plain", 503, [("content-type", "text/plain")], b"Service Unavailable", None),
    ("text-nginx-html", 502, [("content-type", "text/html")],
     b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n", None),
    ("text-invalid-utf8", 500, [], b"caf\xc3 \xff\xfe broken \xe2\x82", None),
    ("text-controls-and-bidi", 400, [], "bad\x07 input\r\n\u202egnp.exe\u2066 \u00e9t\u00e9".encode(), None),
    ("text-multibyte-cut", 500, [], ("\u00e9" * 120).encode(), 3),
    ("empty", 500, [], b"", None),
    ("whitespace", 404, [], b" \r\n\t ", None),
    # Statuses outside 400..=599 and headers in every form.
    ("status-302-redirect", 302, [("location", "https://example.com/login")], b"", None),
    ("status-zero", 0, [], b"", None),
    ("status-999", 999, [], compact({"error": {"message": "odd", "type": "x", "code": 503}}), None),
    ("headers-retry-after-rfc850", 503, [("Retry-After", RETRY_AFTER["rfc850"])], b"", None),
    ("headers-retry-after-asctime", 503, [("Retry-After", RETRY_AFTER["asctime"])], b"", None),
    ("headers-retry-after-past", 429, [("Retry-After", RETRY_AFTER["imf-fixdate-past"])], b"", None),
    ("headers-malformed-values", 429,
     [("retry-after-ms", "soon"), ("Retry-After", "-1"), ("x-should-retry", "maybe"), ("x-request-id", "   "), ("request-id", "req_fallback")], b"", None),
    ("headers-padded-names", 503, [(" Retry-After ", " 3 "), ("X-SHOULD-RETRY", " FALSE "), ("X-Request-Id", "req_\u00e9\u202e")], b"", None),
    ("headers-seven", 429,
     [("content-type", "application/json"), ("retry-after-ms", "1500"), ("retry-after", "2"), ("x-should-retry", "true"),
      ("x-request-id", "req_1"), ("request-id", "req_2"), ("retry-after", "3")],
     compact({"error": {"message": "Too many requests", "type": "rate_limit_error", "code": 429}}), None),
]


# ---- gRPC statuses: the google.rpc.Status of grpc-status-details-bin, encoded by hand -------
#
# Protobuf as prost writes it: fields in tag order, a scalar equal to its default left
# out, an element of a repeated or optional message always written (even empty).


def varint(n):
    if n < 0:
        n += 1 << 64  # int32 and int64 are sign-extended to ten bytes
    out = bytearray()
    while True:
        low, n = n & 0x7F, n >> 7
        out.append(low | (0x80 if n else 0))
        if not n:
            return bytes(out)


def pb_int(tag, n):
    return varint(tag << 3) + varint(n) if n else b""


def pb_bytes(tag, data):
    data = data.encode() if isinstance(data, str) else data
    return varint(tag << 3 | 2) + varint(len(data)) + data if data else b""


def pb_message(tag, data):
    return varint(tag << 3 | 2) + varint(len(data)) + data


def any_(kind, value, host="type.googleapis.com"):
    return pb_message(3, pb_bytes(1, f"{host}/google.rpc.{kind}") + pb_bytes(2, value))


def error_info(reason, domain="", metadata=()):
    return any_("ErrorInfo", pb_bytes(1, reason) + pb_bytes(2, domain)
                + b"".join(pb_message(3, pb_bytes(1, k) + pb_bytes(2, v)) for k, v in metadata))


def retry_info(seconds, nanos=0):
    return any_("RetryInfo", pb_message(1, pb_int(1, seconds) + pb_int(2, nanos)))


def bad_request(violations):
    return any_("BadRequest", b"".join(pb_message(1, pb_bytes(1, f) + pb_bytes(2, d)) for f, d in violations))


def help_(links):
    return any_("Help", b"".join(pb_message(1, pb_bytes(1, d) + pb_bytes(2, u)) for d, u in links))


def rpc_status(code, message, *details):
    return pb_int(1, code) + pb_bytes(2, message) + b"".join(details)


# gRPC codes.
OK, UNKNOWN, INVALID_ARGUMENT, NOT_FOUND, RESOURCE_EXHAUSTED = 0, 2, 3, 5, 8
FAILED_PRECONDITION, INTERNAL, UNAVAILABLE, UNAUTHENTICATED = 9, 13, 14, 16

DOCS = "https://docs.dos.ai/errors#"


def dos_help(reason):
    return help_([(f"Documentation of {reason}", DOCS + reason)])


def dos_error(code, message, reason, metadata=(), retry=None, violations=(), pushback=None):
    """What `integrations::tonic::status` sends for an error of `ChatError` in
    tests/tests/test_tonic.rs (domain `dos.ai`, docs `https://docs.dos.ai/errors`):
    `fuzz_seeds_are_the_statuses_this_crate_sends` checks these bytes against it."""
    details = [error_info(reason.upper(), "dos.ai", metadata)]
    if retry is not None:
        details.append(retry_info(*retry))
    if violations:
        details.append(bad_request(violations))
    details.append(dos_help(reason))
    return code, pushback, message, rpc_status(code, message, *details)


MASKED = "An unexpected error occurred on our servers."

# (name, code, pushback value or None, message, details bytes)
TONIC_DETAILS = [
    ("dos-errors-interpolated", *dos_error(NOT_FOUND, "The model `gpt-5` does not exist", "model_not_found",
                                          metadata=[("model", "gpt-5")])),
    ("dos-errors-static", *dos_error(UNAUTHENTICATED, "The API key is missing, invalid, or has been revoked.",
                                    "authentication_error")),
    ("dos-errors-retry-after-field", *dos_error(RESOURCE_EXHAUSTED, "Rate limit: 10 requests per minute",
                                               "rate_limit_exceeded", metadata=[("limit", "10"), ("period", "minute")],
                                               retry=(2, 500_000_000), pushback="2500")),
    ("dos-errors-violations", *dos_error(INVALID_ARGUMENT, "Invalid messages", "invalid_messages",
                                        violations=[("messages[1].role", "unknown role `robot`"),
                                                    ("temperature", "must be at most 2")])),
    ("dos-errors-constant-param", *dos_error(INVALID_ARGUMENT, "Missing required parameter: model", "invalid_request_error",
                                            violations=[("model", "Missing required parameter: model")])),
    ("dos-errors-param-field", *dos_error(INVALID_ARGUMENT, "Invalid value for top_p", "invalid_request_error",
                                         metadata=[("param", "top_p")], violations=[("top_p", "Invalid value for top_p")])),
    ("dos-errors-grpc-override", *dos_error(FAILED_PRECONDITION, "Insufficient credits", "insufficient_credits")),
    ("dos-errors-masked", *dos_error(INTERNAL, MASKED, "server_error")),
    ("dos-errors-retry-after-constant", *dos_error(UNAVAILABLE, "The model is loading", "service_unavailable_error",
                                                  retry=(30,), pushback="30000")),
    ("dos-errors-do-not-retry", *dos_error(UNAVAILABLE, "Down for maintenance", "service_unavailable_error",
                                          pushback="-1")),
]

GOOGLE_QUOTA = rpc_status(
    RESOURCE_EXHAUSTED, "Quota exceeded for quota metric 'Requests' of service 'pubsub.googleapis.com'",
    error_info("RATE_LIMIT_EXCEEDED", "googleapis.com",
               [("service", "pubsub.googleapis.com"), ("quota_limit", "RequestsPerMinute"), ("consumer", "projects/123")]),
    any_("QuotaFailure", pb_message(1, pb_bytes(1, "project:123") + pb_bytes(2, "Requests per minute"))),
    retry_info(32),
    help_([("Quota docs", "https://cloud.google.com/pubsub/quotas"), ("Console", "https://console.cloud.google.com")]),
)
LOCALIZED = any_("LocalizedMessage", pb_bytes(1, "fr-FR") + pb_bytes(2, "Le modèle est introuvable"))
DEBUG_INFO = any_("DebugInfo", pb_bytes(1, "at main.rs:12") + pb_bytes(2, "stack"))
PRECONDITION = any_("PreconditionFailure", pb_message(1, pb_bytes(1, "TOS") + pb_bytes(2, "tos.example.com")
                                                      + pb_bytes(3, "Terms of service not accepted")))
INVALID_UTF8 = rpc_status(
    INVALID_ARGUMENT, b"bad \xff message",
    error_info(b"BAD_\xc3", b"d\xffmain", [(b"k\xfe", b"v\xfd")]),
    bad_request([(b"f\xff", b"caf\xc3 \xe2\x82")]),
    help_([(b"\xff", b"https://docs.example.com/\xff")]),
)
DIRTY_TEXT = rpc_status(
    INVALID_ARGUMENT, "bad\x07 input\r\n\u202egnp.exe\u2066",
    error_info("  Reason\nWith\tSpaces ", " dom\u202eain ", [("a\n", "1"), ("a", "2"), ("  ", "blank"), ("b", "\x00")]),
    bad_request([("", ""), ("\n", "\t"), ("field", ""), ("", "description only")]),
)
TRUNCATED = GOOGLE_QUOTA[: len(GOOGLE_QUOTA) // 2]

TONIC_DETAILS += [
    # Other servers' details: what this crate skips, what it reads first.
    ("google-429-quota", RESOURCE_EXHAUSTED, None, "Quota exceeded", GOOGLE_QUOTA),
    ("google-details-unread", NOT_FOUND, None, "Not found",
     rpc_status(NOT_FOUND, "Not found", LOCALIZED, DEBUG_INFO, PRECONDITION, error_info("NOT_FOUND"))),
    ("other-host-type-urls", NOT_FOUND, None, "gone",
     rpc_status(NOT_FOUND, "gone", any_("ErrorInfo", pb_bytes(1, "CUSTOM_HOST"), host="example.com/types"),
                any_("RetryInfo", pb_message(1, pb_int(1, 5)), host=""))),
    ("repeated-details", UNAVAILABLE, None, "busy",
     rpc_status(UNAVAILABLE, "busy", retry_info(0), retry_info(3), error_info("FIRST"), error_info("SECOND"),
                help_([("no url", "")]), help_([("docs", "https://docs.example.com/busy")]))),
    ("retry-info-invalid", UNAVAILABLE, None, "busy",
     rpc_status(UNAVAILABLE, "busy", retry_info(-5), retry_info(1, 1_000_000_000), retry_info(1, -1),
                any_("RetryInfo", b""))),
    ("retry-info-huge", UNAVAILABLE, "2147483647", "busy",
     rpc_status(UNAVAILABLE, "busy", retry_info((1 << 63) - 1, 999_999_999))),
    ("many-violations", INVALID_ARGUMENT, None, "Invalid request",
     rpc_status(INVALID_ARGUMENT, "Invalid request", bad_request([(f"items[{n}].name", "required") for n in range(70)]))),
    ("many-metadata", INTERNAL, None, "",
     rpc_status(INTERNAL, "", error_info("X", "", [(f"k{n}", str(n)) for n in range(70)]))),
    ("help-url-too-long", NOT_FOUND, None, "gone",
     rpc_status(NOT_FOUND, "gone", help_([("long", "https://docs.example.com/" + "a" * 2100)]))),
    ("invalid-utf8", INVALID_ARGUMENT, None, "bad", INVALID_UTF8),
    ("dirty-text", INVALID_ARGUMENT, None, "bad\x07 input\r\n", DIRTY_TEXT),
    ("message-only-in-details", UNAVAILABLE, None, "", rpc_status(UNAVAILABLE, "Unavailable, see details")),
    ("message-non-ascii", NOT_FOUND, None, "The model `modèle «ü» 🚀` does not exist",
     rpc_status(NOT_FOUND, "The model `modèle «ü» 🚀` does not exist", error_info("MODEL_NOT_FOUND", "",
                [("model", "modèle «ü» 🚀")]))),
    # Broken details.
    ("details-truncated", RESOURCE_EXHAUSTED, None, "Quota exceeded", TRUNCATED),
    ("details-garbage", NOT_FOUND, None, "gone", b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"),
    ("details-wrong-wire-type", NOT_FOUND, None, "gone", pb_bytes(1, "not a varint") + pb_int(3, 7)),
    ("details-any-length-overflow", NOT_FOUND, None, "gone", varint(3 << 3 | 2) + varint((1 << 64) - 1)),
    ("details-bad-error-info", NOT_FOUND, None, "gone",
     rpc_status(NOT_FOUND, "gone", any_("ErrorInfo", b"\x0a\x05ab"), error_info("AFTER_A_BAD_ONE"))),
    ("details-empty", NOT_FOUND, None, "gone", b""),
    # Codes and pushback values.
    ("code-ok", OK, None, "", b""),
    ("code-17", 17, None, "beyond the last code", b""),
    ("code-255", 255, "100", "", b""),
    ("pushback-250", UNAVAILABLE, "250", "busy", b""),
    ("pushback-padded", UNAVAILABLE, " 007 ", "busy", b""),
    ("pushback-negative-zero", UNAVAILABLE, "-0", "busy", b""),
    ("pushback-too-large", UNAVAILABLE, "2147483648", "busy", b""),
    ("pushback-garbage", UNAVAILABLE, "soon", "busy", b""),
    ("pushback-empty", UNAVAILABLE, "", "busy", b""),
    ("pushback-not-a-header", UNAVAILABLE, "1\n2", "busy", b""),
    ("pushback-over-retry-info", UNAVAILABLE, "-1", "busy", rpc_status(UNAVAILABLE, "busy", retry_info(2))),
]


def tonic_details_seed(code, pushback, message, details):
    message = message.encode() if isinstance(message, str) else message
    assert len(message) < 256
    if pushback is None:
        head = bytes([code, 255])
    else:
        assert len(pushback) < 255
        head = bytes([code, len(pushback)]) + pushback.encode()
    return head + bytes([len(message)]) + message + details


def from_parts_seed(status, headers, body, small_limit):
    assert len(headers) < 8
    # The count byte is also the small decoder's body limit: by default one large enough
    # for the whole body when it can be, with the same count mod 8.
    count = len(headers)
    if small_limit is None:
        small_limit = 248 if len(body) < 248 else 0
    count_byte = count + 8 * (small_limit // 8)
    assert count_byte % 8 == count and count_byte < 256
    encoded = b"".join(
        name.encode() + b"\n" + value.encode() + b"\n" for name, value in headers
    )
    for name, value in headers:
        assert "\n" not in name and "\n" not in value
    return struct.pack("<H", status) + clock() + bytes([count_byte]) + encoded + body


def write(directory, seeds):
    path = os.path.join(HERE, directory)
    os.makedirs(path, exist_ok=True)
    for old in os.listdir(path):
        os.remove(os.path.join(path, old))
    for name, data in seeds:
        assert len(data) <= 4096, name  # within libFuzzer's default -max_len
        with open(os.path.join(path, name), "wb") as out:
            out.write(data)
    print(f"{directory}: {len(seeds)} seeds", file=sys.stderr)


def main():
    from_parts = [(name, from_parts_seed(status, headers, body, limit))
                  for name, status, headers, body, limit in FROM_PARTS]
    retry_after = [(f"retry-after-{name}", clock() + value.encode()) for name, value in RETRY_AFTER.items()]
    retry_after += [(f"retry-after-ms-{name}", clock() + value.encode()) for name, value in RETRY_AFTER_MS.items()]
    # A clock far in the future, where two-digit years and past dates behave otherwise.
    retry_after.append(("retry-after-rfc850-clock-2090", clock(3_786_912_000) + RETRY_AFTER["rfc850"].encode()))
    write("from_parts", from_parts)
    write("parse_retry_after", retry_after)
    write("tonic_details", [(name, tonic_details_seed(*seed)) for name, *seed in TONIC_DETAILS])


if __name__ == "__main__":
    main()

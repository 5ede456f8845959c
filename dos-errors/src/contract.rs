//! The error contract, compiled into both crates.
//!
//! This file is the one source of every rule that the derive applies when it
//! expands and the runtime applies when it answers: the defaults of each status,
//! which errors are retryable, masked or logged, the gRPC code of a status, JSON
//! string escaping, the envelope's layout, and the grammar of `message` templates
//! and of declared names. `dos-errors` compiles it as a module; `dos-errors-derive`
//! compiles the very same file (its `src/contract.rs` is a symbolic link to this
//! one, which `cargo package` stores as a copy), the way `serde_derive_internals`
//! shares `serde_derive`'s internals. Nothing here depends on anything else.
//!
//! Not every item is used by both crates; the module is `allow(dead_code)` in each.

use core::fmt;

// ---------------------------------------------------------------------------
// Retryability, gRPC codes, log levels
// ---------------------------------------------------------------------------

/// Whether a client may retry a request that failed with a given error.
///
/// ```
/// use dos_errors::{Retryability, Status};
///
/// assert_eq!(Status::BAD_REQUEST.default_retryability(), Retryability::Fatal);
/// assert_eq!(Status::SERVICE_UNAVAILABLE.default_retryability(), Retryability::Transient);
/// assert!(Retryability::Throttled.is_retryable());
/// assert_eq!(Retryability::retryable(429), Retryability::Throttled);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Retryability {
    /// Retrying the same request cannot succeed (400, 401, 402, …): fix the request instead.
    Fatal,
    /// A passing failure (500, 503, …): retry with exponential backoff.
    Transient,
    /// Rate limited (429): wait — at least as long as `Retry-After` says — then retry.
    Throttled,
}

impl Retryability {
    /// `true` unless [`Fatal`](Retryability::Fatal).
    #[must_use]
    pub const fn is_retryable(self) -> bool {
        !matches!(self, Retryability::Fatal)
    }

    /// How an error of status `code` is retried when it is declared retryable
    /// (`retryable` on a variant, `x-should-retry: true` from a server): a 429 is
    /// [`Throttled`](Retryability::Throttled), anything else
    /// [`Transient`](Retryability::Transient).
    #[must_use]
    pub const fn retryable(code: u16) -> Retryability {
        if code == 429 {
            Retryability::Throttled
        } else {
            Retryability::Transient
        }
    }
}

/// Generates [`GrpcCode`] from one table: variant, number, name, HTTP status.
macro_rules! grpc_codes {
    ($( $(#[$doc:meta])* $variant:ident = $number:literal, $name:literal, $http:literal; )*) => {
        /// A gRPC status code (`google.rpc.Code`).
        ///
        /// ```
        /// use dos_errors::GrpcCode;
        ///
        /// let code = GrpcCode::from_name("RESOURCE_EXHAUSTED").unwrap();
        /// assert_eq!(code, GrpcCode::ResourceExhausted);
        /// assert_eq!((code.as_i32(), code.as_str(), code.http_status()), (8, "RESOURCE_EXHAUSTED", 429));
        /// assert_eq!(GrpcCode::from_i32(14), Some(GrpcCode::Unavailable));
        /// assert_eq!(GrpcCode::from_i32(17), None);
        /// ```
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum GrpcCode {
            $( $(#[$doc])* $variant = $number, )*
        }

        impl GrpcCode {
            /// Every code, in numeric order.
            pub const ALL: [GrpcCode; 17] = [$(GrpcCode::$variant),*];

            /// The canonical name, e.g. `"RESOURCE_EXHAUSTED"`.
            #[must_use]
            pub const fn as_str(self) -> &'static str {
                match self { $(GrpcCode::$variant => $name,)* }
            }

            /// The number on the wire, e.g. `8`.
            #[must_use]
            pub const fn as_i32(self) -> i32 {
                self as i32
            }

            /// The code with this canonical name (exact, upper case), if any.
            #[must_use]
            pub fn from_name(name: &str) -> Option<GrpcCode> {
                match name { $($name => Some(GrpcCode::$variant),)* _ => None }
            }

            /// The code with this number, if any.
            #[must_use]
            pub const fn from_i32(number: i32) -> Option<GrpcCode> {
                match number { $($number => Some(GrpcCode::$variant),)* _ => None }
            }

            /// The HTTP status of this code in `google.rpc.Code`'s mapping
            /// (`OK` is 200, `CANCELLED` 499).
            #[must_use]
            pub const fn http_status(self) -> u16 {
                match self { $(GrpcCode::$variant => $http,)* }
            }
        }
    };
}

grpc_codes! {
    /// Not an error.
    Ok = 0, "OK", 200;
    /// The operation was cancelled, typically by the caller.
    Cancelled = 1, "CANCELLED", 499;
    /// An unknown error.
    Unknown = 2, "UNKNOWN", 500;
    /// The client specified an invalid argument.
    InvalidArgument = 3, "INVALID_ARGUMENT", 400;
    /// The deadline expired before the operation could complete.
    DeadlineExceeded = 4, "DEADLINE_EXCEEDED", 504;
    /// Some requested entity was not found.
    NotFound = 5, "NOT_FOUND", 404;
    /// The entity a client tried to create already exists.
    AlreadyExists = 6, "ALREADY_EXISTS", 409;
    /// The caller does not have permission.
    PermissionDenied = 7, "PERMISSION_DENIED", 403;
    /// Some resource has been exhausted: a quota, a rate limit.
    ResourceExhausted = 8, "RESOURCE_EXHAUSTED", 429;
    /// The system is not in a state required for the operation.
    FailedPrecondition = 9, "FAILED_PRECONDITION", 400;
    /// The operation was aborted, typically by a concurrency conflict.
    Aborted = 10, "ABORTED", 409;
    /// The operation was attempted past the valid range.
    OutOfRange = 11, "OUT_OF_RANGE", 400;
    /// The operation is not implemented or not supported.
    Unimplemented = 12, "UNIMPLEMENTED", 501;
    /// An internal error.
    Internal = 13, "INTERNAL", 500;
    /// The service is currently unavailable; retrying may help.
    Unavailable = 14, "UNAVAILABLE", 503;
    /// Unrecoverable data loss or corruption.
    DataLoss = 15, "DATA_LOSS", 500;
    /// The request does not have valid authentication credentials.
    Unauthenticated = 16, "UNAUTHENTICATED", 401;
}

impl fmt::Display for GrpcCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The level at which the framework integrations log an error's internal
/// description when it becomes a response (`#[api_error(log = "warn")]`).
///
/// ```
/// use dos_errors::LogLevel;
///
/// assert_eq!(LogLevel::from_name("warn"), Some(LogLevel::Warn));
/// assert_eq!(LogLevel::Off.as_str(), "off");
/// assert_eq!(LogLevel::default_for(true), LogLevel::Error); // masked errors
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LogLevel {
    /// Not logged.
    Off,
    /// `DEBUG`.
    Debug,
    /// `INFO`.
    Info,
    /// `WARN`.
    Warn,
    /// `ERROR`.
    Error,
}

impl LogLevel {
    /// The names `log = "…"` accepts, in the order of [`LogLevel::from_name`].
    pub const NAMES: [&'static str; 5] = ["error", "warn", "info", "debug", "off"];

    /// The level named `name` (`"error"`, `"warn"`, `"info"`, `"debug"`, `"off"`).
    #[must_use]
    pub fn from_name(name: &str) -> Option<LogLevel> {
        match name {
            "error" => Some(LogLevel::Error),
            "warn" => Some(LogLevel::Warn),
            "info" => Some(LogLevel::Info),
            "debug" => Some(LogLevel::Debug),
            "off" => Some(LogLevel::Off),
            _ => None,
        }
    }

    /// The lower-case name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            LogLevel::Error => "error",
            LogLevel::Warn => "warn",
            LogLevel::Info => "info",
            LogLevel::Debug => "debug",
            LogLevel::Off => "off",
        }
    }

    /// The level of an error that declares none: a masked error's internal
    /// description is logged as an error; other errors are not logged.
    #[must_use]
    pub const fn default_for(masked: bool) -> LogLevel {
        if masked {
            LogLevel::Error
        } else {
            LogLevel::Off
        }
    }
}

// ---------------------------------------------------------------------------
// Status defaults
// ---------------------------------------------------------------------------

/// What an error of one status is when it declares nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Defaults {
    /// The reason phrase of RFC 9110 or the IANA registry.
    pub reason: Option<&'static str>,
    /// The error `type`.
    pub error_type: &'static str,
    /// The public message.
    pub message: &'static str,
    /// Whether clients may retry.
    pub retryability: Retryability,
    /// The gRPC code.
    pub grpc: GrpcCode,
}

/// Builds [`defaults`]: `code => reason, [type, message,] [retry]`.
///
/// Rows that give only a reason take the type and retryability of their class and
/// the message "<reason>.".
macro_rules! defaults_table {
    ($(
        $code:literal => $reason:literal
        $(, type $ty:literal, message $msg:literal)?
        $(, retry $retry:ident)?
        ;
    )*) => {
        /// The defaults of status `code` (any number; outside `400..=599` the
        /// defaults of its class).
        #[must_use]
        pub const fn defaults(code: u16) -> Defaults {
            match code {
                $( $code => Defaults {
                    reason: Some($reason),
                    error_type: defaults_table!(@pick $($ty)?, class_type(code)),
                    message: defaults_table!(@pick $($msg)?, concat!($reason, ".")),
                    retryability: defaults_table!(@pick $(Retryability::$retry)?, class_retryability(code)),
                    grpc: default_grpc(code),
                }, )*
                _ => Defaults {
                    reason: None,
                    error_type: class_type(code),
                    message: if code >= 500 { "Server error." } else { "Client error." },
                    retryability: class_retryability(code),
                    grpc: default_grpc(code),
                },
            }
        }
    };
    (@pick $given:expr, $fallback:expr) => { $given };
    (@pick , $fallback:expr) => { $fallback };
}

const fn class_type(code: u16) -> &'static str {
    if code >= 500 {
        "server_error"
    } else {
        "invalid_request_error"
    }
}

const fn class_retryability(code: u16) -> Retryability {
    if code >= 500 {
        Retryability::Transient
    } else {
        Retryability::Fatal
    }
}

/// The gRPC code of an HTTP error status.
const fn default_grpc(code: u16) -> GrpcCode {
    match code {
        400 | 413 | 415 | 422 => GrpcCode::InvalidArgument,
        401 => GrpcCode::Unauthenticated,
        402 => GrpcCode::FailedPrecondition,
        403 => GrpcCode::PermissionDenied,
        404 => GrpcCode::NotFound,
        405 | 501 => GrpcCode::Unimplemented,
        408 | 504 => GrpcCode::DeadlineExceeded,
        409 => GrpcCode::Aborted,
        429 => GrpcCode::ResourceExhausted,
        499 => GrpcCode::Cancelled,
        500 => GrpcCode::Internal,
        502 | 503 => GrpcCode::Unavailable,
        _ if code >= 500 => GrpcCode::Unknown,
        _ => GrpcCode::FailedPrecondition,
    }
}

// The single source of truth for defaults. Messages of 400-402, 429, 500 and 503
// are the API documentation's own wording.
defaults_table! {
    400 => "Bad Request", type "invalid_request_error",
        message "The request is malformed or contains invalid parameters.";
    401 => "Unauthorized", type "authentication_error",
        message "The API key is missing, invalid, or has been revoked.";
    402 => "Payment Required", type "insufficient_credits_error",
        message "Your account does not have sufficient credits to process the request.";
    403 => "Forbidden", type "permission_error", message "Forbidden.";
    404 => "Not Found", type "not_found_error", message "Not Found.";
    405 => "Method Not Allowed";
    406 => "Not Acceptable";
    407 => "Proxy Authentication Required";
    408 => "Request Timeout", type "timeout_error", message "Request Timeout.", retry Transient;
    409 => "Conflict", type "conflict_error", message "Conflict.";
    410 => "Gone";
    411 => "Length Required";
    412 => "Precondition Failed";
    413 => "Payload Too Large", type "request_too_large_error", message "Payload Too Large.";
    414 => "URI Too Long";
    415 => "Unsupported Media Type";
    416 => "Range Not Satisfiable";
    417 => "Expectation Failed";
    418 => "I'm a teapot";
    421 => "Misdirected Request";
    422 => "Unprocessable Entity", type "invalid_request_error", message "Unprocessable Entity.";
    423 => "Locked";
    424 => "Failed Dependency";
    425 => "Too Early";
    426 => "Upgrade Required";
    428 => "Precondition Required";
    429 => "Too Many Requests", type "rate_limit_error",
        message "You have exceeded the rate limit for your account.", retry Throttled;
    431 => "Request Header Fields Too Large";
    451 => "Unavailable For Legal Reasons";
    500 => "Internal Server Error", type "server_error",
        message "An unexpected error occurred on our servers.";
    501 => "Not Implemented", retry Fatal;
    502 => "Bad Gateway", type "bad_gateway_error", message "Bad Gateway.";
    503 => "Service Unavailable", type "service_unavailable_error",
        message "The requested model is temporarily unavailable.";
    504 => "Gateway Timeout", type "timeout_error", message "Gateway Timeout.";
    505 => "HTTP Version Not Supported", retry Fatal;
    506 => "Variant Also Negotiates";
    507 => "Insufficient Storage";
    508 => "Loop Detected";
    510 => "Not Extended";
    511 => "Network Authentication Required";
}

/// The reason phrase of status `code`, or `Client Error` / `Server Error` where it
/// has none (an RFC 9457 problem's `title`).
#[must_use]
pub const fn title(code: u16) -> &'static str {
    match defaults(code).reason {
        Some(reason) => reason,
        None if code >= 500 => "Server Error",
        None => "Client Error",
    }
}

// ---------------------------------------------------------------------------
// Rules of a declared error
// ---------------------------------------------------------------------------

/// `true` when an error's public message hides its own description: a 5xx that
/// declares no message of its own (neither `message` nor `display`) sends its
/// status's default message, and its internal description only goes to logs.
#[must_use]
pub const fn is_masked(code: u16, declares_message: bool) -> bool {
    code >= 500 && !declares_message
}

/// Whether responses of status `code` advertise a `Retry-After` by default (RFC
/// 9110 names it for 503, RFC 6585 for 429), when they are retryable.
#[must_use]
pub const fn carries_retry_after(code: u16) -> bool {
    matches!(code, 429 | 503)
}

/// The `x-should-retry` a response of status `code` carries for an error whose
/// retryability is `retryable`: the declaration, where it differs from what the
/// status says by default; else `None`.
#[must_use]
pub const fn should_retry_override(retryable: bool, code: u16) -> Option<bool> {
    if retryable == defaults(code).retryability.is_retryable() {
        None
    } else {
        Some(retryable)
    }
}

/// An error `type` is lower snake_case ASCII: `[a-z][a-z0-9_]*`.
#[must_use]
pub fn is_error_type(name: &str) -> bool {
    let mut bytes = name.bytes();
    matches!(bytes.next(), Some(b'a'..=b'z'))
        && bytes.all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_'))
}

/// The longest error `code`, in bytes.
pub const MAX_CODE_LEN: usize = 63;

/// An error `code` is an error type of at most [`MAX_CODE_LEN`] bytes.
#[must_use]
pub fn is_error_code(code: &str) -> bool {
    code.len() <= MAX_CODE_LEN && is_error_type(code)
}

/// Why a `docs` base is not an absolute `http`/`https` URL, if it is not one.
#[must_use]
pub fn doc_base_problem(url: &str) -> Option<&'static str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let Some(rest) = rest else {
        return Some("it must start with `https://` or `http://`");
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty() {
        return Some("it has no host");
    }
    if url.contains('#') {
        return Some("it must not have a fragment (`#…` is added per error)");
    }
    if url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>' | '\\'))
    {
        return Some("it contains spaces or characters a URL cannot hold");
    }
    None
}

/// The documentation link of an error: `{base}#{code, else type}`.
#[must_use]
pub fn doc_url(base: &str, code: Option<&str>, error_type: &str) -> String {
    let mut url = String::with_capacity(base.len() + 1 + error_type.len());
    url.push_str(base);
    url.push('#');
    url.push_str(code.unwrap_or(error_type));
    url
}

// ---------------------------------------------------------------------------
// What a declared error is, packed
// ---------------------------------------------------------------------------

/// Everything about a declared error that is not a string, packed into one `u32`
/// in the table a derive generates (the table's cost to the compiler grows with
/// its number of fields). [`Traits::pack`] and [`Traits::unpack`] are the one
/// definition of the layout, used by the derive and by the runtime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Traits {
    /// The HTTP status, in `400..=599`.
    pub status: u16,
    /// Whether clients may retry.
    pub retryability: Retryability,
    /// The gRPC code.
    pub grpc: GrpcCode,
    /// The log level.
    pub log: LogLevel,
    /// The public message hides the error's own description.
    pub masked: bool,
    /// The message is a template filled from the fields.
    pub interpolated: bool,
    /// The message is the type's `Display`.
    pub display: bool,
    /// A field holds the `Retry-After`.
    pub retry_after_from_field: bool,
    /// A constant `retry_after = N` is declared.
    pub retry_after_const: bool,
    /// A field holds the parameter at fault.
    pub param_from_field: bool,
    /// A field holds the field violations.
    pub violations_from_field: bool,
    /// The message's literal text needs no JSON escaping.
    pub clean_text: bool,
}

impl Traits {
    /// The traits as one number.
    #[must_use]
    #[inline]
    pub const fn pack(self) -> u32 {
        let retryability = match self.retryability {
            Retryability::Fatal => 0,
            Retryability::Transient => 1,
            Retryability::Throttled => 2,
        };
        let log = match self.log {
            LogLevel::Off => 0,
            LogLevel::Debug => 1,
            LogLevel::Info => 2,
            LogLevel::Warn => 3,
            LogLevel::Error => 4,
        };
        retryability
            | (self.grpc as u32) << 2
            | log << 7
            | (self.masked as u32) << 10
            | (self.interpolated as u32) << 11
            | (self.display as u32) << 12
            | (self.retry_after_from_field as u32) << 13
            | (self.param_from_field as u32) << 14
            | (self.violations_from_field as u32) << 15
            | (self.clean_text as u32) << 16
            | ((self.status.saturating_sub(400) % 200) as u32) << 17
            | (self.retry_after_const as u32) << 25
    }

    /// The traits of a number made by [`pack`](Traits::pack); other numbers give
    /// some valid traits, never a panic.
    #[must_use]
    #[inline]
    pub const fn unpack(bits: u32) -> Traits {
        Traits {
            status: 400 + (bits >> 17 & 0xFF) as u16 % 200,
            retryability: match bits & 0b11 {
                1 => Retryability::Transient,
                2 => Retryability::Throttled,
                _ => Retryability::Fatal,
            },
            grpc: match GrpcCode::from_i32((bits >> 2 & 0b1_1111) as i32) {
                Some(code) => code,
                None => GrpcCode::Unknown,
            },
            log: match bits >> 7 & 0b111 {
                1 => LogLevel::Debug,
                2 => LogLevel::Info,
                3 => LogLevel::Warn,
                4 => LogLevel::Error,
                _ => LogLevel::Off,
            },
            masked: bits >> 10 & 1 == 1,
            interpolated: bits >> 11 & 1 == 1,
            display: bits >> 12 & 1 == 1,
            retry_after_from_field: bits >> 13 & 1 == 1,
            param_from_field: bits >> 14 & 1 == 1,
            violations_from_field: bits >> 15 & 1 == 1,
            clean_text: bits >> 16 & 1 == 1,
            retry_after_const: bits >> 25 & 1 == 1,
        }
    }
}

// ---------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------

/// How `byte` is written inside a JSON string, as `serde_json` writes it: `0` means
/// as itself, anything else is the character after the backslash (`u` for a
/// `\u00XX` escape).
#[must_use]
pub const fn escape_kind(byte: u8) -> u8 {
    match byte {
        b'"' => b'"',
        b'\\' => b'\\',
        0x08 => b'b',
        0x09 => b't',
        0x0A => b'n',
        0x0C => b'f',
        0x0D => b'r',
        0x00..=0x1F => b'u',
        _ => 0,
    }
}

/// [`escape_kind`] of every byte.
const ESCAPE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = escape_kind(byte as u8);
        byte += 1;
    }
    table
};

/// Lower-case hexadecimal digits, for `\u00XX` escapes.
pub const HEX: &[u8; 16] = b"0123456789abcdef";

/// `true` when `text` can be written inside a JSON string as it is.
#[must_use]
pub fn needs_no_escape(text: &str) -> bool {
    clean_prefix_len(text.as_bytes()) == text.len()
}

/// Appends `text` to `out` as the inside of a JSON string (without the quotes),
/// byte for byte as `serde_json` writes it.
pub fn escape_into(out: &mut Vec<u8>, text: &str) {
    let mut rest = text.as_bytes();
    loop {
        let clean = clean_prefix_len(rest);
        out.extend_from_slice(&rest[..clean]);
        let Some((&byte, after)) = rest[clean..].split_first() else {
            return;
        };
        match ESCAPE[byte as usize] {
            b'u' => out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[(byte >> 4) as usize],
                HEX[(byte & 0xF) as usize],
            ]),
            short => out.extend_from_slice(&[b'\\', short]),
        }
        rest = after;
    }
}

/// How many bytes at the start of `bytes` need no escape.
#[inline]
fn clean_prefix_len(bytes: &[u8]) -> usize {
    // Most text needs no escape: test eight bytes at a time, then find the
    // escape in the word that has one, or check the last few bytes one by one.
    let mut index = 0;
    while let Some(word) = bytes.get(index..index + 8) {
        if any_needs_escape(word) {
            break;
        }
        index += 8;
    }
    while let Some(&byte) = bytes.get(index) {
        if ESCAPE[byte as usize] != 0 {
            break;
        }
        index += 1;
    }
    index
}

/// Whether any of the eight bytes of `word` is a control character, `"` or `\`.
/// Exact: each test below sets a high bit iff some byte matches (a borrow may mark
/// more bytes, but only above a match).
#[inline(always)]
fn any_needs_escape(word: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    const fn has_zero_byte(word: u64) -> u64 {
        word.wrapping_sub(ONES) & !word
    }
    let word = u64::from_le_bytes([
        word[0], word[1], word[2], word[3], word[4], word[5], word[6], word[7],
    ]);
    let control = word.wrapping_sub(ONES * 0x20) & !word;
    let quote = has_zero_byte(word ^ (ONES * b'"' as u64));
    let backslash = has_zero_byte(word ^ (ONES * b'\\' as u64));
    (control | quote | backslash) & HIGHS != 0
}

/// Appends the decimal digits of `value` (a status: three digits, quickly).
#[inline]
pub fn push_decimal(out: &mut Vec<u8>, value: u16) {
    if (100..1000).contains(&value) {
        let digit = |value: u16| b'0' + (value % 10) as u8;
        out.extend_from_slice(&[digit(value / 100), digit(value / 10), digit(value)]);
        return;
    }
    push_u64(out, u64::from(value));
}

/// Appends the decimal digits of `value`.
pub fn push_u64(out: &mut Vec<u8>, value: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = value;
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

/// The envelope up to the opening quote of the message.
pub const ENVELOPE_HEAD: &str = r#"{"error":{"message":""#;
/// Between the message and the type.
pub const ENVELOPE_TYPE: &str = r#"","type":""#;
/// Between the type and the code.
pub const ENVELOPE_CODE: &str = r#"","code":"#;
/// After the code.
pub const ENVELOPE_END: &str = "}}";

/// Appends the compact JSON envelope `{"error":{"message":…,"type":…,"code":…}}`;
/// the same bytes as `serde_json` writes for it.
pub fn write_envelope(out: &mut Vec<u8>, message: &str, error_type: &str, code: u16) {
    out.reserve(ENVELOPE_HEAD.len() + message.len() + error_type.len() + 24);
    out.extend_from_slice(ENVELOPE_HEAD.as_bytes());
    escape_into(out, message);
    write_envelope_tail(out, error_type, code);
}

/// Appends everything after the message: `","type":"…","code":…}}`.
pub fn write_envelope_tail(out: &mut Vec<u8>, error_type: &str, code: u16) {
    out.extend_from_slice(ENVELOPE_TYPE.as_bytes());
    escape_into(out, error_type);
    out.extend_from_slice(ENVELOPE_CODE.as_bytes());
    push_decimal(out, code);
    out.extend_from_slice(ENVELOPE_END.as_bytes());
}

/// [`write_envelope_tail`] for a declared error type, which [`is_error_type`]
/// checked to need no escaping: copied as it is.
#[inline]
pub fn write_declared_envelope_tail(out: &mut Vec<u8>, error_type: &str, code: u16) {
    out.extend_from_slice(ENVELOPE_TYPE.as_bytes());
    out.extend_from_slice(error_type.as_bytes());
    out.extend_from_slice(ENVELOPE_CODE.as_bytes());
    push_decimal(out, code);
    out.extend_from_slice(ENVELOPE_END.as_bytes());
}

/// How many bytes [`write_declared_envelope_tail`] writes.
#[inline]
#[must_use]
pub fn declared_envelope_tail_len(error_type: &str, code: u16) -> usize {
    let digits = match code {
        0..=9 => 1,
        10..=99 => 2,
        100..=999 => 3,
        1000..=9999 => 4,
        _ => 5,
    };
    ENVELOPE_TYPE.len() + error_type.len() + ENVELOPE_CODE.len() + digits + ENVELOPE_END.len()
}

// ---------------------------------------------------------------------------
// Message templates
// ---------------------------------------------------------------------------

/// One piece of a `message` template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Literal text (a `{{` or `}}` comes as its own one-brace piece).
    Text(&'a str),
    /// A placeholder `{name:spec}`; `name` is a field name (without `r#`) or a
    /// tuple index, `spec` what follows the colon.
    Arg {
        /// The field it names.
        name: &'a str,
        /// The format spec, possibly empty.
        spec: &'a str,
    },
}

/// A problem in a `message` template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateError {
    /// A `}` that closes nothing.
    UnmatchedClose,
    /// A `{` that is never closed.
    Unclosed,
    /// `{}` or `{:spec}`: no field named.
    EmptyName(String),
    /// A name that is neither an identifier nor an index.
    BadName(String),
    /// A format spec the derive does not accept.
    Spec {
        /// The whole placeholder, braces included.
        placeholder: String,
        /// What is wrong with it.
        problem: SpecProblem,
    },
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TemplateError::UnmatchedClose => {
                f.write_str("unmatched `}` in message; write `}}` for a literal brace")
            }
            TemplateError::Unclosed => {
                f.write_str("unclosed `{` in message; write `{{` for a literal brace")
            }
            TemplateError::EmptyName(placeholder) => write!(
                f,
                "`{placeholder}` names no field: write the field inside the braces, \
                 like `{{field}}` or `{{0}}`"
            ),
            TemplateError::BadName(placeholder) => write!(
                f,
                "`{placeholder}`: a placeholder names a field (`{{field}}`) or a tuple index (`{{0}}`)"
            ),
            TemplateError::Spec {
                placeholder,
                problem,
            } => write!(f, "`{placeholder}`: {problem}"),
        }
    }
}

/// What is wrong with a format spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpecProblem {
    /// Width or precision taken from another argument (`width$`, `.*`).
    CountFromArgument,
    /// A formatting trait that does not exist (`{x:y}`).
    UnknownTrait(String),
    /// Anything else the grammar does not allow.
    Malformed,
}

impl fmt::Display for SpecProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SpecProblem::CountFromArgument => f.write_str(
                "width or precision taken from another argument (`name$`, `.*`) is not \
                 supported in messages; write the number in the spec",
            ),
            SpecProblem::UnknownTrait(name) => write!(
                f,
                "unknown format trait `{name}`: expected one of `?`, `x`, `X`, `x?`, `X?`, \
                 `o`, `b`, `e`, `E`, `p`"
            ),
            SpecProblem::Malformed => f.write_str("invalid format spec"),
        }
    }
}

/// The formatting trait a placeholder asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormatTrait {
    /// `{x}`
    Display,
    /// `{x:?}`, `{x:x?}`, `{x:X?}`
    Debug,
    /// `{x:x}`
    LowerHex,
    /// `{x:X}`
    UpperHex,
    /// `{x:o}`
    Octal,
    /// `{x:b}`
    Binary,
    /// `{x:e}`
    LowerExp,
    /// `{x:E}`
    UpperExp,
    /// `{x:p}`
    Pointer,
}

impl FormatTrait {
    /// The trait's name in `core::fmt`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            FormatTrait::Display => "Display",
            FormatTrait::Debug => "Debug",
            FormatTrait::LowerHex => "LowerHex",
            FormatTrait::UpperHex => "UpperHex",
            FormatTrait::Octal => "Octal",
            FormatTrait::Binary => "Binary",
            FormatTrait::LowerExp => "LowerExp",
            FormatTrait::UpperExp => "UpperExp",
            FormatTrait::Pointer => "Pointer",
        }
    }
}

/// Parses a format spec as `core::fmt` does:
/// `[[fill]align][sign]['#']['0'][width]['.' precision][type]`. A fill can be any
/// character, `*` and `$` included (`{:*^9}`).
///
/// # Errors
/// Counts taken from other arguments (`w$`, `.*`), unknown traits, anything else
/// the grammar rejects.
pub fn parse_spec(spec: &str) -> Result<FormatTrait, SpecProblem> {
    let is_align = |c: char| matches!(c, '<' | '^' | '>');
    let mut rest = spec;
    // [[fill]align]
    let mut chars = rest.chars();
    match (chars.next(), chars.next()) {
        (Some(fill), Some(align)) if is_align(align) => {
            rest = &rest[fill.len_utf8() + 1..];
        }
        (Some(align), _) if is_align(align) => rest = &rest[1..],
        _ => {}
    }
    // [sign]['#']['0']
    rest = rest.strip_prefix(['+', '-']).unwrap_or(rest);
    rest = rest.strip_prefix('#').unwrap_or(rest);
    if rest.starts_with('0') && !rest[1..].starts_with('$') {
        rest = &rest[1..];
    }
    // [width]
    rest = skip_count(rest)?;
    // ['.' precision]
    if let Some(after_dot) = rest.strip_prefix('.') {
        if after_dot.starts_with('*') {
            return Err(SpecProblem::CountFromArgument);
        }
        let after = skip_count(after_dot)?;
        if after.len() == after_dot.len() {
            return Err(SpecProblem::Malformed);
        }
        rest = after;
    }
    match rest {
        "" => Ok(FormatTrait::Display),
        "?" | "x?" | "X?" => Ok(FormatTrait::Debug),
        "x" => Ok(FormatTrait::LowerHex),
        "X" => Ok(FormatTrait::UpperHex),
        "o" => Ok(FormatTrait::Octal),
        "b" => Ok(FormatTrait::Binary),
        "e" => Ok(FormatTrait::LowerExp),
        "E" => Ok(FormatTrait::UpperExp),
        "p" => Ok(FormatTrait::Pointer),
        other if other.chars().all(|c| c.is_alphanumeric() || c == '_') => {
            Err(SpecProblem::UnknownTrait(other.to_owned()))
        }
        _ => Err(SpecProblem::Malformed),
    }
}

/// Skips a count (`12`); a count naming an argument (`12$`, `name$`) is refused.
fn skip_count(text: &str) -> Result<&str, SpecProblem> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let word = text
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
        .count();
    if text[word..].starts_with('$') {
        return Err(SpecProblem::CountFromArgument);
    }
    Ok(&text[digits..])
}

/// The pieces of a `message` template, in order.
///
/// ```text
/// "Model {model} allows {limit:>3} requests {{per minute}}"
/// → Text("Model "), Arg{model}, Text(" allows "), Arg{limit, ">3"}, Text(" requests "),
///   Text("{"), Text("per minute"), Text("}")
/// ```
#[derive(Debug, Clone)]
pub struct Template<'a> {
    rest: &'a str,
}

/// Reads `template` piece by piece.
#[must_use]
pub fn template(template: &str) -> Template<'_> {
    Template { rest: template }
}

impl<'a> Iterator for Template<'a> {
    type Item = Result<Piece<'a>, TemplateError>;

    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.rest;
        if rest.is_empty() {
            return None;
        }
        if let Some(after) = rest.strip_prefix("{{") {
            self.rest = after;
            return Some(Ok(Piece::Text(&rest[..1])));
        }
        if let Some(after) = rest.strip_prefix("}}") {
            self.rest = after;
            return Some(Ok(Piece::Text(&rest[..1])));
        }
        if rest.starts_with('}') {
            self.rest = "";
            return Some(Err(TemplateError::UnmatchedClose));
        }
        if let Some(inner) = rest.strip_prefix('{') {
            let Some(end) = inner.find('}') else {
                self.rest = "";
                return Some(Err(TemplateError::Unclosed));
            };
            self.rest = &inner[end + 1..];
            return Some(placeholder(&rest[..end + 2], &inner[..end]));
        }
        let end = rest.find(['{', '}']).unwrap_or(rest.len());
        self.rest = &rest[end..];
        Some(Ok(Piece::Text(&rest[..end])))
    }
}

/// Reads the inside of one placeholder.
fn placeholder<'a>(whole: &str, inner: &'a str) -> Result<Piece<'a>, TemplateError> {
    let (name, spec) = match inner.split_once(':') {
        Some((name, spec)) => (name.trim(), spec),
        None => (inner.trim(), ""),
    };
    // `{r#type}` names the field `r#type` just as `{type}` does.
    let name = name.strip_prefix("r#").unwrap_or(name);
    if name.is_empty() {
        return Err(TemplateError::EmptyName(whole.to_owned()));
    }
    let is_index = name.bytes().all(|b| b.is_ascii_digit());
    let is_ident = name
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_alphanumeric() || c == '_');
    if !is_index && !is_ident {
        return Err(TemplateError::BadName(whole.to_owned()));
    }
    parse_spec(spec).map_err(|problem| TemplateError::Spec {
        placeholder: whole.to_owned(),
        problem,
    })?;
    Ok(Piece::Arg { name, spec })
}

/// Walks a template the derive has already checked, for the runtime: the literal
/// text up to the next placeholder, then that placeholder's name. Nothing is
/// validated again; it never panics on any input.
#[derive(Debug, Clone)]
pub struct Cursor<'a> {
    rest: &'a str,
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of `template`.
    #[must_use]
    pub const fn new(template: &'a str) -> Self {
        Cursor { rest: template }
    }

    /// Calls `text` with each run of literal text up to the next placeholder (a
    /// `{{` or `}}` as one brace), and returns that placeholder's name; `None` at
    /// the end, all text written.
    pub fn next_placeholder(&mut self, mut text: impl FnMut(&'a str)) -> Option<&'a str> {
        loop {
            let rest = self.rest;
            let bytes = rest.as_bytes();
            let Some(at) = bytes.iter().position(|&b| b == b'{' || b == b'}') else {
                if !rest.is_empty() {
                    text(rest);
                }
                self.rest = "";
                return None;
            };
            if at > 0 {
                text(&rest[..at]);
            }
            // Braces are ASCII: every index below is a character boundary.
            let brace = bytes[at];
            if bytes.get(at + 1) == Some(&brace) {
                // `{{` or `}}`: one brace of text.
                text(&rest[at..=at]);
                self.rest = &rest[at + 2..];
                continue;
            }
            if brace == b'}' {
                // Not in a checked template: keep it as text.
                text(&rest[at..=at]);
                self.rest = &rest[at + 1..];
                continue;
            }
            let inner = &bytes[at + 1..];
            let close = inner.iter().position(|&b| b == b'}').unwrap_or(inner.len());
            let name_end = inner[..close]
                .iter()
                .position(|&b| b == b':')
                .unwrap_or(close);
            self.rest = rest.get(at + close + 2..).unwrap_or("");
            let name = rest[at + 1..at + 1 + name_end].trim();
            return Some(name.strip_prefix("r#").unwrap_or(name));
        }
    }
}

/// The names of the placeholders of a valid template, in order (a field used
/// twice comes twice). Pieces that do not parse are skipped.
pub fn placeholder_names(text: &str) -> impl Iterator<Item = &str> {
    template(text).filter_map(|piece| match piece {
        Ok(Piece::Arg { name, .. }) => Some(name),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_test_agrees_with_the_table_for_every_byte_and_position() {
        for filler in [b'a', 0x7F, 0x80, 0xFF, b'!', b'#', b'[', b']', 0x20] {
            for byte in 0..=255u8 {
                for position in 0..8 {
                    let mut word = [filler; 8];
                    word[position] = byte;
                    let expected = ESCAPE[byte as usize] != 0;
                    assert_eq!(any_needs_escape(&word), expected, "{word:?}");
                }
            }
        }
    }

    #[test]
    fn specs_parse_as_core_fmt_reads_them() {
        for (spec, expected) in [
            ("", Ok(FormatTrait::Display)),
            ("*^9", Ok(FormatTrait::Display)),
            ("$<4", Ok(FormatTrait::Display)),
            ("é>+#012.3e", Ok(FormatTrait::LowerExp)),
            ("x?", Ok(FormatTrait::Debug)),
            ("#?", Ok(FormatTrait::Debug)),
            ("08.3", Ok(FormatTrait::Display)),
            ("p", Ok(FormatTrait::Pointer)),
            ("0$", Err(SpecProblem::CountFromArgument)),
            ("w$", Err(SpecProblem::CountFromArgument)),
            (">1$", Err(SpecProblem::CountFromArgument)),
            (".*", Err(SpecProblem::CountFromArgument)),
            (".p$", Err(SpecProblem::CountFromArgument)),
            ("y", Err(SpecProblem::UnknownTrait("y".into()))),
            (".", Err(SpecProblem::Malformed)),
            ("^^^", Err(SpecProblem::Malformed)),
        ] {
            assert_eq!(parse_spec(spec), expected, "{spec:?}");
        }
    }

    #[test]
    fn templates_split_into_pieces() {
        let pieces: Vec<_> = template("a {x} {{b}} {r#type:>3}!").collect();
        assert_eq!(
            pieces,
            [
                Ok(Piece::Text("a ")),
                Ok(Piece::Arg {
                    name: "x",
                    spec: ""
                }),
                Ok(Piece::Text(" ")),
                Ok(Piece::Text("{")),
                Ok(Piece::Text("b")),
                Ok(Piece::Text("}")),
                Ok(Piece::Text(" ")),
                Ok(Piece::Arg {
                    name: "type",
                    spec: ">3"
                }),
                Ok(Piece::Text("!")),
            ]
        );
        assert_eq!(
            placeholder_names("{0} and {name:?} and {0}").collect::<Vec<_>>(),
            ["0", "name", "0"]
        );
        assert_eq!(
            template("oops }").last(),
            Some(Err(TemplateError::UnmatchedClose))
        );
        assert_eq!(template("{x").last(), Some(Err(TemplateError::Unclosed)));
        assert!(matches!(
            template("{:?}").next(),
            Some(Err(TemplateError::EmptyName(_)))
        ));
        assert!(matches!(
            template("{a b}").next(),
            Some(Err(TemplateError::BadName(_)))
        ));
    }

    #[test]
    fn traits_round_trip_through_their_number() {
        for grpc in GrpcCode::ALL {
            for (index, retryability) in [
                Retryability::Fatal,
                Retryability::Transient,
                Retryability::Throttled,
            ]
            .into_iter()
            .enumerate()
            {
                let traits = Traits {
                    status: [400, 429, 599][index],
                    retryability,
                    grpc,
                    log: [
                        LogLevel::Off,
                        LogLevel::Debug,
                        LogLevel::Info,
                        LogLevel::Warn,
                        LogLevel::Error,
                    ][index + 2],
                    masked: index == 0,
                    interpolated: index == 1,
                    display: index == 2,
                    retry_after_from_field: index != 0,
                    param_from_field: index != 1,
                    violations_from_field: index != 2,
                    clean_text: grpc as u32 % 2 == 0,
                    retry_after_const: grpc as u32 % 3 == 0,
                };
                assert_eq!(Traits::unpack(traits.pack()), traits);
            }
        }
        let _ = Traits::unpack(u32::MAX);
    }

    #[test]
    fn the_cursor_walks_text_and_placeholders() {
        let mut cursor = Cursor::new("a {x} {{b}} {r#type:>3}! {0}");
        let mut text = String::new();
        let mut names = Vec::new();
        while let Some(name) = cursor.next_placeholder(|piece| text.push_str(piece)) {
            names.push(name);
            text.push('|');
        }
        assert_eq!(text, "a | {b} |! |");
        assert_eq!(names, ["x", "type", "0"]);
        let mut odd = Cursor::new("}{unclosed");
        let mut text = String::new();
        assert_eq!(
            odd.next_placeholder(|piece| text.push_str(piece)),
            Some("unclosed")
        );
        assert_eq!(text, "}");
        assert_eq!(odd.next_placeholder(|_| {}), None);
    }

    #[test]
    fn doc_bases_must_be_absolute_http_urls() {
        assert_eq!(doc_base_problem("https://docs.dos.ai/errors"), None);
        assert_eq!(doc_base_problem("http://localhost:8080"), None);
        assert!(doc_base_problem("docs.dos.ai/errors").is_some());
        assert!(doc_base_problem("https:///errors").is_some());
        assert!(doc_base_problem("https://docs.dos.ai/errors#x").is_some());
        assert!(doc_base_problem("https://docs.dos.ai/a b").is_some());
        assert_eq!(
            doc_url("https://d.ai/e", Some("model_not_found"), "x"),
            "https://d.ai/e#model_not_found"
        );
    }

    #[test]
    fn codes_follow_the_type_grammar_with_a_length_limit() {
        assert!(is_error_code("model_not_found"));
        assert!(!is_error_code("Model"));
        assert!(!is_error_code("9lives"));
        assert!(is_error_code(&"a".repeat(63)));
        assert!(!is_error_code(&"a".repeat(64)));
    }
}

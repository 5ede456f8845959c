//! The protobuf messages of a gRPC error's details, written by hand (no `protoc`):
//! `google.rpc.Status` (`google/rpc/status.proto`), the four details of
//! `google/rpc/error_details.proto` this crate reads and writes, and the
//! `google.protobuf.Any` and `Duration` they need, with googleapis' field numbers.
//!
//! Every `string` field is declared `bytes`: the same bytes on the wire, but a
//! reader that meets invalid UTF-8 keeps the message (and replaces the bad bytes)
//! instead of rejecting it. `ErrorInfo.metadata`, a `map<string, string>`, is
//! declared as what a map is on the wire — repeated `{key = 1, value = 2}` entries —
//! so that its entries keep their order both ways (the order of the message's
//! placeholders, as in the Google JSON format).

use std::time::Duration as StdDuration;

/// `google.rpc.Status`: what `grpc-status-details-bin` carries.
#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct Status {
    /// The gRPC code, the same as the status's.
    #[prost(int32, tag = "1")]
    pub(crate) code: i32,
    /// The public message (UTF-8).
    #[prost(bytes = "vec", tag = "2")]
    pub(crate) message: Vec<u8>,
    /// The details, each a message packed with its type.
    #[prost(message, repeated, tag = "3")]
    pub(crate) details: Vec<Any>,
}

/// `google.protobuf.Any`: a message and the URL of its type.
#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct Any {
    /// `type.googleapis.com/google.rpc.ErrorInfo`, …
    #[prost(bytes = "vec", tag = "1")]
    pub(crate) type_url: Vec<u8>,
    /// The encoded message.
    #[prost(bytes = "vec", tag = "2")]
    pub(crate) value: Vec<u8>,
}

/// `google.rpc.ErrorInfo`.
#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct ErrorInfo {
    #[prost(bytes = "vec", tag = "1")]
    pub(crate) reason: Vec<u8>,
    #[prost(bytes = "vec", tag = "2")]
    pub(crate) domain: Vec<u8>,
    /// `map<string, string> metadata = 3`, entry by entry.
    #[prost(message, repeated, tag = "3")]
    pub(crate) metadata: Vec<MetadataEntry>,
}

/// One entry of `ErrorInfo.metadata` (a map entry on the wire).
#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct MetadataEntry {
    #[prost(bytes = "vec", tag = "1")]
    pub(crate) key: Vec<u8>,
    #[prost(bytes = "vec", tag = "2")]
    pub(crate) value: Vec<u8>,
}

/// `google.rpc.RetryInfo`.
#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct RetryInfo {
    #[prost(message, optional, tag = "1")]
    pub(crate) retry_delay: Option<Duration>,
}

/// `google.protobuf.Duration`.
#[derive(Clone, Copy, PartialEq, Eq, prost::Message)]
pub(crate) struct Duration {
    #[prost(int64, tag = "1")]
    pub(crate) seconds: i64,
    #[prost(int32, tag = "2")]
    pub(crate) nanos: i32,
}

/// `google.rpc.BadRequest`.
#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct BadRequest {
    #[prost(message, repeated, tag = "1")]
    pub(crate) field_violations: Vec<FieldViolation>,
}

/// `google.rpc.BadRequest.FieldViolation` (its later `reason` and
/// `localized_message` are skipped as unknown fields).
#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct FieldViolation {
    #[prost(bytes = "vec", tag = "1")]
    pub(crate) field: Vec<u8>,
    #[prost(bytes = "vec", tag = "2")]
    pub(crate) description: Vec<u8>,
}

/// `google.rpc.Help`.
#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct Help {
    #[prost(message, repeated, tag = "1")]
    pub(crate) links: Vec<Link>,
}

/// `google.rpc.Help.Link`.
#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct Link {
    #[prost(bytes = "vec", tag = "1")]
    pub(crate) description: Vec<u8>,
    #[prost(bytes = "vec", tag = "2")]
    pub(crate) url: Vec<u8>,
}

/// The `type_url` of each detail: `type.googleapis.com/` and the full name of its message.
pub(crate) const ERROR_INFO: &str = "type.googleapis.com/google.rpc.ErrorInfo";
/// See [`ERROR_INFO`].
pub(crate) const RETRY_INFO: &str = "type.googleapis.com/google.rpc.RetryInfo";
/// See [`ERROR_INFO`].
pub(crate) const BAD_REQUEST: &str = "type.googleapis.com/google.rpc.BadRequest";
/// See [`ERROR_INFO`].
pub(crate) const HELP: &str = "type.googleapis.com/google.rpc.Help";

impl Any {
    /// `message` packed with its type URL.
    pub(crate) fn pack(type_url: &str, message: &impl prost::Message) -> Any {
        Any {
            type_url: type_url.as_bytes().to_vec(),
            value: message.encode_to_vec(),
        }
    }

    /// Whether this detail is of the type of `type_url`, whatever the host of its
    /// URL: the full message name after the last `/` decides (as protobuf reads an
    /// `Any`), so `type.googleapis.com/google.rpc.ErrorInfo` and
    /// `example.com/x/google.rpc.ErrorInfo` are both an `ErrorInfo`.
    pub(crate) fn is(&self, type_url: &str) -> bool {
        let name =
            |url: &[u8]| -> usize { url.iter().rposition(|&b| b == b'/').map_or(0, |at| at + 1) };
        let wanted = &type_url.as_bytes()[name(type_url.as_bytes())..];
        self.type_url[name(&self.type_url)..] == *wanted
    }
}

impl From<StdDuration> for Duration {
    /// A delay as a protobuf duration; seconds beyond `i64::MAX` are cut to it.
    fn from(delay: StdDuration) -> Self {
        Duration {
            seconds: i64::try_from(delay.as_secs()).unwrap_or(i64::MAX),
            // Below one billion: fits.
            nanos: i32::try_from(delay.subsec_nanos()).unwrap_or(0),
        }
    }
}

impl Duration {
    /// The delay this duration is: `None` when it is negative or not a valid
    /// protobuf duration (nanoseconds outside `0..1_000_000_000` for a positive one).
    pub(crate) fn to_std(self) -> Option<StdDuration> {
        let seconds = u64::try_from(self.seconds).ok()?;
        let nanos = u32::try_from(self.nanos)
            .ok()
            .filter(|&n| n < 1_000_000_000)?;
        Some(StdDuration::new(seconds, nanos))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prost::Message as _;

    #[test]
    fn field_numbers_as_googleapis_declares_them() {
        // ErrorInfo { reason: "A", domain: "d", metadata: {"k": "v"} }
        let info = ErrorInfo {
            reason: b"A".to_vec(),
            domain: b"d".to_vec(),
            metadata: vec![MetadataEntry {
                key: b"k".to_vec(),
                value: b"v".to_vec(),
            }],
        };
        assert_eq!(
            info.encode_to_vec(),
            [0x0a, 1, b'A', 0x12, 1, b'd', 0x1a, 6, 0x0a, 1, b'k', 0x12, 1, b'v']
        );
        // RetryInfo { retry_delay: 2.5s }
        let retry = RetryInfo {
            retry_delay: Some(StdDuration::from_millis(2500).into()),
        };
        assert_eq!(
            retry.encode_to_vec(),
            [0x0a, 8, 0x08, 2, 0x10, 0x80, 0xca, 0xb5, 0xee, 0x01]
        );
        // Status { code: 3, message: "m", details: [Any { type_url: "t", value: "v" }] }
        let status = Status {
            code: 3,
            message: b"m".to_vec(),
            details: vec![Any {
                type_url: b"t".to_vec(),
                value: b"v".to_vec(),
            }],
        };
        assert_eq!(
            status.encode_to_vec(),
            [0x08, 3, 0x12, 1, b'm', 0x1a, 6, 0x0a, 1, b't', 0x12, 1, b'v']
        );
    }

    #[test]
    fn durations_both_ways() {
        let delay = StdDuration::new(7, 250);
        assert_eq!(Duration::from(delay).to_std(), Some(delay));
        assert_eq!(
            Duration::from(StdDuration::new(u64::MAX, 1)).seconds,
            i64::MAX
        );
        for (seconds, nanos) in [(-1, 0), (0, -1), (1, 1_000_000_000), (-5, -5)] {
            assert_eq!(
                Duration { seconds, nanos }.to_std(),
                None,
                "{seconds} {nanos}"
            );
        }
    }

    #[test]
    fn any_type_by_message_name() {
        let any = |url: &str| Any {
            type_url: url.as_bytes().to_vec(),
            value: Vec::new(),
        };
        assert!(any(ERROR_INFO).is(ERROR_INFO));
        assert!(any("example.com/x/google.rpc.ErrorInfo").is(ERROR_INFO));
        assert!(any("google.rpc.ErrorInfo").is(ERROR_INFO));
        assert!(!any("type.googleapis.com/google.rpc.ErrorInfoX").is(ERROR_INFO));
        assert!(!any("type.googleapis.com/my.google.rpc.ErrorInfo").is(ERROR_INFO));
        assert!(!any("").is(ERROR_INFO));
    }
}

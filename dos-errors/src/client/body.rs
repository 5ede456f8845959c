//! Reading an error body by shape: small typed structs whose fields accept any JSON,
//! so an unexpected type in one field never rejects the whole body, and everything
//! not needed is skipped without being stored.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::{BodyShape, MAX_METADATA_ENTRIES, MAX_VIOLATIONS};
use crate::format::{pointer, ABOUT_BLANK};
use crate::GrpcCode;

/// What the JSON of a body says, before cleaning and bounding (but with at most
/// [`MAX_VIOLATIONS`] violations and [`MAX_METADATA_ENTRIES`] metadata entries).
#[derive(Default)]
pub(super) struct Decoded {
    pub(super) shape: Option<BodyShape>,
    pub(super) error_type: Option<String>,
    /// `None`: the body had no message field; the body text itself serves.
    pub(super) message: Option<String>,
    pub(super) body_code: Option<u16>,
    pub(super) param: Option<String>,
    /// OpenAI's `code`, a problem's `error_code`, Google's `ErrorInfo.reason` lower-cased.
    pub(super) error_code: Option<String>,
    /// Google's `RetryInfo.retryDelay`, e.g. `"32s"`.
    pub(super) retry_delay: Option<String>,
    pub(super) request_id: Option<String>,
    /// `(field path, description)`: a problem's `errors`, Google's `fieldViolations`.
    pub(super) violations: Vec<(String, String)>,
    /// Google's first `Help` link, a problem's `type` when it is an `http(s)` URL.
    pub(super) doc_url: Option<String>,
    /// Google's `ErrorInfo.domain`.
    pub(super) domain: Option<String>,
    /// Google's `ErrorInfo.metadata`, in the body's order, first of each key.
    pub(super) metadata: Vec<(String, String)>,
    /// Google's `status`, when it names a gRPC code.
    pub(super) grpc_code: Option<GrpcCode>,
}

/// Reads `body` as JSON; `None` when it is not JSON at all.
///
/// `problem_content_type` is `true` for `application/problem+json`, which makes an
/// object without an `error` member an RFC 9457 problem whatever its fields.
pub(super) fn decode_json(body: &[u8], problem_content_type: bool) -> Option<Decoded> {
    let first = body.iter().find(|b| !b.is_ascii_whitespace())?;
    if !matches!(first, b'{' | b'[' | b'"') {
        return None;
    }
    let document: Document = serde_json::from_slice(body).ok()?;
    Some(match document {
        Document::Object(top) => interpret(*top, problem_content_type),
        Document::Str(text) => Decoded {
            shape: Some(BodyShape::JsonString),
            message: Some(text),
            ..Decoded::default()
        },
        Document::Other => Decoded {
            shape: Some(BodyShape::Json),
            ..Decoded::default()
        },
    })
}

/// `true` for an `http://` or `https://` URL (any case).
fn is_http_url(text: &str) -> bool {
    let starts_with = |prefix: &str| {
        text.get(..prefix.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(prefix))
    };
    starts_with("https://") || starts_with("http://")
}

fn interpret(top: TopLevel, problem_content_type: bool) -> Decoded {
    let request_id = top.request_id.into_string();
    let mut decoded = match top.error {
        ErrorField::Object(inner) => {
            let inner = *inner;
            if top.kind.as_str() == Some("error") {
                // Anthropic: {"type":"error","error":{"type":…,"message":…}}
                Decoded {
                    shape: Some(BodyShape::Anthropic),
                    error_type: inner.kind.into_string(),
                    message: inner.message.into_string(),
                    body_code: inner.code.as_code(),
                    ..Decoded::default()
                }
            } else if inner.status.as_str().is_some() || inner.details.present {
                // Google AIP-193: {"error":{"code":429,"message":…,"status":"RESOURCE_EXHAUSTED","details":[…]}}
                let details = inner.details;
                Decoded {
                    shape: Some(BodyShape::Google),
                    grpc_code: inner.status.as_str().and_then(GrpcCode::from_name),
                    error_type: inner.status.into_string(),
                    message: inner.message.into_string(),
                    body_code: inner.code.as_code(),
                    error_code: details.reason.map(|reason| reason.to_ascii_lowercase()),
                    retry_delay: details.retry_delay,
                    violations: details.violations,
                    doc_url: details.help_url,
                    domain: details.domain,
                    metadata: details.metadata,
                    ..Decoded::default()
                }
            } else if inner.code.as_str().is_some() || !inner.param.is_missing() {
                // OpenAI: {"error":{"message":…,"type":…,"param":null,"code":"invalid_api_key"}}
                let body_code = inner.code.as_code();
                Decoded {
                    shape: Some(BodyShape::OpenAi),
                    error_type: inner.kind.into_string(),
                    message: inner.message.into_string(),
                    body_code,
                    param: inner.param.into_string(),
                    error_code: inner.code.into_string(),
                    ..Decoded::default()
                }
            } else {
                // The envelope: {"error":{"message":…,"type":…,"code":401}}
                Decoded {
                    shape: Some(BodyShape::Envelope),
                    error_type: inner.kind.into_string(),
                    message: inner.message.into_string(),
                    body_code: inner.code.as_code(),
                    ..Decoded::default()
                }
            }
        }
        ErrorField::Text(text) => Decoded {
            // {"error":"invalid token"}
            shape: Some(BodyShape::Json),
            message: Some(text),
            body_code: top.code.as_code().or_else(|| top.status.as_code()),
            ..Decoded::default()
        },
        ErrorField::Missing | ErrorField::Other => {
            let looks_like_problem = !top.title.is_missing()
                || (top.status.as_code().is_some()
                    && (!top.detail.is_missing() || !top.kind.is_missing()));
            if problem_content_type || looks_like_problem {
                // RFC 9457: {"type":…,"title":…,"status":…,"detail":…,"error_type":…,"errors":[…]}
                let detail = top.detail.into_string().filter(|d| !d.trim().is_empty());
                let uri = top.kind.into_string().filter(|t| t != ABOUT_BLANK);
                Decoded {
                    shape: Some(BodyShape::Problem),
                    doc_url: uri.clone().filter(|uri| is_http_url(uri)),
                    error_type: top.error_type.into_string().or(uri),
                    message: detail.or_else(|| top.title.into_string()),
                    body_code: top.status.as_code(),
                    error_code: top.error_code.into_string(),
                    param: top.param.into_string(),
                    violations: top.errors.0,
                    ..Decoded::default()
                }
            } else {
                // Anything else: {"message":…}, {"detail":…} (FastAPI), …
                Decoded {
                    shape: Some(BodyShape::Json),
                    error_type: top.kind.into_string(),
                    message: top
                        .message
                        .into_string()
                        .or_else(|| top.detail.into_string()),
                    body_code: top.code.as_code().or_else(|| top.status.as_code()),
                    ..Decoded::default()
                }
            }
        }
    };
    decoded.request_id = request_id;
    decoded
}

/// A whole body.
enum Document {
    Object(Box<TopLevel>),
    Str(String),
    Other,
}

/// The members of a top-level object that any known shape uses.
#[derive(Deserialize, Default)]
#[serde(default)]
struct TopLevel {
    error: ErrorField,
    #[serde(rename = "type")]
    kind: Loose,
    title: Loose,
    detail: Loose,
    status: Loose,
    message: Loose,
    code: Loose,
    request_id: Loose,
    // A problem's extension members (see `Format::Problem`).
    error_type: Loose,
    error_code: Loose,
    param: Loose,
    errors: Violations,
}

/// The `error` member: an object (most shapes), a string, or something else.
#[derive(Default)]
enum ErrorField {
    #[default]
    Missing,
    Object(Box<InnerError>),
    Text(String),
    Other,
}

/// The members of an `error` object that any known shape uses.
#[derive(Deserialize, Default)]
#[serde(default)]
struct InnerError {
    message: Loose,
    #[serde(rename = "type")]
    kind: Loose,
    code: Loose,
    param: Loose,
    status: Loose,
    details: GoogleDetails,
}

/// Google's `error.details`: what `ErrorInfo`, `RetryInfo`, `BadRequest` and `Help`
/// say (the first detail of each type).
#[derive(Default)]
struct GoogleDetails {
    present: bool,
    retry_delay: Option<String>,
    reason: Option<String>,
    domain: Option<String>,
    metadata: Vec<(String, String)>,
    violations: Vec<(String, String)>,
    help_url: Option<String>,
}

/// One entry of `error.details`.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Detail {
    #[serde(rename = "@type")]
    kind: Loose,
    #[serde(rename = "retryDelay")]
    retry_delay: Loose,
    reason: Loose,
    domain: Loose,
    metadata: Metadata,
    #[serde(rename = "fieldViolations")]
    field_violations: Violations,
    links: HelpUrl,
}

/// A list of violations: a problem's `errors` (`{"detail","pointer"}`), Google's
/// `fieldViolations` (`{"field","description"}`); the first [`MAX_VIOLATIONS`]
/// entries that are objects with a field or a description.
#[derive(Default)]
struct Violations(Vec<(String, String)>);

/// One violation, whichever names its members have.
#[derive(Deserialize, Default)]
#[serde(default)]
struct ViolationFields {
    field: Loose,
    description: Loose,
    pointer: Loose,
    detail: Loose,
}

/// One entry of a list of violations; `None` when it is not an object.
struct ViolationEntry(Option<ViolationFields>);

/// Google's `ErrorInfo.metadata`: the first [`MAX_METADATA_ENTRIES`] members whose
/// value is a string, the first of each name.
#[derive(Default)]
struct Metadata(Vec<(String, String)>);

/// The `url` of the first link of Google's `Help.links` that has one.
#[derive(Default)]
struct HelpUrl(Option<String>);

/// One link of `Help.links`.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Link {
    url: Loose,
}

/// One entry of `Help.links`; `None` when it is not an object.
struct LinkEntry(Option<Link>);

/// Any JSON value; only what a code, a string or a null needs is kept.
#[derive(Default)]
enum Loose {
    /// The member was absent.
    #[default]
    Missing,
    Null,
    Unsigned(u64),
    Float(f64),
    Str(String),
    /// A boolean, a negative number, an array or an object.
    Other,
}

impl Loose {
    fn is_missing(&self) -> bool {
        matches!(self, Loose::Missing)
    }

    fn as_str(&self) -> Option<&str> {
        match self {
            Loose::Str(text) => Some(text),
            _ => None,
        }
    }

    fn into_string(self) -> Option<String> {
        match self {
            Loose::Str(text) => Some(text),
            _ => None,
        }
    }

    /// A whole number that fits a `u16` (`429` or `429.0`).
    fn as_code(&self) -> Option<u16> {
        match *self {
            Loose::Unsigned(n) => u16::try_from(n).ok(),
            Loose::Float(f) if f.fract() == 0.0 && (0.0..=f64::from(u16::MAX)).contains(&f) => {
                // In range and whole, so the cast is exact.
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                Some(f as u16)
            }
            _ => None,
        }
    }
}

/// Skips the rest of a sequence.
fn drain_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

/// Skips the rest of a map.
fn drain_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

/// A type read from *any* JSON value: each kind of value has a handler, and those
/// not overridden skip the value and give [`Lenient::fallback`].
trait Lenient: Sized {
    fn fallback() -> Self;

    fn on_scalar() -> Self {
        Self::fallback()
    }
    fn on_u64(_: u64) -> Self {
        Self::on_scalar()
    }
    fn on_f64(_: f64) -> Self {
        Self::on_scalar()
    }
    fn on_null() -> Self {
        Self::on_scalar()
    }
    fn on_string(_: String) -> Self {
        Self::on_scalar()
    }
    fn on_seq<'de, A: SeqAccess<'de>>(seq: A) -> Result<Self, A::Error> {
        drain_seq(seq).map(|()| Self::fallback())
    }
    fn on_map<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error> {
        drain_map(map).map(|()| Self::fallback())
    }
}

/// The one visitor behind every [`Lenient`] type.
struct LenientVisitor<T>(PhantomData<T>);

impl<'de, T: Lenient> Visitor<'de> for LenientVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<T, E> {
        Ok(T::on_scalar())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<T, E> {
        Ok(T::on_scalar())
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<T, E> {
        Ok(T::on_u64(n))
    }
    fn visit_f64<E: de::Error>(self, f: f64) -> Result<T, E> {
        Ok(T::on_f64(f))
    }
    fn visit_str<E: de::Error>(self, text: &str) -> Result<T, E> {
        Ok(T::on_string(text.to_owned()))
    }
    fn visit_string<E: de::Error>(self, text: String) -> Result<T, E> {
        Ok(T::on_string(text))
    }
    fn visit_unit<E: de::Error>(self) -> Result<T, E> {
        Ok(T::on_null())
    }
    fn visit_none<E: de::Error>(self) -> Result<T, E> {
        Ok(T::on_null())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<T, A::Error> {
        T::on_seq(seq)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::on_map(map)
    }
}

macro_rules! deserialize_leniently {
    ($($ty:ty),*) => {$(
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_any(LenientVisitor(PhantomData))
            }
        }
    )*};
}

deserialize_leniently!(
    Loose,
    Document,
    ErrorField,
    GoogleDetails,
    DetailEntry,
    Violations,
    ViolationEntry,
    Metadata,
    HelpUrl,
    LinkEntry
);

impl Lenient for Loose {
    fn fallback() -> Self {
        Loose::Other
    }
    fn on_u64(n: u64) -> Self {
        Loose::Unsigned(n)
    }
    fn on_f64(f: f64) -> Self {
        Loose::Float(f)
    }
    fn on_null() -> Self {
        Loose::Null
    }
    fn on_string(text: String) -> Self {
        Loose::Str(text)
    }
}

impl Lenient for Document {
    fn fallback() -> Self {
        Document::Other
    }
    fn on_string(text: String) -> Self {
        Document::Str(text)
    }
    fn on_map<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error> {
        TopLevel::deserialize(MapAccessDeserializer::new(map))
            .map(|top| Document::Object(Box::new(top)))
    }
}

impl Lenient for ErrorField {
    fn fallback() -> Self {
        ErrorField::Other
    }
    fn on_string(text: String) -> Self {
        ErrorField::Text(text)
    }
    fn on_map<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error> {
        InnerError::deserialize(MapAccessDeserializer::new(map))
            .map(|inner| ErrorField::Object(Box::new(inner)))
    }
}

impl Lenient for GoogleDetails {
    fn fallback() -> Self {
        GoogleDetails::default()
    }
    fn on_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<Self, A::Error> {
        let mut details = GoogleDetails {
            present: true,
            ..GoogleDetails::default()
        };
        let (mut error_info, mut bad_request) = (false, false);
        while let Some(DetailEntry(entry)) = seq.next_element::<DetailEntry>()? {
            let Some(detail) = entry else { continue };
            let kind = detail.kind.as_str().unwrap_or_default();
            if kind.ends_with("google.rpc.RetryInfo") && details.retry_delay.is_none() {
                details.retry_delay = detail.retry_delay.into_string();
            } else if kind.ends_with("google.rpc.ErrorInfo") && !error_info {
                error_info = true;
                details.reason = detail.reason.into_string();
                details.domain = detail.domain.into_string();
                details.metadata = detail.metadata.0;
            } else if kind.ends_with("google.rpc.BadRequest") && !bad_request {
                bad_request = true;
                details.violations = detail.field_violations.0;
            } else if kind.ends_with("google.rpc.Help") && details.help_url.is_none() {
                details.help_url = detail.links.0;
            }
        }
        Ok(details)
    }
}

/// One entry of `error.details`; `None` when it is not an object.
struct DetailEntry(Option<Detail>);

impl Lenient for DetailEntry {
    fn fallback() -> Self {
        DetailEntry(None)
    }
    fn on_map<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error> {
        Detail::deserialize(MapAccessDeserializer::new(map)).map(|detail| DetailEntry(Some(detail)))
    }
}

impl Lenient for Violations {
    fn fallback() -> Self {
        Violations::default()
    }
    fn on_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<Self, A::Error> {
        let mut violations = Vec::new();
        while let Some(ViolationEntry(entry)) = seq.next_element::<ViolationEntry>()? {
            let Some(fields) = entry else { continue };
            let field = match (fields.field.into_string(), fields.pointer.as_str()) {
                (Some(field), _) => Some(field),
                (None, Some(pointer)) => Some(pointer::field(pointer)),
                (None, None) => None,
            };
            let description = fields
                .description
                .into_string()
                .or_else(|| fields.detail.into_string());
            if field.is_none() && description.is_none() {
                continue;
            }
            violations.push((field.unwrap_or_default(), description.unwrap_or_default()));
            if violations.len() == MAX_VIOLATIONS {
                drain_seq(seq)?;
                break;
            }
        }
        Ok(Violations(violations))
    }
}

impl Lenient for ViolationEntry {
    fn fallback() -> Self {
        ViolationEntry(None)
    }
    fn on_map<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error> {
        ViolationFields::deserialize(MapAccessDeserializer::new(map))
            .map(|fields| ViolationEntry(Some(fields)))
    }
}

impl Lenient for Metadata {
    fn fallback() -> Self {
        Metadata::default()
    }
    fn on_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let mut entries: Vec<(String, String)> = Vec::new();
        while let Some(name) = map.next_key::<String>()? {
            let Loose::Str(value) = map.next_value::<Loose>()? else {
                continue;
            };
            if entries.len() < MAX_METADATA_ENTRIES && !entries.iter().any(|(n, _)| *n == name) {
                entries.push((name, value));
            }
        }
        Ok(Metadata(entries))
    }
}

impl Lenient for HelpUrl {
    fn fallback() -> Self {
        HelpUrl(None)
    }
    fn on_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<Self, A::Error> {
        let mut url = None;
        while let Some(LinkEntry(link)) = seq.next_element::<LinkEntry>()? {
            if url.is_none() {
                url = link.and_then(|link| link.url.into_string());
            }
        }
        Ok(HelpUrl(url))
    }
}

impl Lenient for LinkEntry {
    fn fallback() -> Self {
        LinkEntry(None)
    }
    fn on_map<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error> {
        Link::deserialize(MapAccessDeserializer::new(map)).map(|link| LinkEntry(Some(link)))
    }
}

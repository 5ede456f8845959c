//! Parsing of `#[api_error(...)]` attributes into plain data.
//!
//! Every key remembers the span of its name (and values the span of their
//! literal) so that later stages can point at them. Parsing never stops at the
//! first problem: each malformed key is reported and skipped, and the rest of the
//! attribute is still read. Values whose grammar is part of the contract (error
//! types, codes, gRPC names, log levels, documentation links) are checked here,
//! with the contract's own rules.

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::{Attribute, Ident, Lit, LitStr, Token};

use crate::contract::{self, GrpcCode, LogLevel};
use crate::Errors;

/// Where an attribute stands; decides which keys it may hold.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// On an enum: defaults for its variants, and what concerns the whole type.
    Enum,
    /// On a struct: both the type's keys and those of its only "variant".
    Struct,
    /// On an enum variant.
    Variant,
    /// On a field.
    Field,
}

/// Keys of a variant (and of a struct).
const VARIANT_KEYS: &[&str] = &[
    "status",
    "type",
    "message",
    "display",
    "retryable",
    "retry_after",
    "code",
    "param",
    "grpc",
    "log",
    "transparent",
];

/// Keys that concern the whole type (on an enum or a struct).
const TYPE_KEYS: &[&str] = &["docs", "domain", "integrations", "crate"];

/// Keys of a field.
const FIELD_KEYS: &[&str] = &["retry_after", "param", "violations"];

/// The frameworks of `integrations(...)`, with the feature each needs.
pub const INTEGRATIONS: &[(&str, &str)] = &[
    ("axum", "axum"),
    ("actix_web", "actix-web"),
    ("utoipa", "utoipa"),
    ("tonic", "tonic"),
];

impl Place {
    fn allows(self, key: &str) -> bool {
        let variant = VARIANT_KEYS.contains(&key);
        let type_level = TYPE_KEYS.contains(&key);
        match self {
            // An enum sets defaults for its variants; `code`, `param` and
            // `transparent` only make sense per variant.
            Place::Enum => {
                type_level || (variant && !matches!(key, "code" | "param" | "transparent"))
            }
            Place::Struct => variant || type_level,
            Place::Variant => variant,
            Place::Field => FIELD_KEYS.contains(&key),
        }
    }

    fn keys(self) -> Vec<&'static str> {
        VARIANT_KEYS
            .iter()
            .chain(TYPE_KEYS)
            .chain(FIELD_KEYS)
            .copied()
            .filter(|key| self.allows(key))
            .fold(Vec::new(), |mut keys, key| {
                if !keys.contains(&key) {
                    keys.push(key);
                }
                keys
            })
    }
}

/// One key's value and the span of the key's name.
#[derive(Clone)]
pub struct Setting<T> {
    pub key: Span,
    pub value: T,
}

/// The contents of all `#[api_error(...)]` attributes on one item.
#[derive(Default)]
pub struct Attrs {
    /// `status = 429`.
    pub status: Option<Setting<u16>>,
    /// `type = "rate_limit_error"`.
    pub error_type: Option<Setting<String>>,
    /// `message = "…"`.
    pub message: Option<Setting<LitStr>>,
    /// `display`: the public message is the type's `Display`.
    pub display: Option<Setting<()>>,
    /// `retryable` / `retryable = false`.
    pub retryable: Option<Setting<bool>>,
    /// `retry_after = 30` (seconds) on a type or variant.
    pub retry_after: Option<Setting<u64>>,
    /// `transparent`.
    pub transparent: Option<Setting<()>>,
    /// `code = "model_not_found"`.
    pub code: Option<Setting<String>>,
    /// `param = "model"`.
    pub param: Option<Setting<String>>,
    /// `grpc = "RESOURCE_EXHAUSTED"`.
    pub grpc: Option<Setting<GrpcCode>>,
    /// `log = "warn"`.
    pub log: Option<Setting<LogLevel>>,
    /// `docs = "https://…"`.
    pub docs: Option<Setting<String>>,
    /// `domain = "dos.ai"`.
    pub domain: Option<Setting<String>>,
    /// `integrations(axum, …)`: each framework with its span.
    pub integrations: Option<Setting<Vec<Ident>>>,
    /// `crate = "path"`.
    pub krate: Option<Setting<syn::Path>>,
    /// `retry_after` on a field.
    pub retry_after_field: Option<Setting<()>>,
    /// `param` on a field.
    pub param_field: Option<Setting<()>>,
    /// `violations` on a field.
    pub violations_field: Option<Setting<()>>,
    /// Every key given, in order, for rules about combinations.
    pub keys: Vec<(&'static str, Span)>,
    /// Some attribute or key here was malformed (and already reported): later
    /// rules stay quiet about what is missing, to avoid a cascade.
    pub malformed: bool,
}

/// Reads every `#[api_error]` attribute in `attrs`.
pub fn parse(errors: &mut Errors, attrs: &[Attribute], place: Place) -> Attrs {
    let mut parsed = Attrs::default();
    for attr in attrs {
        if !attr.path().is_ident("api_error") {
            continue;
        }
        let list = match &attr.meta {
            syn::Meta::List(list) => list,
            other => {
                parsed.malformed = true;
                errors.push(syn::Error::new_spanned(
                    other,
                    "expected a list of keys: `#[api_error(status = 400, ...)]`",
                ));
                continue;
            }
        };
        if list.tokens.is_empty() {
            parsed.malformed = true;
            errors.push(syn::Error::new_spanned(
                list,
                "empty `#[api_error()]`: expected keys such as `status = 400`",
            ));
            continue;
        }
        let parser = |input: ParseStream| {
            parse_keys(errors, &mut parsed, input, place);
            Ok(())
        };
        // parse_keys consumes everything and reports its own errors.
        let _ = parser.parse2(list.tokens.clone());
    }
    parsed
}

fn parse_keys(errors: &mut Errors, attrs: &mut Attrs, input: ParseStream, place: Place) {
    while !input.is_empty() {
        if let Err(err) = parse_key(errors, attrs, input, place) {
            attrs.malformed = true;
            errors.push(err);
            skip_to_comma(input);
        }
        if input.is_empty() {
            break;
        }
        if let Err(err) = input.parse::<Token![,]>() {
            attrs.malformed = true;
            errors.push(err);
            skip_to_comma(input);
            let _ = input.parse::<Token![,]>();
        }
    }
}

/// Skips tokens up to (not including) the next top-level comma.
fn skip_to_comma(input: ParseStream) {
    while !input.is_empty() && !input.peek(Token![,]) {
        let _ = input.parse::<TokenTree>();
    }
}

/// The value after `=`: every token up to the next top-level comma.
fn value_tokens(input: ParseStream) -> syn::Result<TokenStream> {
    let mut tokens = TokenStream::new();
    while !input.is_empty() && !input.peek(Token![,]) {
        tokens.extend(std::iter::once(input.parse::<TokenTree>()?));
    }
    Ok(tokens)
}

/// The value as a single literal, or an error describing what was expected.
fn literal(key: &Ident, eq: Span, tokens: TokenStream, expected: &str) -> syn::Result<Lit> {
    let mut iter = tokens.clone().into_iter();
    match (iter.next(), iter.next()) {
        // A `$value:literal` of a `macro_rules!` arrives in an invisible group.
        (Some(TokenTree::Group(group)), None)
            if group.delimiter() == proc_macro2::Delimiter::None =>
        {
            literal(key, eq, group.stream(), expected)
        }
        (None, _) => Err(syn::Error::new(
            eq,
            format!("expected {expected} after `{key} =`"),
        )),
        (Some(TokenTree::Literal(lit)), None) => Ok(Lit::new(lit)),
        // `true` and `false` are identifiers in a token stream.
        (Some(TokenTree::Ident(ident)), None) if ident == "true" || ident == "false" => {
            Ok(Lit::Bool(syn::LitBool::new(ident == "true", ident.span())))
        }
        (Some(TokenTree::Literal(_) | TokenTree::Ident(_)), Some(next))
            if matches!(&next, TokenTree::Ident(_)) =>
        {
            Err(syn::Error::new(
                next.span(),
                format!("expected `,` before `{next}`"),
            ))
        }
        _ => Err(syn::Error::new_spanned(
            tokens,
            format!("expected {expected} for `{key}`"),
        )),
    }
}

/// The value as a string literal.
fn string(key: &Ident, eq: Span, tokens: TokenStream, example: &str) -> syn::Result<LitStr> {
    match literal(key, eq, tokens, "a string literal")? {
        Lit::Str(lit) => Ok(lit),
        other => Err(syn::Error::new(
            other.span(),
            format!("expected a string literal, e.g. `{key} = {example}`"),
        )),
    }
}

/// What a key's value looks like.
enum Value {
    /// `key`
    Flag,
    /// `key = tokens`, with the span of `=`.
    Assign(Span, TokenStream),
    /// `key(tokens)`
    List(proc_macro2::Group),
}

fn parse_key(
    errors: &mut Errors,
    attrs: &mut Attrs,
    input: ParseStream,
    place: Place,
) -> syn::Result<()> {
    let lookahead = input.lookahead1();
    if !lookahead.peek(Ident::peek_any) {
        return Err(lookahead.error());
    }
    let key = input.call(Ident::parse_any)?;
    let name = key.to_string();
    let known = VARIANT_KEYS.iter().chain(TYPE_KEYS).chain(FIELD_KEYS);
    let Some(name) = known
        .copied()
        .find(|known| *known == name && place.allows(known))
    else {
        skip_to_comma(input);
        return Err(unknown_key(&key, place));
    };
    let value = if input.peek(Token![=]) {
        let eq = input.parse::<Token![=]>()?.span;
        Value::Assign(eq, value_tokens(input)?)
    } else if input.peek(syn::token::Paren) {
        match input.parse::<TokenTree>()? {
            TokenTree::Group(group) => Value::List(group),
            _ => unreachable!("a parenthesis starts a group"),
        }
    } else {
        Value::Flag
    };
    let span = key.span();
    let mut store = Store {
        errors,
        attrs,
        name,
        key: &key,
    };

    if place == Place::Field {
        return match value {
            Value::Flag => match name {
                "retry_after" => store.put(|a| &mut a.retry_after_field, ()),
                "param" => store.put(|a| &mut a.param_field, ()),
                _ => store.put(|a| &mut a.violations_field, ()),
            },
            _ => Err(syn::Error::new(
                span,
                format!(
                    "`{name}` on a field takes no value: the field holds the {}",
                    match name {
                        "retry_after" => "delay",
                        "param" => "parameter",
                        _ => "violations",
                    }
                ),
            )),
        };
    }

    match (name, value) {
        ("display" | "transparent", Value::Flag) => {
            if name == "display" {
                store.put(|a| &mut a.display, ())
            } else {
                store.put(|a| &mut a.transparent, ())
            }
        }
        ("display" | "transparent", _) => Err(syn::Error::new(
            span,
            format!("`{name}` takes no value: write `{name}` alone"),
        )),
        ("retryable", Value::Flag) => store.put(|a| &mut a.retryable, true),
        ("retryable", Value::Assign(eq, tokens)) => {
            match literal(&key, eq, tokens, "`true` or `false`")? {
                Lit::Bool(b) => store.put(|a| &mut a.retryable, b.value),
                other => Err(syn::Error::new(other.span(), "expected `true` or `false`")),
            }
        }
        ("integrations", Value::List(group)) => {
            let frameworks = parse_integrations(&group)?;
            store.put(|a| &mut a.integrations, frameworks)
        }
        ("integrations", _) => Err(syn::Error::new(
            span,
            "expected `integrations(...)` with the frameworks to implement, e.g. \
             `integrations(axum, utoipa)`",
        )),
        ("retry_after", Value::Flag) => Err(syn::Error::new(
            span,
            "expected `retry_after = <seconds>`; to take the delay from a field, \
             put `#[api_error(retry_after)]` on that field",
        )),
        ("param", Value::Flag) => Err(syn::Error::new(
            span,
            "expected `param = \"...\"`; to take the parameter from a field, \
             put `#[api_error(param)]` on that field",
        )),
        (_, Value::Flag | Value::List(_)) => Err(syn::Error::new(span, expected_value(name))),
        (_, Value::Assign(eq, tokens)) => assign(&mut store, eq, tokens),
    }
}

/// How a key that takes a value is written.
fn expected_value(name: &str) -> String {
    let (form, example) = match name {
        "status" => ("status = <code>", "status = 400"),
        "type" => ("type = \"...\"", "type = \"invalid_request_error\""),
        "message" => return "expected `message = \"...\"`".to_owned(),
        "code" => ("code = \"...\"", "code = \"model_not_found\""),
        "grpc" => ("grpc = \"...\"", "grpc = \"RESOURCE_EXHAUSTED\""),
        "log" => ("log = \"...\"", "log = \"warn\""),
        "docs" => (
            "docs = \"...\"",
            "docs = \"https://docs.example.com/errors\"",
        ),
        "domain" => ("domain = \"...\"", "domain = \"example.com\""),
        "crate" => ("crate = \"...\"", "crate = \"::my_crate::dos_errors\""),
        other => return format!("`{other}` expects a value"),
    };
    format!("expected `{form}`, e.g. `{example}`")
}

/// Stores the value of a key written `key = value`.
fn assign(store: &mut Store, eq: Span, tokens: TokenStream) -> syn::Result<()> {
    let key = store.key;
    let span = key.span();
    match store.name {
        "retry_after" => {
            let lit = literal(key, eq, tokens, "a whole number of seconds")?;
            let seconds = match &lit {
                Lit::Int(int) if int.suffix().is_empty() || int.suffix() == "u64" => {
                    int.base10_parse::<u64>().ok()
                }
                _ => None,
            };
            match seconds {
                Some(seconds) => store.put(|a| &mut a.retry_after, seconds),
                None => Err(syn::Error::new(
                    lit.span(),
                    "expected a whole number of seconds, e.g. `retry_after = 30`",
                )),
            }
        }
        "status" => {
            let lit = literal(key, eq, tokens, "an integer status code like `400`")?;
            let Lit::Int(int) = &lit else {
                return Err(syn::Error::new(
                    lit.span(),
                    "expected an integer status code like `400`",
                ));
            };
            if !int.suffix().is_empty() {
                return Err(syn::Error::new(
                    lit.span(),
                    format!(
                        "status `{}` has a type suffix: write the bare status, e.g. `status = {}`",
                        lit.to_token_stream(),
                        int.base10_digits()
                    ),
                ));
            }
            match int
                .base10_parse::<u16>()
                .ok()
                .filter(|c| (400..=599).contains(c))
            {
                Some(code) => store.put(|a| &mut a.status, code),
                None => Err(syn::Error::new(
                    lit.span(),
                    format!(
                        "status `{}` is not an error status: expected an integer in 400..=599",
                        lit.to_token_stream()
                    ),
                )),
            }
        }
        "message" => match literal(key, eq, tokens, "a string literal") {
            Ok(Lit::Str(lit)) => store.put(|a| &mut a.message, lit),
            Ok(other) => Err(message_not_string(other.span())),
            Err(err) => Err(message_not_string(err.span())),
        },
        "type" => {
            let lit = string(key, eq, tokens, "\"invalid_request_error\"")?;
            let value = lit.value();
            if !contract::is_error_type(&value) {
                return Err(syn::Error::new(
                    lit.span(),
                    format!(
                        "invalid error type {value:?}: expected lower snake_case ASCII \
                         starting with a letter, e.g. \"invalid_request_error\""
                    ),
                ));
            }
            store.put(|a| &mut a.error_type, value)
        }
        "code" => {
            let lit = string(key, eq, tokens, "\"model_not_found\"")?;
            let value = lit.value();
            if !contract::is_error_code(&value) {
                return Err(syn::Error::new(
                    lit.span(),
                    format!(
                        "invalid error code {value:?}: expected lower snake_case ASCII \
                         starting with a letter (`[a-z][a-z0-9_]*`), at most {} bytes, \
                         e.g. \"model_not_found\"",
                        contract::MAX_CODE_LEN
                    ),
                ));
            }
            store.put(|a| &mut a.code, value)
        }
        "param" => {
            let lit = string(key, eq, tokens, "\"model\"")?;
            let value = lit.value();
            if value.trim().is_empty() || value.chars().any(char::is_control) {
                return Err(syn::Error::new(
                    lit.span(),
                    "`param` names the request parameter at fault, e.g. \"model\" or \
                     \"messages[0].role\"; it cannot be empty",
                ));
            }
            store.put(|a| &mut a.param, value)
        }
        "grpc" => {
            let lit = string(key, eq, tokens, "\"RESOURCE_EXHAUSTED\"")?;
            let value = lit.value();
            match GrpcCode::from_name(&value) {
                Some(GrpcCode::Ok) => Err(syn::Error::new(
                    lit.span(),
                    "`OK` is not an error: choose the gRPC code of this error, e.g. \
                     \"INVALID_ARGUMENT\"",
                )),
                Some(code) => store.put(|a| &mut a.grpc, code),
                None if GrpcCode::from_name(&value.to_ascii_uppercase())
                    .is_some_and(|code| code != GrpcCode::Ok) =>
                {
                    Err(syn::Error::new(
                        lit.span(),
                        format!(
                            "unknown gRPC code {value:?}: gRPC codes are upper case, write {:?}",
                            value.to_ascii_uppercase()
                        ),
                    ))
                }
                None => {
                    let names: Vec<_> = GrpcCode::ALL[1..]
                        .iter()
                        .map(|code| format!("`{}`", code.as_str()))
                        .collect();
                    Err(syn::Error::new(
                        lit.span(),
                        format!(
                            "unknown gRPC code {value:?}; expected one of {}",
                            names.join(", ")
                        ),
                    ))
                }
            }
        }
        "log" => {
            let lit = string(key, eq, tokens, "\"warn\"")?;
            let value = lit.value();
            match LogLevel::from_name(&value) {
                Some(level) => store.put(|a| &mut a.log, level),
                None => Err(syn::Error::new(
                    lit.span(),
                    format!(
                        "unknown log level {value:?}; expected one of {}",
                        LogLevel::NAMES.map(|name| format!("\"{name}\"")).join(", ")
                    ),
                )),
            }
        }
        "docs" => {
            let lit = string(key, eq, tokens, "\"https://docs.example.com/errors\"")?;
            let value = lit.value();
            if let Some(problem) = contract::doc_base_problem(&value) {
                return Err(syn::Error::new(
                    lit.span(),
                    format!(
                        "`docs` must be an absolute `http` or `https` URL, the base of each \
                         error's link (`{{docs}}#{{code}}`): {problem}"
                    ),
                ));
            }
            store.put(|a| &mut a.docs, value)
        }
        "domain" => {
            let lit = string(key, eq, tokens, "\"example.com\"")?;
            let value = lit.value();
            if value.is_empty() || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(syn::Error::new(
                    lit.span(),
                    "`domain` is the service's name, e.g. \"dos.ai\": not empty, no spaces",
                ));
            }
            store.put(|a| &mut a.domain, value)
        }
        "crate" => {
            let lit = string(key, eq, tokens, "\"my_dos_errors\"")?;
            match lit.parse_with(syn::Path::parse_mod_style) {
                Ok(path) => store.put(|a| &mut a.krate, path),
                Err(_) => Err(syn::Error::new(
                    lit.span(),
                    format!(
                        "`crate` must be a path to the dos-errors crate, e.g. \
                         \"::my_errors::dos_errors\"; {:?} is not a path",
                        lit.value()
                    ),
                )),
            }
        }
        other => Err(syn::Error::new(span, expected_value(other))),
    }
}

fn message_not_string(span: Span) -> syn::Error {
    syn::Error::new(
        span,
        "`message` must be a string literal (a format string over the fields)",
    )
}

/// The frameworks of `integrations(...)`: known names, each once.
fn parse_integrations(group: &proc_macro2::Group) -> syn::Result<Vec<Ident>> {
    let parser = syn::punctuated::Punctuated::<Ident, Token![,]>::parse_terminated;
    let idents = parser.parse2(group.stream())?;
    if idents.is_empty() {
        return Err(syn::Error::new(
            group.span(),
            "`integrations()` is empty: name the frameworks, e.g. `integrations(axum, utoipa)`",
        ));
    }
    let mut seen: Vec<Ident> = Vec::new();
    let mut error: Option<syn::Error> = None;
    let mut push = |err: syn::Error| match &mut error {
        Some(first) => first.combine(err),
        None => error = Some(err),
    };
    for ident in idents {
        if !INTEGRATIONS.iter().any(|(name, _)| ident == name) {
            let known: Vec<_> = INTEGRATIONS
                .iter()
                .map(|(name, _)| format!("`{name}`"))
                .collect();
            push(syn::Error::new(
                ident.span(),
                format!(
                    "unknown integration `{ident}`; expected one of {}",
                    known.join(", ")
                ),
            ));
        } else if let Some(first) = seen.iter().find(|seen| **seen == ident) {
            let mut err = syn::Error::new(ident.span(), format!("`{ident}` is listed twice"));
            err.combine(syn::Error::new(first.span(), "first listed here"));
            push(err);
        } else {
            seen.push(ident);
        }
    }
    match error {
        Some(error) => Err(error),
        None => Ok(seen),
    }
}

/// Where one key's value goes.
struct Store<'a> {
    errors: &'a mut Errors,
    attrs: &'a mut Attrs,
    name: &'static str,
    key: &'a Ident,
}

impl Store<'_> {
    /// Stores a setting, reporting a duplicate at the second occurrence and noting the first.
    fn put<T>(
        &mut self,
        slot: impl FnOnce(&mut Attrs) -> &mut Option<Setting<T>>,
        value: T,
    ) -> syn::Result<()> {
        let key = self.key.span();
        let name = self.name;
        let slot = slot(self.attrs);
        if let Some(first) = slot {
            let mut err = syn::Error::new(key, format!("duplicate `{name}` key"));
            err.combine(syn::Error::new(
                first.key,
                format!("`{name}` first given here"),
            ));
            self.errors.push(err);
            return Ok(());
        }
        *slot = Some(Setting { key, value });
        self.attrs.keys.push((name, key));
        Ok(())
    }
}

fn unknown_key(key: &Ident, place: Place) -> syn::Error {
    let allowed = place
        .keys()
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let name = key.to_string();
    let hint = match place {
        Place::Enum if matches!(name.as_str(), "code" | "param" | "transparent") => {
            format!(" (`{name}` goes on a variant)")
        }
        Place::Variant if TYPE_KEYS.contains(&name.as_str()) => {
            format!(" (`{name}` goes on the type: it concerns every error of the type)")
        }
        Place::Field if place_of_variant_key(&name) => {
            format!(" (`{name}` goes on the variant)")
        }
        _ => String::new(),
    };
    let what = if place == Place::Field {
        "on a field"
    } else {
        ""
    };
    let sep = if what.is_empty() { "" } else { " " };
    syn::Error::new(
        key.span(),
        format!("unknown key `{key}`{sep}{what}{hint}; expected one of {allowed}"),
    )
}

fn place_of_variant_key(name: &str) -> bool {
    VARIANT_KEYS.contains(&name) || TYPE_KEYS.contains(&name)
}

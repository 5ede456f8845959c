//! Parsing of `#[api_error(...)]` attributes into plain data.
//!
//! Every key remembers the span of its name so that later stages can point at it.
//! Parsing never stops at the first problem: each malformed key is reported and
//! skipped, and the rest of the attribute is still read.

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::{Attribute, Ident, Lit, LitStr, Token};

use crate::Errors;

/// Where an attribute stands; decides which keys it may hold.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// On an enum.
    Enum,
    /// On a struct (both the type's defaults and its only "variant").
    Struct,
    /// On an enum variant.
    Variant,
    /// On a field.
    Field,
}

/// Every key of a type or variant attribute; `transparent` last, because an enum
/// takes all but it.
const KEYS: [&str; 7] = [
    "status",
    "type",
    "message",
    "display",
    "retryable",
    "retry_after",
    "transparent",
];

impl Place {
    fn allowed(self) -> &'static [&'static str] {
        match self {
            Place::Enum => &KEYS[..KEYS.len() - 1],
            Place::Struct | Place::Variant => &KEYS,
            Place::Field => &["retry_after"],
        }
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
    /// `status = 429`: the code and the literal's span.
    pub status: Option<Setting<(u16, Span)>>,
    /// `type = "rate_limit_error"`.
    pub error_type: Option<Setting<LitStr>>,
    /// `message = "…"`.
    pub message: Option<Setting<LitStr>>,
    /// `display`: the public message is the type's `Display`.
    pub display: Option<Setting<()>>,
    /// `retryable` / `retryable = false`.
    pub retryable: Option<Setting<bool>>,
    /// `retry_after = 30` (seconds) on a type or variant.
    pub retry_after: Option<Setting<u64>>,
    /// `retry_after` on a field.
    pub retry_after_field: Option<Setting<()>>,
    /// `transparent`.
    pub transparent: Option<Setting<()>>,
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
    let allowed = place.allowed();
    let Some(&name) = allowed.iter().find(|allowed| **allowed == name) else {
        skip_to_comma(input);
        return Err(unknown_key(&key, place));
    };
    if name == "retry_after" && place == Place::Field {
        // A field marker takes no value.
        if input.peek(Token![=]) {
            input.parse::<Token![=]>()?;
            value_tokens(input)?;
            return Err(syn::Error::new(
                key.span(),
                "`retry_after` on a field takes no value: the field holds the delay",
            ));
        }
        return record(errors, attrs, name, &key, |a| &mut a.retry_after_field, ());
    }
    let eq = if input.peek(Token![=]) {
        Some(input.parse::<Token![=]>()?.span)
    } else {
        None
    };
    let value = match eq {
        Some(_) => Some(value_tokens(input)?),
        None => None,
    };
    match (name, eq, value) {
        ("display" | "transparent", Some(_), _) => Err(syn::Error::new(
            key.span(),
            format!("`{name}` takes no value: write `{name}` alone"),
        )),
        ("display", None, _) => record(errors, attrs, name, &key, |a| &mut a.display, ()),
        ("transparent", None, _) => record(errors, attrs, name, &key, |a| &mut a.transparent, ()),
        ("retryable", None, _) => record(errors, attrs, name, &key, |a| &mut a.retryable, true),
        ("retryable", Some(eq), Some(tokens)) => {
            match literal(&key, eq, tokens, "`true` or `false`") {
                Ok(Lit::Bool(b)) => {
                    record(errors, attrs, name, &key, |a| &mut a.retryable, b.value)
                }
                Ok(other) => Err(syn::Error::new(other.span(), "expected `true` or `false`")),
                Err(err) => Err(err),
            }
        }
        ("retry_after", None, _) => Err(syn::Error::new(
            key.span(),
            "expected `retry_after = <seconds>`; to take the delay from a field, \
             put `#[api_error(retry_after)]` on that field",
        )),
        ("retry_after", Some(eq), Some(tokens)) => {
            let lit = literal(&key, eq, tokens, "a whole number of seconds")?;
            let seconds = match &lit {
                Lit::Int(int) if int.suffix().is_empty() || int.suffix() == "u64" => {
                    int.base10_parse::<u64>().ok()
                }
                _ => None,
            };
            match seconds {
                Some(seconds) => record(errors, attrs, name, &key, |a| &mut a.retry_after, seconds),
                None => Err(syn::Error::new(
                    lit.span(),
                    "expected a whole number of seconds, e.g. `retry_after = 30`",
                )),
            }
        }
        ("status", None, _) | ("type", None, _) | ("message", None, _) => Err(syn::Error::new(
            key.span(),
            match name {
                "status" => "expected `status = <code>`, e.g. `status = 400`",
                "type" => "expected `type = \"...\"`, e.g. `type = \"invalid_request_error\"`",
                _ => "expected `message = \"...\"`",
            },
        )),
        ("status", Some(eq), Some(tokens)) => {
            let lit = literal(&key, eq, tokens, "an integer status code like `400`")?;
            let code = match &lit {
                Lit::Int(int) => int
                    .base10_parse::<u16>()
                    .ok()
                    .filter(|c| (400..=599).contains(c)),
                _ => {
                    return Err(syn::Error::new(
                        lit.span(),
                        "expected an integer status code like `400`",
                    ))
                }
            };
            match code {
                Some(code) => record(
                    errors,
                    attrs,
                    name,
                    &key,
                    |a| &mut a.status,
                    (code, lit.span()),
                ),
                None => Err(syn::Error::new(
                    lit.span(),
                    format!(
                        "status `{}` is not an error status: expected an integer in 400..=599",
                        lit.to_token_stream()
                    ),
                )),
            }
        }
        ("type", Some(eq), Some(tokens)) => match literal(&key, eq, tokens, "a string literal")? {
            Lit::Str(lit) => {
                check_type_name(&lit)?;
                record(errors, attrs, name, &key, |a| &mut a.error_type, lit)
            }
            other => Err(syn::Error::new(
                other.span(),
                "expected a string literal, e.g. `type = \"invalid_request_error\"`",
            )),
        },
        ("message", Some(eq), Some(tokens)) => {
            match literal(&key, eq, tokens, "a string literal") {
                Ok(Lit::Str(lit)) => record(errors, attrs, name, &key, |a| &mut a.message, lit),
                Ok(other) => Err(syn::Error::new(
                    other.span(),
                    "`message` must be a string literal (a format string over the fields)",
                )),
                Err(err) => Err(syn::Error::new(
                    err.span(),
                    "`message` must be a string literal (a format string over the fields)",
                )),
            }
        }
        _ => unreachable!("every allowed key is matched above"),
    }
}

/// Stores a setting, reporting a duplicate at the second occurrence and noting the first.
fn record<T>(
    errors: &mut Errors,
    attrs: &mut Attrs,
    name: &'static str,
    key: &Ident,
    slot: impl FnOnce(&mut Attrs) -> &mut Option<Setting<T>>,
    value: T,
) -> syn::Result<()> {
    let span = key.span();
    let slot = slot(attrs);
    if let Some(first) = slot {
        let mut err = syn::Error::new(span, format!("duplicate `{name}` key"));
        err.combine(syn::Error::new(
            first.key,
            format!("`{name}` first given here"),
        ));
        errors.push(err);
        return Ok(());
    }
    *slot = Some(Setting { key: span, value });
    attrs.keys.push((name, span));
    Ok(())
}

fn unknown_key(key: &Ident, place: Place) -> syn::Error {
    let message = if place == Place::Field {
        format!("unknown key `{key}` on a field: the only field key is `retry_after`")
    } else {
        let allowed = place
            .allowed()
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let hint = if place == Place::Enum && key == "transparent" {
            " (`transparent` goes on a variant)"
        } else {
            ""
        };
        format!("unknown key `{key}`{hint}; expected one of {allowed}")
    };
    syn::Error::new(key.span(), message)
}

/// An error `type` is non-empty lower snake_case ASCII: `[a-z][a-z0-9_]*`.
fn check_type_name(lit: &LitStr) -> syn::Result<()> {
    let value = lit.value();
    let mut chars = value.chars();
    let valid = matches!(chars.next(), Some('a'..='z'))
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'));
    if valid {
        Ok(())
    } else {
        Err(syn::Error::new(
            lit.span(),
            format!(
                "invalid error type {:?}: expected lower snake_case ASCII starting with a letter, \
                 e.g. \"invalid_request_error\"",
                value
            ),
        ))
    }
}

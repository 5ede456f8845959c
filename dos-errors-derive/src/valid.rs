//! Rules that span several attributes or fields, and the resolved plan of each variant.
//!
//! The plan is everything code generation needs, with the type's defaults and the
//! status's defaults (from the contract, the same table the runtime uses) already
//! applied, so every variant is literal values and `expand` has no decision left
//! that could fail.

use proc_macro2::Span;
use syn::Ident;

use crate::ast::{Input, Variant};
use crate::attr::{Attrs, Setting};
use crate::contract::{self, GrpcCode, LogLevel, Retryability};
use crate::fmt::Message;
use crate::Errors;

/// What concerns the whole type.
pub struct Container {
    /// The path of the runtime crate (`crate = "…"`), `::dos_errors` by default.
    pub krate: syn::Path,
    /// The frameworks to implement (`integrations(…)`).
    pub integrations: Vec<Ident>,
    /// The service's domain (`domain = "…"`).
    pub domain: Option<String>,
}

/// What to generate for one variant.
pub enum Plan {
    /// Every method delegates to the one field.
    Transparent {
        field: usize,
    },
    Own(Box<Own>),
}

/// A variant with its own status: every value resolved.
pub struct Own {
    pub status: u16,
    pub error_type: String,
    pub message: MessageSource,
    pub retryability: Retryability,
    pub retry_after: RetryAfter,
    pub masked: bool,
    pub log: LogLevel,
    pub code: Option<String>,
    pub param: Param,
    /// The index of the `violations` field.
    pub violations: Option<usize>,
    pub doc_url: Option<String>,
    pub grpc: GrpcCode,
}

pub enum MessageSource {
    /// The status's default message.
    Default,
    /// `message = "..."`, static or interpolated.
    Format(Message),
    /// `display`: the type's `Display`.
    Display,
}

pub enum RetryAfter {
    None,
    /// `retry_after = N`.
    Const(u64),
    /// `#[api_error(retry_after)]` on a field.
    Field(usize),
}

pub enum Param {
    None,
    /// `param = "…"`.
    Const(String),
    /// `#[api_error(param)]` on a field.
    Field(usize),
}

impl Own {
    /// The index of every field read at run time: retry_after, param, violations.
    pub fn runtime_fields(&self) -> impl Iterator<Item = usize> {
        let retry_after = match self.retry_after {
            RetryAfter::Field(field) => Some(field),
            _ => None,
        };
        let param = match self.param {
            Param::Field(field) => Some(field),
            _ => None,
        };
        retry_after.into_iter().chain(param).chain(self.violations)
    }
}

/// Checks `input` and resolves the type's settings and the plan of each variant (in order).
pub fn check(errors: &mut Errors, input: &Input) -> (Container, Vec<Plan>) {
    let container = &input.attrs;
    if input.is_enum() {
        check_message_display(errors, container);
        check_enum_retry_after(errors, container);
    }
    let plans = input
        .variants()
        .iter()
        .map(|variant| {
            // A struct's attributes are its container attributes.
            let own = if input.is_enum() {
                &variant.attrs
            } else {
                container
            };
            let defaults = if input.is_enum() {
                Some(container)
            } else {
                None
            };
            plan_variant(errors, variant, own, defaults, container)
        })
        .collect();
    (container_settings(container), plans)
}

/// The type's settings.
pub fn container_settings(attrs: &Attrs) -> Container {
    Container {
        krate: attrs
            .krate
            .as_ref()
            .map_or_else(|| syn::parse_quote!(::dos_errors), |s| s.value.clone()),
        integrations: attrs
            .integrations
            .as_ref()
            .map(|s| s.value.clone())
            .unwrap_or_default(),
        domain: attrs.domain.as_ref().map(|s| s.value.clone()),
    }
}

fn plan_variant(
    errors: &mut Errors,
    variant: &Variant,
    own: &Attrs,
    defaults: Option<&Attrs>,
    container: &Attrs,
) -> Plan {
    if let Some(transparent) = &own.transparent {
        return plan_transparent(errors, variant, own, transparent);
    }

    check_message_display(errors, own);
    // A key of the variant, else the type's default.
    fn pick<'a, T>(
        own: &'a Attrs,
        defaults: Option<&'a Attrs>,
        get: fn(&Attrs) -> &Option<Setting<T>>,
    ) -> Option<&'a Setting<T>> {
        get(own)
            .as_ref()
            .or_else(|| defaults.and_then(|d| get(d).as_ref()))
    }

    let status = match pick(own, defaults, |a| &a.status) {
        Some(setting) => setting.value,
        None if own.malformed || defaults.is_some_and(|d| d.malformed) => 500,
        None => {
            let what = if defaults.is_some() {
                "add `#[api_error(status = ...)]` to this variant or to the enum"
            } else {
                "add `#[api_error(status = ...)]` to the struct"
            };
            errors.push(syn::Error::new(
                variant.span,
                format!("missing `status`: {what}"),
            ));
            500
        }
    };
    let status_defaults = contract::defaults(status);

    let error_type = pick(own, defaults, |a| &a.error_type).map_or_else(
        || status_defaults.error_type.to_owned(),
        |s| s.value.clone(),
    );

    // `message` and `display` are one choice: the variant's, else the type's.
    let declared = if own.message.is_some() || own.display.is_some() {
        Some(own)
    } else {
        defaults.filter(|d| d.message.is_some() || d.display.is_some())
    };
    let message = match declared {
        Some(attrs) => match &attrs.message {
            Some(message) => {
                let mut found = Vec::new();
                match Message::parse(&message.value, variant, &mut found) {
                    Some(parsed) => MessageSource::Format(parsed),
                    None => {
                        errors.extend(found);
                        MessageSource::Default
                    }
                }
            }
            None => MessageSource::Display,
        },
        None => MessageSource::Default,
    };
    let masked = contract::is_masked(status, declared.is_some());

    let retryable = pick(own, defaults, |a| &a.retryable);
    let retryability = match retryable.map(|s| s.value) {
        Some(true) => Retryability::retryable(status),
        Some(false) => Retryability::Fatal,
        None => status_defaults.retryability,
    };
    let retry_after = plan_retry_after(
        errors,
        variant,
        own,
        defaults,
        retryable,
        retryability,
        status,
    );

    let code = own.code.as_ref().map(|s| s.value.clone());
    let param = plan_param(errors, variant, own);
    let violations = single_field(errors, variant, "violations", |a| &a.violations_field);
    let doc_url = container
        .docs
        .as_ref()
        .map(|docs| contract::doc_url(&docs.value, code.as_deref(), &error_type));

    Plan::Own(Box::new(Own {
        status,
        error_type,
        message,
        retryability,
        retry_after,
        masked,
        log: pick(own, defaults, |a| &a.log).map_or(LogLevel::default_for(masked), |s| s.value),
        code,
        param,
        violations,
        doc_url,
        grpc: pick(own, defaults, |a| &a.grpc).map_or(status_defaults.grpc, |s| s.value),
    }))
}

fn plan_transparent(
    errors: &mut Errors,
    variant: &Variant,
    own: &Attrs,
    transparent: &Setting<()>,
) -> Plan {
    for (key, span) in &own.keys {
        if !matches!(
            *key,
            "transparent" | "docs" | "domain" | "integrations" | "crate"
        ) {
            errors.push(syn::Error::new(
                *span,
                format!(
                    "`{key}` cannot be combined with `transparent`: a transparent error \
                     takes its status, type, message and retry behaviour from its field"
                ),
            ));
        }
    }
    for field in &variant.fields {
        let markers = [
            (
                "retry_after",
                &field.attrs.retry_after_field,
                "the retry delay",
            ),
            ("param", &field.attrs.param_field, "the parameter at fault"),
            (
                "violations",
                &field.attrs.violations_field,
                "the violations",
            ),
        ];
        for (name, marker, what) in markers {
            if let Some(marker) = marker {
                errors.push(syn::Error::new(
                    marker.key,
                    format!(
                        "`{name}` cannot be used in a `transparent` variant: {what} comes \
                         from the inner error"
                    ),
                ));
            }
        }
    }
    if variant.fields.len() != 1 {
        errors.push(syn::Error::new(
            transparent.key,
            format!(
                "`transparent` needs exactly one field, found {}",
                variant.fields.len()
            ),
        ));
    }
    Plan::Transparent { field: 0 }
}

/// The one field marked `name`; a second is an error at it, noting the first.
fn single_field(
    errors: &mut Errors,
    variant: &Variant,
    name: &str,
    get: fn(&Attrs) -> &Option<Setting<()>>,
) -> Option<usize> {
    let mut marked = variant
        .fields
        .iter()
        .enumerate()
        .filter_map(|(index, field)| get(&field.attrs).as_ref().map(|m| (index, m.key)));
    let first = marked.next();
    for (_, extra) in marked {
        let mut err = syn::Error::new(extra, format!("only one field can be marked `{name}`"));
        if let Some((_, first)) = first {
            err.combine(syn::Error::new(
                first,
                format!("`{name}` first marked here"),
            ));
        }
        errors.push(err);
    }
    first.map(|(index, _)| index)
}

fn plan_param(errors: &mut Errors, variant: &Variant, own: &Attrs) -> Param {
    let field = single_field(errors, variant, "param", |a| &a.param_field);
    match (&own.param, field) {
        (Some(constant), Some(field)) => {
            let marker = variant.fields[field]
                .attrs
                .param_field
                .as_ref()
                .map_or(constant.key, |m| m.key);
            let mut err = syn::Error::new(
                marker,
                "`param` is given twice: as a field and as `param = \"...\"`; keep one",
            );
            err.combine(syn::Error::new(constant.key, "constant `param` given here"));
            errors.push(err);
            Param::Field(field)
        }
        (Some(constant), None) => Param::Const(constant.value.clone()),
        (None, Some(field)) => Param::Field(field),
        (None, None) => Param::None,
    }
}

#[allow(clippy::too_many_arguments)]
fn plan_retry_after(
    errors: &mut Errors,
    variant: &Variant,
    own: &Attrs,
    defaults: Option<&Attrs>,
    retryable: Option<&Setting<bool>>,
    retryability: Retryability,
    status: u16,
) -> RetryAfter {
    let field = single_field(errors, variant, "retry_after", |a| &a.retry_after_field);
    let not_retryable = |errors: &mut Errors, key: Span| {
        let message = if retryable.is_some() {
            "`retry_after` on an error that is not retryable (`retryable = false`); \
             remove one of them"
                .to_owned()
        } else {
            format!(
                "`retry_after` on an error with status {status}, which is not retryable: \
                 remove `retry_after`, or add `retryable`"
            )
        };
        errors.push(syn::Error::new(key, message));
    };

    if let Some(field) = field {
        let marker = variant.fields[field]
            .attrs
            .retry_after_field
            .as_ref()
            .map_or_else(Span::call_site, |m| m.key);
        if let Some(constant) = &own.retry_after {
            let mut err = syn::Error::new(
                marker,
                "`retry_after` is given twice: as a field and as `retry_after = ...`",
            );
            err.combine(syn::Error::new(
                constant.key,
                "constant `retry_after` given here",
            ));
            errors.push(err);
        }
        if !retryability.is_retryable() {
            not_retryable(errors, marker);
        }
        return RetryAfter::Field(field);
    }
    if let Some(Setting { key, value, .. }) = &own.retry_after {
        if !retryability.is_retryable() {
            not_retryable(errors, *key);
        }
        return RetryAfter::Const(*value);
    }
    // A type-level default applies to the variants that are retryable.
    match defaults.and_then(|d| d.retry_after.as_ref()) {
        Some(setting) if retryability.is_retryable() => RetryAfter::Const(setting.value),
        _ => RetryAfter::None,
    }
}

/// `message` and `display` both choose the public message: only one may be given.
fn check_message_display(errors: &mut Errors, attrs: &Attrs) {
    if let (Some(_), Some(display)) = (&attrs.message, &attrs.display) {
        errors.push(syn::Error::new(
            display.key,
            "`display` cannot be combined with `message`: both choose the public message",
        ));
    }
}

/// A type-level `retry_after = N` that no variant could use is a mistake.
fn check_enum_retry_after(errors: &mut Errors, container: &Attrs) {
    if let (Some(constant), Some(retryable)) = (&container.retry_after, &container.retryable) {
        if !retryable.value {
            errors.push(syn::Error::new(
                constant.key,
                "`retry_after` on an error that is not retryable (`retryable = false`); \
                 remove one of them",
            ));
        }
    }
}

//! Rules that span several attributes or fields, and the resolved plan of each variant.
//!
//! The plan is everything code generation needs, with type-level defaults already
//! applied, so `expand` has no decisions left that could fail.

use proc_macro2::Span;
use syn::LitStr;

use crate::ast::{Input, Variant};
use crate::attr::{Attrs, Setting};
use crate::fmt::Message;
use crate::Errors;

/// What to generate for one variant.
pub enum Plan {
    /// Every method delegates to the one field.
    Transparent {
        field: usize,
    },
    Own(Own),
}

/// A variant with its own status.
pub struct Own {
    pub status: u16,
    pub error_type: Option<LitStr>,
    pub message: MessageSource,
    /// `Some(true)` / `Some(false)` when set explicitly.
    pub retryable: Option<bool>,
    pub retry_after: RetryAfter,
}

pub enum MessageSource {
    /// The status's default message.
    Default,
    /// `message = "..."`.
    Format(Message),
    /// `display`: the type's `Display`.
    Display,
}

pub enum RetryAfter {
    None,
    /// `retry_after = N`; `only_if_retryable` for a type-level default, which
    /// applies only to the variants that are retryable. `check` asks the generated
    /// code to assert, at the key, that the status is retryable by default.
    Const {
        seconds: u64,
        only_if_retryable: bool,
        check: Option<Span>,
    },
    /// `#[api_error(retry_after)]` on a field; `check` as above.
    Field {
        field: usize,
        check: Option<Span>,
    },
}

impl Own {
    /// A 5xx whose message is the status default: its own description stays internal.
    pub fn masked(&self) -> bool {
        self.status >= 500 && matches!(self.message, MessageSource::Default)
    }
}

/// Checks `input` and resolves the plan of each variant (in order).
pub fn check(errors: &mut Errors, input: &Input) -> Vec<Plan> {
    let container = &input.attrs;
    if input.is_enum() {
        check_message_display(errors, container);
        check_enum_retry_after(errors, input);
    }
    input
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
            plan_variant(errors, variant, own, defaults)
        })
        .collect()
}

fn plan_variant(
    errors: &mut Errors,
    variant: &Variant,
    own: &Attrs,
    defaults: Option<&Attrs>,
) -> Plan {
    for field in &variant.fields {
        if let Some(marker) = &field.attrs.transparent {
            errors.push(syn::Error::new(
                marker.key,
                "`transparent` goes on a variant or struct",
            ));
        }
    }
    if let Some(transparent) = &own.transparent {
        for (key, span) in &own.keys {
            if *key != "transparent" {
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
            if let Some(marker) = &field.attrs.retry_after_field {
                errors.push(syn::Error::new(
                    marker.key,
                    "`retry_after` cannot be used in a `transparent` variant: \
                     the retry delay comes from the inner error",
                ));
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
        return Plan::Transparent { field: 0 };
    }

    check_message_display(errors, own);
    let pick = |get: fn(&Attrs) -> bool| -> Option<&Attrs> {
        if get(own) {
            Some(own)
        } else {
            defaults.filter(|d| get(d))
        }
    };

    let status = match pick(|a| a.status.is_some()).and_then(|a| a.status.as_ref()) {
        Some(setting) => setting.value.0,
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

    let error_type = pick(|a| a.error_type.is_some())
        .and_then(|a| a.error_type.as_ref())
        .map(|setting| setting.value.clone());

    let message = match pick(|a| a.message.is_some() || a.display.is_some()) {
        Some(attrs) => match (&attrs.message, &attrs.display) {
            (Some(message), _) => {
                let mut found = Vec::new();
                match Message::parse(&message.value, variant, &mut found) {
                    Some(parsed) => MessageSource::Format(parsed),
                    None => {
                        errors.extend(found);
                        MessageSource::Default
                    }
                }
            }
            (None, _) => MessageSource::Display,
        },
        None => MessageSource::Default,
    };

    let retryable_setting = pick(|a| a.retryable.is_some()).and_then(|a| a.retryable.as_ref());
    let retryable = retryable_setting.map(|setting| setting.value);

    let retry_after = plan_retry_after(errors, variant, own, defaults, retryable);

    Plan::Own(Own {
        status,
        error_type,
        message,
        retryable,
        retry_after,
    })
}

fn plan_retry_after(
    errors: &mut Errors,
    variant: &Variant,
    own: &Attrs,
    defaults: Option<&Attrs>,
    retryable: Option<bool>,
) -> RetryAfter {
    let mut markers = variant
        .fields
        .iter()
        .enumerate()
        .filter_map(|(index, field)| field.attrs.retry_after_field.as_ref().map(|m| (index, m)));
    let first_field = markers.next();
    for (_, extra) in markers {
        let mut err = syn::Error::new(extra.key, "only one field can be marked `retry_after`");
        if let Some((_, first)) = first_field {
            err.combine(syn::Error::new(
                first.key,
                "`retry_after` first marked here",
            ));
        }
        errors.push(err);
    }

    // Explicit `retryable = false` makes any retry delay a contradiction.
    let not_retryable = |errors: &mut Errors, key: Span| {
        errors.push(syn::Error::new(
            key,
            "`retry_after` on an error that is not retryable (`retryable = false`); \
             remove one of them",
        ));
    };
    // With `retryable` unset, the status table decides; the generated code asserts it.
    let check = |key: Span| if retryable.is_none() { Some(key) } else { None };

    if let Some((field, marker)) = first_field {
        if let Some(constant) = &own.retry_after {
            let mut err = syn::Error::new(
                marker.key,
                "`retry_after` is given twice: as a field and as `retry_after = ...`",
            );
            err.combine(syn::Error::new(
                constant.key,
                "constant `retry_after` given here",
            ));
            errors.push(err);
        }
        if retryable == Some(false) {
            not_retryable(errors, marker.key);
        }
        return RetryAfter::Field {
            field,
            check: check(marker.key),
        };
    }
    if let Some(Setting { key, value }) = &own.retry_after {
        if retryable == Some(false) {
            not_retryable(errors, *key);
        }
        return RetryAfter::Const {
            seconds: *value,
            only_if_retryable: false,
            check: check(*key),
        };
    }
    if let Some(Setting { value, .. }) = defaults.and_then(|d| d.retry_after.as_ref()) {
        if retryable != Some(false) {
            return RetryAfter::Const {
                seconds: *value,
                only_if_retryable: retryable.is_none(),
                check: None,
            };
        }
    }
    RetryAfter::None
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
fn check_enum_retry_after(errors: &mut Errors, input: &Input) {
    if let (Some(constant), Some(retryable)) = (&input.attrs.retry_after, &input.attrs.retryable) {
        if !retryable.value {
            errors.push(syn::Error::new(
                constant.key,
                "`retry_after` on an error that is not retryable (`retryable = false`); \
                 remove one of them",
            ));
        }
    }
}

//! Code generation. Every problem was reported before this runs, so it cannot fail.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::{DeriveInput, Ident, LitStr, Member};

use crate::ast::{Input, Variant};
use crate::fmt::{Message, Piece};
use crate::generics::Bounds;
use crate::valid::{MessageSource, Own, Plan, RetryAfter};

/// The impl of `ApiError` for a valid input, and the framework hooks.
pub fn derive(input: &Input, plans: &[Plan]) -> TokenStream {
    let original = input.original;
    let ident = &original.ident;
    let variants = input.variants();
    let (impl_generics, ty_generics, _) = original.generics.split_for_impl();
    let mut bounds = Bounds::new(quote!(#ident #ty_generics), &original.generics);
    collect_bounds(&mut bounds, variants, plans);

    let arms = |body: &dyn Fn(&Variant, &Plan) -> Arm| -> TokenStream {
        let arms = variants.iter().zip(plans).map(|(variant, plan)| {
            let Arm { uses, body } = body(variant, plan);
            let pattern = pattern(input, variant, &uses);
            quote!(#pattern => #body,)
        });
        if variants.is_empty() {
            quote!(match *self {})
        } else {
            quote!(match self { #(#arms)* })
        }
    };

    let status = arms(&|variant, plan| match plan {
        Plan::Own(own) => Arm::plain(status_expr(own)),
        Plan::Transparent { field } => delegate(variant, *field, quote!(status)),
    });
    let error_type = arms(&|variant, plan| match plan {
        Plan::Own(own) => Arm::plain(type_expr(own)),
        Plan::Transparent { field } => delegate(variant, *field, quote!(error_type)),
    });
    let message = arms(&|variant, plan| match plan {
        Plan::Own(own) => Arm::plain(match static_message(own) {
            Some(text) => quote!(::dos_errors::__private::Cow::Borrowed(#text)),
            None => quote! {
                ::dos_errors::__private::Cow::Owned(::dos_errors::__private::message_string(self))
            },
        }),
        Plan::Transparent { field } => delegate(variant, *field, quote!(message)),
    });
    let retryability = arms(&|variant, plan| match plan {
        Plan::Own(own) => Arm::plain(retryability_expr(own)),
        Plan::Transparent { field } => delegate(variant, *field, quote!(retryability)),
    });
    let write_json = arms(&|variant, plan| match plan {
        Plan::Own(own) => Arm::plain(write_json_expr(own)),
        Plan::Transparent { field } => {
            delegate_with(variant, *field, quote!(write_json), quote!(, __out))
        }
    });

    let has = |f: &dyn Fn(&Plan) -> bool| plans.iter().any(f);
    let retry_after = has(&|plan| match plan {
        Plan::Own(own) => !matches!(own.retry_after, RetryAfter::None),
        Plan::Transparent { .. } => true,
    })
    .then(|| {
        let body = arms(&|variant, plan| match plan {
            Plan::Own(own) => retry_after_arm(variant, own),
            Plan::Transparent { field } => delegate(variant, *field, quote!(retry_after)),
        });
        quote! {
            fn retry_after(&self) -> ::core::option::Option<::core::time::Duration> { #body }
        }
    });
    let write_message =
        has(&|plan| matches!(plan, Plan::Own(own) if static_message(own).is_none())).then(|| {
            let body = arms(&|variant, plan| write_message_arm(variant, plan));
            quote! {
                #[inline]
                fn __write_message(&self, __sink: &mut ::dos_errors::__private::Sink<'_>) {
                    #body
                }
            }
        });
    let masked = has(&|plan| match plan {
        Plan::Own(own) => own.masked(),
        Plan::Transparent { .. } => true,
    })
    .then(|| {
        let body = arms(&|variant, plan| match plan {
            Plan::Own(own) => Arm::plain(if own.masked() {
                quote!(true)
            } else {
                quote!(false)
            }),
            Plan::Transparent { field } => delegate(variant, *field, quote!(__masked)),
        });
        quote!(fn __masked(&self) -> bool { #body })
    });

    let catalog = catalog_body(input, plans);
    let checks = retry_after_checks(plans);
    let where_clause = bounds.where_clause(&original.generics);
    let self_ty = bounds.self_ty();

    quote! {
        #[automatically_derived]
        #[allow(clippy::match_same_arms, clippy::too_many_lines)]
        impl #impl_generics ::dos_errors::ApiError for #ident #ty_generics #where_clause {
            #[inline]
            fn status(&self) -> ::dos_errors::Status { #status }
            #[inline]
            fn error_type(&self) -> &str { #error_type }
            #[inline]
            fn message(&self) -> ::dos_errors::__private::Cow<'_, str> { #message }
            #[inline]
            fn retryability(&self) -> ::dos_errors::Retryability { #retryability }
            #retry_after
            #[inline]
            fn write_json(&self, __out: &mut ::dos_errors::__private::Vec<u8>) { #write_json }
            #write_message
            #masked
        }
        #[automatically_derived]
        impl #impl_generics ::dos_errors::catalog::ApiErrorCatalog for #ident #ty_generics #where_clause {
            #[inline]
            fn catalog() -> ::dos_errors::__private::Vec<::dos_errors::catalog::ErrorSpec> {
                #catalog
            }
        }
        #checks
        ::dos_errors::__private::derive_hooks! {
            impl_generics = { #impl_generics },
            self_ty = { #self_ty },
            where_clause = { #where_clause #self_ty: ::dos_errors::ApiError, },
        }
    }
}

/// A stand-in impl emitted next to the errors of an invalid input, so the user sees
/// those errors and not a cascade of "`ApiError` is not implemented".
pub fn stub(original: &DeriveInput) -> TokenStream {
    let ident = &original.ident;
    let (impl_generics, ty_generics, _) = original.generics.split_for_impl();
    let self_ty = quote!(#ident #ty_generics);
    let where_clause =
        Bounds::new(self_ty.clone(), &original.generics).where_clause(&original.generics);
    quote! {
        #[allow(unused_variables)]
        impl #impl_generics ::dos_errors::ApiError for #self_ty #where_clause {
            fn status(&self) -> ::dos_errors::Status { ::core::unimplemented!() }
            fn error_type(&self) -> &str { ::core::unimplemented!() }
            fn message(&self) -> ::dos_errors::__private::Cow<'_, str> { ::core::unimplemented!() }
        }
        impl #impl_generics ::dos_errors::catalog::ApiErrorCatalog for #self_ty #where_clause {
            fn catalog() -> ::dos_errors::__private::Vec<::dos_errors::catalog::ErrorSpec> {
                ::core::unimplemented!()
            }
        }
        ::dos_errors::__private::derive_hooks! {
            impl_generics = { #impl_generics },
            self_ty = { #self_ty },
            where_clause = { #where_clause #self_ty: ::dos_errors::ApiError, },
        }
    }
}

/// One match arm's body and the fields it needs bound.
struct Arm {
    uses: Vec<usize>,
    body: TokenStream,
}

impl Arm {
    fn plain(body: TokenStream) -> Arm {
        Arm {
            uses: Vec::new(),
            body,
        }
    }
}

/// The local name a field is bound to, spanned at the field so type errors point there.
fn binding(variant: &Variant, field: usize) -> Ident {
    Ident::new(&format!("__field{field}"), variant.fields[field].span())
}

/// `Self::Variant { a: __field0, .. }` (or `Self { .. }` for a struct).
fn pattern(input: &Input, variant: &Variant, uses: &[usize]) -> TokenStream {
    let bound = uses.iter().map(|&index| {
        let member = match &variant.fields[index].member {
            Member::Named(ident) => quote!(#ident),
            Member::Unnamed(index) => {
                let index = syn::Index {
                    index: index.index,
                    span: Span::call_site(),
                };
                quote!(#index)
            }
        };
        let name = binding(variant, index);
        quote!(#member: #name)
    });
    let path = match variant.ident {
        Some(ident) if input.is_enum() => quote!(Self::#ident),
        _ => quote!(Self),
    };
    quote!(#path { #(#bound,)* .. })
}

/// `ApiError::method(__private::transparent(field))`, spanned at the field.
fn delegate(variant: &Variant, field: usize, method: TokenStream) -> Arm {
    delegate_with(variant, field, method, TokenStream::new())
}

/// [`delegate`] with more arguments after the field (`, __out`).
fn delegate_with(variant: &Variant, field: usize, method: TokenStream, args: TokenStream) -> Arm {
    let name = binding(variant, field);
    let span = variant.fields[field].ty_span();
    let inner = quote_spanned!(span=> ::dos_errors::__private::transparent(#name));
    Arm {
        uses: vec![field],
        body: quote!(::dos_errors::ApiError::#method(#inner #args)),
    }
}

fn status_expr(own: &Own) -> TokenStream {
    let status = own.status;
    quote!(::dos_errors::__private::status(#status))
}

fn type_expr(own: &Own) -> TokenStream {
    match &own.error_type {
        Some(lit) => quote!(#lit),
        None => {
            let status = status_expr(own);
            quote!(#status.default_type())
        }
    }
}

/// The message when it needs no formatting: a literal, or the status default.
fn static_message(own: &Own) -> Option<TokenStream> {
    match &own.message {
        MessageSource::Default => {
            let status = status_expr(own);
            Some(quote!(#status.default_message()))
        }
        MessageSource::Format(message) if message.is_static() => {
            let text = LitStr::new(&message.static_text(), message.lit.span());
            Some(quote!(#text))
        }
        MessageSource::Format(_) | MessageSource::Display => None,
    }
}

/// `write_json` of a variant with its own status. Static messages become byte
/// strings here, so no `const` is evaluated per variant; the parts a variant
/// leaves to its status's defaults come from tables built once in the runtime.
fn write_json_expr(own: &Own) -> TokenStream {
    let status = own.status;
    // Entry of the runtime's per-status tables (the status is in 400..=599).
    let index = usize::from(status - 400);
    let type_tail = own.error_type.as_ref().map(|lit| {
        byte_string(&format!(
            r#"","type":"{}","code":{status}}}}}"#,
            lit.value()
        ))
    });
    let message = match &own.message {
        MessageSource::Default => None,
        MessageSource::Format(message) if message.is_static() => Some(message.static_text()),
        MessageSource::Format(_) | MessageSource::Display => {
            let tail = match type_tail {
                Some(bytes) => quote!(::dos_errors::__private::TailOf::Bytes(#bytes)),
                None => quote!(::dos_errors::__private::TailOf::DefaultType(#index)),
            };
            return quote!(::dos_errors::__private::write_formatted(__out, self, #tail));
        }
    };
    match (message, type_tail) {
        (None, None) => {
            quote!(__out.extend_from_slice(::dos_errors::__private::DEFAULT_ENVELOPE[#index]))
        }
        (None, Some(tail)) => {
            quote!(::dos_errors::__private::write_with_default_message(__out, #status, #tail))
        }
        (Some(text), None) => {
            let head = byte_string(&format!(r#"{{"error":{{"message":"{}"#, json_escape(&text)));
            quote! {
                ::dos_errors::__private::write_two(__out, #head, ::dos_errors::__private::DEFAULT_TAIL[#index])
            }
        }
        (Some(text), Some(_)) => {
            let error_type = own
                .error_type
                .as_ref()
                .map(LitStr::value)
                .unwrap_or_default();
            let json = byte_string(&format!(
                r#"{{"error":{{"message":"{}","type":"{error_type}","code":{status}}}}}"#,
                json_escape(&text)
            ));
            quote!(__out.extend_from_slice(#json))
        }
    }
}

fn byte_string(text: &str) -> proc_macro2::Literal {
    proc_macro2::Literal::byte_string(text.as_bytes())
}

/// `text` as the inside of a JSON string, exactly as `serde_json` writes it (and
/// `dos_errors::json` at run time): `"` and `\` escaped, the short escapes for
/// backspace, form feed, newline, carriage return and tab, `\u00XX` (lower-case
/// hex) for the other controls below 0x20, everything else as it is. Error types
/// need none of this: they are validated lower snake_case.
fn json_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

fn retryability_expr(own: &Own) -> TokenStream {
    let status = own.status;
    match own.retryable {
        Some(true) => quote!(::dos_errors::__private::retryable(#status)),
        Some(false) => quote!(::dos_errors::Retryability::Fatal),
        None => {
            let status = status_expr(own);
            quote!(#status.default_retryability())
        }
    }
}

fn retry_after_arm(variant: &Variant, own: &Own) -> Arm {
    match &own.retry_after {
        RetryAfter::None => Arm::plain(quote!(::core::option::Option::None)),
        RetryAfter::Const {
            seconds,
            only_if_retryable,
            ..
        } => {
            let value = quote!(::dos_errors::__private::seconds(#seconds));
            Arm::plain(if *only_if_retryable {
                let status = status_expr(own);
                quote! {
                    if #status.default_retryability().is_retryable() {
                        #value
                    } else {
                        ::core::option::Option::None
                    }
                }
            } else {
                value
            })
        }
        RetryAfter::Field { field, .. } => {
            let name = binding(variant, *field);
            let span = variant.fields[*field].ty_span();
            Arm {
                uses: vec![*field],
                body: quote_spanned!(span=> ::dos_errors::__private::retry_after_of(#name)),
            }
        }
    }
}

fn write_message_arm(variant: &Variant, plan: &Plan) -> Arm {
    match plan {
        Plan::Own(Own {
            message: MessageSource::Format(message),
            ..
        }) if !message.is_static() => message_pieces(variant, message),
        Plan::Own(Own {
            message: MessageSource::Display,
            ..
        }) => Arm::plain(quote! {
            __sink.fmt(::dos_errors::__private::format_args!("{}", self))
        }),
        _ => Arm::plain(quote! {
            __sink.str(&::dos_errors::ApiError::message(self))
        }),
    }
}

/// How a placeholder is written: chosen from the field's type as written, so the
/// common cases skip `core::fmt` entirely.
enum PieceKind {
    /// `String`, `str`, `&str`, `Cow<str>`, `Box<str>`, `Rc<str>`, `Arc<str>`.
    Str,
    /// A primitive integer.
    Int,
    /// Anything else, or a format spec: through `format_args!`.
    Fmt,
}

fn piece_kind(ty: &syn::Type, spec: &str) -> PieceKind {
    if !spec.is_empty() {
        return PieceKind::Fmt;
    }
    let mut ty = ty;
    while let syn::Type::Reference(reference) = ty {
        ty = &reference.elem;
    }
    let syn::Type::Path(path) = ty else {
        return PieceKind::Fmt;
    };
    let Some(last) = path.path.segments.last() else {
        return PieceKind::Fmt;
    };
    let name = last.ident.to_string();
    let generic_is_str = || {
        match &last.arguments {
        syn::PathArguments::AngleBracketed(args) => args.args.iter().any(|arg| {
            matches!(arg, syn::GenericArgument::Type(syn::Type::Path(p)) if p.path.is_ident("str"))
        }),
        _ => false,
    }
    };
    match name.as_str() {
        "String" | "str" if last.arguments.is_empty() => PieceKind::Str,
        "Cow" | "Box" | "Rc" | "Arc" if generic_is_str() => PieceKind::Str,
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" | "i8" | "i16" | "i32" | "i64" | "i128"
        | "isize"
            if path.path.segments.len() == 1 && last.arguments.is_empty() =>
        {
            PieceKind::Int
        }
        _ => PieceKind::Fmt,
    }
}

/// The message as a sequence of writes into `__sink`: literal text (escaped for
/// JSON here, at expansion), string fields escaped directly, integers as digits,
/// and anything else through `format_args!` spanned at the field, so a field that
/// cannot be displayed is reported there.
fn message_pieces(variant: &Variant, message: &Message) -> Arm {
    let mut uses: Vec<usize> = Vec::new();
    let mut writes = Vec::new();
    for piece in &message.pieces {
        match piece {
            Piece::Text(text) => {
                let escaped = json_escape(text);
                writes.push(if escaped == *text {
                    quote!(__sink.plain(#text);)
                } else {
                    let escaped = byte_string(&escaped);
                    quote!(__sink.lit(#text, #escaped);)
                });
            }
            Piece::Arg { field, spec, .. } => {
                let name = binding(variant, *field);
                if !uses.contains(field) {
                    uses.push(*field);
                }
                writes.push(match piece_kind(variant.fields[*field].ty, spec) {
                    // Deref coercion turns every string-like field into `&str`.
                    PieceKind::Str => quote!(__sink.str(#name);),
                    PieceKind::Int => quote!(__sink.int(#name);),
                    PieceKind::Fmt => {
                        let format = if spec.is_empty() {
                            "{}".to_owned()
                        } else {
                            format!("{{:{spec}}}")
                        };
                        let format = LitStr::new(&format, message.lit.span());
                        quote!(__sink.fmt(::dos_errors::__private::format_args!(#format, #name));)
                    }
                });
            }
        }
    }
    Arm {
        body: quote!({ #(#writes)* }),
        uses,
    }
}

/// The body of `ApiErrorCatalog::catalog`: one constant slice of the own variants'
/// entries (in declaration order), then what each transparent variant's field
/// type contributes, when that type has a catalogue.
fn catalog_body(input: &Input, plans: &[Plan]) -> TokenStream {
    let type_name = input.original.ident.to_string();
    let mut own_entries = Vec::new();
    let mut transparent = Vec::new();
    for (variant, plan) in input.variants().iter().zip(plans) {
        match plan {
            Plan::Own(own) => {
                let name = variant.ident.map_or(type_name.clone(), ToString::to_string);
                let status = own.status;
                let some_or_none = |value: Option<TokenStream>| match value {
                    Some(value) => quote!(::core::option::Option::Some(#value)),
                    None => quote!(::core::option::Option::None),
                };
                let error_type = some_or_none(own.error_type.as_ref().map(|lit| quote!(#lit)));
                let (message, is_display) = match &own.message {
                    MessageSource::Default => (None, false),
                    MessageSource::Format(message) => {
                        let lit = &message.lit;
                        (Some(quote!(#lit)), false)
                    }
                    MessageSource::Display => (None, true),
                };
                let message = some_or_none(message);
                let retryable: u8 = match own.retryable {
                    None => 0,
                    Some(true) => 1,
                    Some(false) => 2,
                };
                let (retry_after, only_if, from_field) = match &own.retry_after {
                    RetryAfter::None => (None, false, false),
                    RetryAfter::Const {
                        seconds,
                        only_if_retryable,
                        ..
                    } => (Some(quote!(#seconds)), *only_if_retryable, false),
                    RetryAfter::Field { .. } => (None, false, true),
                };
                let retry_after = some_or_none(retry_after);
                let masked = own.masked();
                let docs = &variant.docs;
                own_entries.push(quote! {
                    ::dos_errors::catalog::__private::spec(
                        #name, #status, #error_type, #message, #is_display, #retryable,
                        #retry_after, #only_if, #from_field, #masked, #docs,
                    )
                });
            }
            Plan::Transparent { field } => {
                let ty = variant.fields[*field].ty;
                transparent.push(quote! {
                    for __spec in {
                        use ::dos_errors::catalog::__private::{ViaCatalog as _, ViaNothing as _};
                        (&&::dos_errors::catalog::__private::Probe::<#ty>::new()).specs()
                    } {
                        ::dos_errors::catalog::__private::push_unique(&mut __specs, __spec);
                    }
                });
            }
        }
    }
    if transparent.is_empty() {
        quote! {
            const OWN: &[::dos_errors::catalog::ErrorSpec] = &[#(#own_entries),*];
            OWN.to_vec()
        }
    } else {
        quote! {
            const OWN: &[::dos_errors::catalog::ErrorSpec] = &[#(#own_entries),*];
            let mut __specs = OWN.to_vec();
            #(#transparent)*
            __specs
        }
    }
}

/// Requires, at the `retry_after` key, that a status without an explicit
/// `retryable` is retryable by default. The status table lives in the runtime
/// crate, so the check is a constant evaluated there.
fn retry_after_checks(plans: &[Plan]) -> TokenStream {
    plans
        .iter()
        .filter_map(|plan| match plan {
            Plan::Own(own) => match own.retry_after {
                RetryAfter::Const { check: Some(span), .. }
                | RetryAfter::Field { check: Some(span), .. } => {
                    let status = own.status;
                    let message = LitStr::new(
                        &format!(
                            "`retry_after` on an error with status {status}, which is not \
                             retryable: remove `retry_after`, or add `retryable`"
                        ),
                        span,
                    );
                    Some(quote_spanned! {span=>
                        const _: () = ::core::assert!(
                            ::dos_errors::__private::status(#status).default_retryability().is_retryable(),
                            #message,
                        );
                    })
                }
                _ => None,
            },
            Plan::Transparent { .. } => None,
        })
        .collect()
}

fn collect_bounds(bounds: &mut Bounds, variants: &[Variant], plans: &[Plan]) {
    for (variant, plan) in variants.iter().zip(plans) {
        match plan {
            Plan::Transparent { field } => {
                if let Some(field) = variant.fields.get(*field) {
                    bounds.require(field.ty, quote!(::dos_errors::ApiError));
                }
            }
            Plan::Own(own) => {
                match &own.message {
                    MessageSource::Format(message) => {
                        for (field, fmt_trait) in message.uses() {
                            let name = format_ident!("{}", fmt_trait.name());
                            bounds.require(variant.fields[field].ty, quote!(::core::fmt::#name));
                        }
                    }
                    MessageSource::Display => bounds.require_self(quote!(::core::fmt::Display)),
                    MessageSource::Default => {}
                }
                if let RetryAfter::Field { field, .. } = own.retry_after {
                    bounds.require(
                        variant.fields[field].ty,
                        quote!(::dos_errors::__private::RetryAfterField),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::json_escape;

    #[test]
    fn json_escape_matches_serde_json() {
        let mut samples: Vec<String> = (0u32..0x80)
            .filter_map(char::from_u32)
            .map(|c| format!("a{c}b"))
            .collect();
        samples.extend(
            [
                "",
                "plain",
                "quote \" and \\ backslash",
                "é 😀 \u{2028} </script>",
                "\u{7f}\u{0}\u{1f}",
            ]
            .map(String::from),
        );
        for text in samples {
            let serde = serde_json::to_string(&text).unwrap();
            assert_eq!(format!("\"{}\"", json_escape(&text)), serde, "{text:?}");
        }
    }
}

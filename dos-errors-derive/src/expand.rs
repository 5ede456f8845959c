//! Code generation. Every problem was reported before this runs, so it cannot fail.
//!
//! Per type it emits data and the least code data cannot replace: one `impl` of
//! the runtime's `__private::Derived` — a table of `ErrorSpec` literals, a `match`
//! from a value to its row, and only where needed a `match` writing interpolated
//! messages and one reading marked fields — then one `impl_api_error!` that turns
//! it into `ApiError` and `ApiErrorCatalog` (every method lives once, in the
//! runtime), and one macro call per framework the type opts into.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::{DeriveInput, Ident, LitStr, Member};

use crate::ast::{Input, Variant};
use crate::contract::{self, FormatTrait, LogLevel, Retryability};
use crate::fmt::{Message, Piece};
use crate::generics::Bounds;
use crate::valid::{Container, MessageSource, Own, Param, Plan, RetryAfter};

/// The impls for a valid input.
pub fn derive(input: &Input, container: &Container, plans: &[Plan]) -> TokenStream {
    let original = input.original;
    let krate = &container.krate;
    let ident = &original.ident;
    let variants = input.variants();
    let (impl_generics, ty_generics, _) = original.generics.split_for_impl();
    let mut bounds = Bounds::new(quote!(#ident #ty_generics), &original.generics);
    collect_bounds(&mut bounds, krate, variants, plans);
    let where_clause = bounds.where_clause(&original.generics);

    let type_name = ident.to_string();
    let mut specs = Vec::new();
    let mut variant_arms = Vec::new();
    let mut template_arms = Vec::new();
    let mut field_arms = Vec::new();
    let mut inner_types = Vec::new();
    for (variant, plan) in variants.iter().zip(plans) {
        match plan {
            Plan::Own(own) => {
                let row = specs.len();
                let name = variant.ident.map_or(type_name.clone(), ToString::to_string);
                specs.push(spec_literal(&name, variant, own));
                let pattern = pattern(input, variant, &[]);
                variant_arms.push(quote!(#pattern => __V::Own(#row),));
                if let Some(arm) = template_arm(input, variant, own) {
                    template_arms.push(arm);
                }
                if let Some(arm) = fields_arm(input, variant, own, krate) {
                    field_arms.push(arm);
                }
            }
            Plan::Transparent { field } => {
                let pattern = pattern(input, variant, &[*field]);
                let name = binding(variant, *field);
                let span = variant.fields[*field].ty_span();
                let inner = quote_spanned!(span=> #krate::__private::transparent(#name));
                variant_arms.push(quote!(#pattern => __V::Transparent(#inner),));
                inner_types.push(variant.fields[*field].ty);
            }
        }
    }

    let variant_body = if variants.is_empty() {
        quote!(match *self {})
    } else {
        quote!(match self { #(#variant_arms)* })
    };
    let write_template = (!template_arms.is_empty()).then(|| {
        let rest = (template_arms.len() < variants.len()).then(|| quote!(_ => {}));
        quote! {
            #[inline]
            fn write_template(&self, __w: &mut #krate::MessageWriter<'_>) {
                #[allow(unused_imports)]
                use #krate::__private::{
                    clean as __c, display as __d, fmt as __f, text as __t, Arg as __A,
                    ViaDisplay as _, ViaFast as _,
                };
                match self { #(#template_arms)* #rest }
            }
        }
    });
    let fields = (!field_arms.is_empty()).then(|| {
        let rest = (field_arms.len() < variants.len()).then(|| quote!(_ => __F::NONE,));
        quote! {
            #[inline]
            fn fields(&self) -> #krate::__private::Fields<'_> {
                use #krate::__private::Fields as __F;
                match self { #(#field_arms)* #rest }
            }
        }
    });

    let self_ty = quote!(#ident #ty_generics);
    let integrations = integrations(container, &impl_generics, &self_ty, &where_clause);
    quote! {
        #[automatically_derived]
        #[allow(clippy::match_same_arms, clippy::too_many_lines, clippy::unreadable_literal)]
        impl #impl_generics #krate::__private::Derived for #self_ty #where_clause {
            const SPECS: &'static [#krate::ErrorSpec] = {
                #[allow(unused_imports)]
                use #krate::{
                    ErrorSpec as __S, GrpcCode as __G, LogLevel as __L, Retryability as __R,
                    __private::{seconds as __sec, status as __s, SPEC as __B},
                };
                #[allow(unused_imports)]
                use ::core::option::Option::Some as __Y;
                &[#(#specs),*]
            };
            #[inline]
            fn variant(&self) -> #krate::__private::Variant<'_> {
                use #krate::__private::Variant as __V;
                #variant_body
            }
            #write_template
            #fields
        }
        #krate::__private::impl_api_error! {
            impl [#impl_generics] for [#self_ty] where [#where_clause]
            transparent [#(#inner_types),*]
        }
        #integrations
    }
}

/// A stand-in emitted next to the errors of an invalid input, so the user sees
/// those errors and not a cascade of "`ApiError` is not implemented".
pub fn stub(original: &DeriveInput, container: &Container) -> TokenStream {
    let krate = &container.krate;
    let ident = &original.ident;
    let (impl_generics, ty_generics, _) = original.generics.split_for_impl();
    let self_ty = quote!(#ident #ty_generics);
    let where_clause =
        Bounds::new(self_ty.clone(), &original.generics).where_clause(&original.generics);
    let integrations = integrations(container, &impl_generics, &self_ty, &where_clause);
    quote! {
        impl #impl_generics #krate::__private::Derived for #self_ty #where_clause {
            const SPECS: &'static [#krate::ErrorSpec] = &[];
            fn variant(&self) -> #krate::__private::Variant<'_> {
                ::core::unimplemented!()
            }
        }
        #krate::__private::impl_api_error! {
            impl [#impl_generics] for [#self_ty] where [#where_clause] transparent []
        }
        #integrations
    }
}

/// One call per framework the type opts into, spanned at its name in
/// `integrations(…)` so that a missing feature is reported there.
fn integrations(
    container: &Container,
    impl_generics: &syn::ImplGenerics,
    self_ty: &TokenStream,
    where_clause: &TokenStream,
) -> TokenStream {
    let krate = &container.krate;
    container
        .integrations
        .iter()
        .map(|framework| {
            let span = framework.span();
            let name = format_ident!("integrate_{}", framework, span = span);
            // The whole invocation path at the framework's name: a missing feature
            // is reported there.
            let krate = respan(quote!(#krate), span);
            quote_spanned! {span=>
                #krate::__private::#name! {
                    impl [#impl_generics] for [#self_ty] where [#where_clause]
                }
            }
        })
        .collect()
}

/// `tokens` with every span set to `span`.
fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut token| {
            if let proc_macro2::TokenTree::Group(group) = &token {
                let mut inner =
                    proc_macro2::Group::new(group.delimiter(), respan(group.stream(), span));
                inner.set_span(span);
                token = proc_macro2::TokenTree::Group(inner);
            }
            token.set_span(span);
            token
        })
        .collect()
}

/// The `ErrorSpec` literal of a variant: every resolved value that differs from
/// the runtime's base spec.
fn spec_literal(name: &str, variant: &Variant, own: &Own) -> TokenStream {
    let status = own.status;
    let error_type = &own.error_type;
    let mut fields = vec![
        quote!(name: #name),
        quote!(status: __s(#status)),
        quote!(error_type: #error_type),
    ];
    let static_text = match &own.message {
        MessageSource::Default => Some(contract::defaults(status).message.to_owned()),
        MessageSource::Format(message) if message.is_static() => Some(message.static_text()),
        MessageSource::Format(message) => {
            let template = &message.template;
            fields.push(quote!(message: #template));
            fields.push(quote!(interpolated: true));
            None
        }
        MessageSource::Display => {
            fields.push(quote!(message_is_display: true));
            None
        }
    };
    if let Some(text) = static_text {
        let mut json = Vec::new();
        contract::write_envelope(&mut json, &text, error_type, status);
        let json = String::from_utf8(json).unwrap_or_default();
        fields.push(quote!(message: #text));
        fields.push(quote!(envelope_json: #json));
    }
    if own.retryability != Retryability::Fatal {
        let retryability = Ident::new(&format!("{:?}", own.retryability), Span::call_site());
        fields.push(quote!(retryability: __R::#retryability));
    }
    match own.retry_after {
        RetryAfter::None => {}
        RetryAfter::Const(seconds) => fields.push(quote!(retry_after: __sec(#seconds))),
        RetryAfter::Field(_) => fields.push(quote!(retry_after_from_field: true)),
    }
    if own.masked {
        fields.push(quote!(masked: true));
    }
    if own.log != LogLevel::Off {
        let log = Ident::new(&format!("{:?}", own.log), Span::call_site());
        fields.push(quote!(log: __L::#log));
    }
    if let Some(code) = &own.code {
        fields.push(quote!(code: __Y(#code)));
    }
    match &own.param {
        Param::None => {}
        Param::Const(param) => fields.push(quote!(param: __Y(#param))),
        Param::Field(_) => fields.push(quote!(param_from_field: true)),
    }
    if own.violations.is_some() {
        fields.push(quote!(violations_from_field: true));
    }
    if let Some(url) = &own.doc_url {
        fields.push(quote!(doc_url: __Y(#url)));
    }
    if let Some(domain) = &own.domain {
        fields.push(quote!(domain: __Y(#domain)));
    }
    let grpc = Ident::new(&format!("{:?}", own.grpc), Span::call_site());
    fields.push(quote!(grpc_code: __G::#grpc));
    if !variant.docs.is_empty() {
        let docs = &variant.docs;
        fields.push(quote!(docs: #docs));
    }
    quote!(__S { #(#fields,)* ..__B })
}

/// The local name a field is bound to, spanned at the field so type errors point there.
fn binding(variant: &Variant, field: usize) -> Ident {
    Ident::new(&format!("__f{field}"), variant.fields[field].span())
}

/// `Self::Variant { a: __f0, .. }` (or `Self { .. }` for a struct).
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

/// The arm of `write_template` for a variant whose message is written at run time.
fn template_arm(input: &Input, variant: &Variant, own: &Own) -> Option<TokenStream> {
    match &own.message {
        MessageSource::Format(message) if !message.is_static() => {
            let (uses, body) = message_pieces(variant, message);
            let pattern = pattern(input, variant, &uses);
            Some(quote!(#pattern => { #body }))
        }
        MessageSource::Display => {
            let pattern = pattern(input, variant, &[]);
            Some(quote!(#pattern => __d(__w, self),))
        }
        _ => None,
    }
}

/// The message as a sequence of writes: literal text (checked for JSON escapes
/// here, with the contract's escaper), values by trait dispatch, values with a
/// format spec through `format_args!` spanned at the field, so a field that cannot
/// be formatted is reported there.
fn message_pieces(variant: &Variant, message: &Message) -> (Vec<usize>, TokenStream) {
    let mut uses: Vec<usize> = Vec::new();
    let mut writes = Vec::new();
    for piece in &message.pieces {
        match piece {
            Piece::Text(text) => writes.push(if contract::needs_no_escape(text) {
                quote!(__c(__w, #text);)
            } else {
                quote!(__t(__w, #text);)
            }),
            Piece::Arg {
                field,
                spec,
                trait_,
            } => {
                let name = binding(variant, *field);
                if !uses.contains(field) {
                    uses.push(*field);
                }
                writes.push(if spec.is_empty() && *trait_ == FormatTrait::Display {
                    quote!((&__A::new(#name)).put(__w);)
                } else {
                    let format = LitStr::new(&format!("{{:{spec}}}"), message.lit.span());
                    let span = variant.fields[*field].ty_span();
                    // `{x:p}` is the field's own pointer, as with thiserror (a
                    // `Box`'s heap address, a reference's target), not the
                    // address of the field.
                    let value = if *trait_ == FormatTrait::Pointer {
                        quote_spanned!(span=> *#name)
                    } else {
                        quote!(#name)
                    };
                    let args = quote_spanned!(span=> ::core::format_args!(#format, #value));
                    quote!(__f(__w, #args);)
                });
            }
        }
    }
    (uses, quote!(#(#writes)*))
}

/// The arm of `fields` for a variant with marked fields.
fn fields_arm(
    input: &Input,
    variant: &Variant,
    own: &Own,
    krate: &syn::Path,
) -> Option<TokenStream> {
    let uses: Vec<usize> = own.runtime_fields().collect();
    if uses.is_empty() {
        return None;
    }
    let value = |field: usize, function: &str| {
        let name = binding(variant, field);
        let span = variant.fields[field].ty_span();
        let function = Ident::new(function, Span::call_site());
        quote_spanned!(span=> #krate::__private::#function(#name))
    };
    let mut values = Vec::new();
    if let RetryAfter::Field(field) = own.retry_after {
        let value = value(field, "retry_after_of");
        values.push(quote!(retry_after: #value));
    }
    if let Param::Field(field) = own.param {
        let value = value(field, "param_of");
        values.push(quote!(param: #value));
    }
    if let Some(field) = own.violations {
        let value = value(field, "violations_of");
        values.push(quote!(violations: #value));
    }
    let pattern = pattern(input, variant, &uses);
    Some(quote!(#pattern => __F { #(#values,)* ..__F::NONE },))
}

fn collect_bounds(bounds: &mut Bounds, krate: &syn::Path, variants: &[Variant], plans: &[Plan]) {
    for (variant, plan) in variants.iter().zip(plans) {
        match plan {
            Plan::Transparent { field } => {
                if let Some(field) = variant.fields.get(*field) {
                    bounds.require(field.ty, quote!(#krate::ApiError));
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
                if let RetryAfter::Field(field) = own.retry_after {
                    bounds.require(
                        variant.fields[field].ty,
                        quote!(#krate::__private::RetryAfterField),
                    );
                }
                if let Param::Field(field) = own.param {
                    bounds.require(
                        variant.fields[field].ty,
                        quote!(#krate::__private::ParamField),
                    );
                }
                if let Some(field) = own.violations {
                    bounds.require(
                        variant.fields[field].ty,
                        quote!(::core::convert::AsRef<[#krate::FieldViolation]>),
                    );
                }
            }
        }
    }
}

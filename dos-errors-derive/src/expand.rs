//! Code generation. Every problem was reported before this runs, so it cannot fail.
//!
//! Per type it emits data and the least code data cannot replace: one `impl` of
//! the runtime's `__private::Derived` — a table of `ErrorSpec` literals, a `match`
//! from a value to its row, and only where needed a `match` writing interpolated
//! messages and one reading marked fields — then one `impl_api_error!` that turns
//! it into `ApiError` and `ApiErrorCatalog` (every method lives once, in the
//! runtime), and one macro call per framework the type opts into.

use proc_macro2::{Delimiter, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::{DeriveInput, Ident, LitStr, Member};

use crate::ast::{Input, Variant};
use crate::contract::{self, FormatTrait};
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

    // The rows and the match from a variant to its row are data: written as text
    // and lexed by the compiler in one go (spans do not matter there: nothing in
    // them can fail to type-check for a reason the user could fix).
    // Names as users read them: `r#type` is the variant `type`.
    let type_name = ident.unraw().to_string();
    let mut table = Columns::default();
    let mut variant_arms = String::new();
    let mut template_arms = Vec::new();
    let mut field_arms = Vec::new();
    let mut transparent_arms = Vec::new();
    let mut inner_types = Vec::new();
    let mut row_count = 0usize;
    for (variant, plan) in variants.iter().zip(plans) {
        match plan {
            Plan::Own(own) => {
                let name = variant
                    .ident
                    .map_or(type_name.clone(), |ident| ident.unraw().to_string());
                table.push(&name, variant, own);
                let path = match variant.ident {
                    Some(ident) if input.is_enum() => format!("Self::{ident}"),
                    _ => "Self".to_owned(),
                };
                variant_arms.push_str(&format!("{path} {{ .. }} => __V::Own({row_count}),"));
                row_count += 1;
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
                transparent_arms.push(quote!(#pattern => __V::Transparent(#inner),));
                inner_types.push(variant.fields[*field].ty);
            }
        }
    }
    // Long runs of tokens go into the output as one group each: `quote!` copies a
    // token stream it interpolates token by token, but a group as one token.
    let table = lex(&table.literal(container.domain.as_deref()));
    let mut arms = lex(&variant_arms);
    arms.extend(transparent_arms);

    let variant_body = if variants.is_empty() {
        quote!(match *self {})
    } else {
        let arms = group(Delimiter::Brace, arms);
        quote!(match self #arms)
    };
    let write_template = (!template_arms.is_empty()).then(|| {
        if template_arms.len() < variants.len() {
            template_arms.push(quote!(_ => {}));
        }
        let arms = group(Delimiter::Brace, template_arms.into_iter().collect());
        quote! {
            #[inline]
            fn write_template(&self, __w: &mut #krate::MessageWriter<'_>) {
                #[allow(unused_imports)]
                use #krate::__private::{display as __d, fmt as __f, Arg as __A, ViaDisplay as _};
                match self #arms
            }
        }
    });
    let fields = (!field_arms.is_empty()).then(|| {
        if field_arms.len() < variants.len() {
            field_arms.push(quote!(_ => __F::NONE,));
        }
        let arms = group(Delimiter::Brace, field_arms.into_iter().collect());
        quote! {
            #[inline]
            fn fields(&self) -> #krate::__private::Fields<'_> {
                use #krate::__private::Fields as __F;
                match self #arms
            }
        }
    });

    let self_ty = quote!(#ident #ty_generics);
    let integrations = integrations(container, &impl_generics, &self_ty, &where_clause);
    quote! {
        #[automatically_derived]
        #[allow(clippy::match_same_arms, clippy::too_many_lines, clippy::unreadable_literal)]
        impl #impl_generics #krate::__private::Derived for #self_ty #where_clause {
            const TABLE: #krate::__private::Table = {
                #[allow(unused_imports)]
                use #krate::__private::{Table as __T, TABLE as __T0};
                #table
            };
            #[inline]
            fn variant(&self) -> #krate::__private::Variant<'_> {
                use #krate::__private::Variant as __V;
                #variant_body
            }
            #[inline]
            fn spec_cell(
                index: ::core::primitive::usize,
            ) -> &'static ::std::sync::OnceLock<#krate::ErrorSpec> {
                static CELLS: [::std::sync::OnceLock<#krate::ErrorSpec>; #row_count] =
                    [#krate::__private::SPEC_CELL; #row_count];
                &CELLS[index]
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
            const TABLE: #krate::__private::Table = #krate::__private::TABLE;
            fn variant(&self) -> #krate::__private::Variant<'_> {
                ::core::unimplemented!()
            }
            fn spec_cell(
                index: ::core::primitive::usize,
            ) -> &'static ::std::sync::OnceLock<#krate::ErrorSpec> {
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

/// The table of a type's own variants, column by column, as Rust source: each
/// column an array of literals (see `__private::Table`).
#[derive(Default)]
struct Columns {
    names: String,
    error_types: String,
    messages: String,
    envelopes: String,
    traits: String,
    codes: String,
    params: String,
    retry_afters: String,
    doc_urls: String,
    docs: String,
    /// Which of the optional columns some variant uses.
    used: [bool; 5],
}

impl Columns {
    /// Appends the row of a variant: every resolved value.
    fn push(&mut self, name: &str, variant: &Variant, own: &Own) {
        let status = own.status;
        let (message, json, display, interpolated, clean_text) = match &own.message {
            MessageSource::Default => {
                let text = contract::defaults(status).message;
                (text.to_owned(), envelope(text, own), false, false, false)
            }
            MessageSource::Format(message) if message.is_static() => {
                let text = message.static_text();
                let json = envelope(&text, own);
                (text, json, false, false, false)
            }
            MessageSource::Format(message) => {
                let clean = message.pieces.iter().all(|piece| match piece {
                    Piece::Text(text) => contract::needs_no_escape(text),
                    Piece::Arg { .. } => true,
                });
                let runs = pieces(message, own);
                (message.template.clone(), runs, false, true, clean)
            }
            MessageSource::Display => (String::new(), String::new(), true, false, false),
        };
        let retry_after = match own.retry_after {
            RetryAfter::Const(seconds) => Some(seconds),
            _ => None,
        };
        let traits = contract::Traits {
            status,
            retryability: own.retryability,
            grpc: own.grpc,
            log: own.log,
            masked: own.masked,
            interpolated,
            display,
            retry_after_from_field: matches!(own.retry_after, RetryAfter::Field(_)),
            retry_after_const: retry_after.is_some(),
            param_from_field: matches!(own.param, Param::Field(_)),
            violations_from_field: own.violations.is_some(),
            clean_text,
        }
        .pack();
        let param = match &own.param {
            Param::Const(param) => param.as_str(),
            _ => "",
        };
        element(&mut self.names, &string(name));
        element(&mut self.error_types, &string(&own.error_type));
        element(&mut self.messages, &string(&message));
        element(&mut self.envelopes, &string(&json));
        element(&mut self.traits, &format!("{traits}u32"));
        let optional = [
            own.code.as_deref().unwrap_or_default(),
            param,
            "",
            own.doc_url.as_deref().unwrap_or_default(),
            &variant.docs,
        ];
        let columns = [
            &mut self.codes,
            &mut self.params,
            &mut self.retry_afters,
            &mut self.doc_urls,
            &mut self.docs,
        ];
        for (index, (column, value)) in columns.into_iter().zip(optional).enumerate() {
            if index == 2 {
                element(column, &format!("{}u64", retry_after.unwrap_or(0)));
                self.used[2] |= retry_after.is_some();
            } else {
                element(column, &string(value));
                self.used[index] |= !value.is_empty();
            }
        }
    }

    /// The `Table { … }` literal; a column no variant uses is left to the base.
    fn literal(&self, domain: Option<&str>) -> String {
        let mut fields = format!(
            "names: &[{}], error_types: &[{}], messages: &[{}], envelopes: &[{}], \
             traits: &[{}], ",
            self.names, self.error_types, self.messages, self.envelopes, self.traits
        );
        let optional = [
            ("codes", &self.codes),
            ("params", &self.params),
            ("retry_afters", &self.retry_afters),
            ("doc_urls", &self.doc_urls),
            ("docs", &self.docs),
        ];
        for ((name, column), used) in optional.into_iter().zip(self.used) {
            if used {
                fields.push_str(&format!("{name}: &[{column}], "));
            }
        }
        if let Some(domain) = domain {
            fields.push_str(&format!(
                "domain: ::core::option::Option::Some({}), ",
                string(domain)
            ));
        }
        // The base fills the columns left out (an update with nothing to fill is
        // a lint in the user's crate).
        if !self.used.iter().all(|used| *used) || domain.is_none() {
            fields.push_str("..__T0");
        }
        format!("__T {{ {fields} }}")
    }
}

/// The literal text of an interpolated message's envelope as the runtime copies
/// it around the values: each run of text between two values (or before the
/// first, or after the last) JSON-escaped and preceded by its length in bytes,
/// written as one `char` (so the runtime reads lengths instead of searching). The
/// first run opens with the envelope's head and the last closes with its tail, so
/// an envelope is written in one pass; a message alone leaves them out. Empty —
/// the runtime then reads the template itself — for a run too long for a `char`.
fn pieces(message: &Message, own: &Own) -> String {
    let mut runs: Vec<Vec<u8>> = vec![contract::ENVELOPE_HEAD.as_bytes().to_vec()];
    for piece in &message.pieces {
        match piece {
            Piece::Text(text) => {
                if let Some(run) = runs.last_mut() {
                    contract::escape_into(run, text);
                }
            }
            Piece::Arg { .. } => runs.push(Vec::new()),
        }
    }
    if let Some(last) = runs.last_mut() {
        contract::write_declared_envelope_tail(last, &own.error_type, own.status);
    }
    let mut encoded = String::new();
    for run in runs {
        let (Some(length), Ok(run)) = (
            u32::try_from(run.len()).ok().and_then(char::from_u32),
            String::from_utf8(run),
        ) else {
            return String::new();
        };
        encoded.push(length);
        encoded.push_str(&run);
    }
    encoded
}

/// Appends `value` and a comma to a column.
fn element(column: &mut String, value: &str) {
    column.push_str(value);
    column.push(',');
}

/// The envelope of a static message, written by the contract's writer.
fn envelope(text: &str, own: &Own) -> String {
    let mut json = Vec::new();
    contract::write_envelope(&mut json, text, &own.error_type, own.status);
    String::from_utf8(json).unwrap_or_default()
}

/// `stream` in `delimiter`s, as one token.
fn group(delimiter: Delimiter, stream: TokenStream) -> proc_macro2::TokenTree {
    proc_macro2::TokenTree::Group(proc_macro2::Group::new(delimiter, stream))
}

/// Tokens of generated source text, lexed by the compiler itself when the derive
/// runs in it (proc_macro2's own parse validates the text with a lexer of its
/// own first, which costs more than everything else the derive does).
fn lex(text: &str) -> TokenStream {
    if proc_macro::is_available() {
        if let Ok(tokens) = text.parse::<proc_macro::TokenStream>() {
            return tokens.into();
        }
    }
    text.parse().unwrap_or_else(|error| {
        let message =
            format!("dos-errors-derive generated invalid tokens ({error}): please report this");
        quote!(::core::compile_error!(#message);)
    })
}

/// `text` as a Rust string literal (written here rather than through the
/// compiler: thousands of literals, each a round trip to it otherwise).
fn string(text: &str) -> String {
    let mut literal = String::with_capacity(text.len() + 2);
    literal.push('"');
    for c in text.chars() {
        match c {
            '"' => literal.push_str("\\\""),
            '\\' => literal.push_str("\\\\"),
            '\n' => literal.push_str("\\n"),
            '\r' => literal.push_str("\\r"),
            '\t' => literal.push_str("\\t"),
            c if c.is_control() => literal.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => literal.push(c),
        }
    }
    literal.push('"');
    literal
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

/// The values of the message's placeholders, in order (the text around them is
/// the template's, written by the runtime): by trait dispatch without a format
/// spec, through `format_args!` with one — each spanned at its field, so a field
/// that cannot be formatted is reported there.
fn message_pieces(variant: &Variant, message: &Message) -> (Vec<usize>, TokenStream) {
    let mut uses: Vec<usize> = Vec::new();
    let mut writes = Vec::new();
    for piece in &message.pieces {
        let Piece::Arg {
            field,
            spec,
            trait_,
        } = piece
        else {
            continue;
        };
        let name = binding(variant, *field);
        if !uses.contains(field) {
            uses.push(*field);
        }
        let span = variant.fields[*field].ty_span();
        writes.push(if spec.is_empty() && *trait_ == FormatTrait::Display {
            // The method is located at the field (with the call site's name
            // resolution): a field without `Display` is reported there.
            let put = Ident::new("put", Span::call_site().located_at(span));
            quote!(__A(#name).#put(__w);)
        } else {
            let format = LitStr::new(&format!("{{:{spec}}}"), message.lit.span());
            // `{x:p}` is the field's own pointer, as with thiserror (a `Box`'s heap
            // address, a reference's target), not the address of the field.
            let value = if *trait_ == FormatTrait::Pointer {
                quote_spanned!(span=> *#name)
            } else {
                quote!(#name)
            };
            let args = quote_spanned!(span=> ::core::format_args!(#format, #value));
            quote!(__f(__w, #args);)
        });
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

#[cfg(test)]
mod tests {
    #[test]
    fn string_literals_read_back_as_the_text() {
        for text in [
            "",
            "plain",
            "quote \" backslash \\ nl \n tab \t cr \r",
            "\u{0}\u{1f}\u{7f}\u{85}",
            "é 😀 {x}",
        ] {
            let literal: syn::LitStr = syn::parse_str(&super::string(text)).unwrap();
            assert_eq!(literal.value(), text);
        }
    }
}

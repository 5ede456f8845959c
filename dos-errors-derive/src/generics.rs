//! Which where-clause predicates the generated impl needs.
//!
//! A field whose type mentions one of the type's parameters gets the bound its use
//! requires (`Display` for `{field}`, `ApiError` for a transparent field, …), so
//! users never write bounds for the derive's sake.

use std::collections::BTreeSet;

use proc_macro2::{TokenStream, TokenTree};
use quote::{quote, ToTokens};
use syn::{Generics, Type};

/// Collects predicates, each once, for the type parameters of `generics`.
pub struct Bounds {
    /// The derived type with its parameters, `Name<T, U>`: predicates name it rather
    /// than `Self`, so hooks can reuse the where clause in impls of other types.
    self_ty: TokenStream,
    params: BTreeSet<String>,
    seen: BTreeSet<String>,
    predicates: Vec<TokenStream>,
}

impl Bounds {
    pub fn new(self_ty: TokenStream, generics: &Generics) -> Self {
        Bounds {
            self_ty,
            params: generics
                .type_params()
                .map(|param| param.ident.to_string())
                .collect(),
            seen: BTreeSet::new(),
            predicates: Vec::new(),
        }
    }

    /// Requires `ty: bound` when `ty` mentions a type parameter.
    pub fn require(&mut self, ty: &Type, bound: TokenStream) {
        if !self.mentions_param(ty.to_token_stream()) {
            return;
        }
        let predicate = quote!(#ty: #bound);
        if self.seen.insert(predicate.to_string()) {
            self.predicates.push(predicate);
        }
    }

    /// Requires a bound on the derived type itself (generic types only; a concrete
    /// type needs none).
    pub fn require_self(&mut self, bound: TokenStream) {
        if self.params.is_empty() {
            return;
        }
        let self_ty = &self.self_ty;
        let predicate = quote!(#self_ty: #bound);
        if self.seen.insert(predicate.to_string()) {
            self.predicates.push(predicate);
        }
    }

    fn mentions_param(&self, tokens: TokenStream) -> bool {
        tokens.into_iter().any(|token| match token {
            TokenTree::Ident(ident) => self.params.contains(&ident.to_string()),
            TokenTree::Group(group) => self.mentions_param(group.stream()),
            _ => false,
        })
    }

    /// The `where` clause: the user's predicates, then ours, always ending in a comma.
    pub fn where_clause(&self, generics: &Generics) -> TokenStream {
        let existing = generics
            .where_clause
            .as_ref()
            .map(|clause| clause.predicates.iter().collect::<Vec<_>>())
            .unwrap_or_default();
        let ours = &self.predicates;
        quote!(where #(#existing,)* #(#ours,)*)
    }
}

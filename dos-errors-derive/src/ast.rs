//! A typed model of the derive input that borrows from the syn tree.

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, Ident, Member, Type};

use crate::attr::{self, Attrs, Place};
use crate::Errors;

/// The whole input.
pub struct Input<'a> {
    pub original: &'a DeriveInput,
    pub attrs: Attrs,
    pub body: Body<'a>,
}

/// An enum's variants, or a struct seen as its only variant.
pub enum Body<'a> {
    Enum(Vec<Variant<'a>>),
    Struct(Box<Variant<'a>>),
}

/// A variant, or the body of a struct (whose attrs are then the container's).
pub struct Variant<'a> {
    /// `None` for a struct.
    pub ident: Option<&'a Ident>,
    /// The span to blame for problems of the whole variant.
    pub span: Span,
    /// Attributes of the variant; for a struct, a copy-free empty set (see `Input::attrs`).
    pub attrs: Attrs,
    pub fields: Vec<Field<'a>>,
    /// The doc comment, for the error catalogue.
    pub docs: String,
}

/// A field of a variant or struct.
pub struct Field<'a> {
    pub original: &'a syn::Field,
    pub attrs: Attrs,
    pub member: Member,
    pub ty: &'a Type,
}

impl<'a> Input<'a> {
    /// Builds the model, reporting attribute syntax problems into `errors`.
    pub fn from_syn(errors: &mut Errors, node: &'a DeriveInput) -> Option<Self> {
        let body = match &node.data {
            Data::Enum(data) => {
                let attrs = attr::parse(errors, &node.attrs, Place::Enum);
                let variants = data
                    .variants
                    .iter()
                    .map(|variant| Variant {
                        ident: Some(&variant.ident),
                        span: variant.ident.span(),
                        attrs: attr::parse(errors, &variant.attrs, Place::Variant),
                        fields: Field::all(errors, &variant.fields),
                        docs: docs(&variant.attrs),
                    })
                    .collect();
                return Some(Input {
                    original: node,
                    attrs,
                    body: Body::Enum(variants),
                });
            }
            Data::Struct(data) => Body::Struct(Box::new(Variant {
                ident: None,
                span: node.ident.span(),
                attrs: Attrs::default(),
                fields: Field::all(errors, &data.fields),
                docs: docs(&node.attrs),
            })),
            Data::Union(data) => {
                errors.push(syn::Error::new(
                    data.union_token.span(),
                    "`ApiError` cannot be derived for a union; use an enum or a struct",
                ));
                return None;
            }
        };
        Some(Input {
            original: node,
            attrs: attr::parse(errors, &node.attrs, Place::Struct),
            body,
        })
    }

    /// The variants (one for a struct).
    pub fn variants(&self) -> &[Variant<'a>] {
        match &self.body {
            Body::Enum(variants) => variants,
            Body::Struct(variant) => std::slice::from_ref(variant),
        }
    }

    pub fn is_enum(&self) -> bool {
        matches!(self.body, Body::Enum(_))
    }
}

impl<'a> Field<'a> {
    fn all(errors: &mut Errors, fields: &'a Fields) -> Vec<Self> {
        fields
            .iter()
            .enumerate()
            .map(|(index, field)| Field {
                original: field,
                attrs: attr::parse(errors, &field.attrs, Place::Field),
                member: match &field.ident {
                    Some(ident) => Member::Named(ident.clone()),
                    None => Member::Unnamed(syn::Index {
                        index: index as u32,
                        span: field.ty.span(),
                    }),
                },
                ty: &field.ty,
            })
            .collect()
    }

    /// The span of the field's type.
    pub fn ty_span(&self) -> Span {
        self.ty.span()
    }

    /// The span to blame for this field: its name, or its type for tuple fields.
    pub fn span(&self) -> Span {
        match &self.original.ident {
            Some(ident) => ident.span(),
            None => self.ty.span(),
        }
    }
}

/// The doc comment of an item, lines joined with `\n`, common indentation trimmed.
fn docs(attrs: &[syn::Attribute]) -> String {
    let lines: Vec<String> = attrs
        .iter()
        .filter(|attr| attr.path().is_ident("doc"))
        .filter_map(|attr| match &attr.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    let indent = lines
        .iter()
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.len() - line.trim_start().len())
        .min()
        .unwrap_or(0);
    let text = lines
        .iter()
        .map(|line| line.get(indent..).unwrap_or("").trim_end())
        .collect::<Vec<_>>()
        .join("\n");
    text.trim().to_owned()
}

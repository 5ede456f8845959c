//! The `message` format string: its pieces (read by the contract's grammar, the
//! same the runtime reads metadata names with) and the fields they use.

use syn::ext::IdentExt;
use syn::{LitStr, Member};

use crate::ast::Variant;
use crate::contract::{self, FormatTrait};

/// A parsed `message = "..."`.
pub struct Message {
    /// The literal as written (for spans).
    pub lit: LitStr,
    /// Its value: the template as written.
    pub template: String,
    pub pieces: Vec<Piece>,
}

/// A run of text, or a placeholder.
pub enum Piece {
    /// Literal text with `{{`/`}}` already read as braces.
    Text(String),
    /// `{member:spec}`; `field` indexes the variant's fields.
    Arg {
        field: usize,
        spec: String,
        trait_: FormatTrait,
    },
}

impl Message {
    /// Parses `lit` against the fields of `variant`, reporting every problem at the literal.
    pub fn parse(lit: &LitStr, variant: &Variant, errors: &mut Vec<syn::Error>) -> Option<Message> {
        let template = lit.value();
        let mut pieces: Vec<Piece> = Vec::new();
        let mut ok = true;
        for piece in contract::template(&template) {
            match piece {
                Ok(contract::Piece::Text(text)) => match pieces.last_mut() {
                    Some(Piece::Text(last)) => last.push_str(text),
                    _ => pieces.push(Piece::Text(text.to_owned())),
                },
                Ok(contract::Piece::Arg { name, spec }) => match field_named(name, variant) {
                    Ok(field) => pieces.push(Piece::Arg {
                        field,
                        spec: spec.to_owned(),
                        // The template's grammar checked the spec.
                        trait_: contract::parse_spec(spec).unwrap_or(FormatTrait::Display),
                    }),
                    Err(message) => {
                        ok = false;
                        errors.push(syn::Error::new(lit.span(), message));
                    }
                },
                Err(problem) => {
                    ok = false;
                    errors.push(syn::Error::new(lit.span(), problem.to_string()));
                }
            }
        }
        ok.then(|| Message {
            lit: lit.clone(),
            template,
            pieces,
        })
    }

    /// `true` when the message has no placeholders.
    pub fn is_static(&self) -> bool {
        self.pieces
            .iter()
            .all(|piece| matches!(piece, Piece::Text(_)))
    }

    /// The whole text of a static message.
    pub fn static_text(&self) -> String {
        self.pieces
            .iter()
            .map(|piece| match piece {
                Piece::Text(text) => text.as_str(),
                Piece::Arg { .. } => "",
            })
            .collect()
    }

    /// The fields used, with the trait each use needs (a field may appear twice).
    pub fn uses(&self) -> impl Iterator<Item = (usize, FormatTrait)> + '_ {
        self.pieces.iter().filter_map(|piece| match piece {
            Piece::Arg { field, trait_, .. } => Some((*field, *trait_)),
            Piece::Text(_) => None,
        })
    }
}

/// The index of the field a placeholder names.
fn field_named(name: &str, variant: &Variant) -> Result<usize, String> {
    let found = if name.bytes().all(|b| b.is_ascii_digit()) {
        let index: Option<u32> = name.parse().ok();
        variant
            .fields
            .iter()
            .position(|field| matches!(&field.member, Member::Unnamed(i) if Some(i.index) == index))
    } else {
        variant.fields.iter().position(
            |field| matches!(&field.member, Member::Named(ident) if ident.unraw() == name),
        )
    };
    found.ok_or_else(|| no_such_field(name, variant))
}

fn no_such_field(name: &str, variant: &Variant) -> String {
    let place = match variant.ident {
        Some(ident) => format!("variant `{ident}`"),
        None => "the struct".to_owned(),
    };
    let available: Vec<String> = variant
        .fields
        .iter()
        .map(|field| match &field.member {
            Member::Named(ident) => format!("`{}`", ident.unraw()),
            Member::Unnamed(index) => format!("`{}`", index.index),
        })
        .collect();
    if available.is_empty() {
        format!("message refers to field `{name}`, but {place} has no fields")
    } else {
        format!(
            "message refers to field `{name}`, which {place} does not have; its fields: {}",
            available.join(", ")
        )
    }
}

//! The `message` format string: `{field}`, `{0}`, format specs, `{{`/`}}`, and which fields it uses.

use syn::ext::IdentExt;
use syn::{LitStr, Member};

use crate::ast::{Field, Variant};

/// A parsed `message = "..."`.
pub struct Message {
    /// The literal as written (for spans and for the catalogue's template).
    pub lit: LitStr,
    pub pieces: Vec<Piece>,
}

/// A run of text, or a placeholder.
pub enum Piece {
    /// Literal text with `{{`/`}}` already unescaped.
    Text(String),
    /// `{member:spec}`; `field` indexes the variant's fields.
    Arg {
        field: usize,
        spec: String,
        trait_: FmtTrait,
    },
}

/// The formatting trait a placeholder's spec calls for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum FmtTrait {
    Display,
    Debug,
    LowerHex,
    UpperHex,
    Octal,
    Binary,
    LowerExp,
    UpperExp,
}

impl FmtTrait {
    fn of_spec(spec: &str) -> FmtTrait {
        match spec.chars().last() {
            Some('?') => FmtTrait::Debug,
            Some('x') => FmtTrait::LowerHex,
            Some('X') => FmtTrait::UpperHex,
            Some('o') => FmtTrait::Octal,
            Some('b') => FmtTrait::Binary,
            Some('e') => FmtTrait::LowerExp,
            Some('E') => FmtTrait::UpperExp,
            _ => FmtTrait::Display,
        }
    }

    /// The trait's name under `core::fmt`.
    pub fn name(self) -> &'static str {
        match self {
            FmtTrait::Display => "Display",
            FmtTrait::Debug => "Debug",
            FmtTrait::LowerHex => "LowerHex",
            FmtTrait::UpperHex => "UpperHex",
            FmtTrait::Octal => "Octal",
            FmtTrait::Binary => "Binary",
            FmtTrait::LowerExp => "LowerExp",
            FmtTrait::UpperExp => "UpperExp",
        }
    }
}

impl Message {
    /// Parses `lit` against `fields`, reporting every problem at the literal.
    pub fn parse(lit: &LitStr, variant: &Variant, errors: &mut Vec<syn::Error>) -> Option<Message> {
        let fields = &variant.fields;
        let text = lit.value();
        let span = lit.span();
        let mut pieces = Vec::new();
        let mut current = String::new();
        let mut chars = text.char_indices().peekable();
        let mut ok = true;
        let mut fail = |msg: String| {
            errors.push(syn::Error::new(span, msg));
        };
        while let Some((_, c)) = chars.next() {
            match c {
                '{' if chars.peek().map(|&(_, c)| c) == Some('{') => {
                    chars.next();
                    current.push('{');
                }
                '}' if chars.peek().map(|&(_, c)| c) == Some('}') => {
                    chars.next();
                    current.push('}');
                }
                '}' => {
                    ok = false;
                    fail("unmatched `}` in message; write `}}` for a literal brace".into());
                }
                '{' => {
                    let mut inner = String::new();
                    let mut closed = false;
                    for (_, c) in chars.by_ref() {
                        if c == '}' {
                            closed = true;
                            break;
                        }
                        inner.push(c);
                    }
                    if !closed {
                        ok = false;
                        fail("unclosed `{` in message; write `{{` for a literal brace".into());
                        break;
                    }
                    match parse_placeholder(&inner, fields, variant) {
                        Ok(arg) => {
                            if !current.is_empty() {
                                pieces.push(Piece::Text(std::mem::take(&mut current)));
                            }
                            pieces.push(arg);
                        }
                        Err(msg) => {
                            ok = false;
                            fail(msg);
                        }
                    }
                }
                c => current.push(c),
            }
        }
        if !current.is_empty() {
            pieces.push(Piece::Text(current));
        }
        ok.then(|| Message {
            lit: lit.clone(),
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
    pub fn uses(&self) -> impl Iterator<Item = (usize, FmtTrait)> + '_ {
        self.pieces.iter().filter_map(|piece| match piece {
            Piece::Arg { field, trait_, .. } => Some((*field, *trait_)),
            Piece::Text(_) => None,
        })
    }
}

fn parse_placeholder(inner: &str, fields: &[Field], variant: &Variant) -> Result<Piece, String> {
    let (name, spec) = match inner.split_once(':') {
        Some((name, spec)) => (name.trim(), spec),
        None => (inner.trim(), ""),
    };
    // `{r#type}` names the field `r#type` just as `{type}` does.
    let name = name.strip_prefix("r#").unwrap_or(name);
    if name.is_empty() {
        return Err(format!(
            "`{{{inner}}}` names no field: write the field inside the braces, \
             like `{{field}}` or `{{0}}`"
        ));
    }
    if spec.contains('$') || spec.contains('*') {
        return Err(format!(
            "`{{{inner}}}`: width or precision taken from an argument (`$`, `*`) is not supported \
             in messages; write the number in the spec"
        ));
    }
    let position = if name.bytes().all(|b| b.is_ascii_digit()) {
        let index: usize = name
            .parse()
            .map_err(|_| format!("`{{{inner}}}`: field index too large"))?;
        fields
            .iter()
            .position(
                |field| matches!(&field.member, Member::Unnamed(i) if i.index as usize == index),
            )
            .ok_or_else(|| no_such_field(&format!("{index}"), variant))?
    } else {
        fields
            .iter()
            .position(
                |field| matches!(&field.member, Member::Named(ident) if ident.unraw() == name),
            )
            .ok_or_else(|| no_such_field(name, variant))?
    };
    Ok(Piece::Arg {
        field: position,
        spec: spec.to_owned(),
        trait_: FmtTrait::of_spec(spec),
    })
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

//! The interface between `#[derive(ApiError)]` and this crate. Not public API: no
//! stability promise, and only generated code should name anything here.
//!
//! This module lists every item generated code may use. What a derive emits per
//! type is data plus the least code data cannot replace:
//!
//! - an `impl` of [`Derived`]: one [`Table`] literal (`TABLE`: the variants' resolved
//!   values, column by column; the public [`ErrorSpec`](crate::ErrorSpec) of a row
//!   is built from it when asked for), a `match` from a value to its row or to its
//!   transparent field ([`Derived::variant`]), and, only where the type needs them,
//!   a `match` that passes the values interpolated into messages
//!   ([`Derived::write_template`]; the text around them is the template's, in the
//!   row) and one that reads `retry_after`, `param` and `violations` fields
//!   ([`Derived::fields`]);
//! - one invocation of [`impl_api_error!`](crate::__impl_api_error), which implements
//!   `ApiError` and `ApiErrorCatalog` for the type from that impl, with the
//!   functions below: every method, every wire format and the catalogue are written
//!   once, here, for all derived types;
//! - for each framework the type opts into (`#[api_error(integrations(…))]`), one
//!   invocation of the framework's macro (see the `integrations` module).
//!
//! Generated code names everything by absolute path (`::dos_errors::__private::…`
//! or the path of `#[api_error(crate = "…")]`), so it compiles next to any user item
//! and inside `#![no_implicit_prelude]` modules.

use core::fmt;
use std::borrow::Cow;
use std::sync::OnceLock;
use std::time::Duration;

use crate::contract::Traits;
use crate::{ApiError, ErrorSpec, FieldViolation, Format, MessageWriter, Status};

pub use crate::integrations::probe::{
    Detail, Probe, ProbeDebug, ProbeDisplay, ProbeError, ProbeNone,
};
#[cfg(feature = "actix-web")]
pub use ::actix_web;
#[cfg(feature = "axum")]
pub use ::axum;
#[cfg(feature = "utoipa")]
pub use ::utoipa;

// ---------------------------------------------------------------------------
// What a derive implements
// ---------------------------------------------------------------------------

/// Implemented by `#[derive(ApiError)]` for every derived type.
pub trait Derived {
    /// The type's own variants (not the transparent ones), in declaration order,
    /// with every declared and default value resolved.
    const TABLE: Table;

    /// Which variant `self` is: a row of [`TABLE`](Derived::TABLE), or the field of
    /// a transparent variant.
    fn variant(&self) -> Variant<'_>;

    /// The cell holding the [`ErrorSpec`] of row `index`, built from the row the
    /// first time it is asked for: the type's `static` array of
    /// `OnceLock<ErrorSpec>`, one per row ([`SPEC_CELL`] each).
    fn spec_cell(index: usize) -> &'static OnceLock<ErrorSpec>;

    /// Writes the values of a variant whose message is interpolated (the text
    /// around them comes from its template), or the `Display` of one whose
    /// message is its `Display`; never called for others.
    #[inline]
    fn write_template(&self, out: &mut MessageWriter<'_>) {
        let _ = out;
    }

    /// The fields read at run time (`retry_after`, `param`, `violations`).
    #[inline]
    fn fields(&self) -> Fields<'_> {
        Fields::NONE
    }
}

/// The declared variants of a type, one row per variant, stored by column: a
/// derive writes one such literal per type, each column an array of literals (the
/// compiler checks an array of literals far faster than one struct literal per
/// variant). Row `i` is element `i` of every column; a column no variant uses is
/// empty. [`ErrorSpec`] is built from a row when asked for.
#[derive(Debug, Clone, Copy)]
pub struct Table {
    /// The variants' names (the type's for a struct).
    pub names: &'static [&'static str],
    /// The error types.
    pub error_types: &'static [&'static str],
    /// The message's text when static, its template when interpolated, empty for `display`.
    pub messages: &'static [&'static str],
    /// The envelope when the message is static; when it is interpolated, the
    /// envelope's literal text around the values: runs JSON-escaped, each preceded
    /// by its length as one `char`, the first opening with the envelope's head and
    /// the last closing with its tail (empty when a run is too long: the template
    /// is read instead).
    pub envelopes: &'static [&'static str],
    /// Everything else that is not a string, the status included: `Traits::pack`
    /// of the contract module.
    pub traits: &'static [u32],
    /// `code = "…"`, empty for none.
    pub codes: &'static [&'static str],
    /// `param = "…"`, empty for none.
    pub params: &'static [&'static str],
    /// `retry_after = N` in seconds (when the traits say there is one).
    pub retry_afters: &'static [u64],
    /// The documentation links (`docs` on the type), empty for none.
    pub doc_urls: &'static [&'static str],
    /// The variants' doc comments.
    pub docs: &'static [&'static str],
    /// The service's domain (`domain` on the type).
    pub domain: Option<&'static str>,
}

/// The base of generated [`Table`] literals (`Table { names: …, ..TABLE }`).
pub const TABLE: Table = Table {
    names: &[],
    error_types: &[],
    messages: &[],
    envelopes: &[],
    traits: &[],
    codes: &[],
    params: &[],
    retry_afters: &[],
    doc_urls: &[],
    docs: &[],
    domain: None,
};

/// One row of a [`Table`].
#[derive(Clone, Copy)]
struct Row {
    table: &'static Table,
    index: usize,
}

impl Row {
    /// Element `index` of `column`; the default for a column no variant uses.
    #[inline]
    fn at<T: Copy + Default>(self, column: &'static [T]) -> T {
        column.get(self.index).copied().unwrap_or_default()
    }

    /// A string of a column, `None` when empty.
    #[inline]
    fn optional(self, column: &'static [&'static str]) -> Option<&'static str> {
        Some(self.at(column)).filter(|text| !text.is_empty())
    }

    #[inline]
    fn traits(self) -> Traits {
        Traits::unpack(self.at(self.table.traits))
    }

    #[inline]
    fn error_type(self) -> &'static str {
        self.at(self.table.error_types)
    }

    #[inline]
    fn message(self) -> &'static str {
        self.at(self.table.messages)
    }

    /// The envelope of a static message (empty otherwise).
    #[inline]
    fn envelope(self) -> &'static str {
        if self.traits().interpolated {
            ""
        } else {
            self.at(self.table.envelopes)
        }
    }

    #[inline]
    fn retry_after(self) -> Option<Duration> {
        if self.traits().retry_after_const {
            Some(Duration::from_secs(self.at(self.table.retry_afters)))
        } else {
            None
        }
    }

    /// The message is the row's text.
    #[inline]
    fn is_static(self) -> bool {
        let traits = self.traits();
        !traits.interpolated && !traits.display
    }

    /// The [`ErrorSpec`] of the row.
    fn spec(self) -> ErrorSpec {
        let traits = self.traits();
        ErrorSpec {
            name: self.at(self.table.names),
            status: status(traits.status),
            error_type: self.error_type(),
            message: self.message(),
            message_is_display: traits.display,
            interpolated: traits.interpolated,
            retryability: traits.retryability,
            retry_after: self.retry_after(),
            retry_after_from_field: traits.retry_after_from_field,
            masked: traits.masked,
            log: traits.log,
            code: self.optional(self.table.codes),
            param: self.optional(self.table.params),
            param_from_field: traits.param_from_field,
            violations_from_field: traits.violations_from_field,
            doc_url: self.optional(self.table.doc_urls),
            domain: self.table.domain,
            grpc_code: traits.grpc,
            docs: self.at(self.table.docs),
            envelope_json: self.envelope(),
        }
    }
}

/// The initial value of each cell of [`Derived::spec_cell`]'s array.
#[allow(clippy::declare_interior_mutable_const)] // copied into a `static` array, once per cell
pub const SPEC_CELL: OnceLock<ErrorSpec> = OnceLock::new();

/// The answer of [`Derived::variant`].
pub enum Variant<'a> {
    /// Row `n` of [`Derived::TABLE`].
    Own(usize),
    /// A transparent variant: everything comes from this field.
    Transparent(&'a dyn ApiError),
}

/// The values of the fields a variant marks: see [`Derived::fields`].
#[derive(Clone, Copy)]
pub struct Fields<'a> {
    /// A `#[api_error(retry_after)]` field.
    pub retry_after: Option<Duration>,
    /// A `#[api_error(param)]` field.
    pub param: Option<&'a str>,
    /// A `#[api_error(violations)]` field.
    pub violations: &'a [FieldViolation],
}

impl Fields<'_> {
    /// No marked field.
    pub const NONE: Fields<'static> = Fields {
        retry_after: None,
        param: None,
        violations: &[],
    };
}

/// The [`Status`] of a code the derive has checked to be in `400..=599`.
#[must_use]
pub const fn status(code: u16) -> Status {
    match Status::new(code) {
        Some(status) => status,
        None => Status::INTERNAL_SERVER_ERROR,
    }
}

// ---------------------------------------------------------------------------
// Interpolated messages: how a placeholder's value is written
// ---------------------------------------------------------------------------

/// A `{placeholder}` without a format spec: generated code writes
/// `Arg(field).put(out)` with [`ViaDisplay`] in scope. The inherent `put` exists
/// for the [`Fast`] types — written without `core::fmt` (string and integer
/// types) — and, being inherent, is chosen first; for every other type the
/// compiler falls back to [`ViaDisplay::put`]. The choice follows the type, never
/// the way it is spelled, and both write exactly what `Display` writes.
pub struct Arg<'a, T: ?Sized>(pub &'a T);

impl<T: Fast + ?Sized> Arg<'_, T> {
    /// Writes the value without `core::fmt`.
    #[inline]
    pub fn put(&self, out: &mut MessageWriter<'_>) {
        self.0.put_fast(out);
    }
}

/// Types written without `core::fmt`: their `Display` is their text or digits.
pub trait Fast {
    /// Writes `self` as an interpolated value.
    fn put_fast(&self, out: &mut MessageWriter<'_>);
}

/// Chosen for every type that is not [`Fast`]: writes its `Display`.
pub trait ViaDisplay {
    /// Writes the value.
    fn put(&self, out: &mut MessageWriter<'_>);
}

impl<T: fmt::Display + ?Sized> ViaDisplay for Arg<'_, T> {
    #[inline]
    fn put(&self, out: &mut MessageWriter<'_>) {
        out.arg_fmt(format_args!("{}", self.0));
    }
}

impl<T: Fast + ?Sized> Fast for &T {
    #[inline]
    fn put_fast(&self, out: &mut MessageWriter<'_>) {
        (**self).put_fast(out);
    }
}

macro_rules! fast_strings {
    ($($ty:ty),*) => {$(
        impl Fast for $ty {
            #[inline]
            fn put_fast(&self, out: &mut MessageWriter<'_>) {
                out.arg_str(self);
            }
        }
    )*};
}

fast_strings!(
    str,
    String,
    Box<str>,
    std::rc::Rc<str>,
    std::sync::Arc<str>,
    Cow<'_, str>
);

macro_rules! fast_integers {
    (unsigned: $($unsigned:ty),* ; signed: $($signed:ty),*) => {
        $(impl Fast for $unsigned {
            #[inline]
            fn put_fast(&self, out: &mut MessageWriter<'_>) {
                out.arg_integer(false, *self as u128);
            }
        })*
        $(impl Fast for $signed {
            #[inline]
            fn put_fast(&self, out: &mut MessageWriter<'_>) {
                out.arg_integer(*self < 0, (*self as i128).unsigned_abs());
            }
        })*
    };
}

fast_integers!(unsigned: u8, u16, u32, u64, u128, usize ; signed: i8, i16, i32, i64, i128, isize);

/// A placeholder with a format spec, or one whose trait is not `Display`.
#[inline]
pub fn fmt(out: &mut MessageWriter<'_>, args: fmt::Arguments<'_>) {
    out.arg_fmt(args);
}

/// A message that is the type's own `Display` (`display`).
#[inline]
pub fn display(out: &mut MessageWriter<'_>, value: &dyn fmt::Display) {
    use fmt::Write as _;
    let _ = write!(out, "{value}");
}

// ---------------------------------------------------------------------------
// Marked fields
// ---------------------------------------------------------------------------

/// Types accepted for a `#[api_error(retry_after)]` field.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used as a `retry_after` field",
    label = "expected `Duration`, `u64`, `u32` or an `Option` of those",
    note = "integers are whole seconds"
)]
pub trait RetryAfterField {
    /// The delay this field stands for.
    fn retry_after(&self) -> Option<Duration>;
}

impl RetryAfterField for Duration {
    fn retry_after(&self) -> Option<Duration> {
        Some(*self)
    }
}

impl RetryAfterField for u64 {
    fn retry_after(&self) -> Option<Duration> {
        Some(Duration::from_secs(*self))
    }
}

impl RetryAfterField for u32 {
    fn retry_after(&self) -> Option<Duration> {
        Some(Duration::from_secs(u64::from(*self)))
    }
}

impl<T: RetryAfterField> RetryAfterField for Option<T> {
    fn retry_after(&self) -> Option<Duration> {
        self.as_ref().and_then(RetryAfterField::retry_after)
    }
}

impl<T: RetryAfterField + ?Sized> RetryAfterField for &T {
    fn retry_after(&self) -> Option<Duration> {
        (**self).retry_after()
    }
}

/// Reads a `retry_after` field; spanned at the field so type errors point there.
#[inline]
pub fn retry_after_of<T: RetryAfterField + ?Sized>(field: &T) -> Option<Duration> {
    field.retry_after()
}

/// Types accepted for a `#[api_error(param)]` field.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used as a `param` field",
    label = "expected a string (`String`, `&str`, `Cow<str>`, …) or an `Option` of one"
)]
pub trait ParamField {
    /// The parameter this field names.
    fn param(&self) -> Option<&str>;
}

macro_rules! param_strings {
    ($($ty:ty),*) => {$(
        impl ParamField for $ty {
            fn param(&self) -> Option<&str> {
                Some(self)
            }
        }
    )*};
}

param_strings!(
    str,
    String,
    Box<str>,
    std::rc::Rc<str>,
    std::sync::Arc<str>,
    Cow<'_, str>
);

impl<T: ParamField> ParamField for Option<T> {
    fn param(&self) -> Option<&str> {
        self.as_ref().and_then(ParamField::param)
    }
}

impl<T: ParamField + ?Sized> ParamField for &T {
    fn param(&self) -> Option<&str> {
        (**self).param()
    }
}

/// Reads a `param` field; spanned at the field.
#[inline]
pub fn param_of<T: ParamField + ?Sized>(field: &T) -> Option<&str> {
    field.param()
}

/// Reads a `violations` field (`Vec<FieldViolation>` or any
/// `AsRef<[FieldViolation]>`); spanned at the field.
#[inline]
pub fn violations_of<T: AsRef<[FieldViolation]> + ?Sized>(field: &T) -> &[FieldViolation] {
    field.as_ref()
}

/// Asserts that a transparent field is an `ApiError`; spanned at the field.
#[inline]
pub fn transparent<T: ApiError>(field: &T) -> &dyn ApiError {
    field
}

// ---------------------------------------------------------------------------
// `ApiError` for derived types: every method, once
// ---------------------------------------------------------------------------

/// What a derived value is.
enum Resolved<'a> {
    Own(Row),
    Transparent(&'a dyn ApiError),
}

#[inline]
fn resolve<D: Derived + ?Sized>(error: &D) -> Resolved<'_> {
    match error.variant() {
        Variant::Own(index) => Resolved::Own(Row {
            table: &D::TABLE,
            index,
        }),
        Variant::Transparent(inner) => Resolved::Transparent(inner),
    }
}

/// [`ApiError::status`].
#[inline]
pub fn status_of<D: Derived + ?Sized>(error: &D) -> Status {
    match resolve(error) {
        Resolved::Own(row) => status(row.traits().status),
        Resolved::Transparent(inner) => inner.status(),
    }
}

/// [`ApiError::error_type`].
#[inline]
pub fn error_type<D: Derived + ?Sized>(error: &D) -> &str {
    match resolve(error) {
        Resolved::Own(row) => row.error_type(),
        Resolved::Transparent(inner) => inner.error_type(),
    }
}

/// [`ApiError::message`].
#[inline]
pub fn message<D: Derived + ?Sized>(error: &D) -> Cow<'_, str> {
    match resolve(error) {
        Resolved::Own(row) if row.is_static() => Cow::Borrowed(row.message()),
        Resolved::Own(row) => {
            let mut text = String::new();
            write_own(error, row, &mut MessageWriter::text_into(&mut text));
            Cow::Owned(text)
        }
        Resolved::Transparent(inner) => inner.message(),
    }
}

/// Writes the message of a row that is not static: the values from the variant's
/// fields, the text around them from the template.
#[inline]
fn write_own<D: Derived + ?Sized>(error: &D, row: Row, out: &mut MessageWriter<'_>) {
    let traits = row.traits();
    if traits.interpolated {
        let envelope = (
            crate::contract::ENVELOPE_HEAD.len(),
            crate::contract::declared_envelope_tail_len(row.error_type(), traits.status),
        );
        out.begin_template(
            row.message(),
            row.at(row.table.envelopes),
            envelope,
            traits.clean_text,
        );
        error.write_template(out);
        out.end_template();
    } else {
        error.write_template(out);
    }
}

/// [`ApiError::write_message`].
#[inline]
pub fn write_message<D: Derived + ?Sized>(error: &D, out: &mut MessageWriter<'_>) {
    match resolve(error) {
        Resolved::Own(row) if row.is_static() => out.text(row.message()),
        Resolved::Own(row) => write_own(error, row, out),
        Resolved::Transparent(inner) => inner.write_message(out),
    }
}

/// [`ApiError::retryability`].
#[inline]
pub fn retryability<D: Derived + ?Sized>(error: &D) -> crate::Retryability {
    match resolve(error) {
        Resolved::Own(row) => row.traits().retryability,
        Resolved::Transparent(inner) => inner.retryability(),
    }
}

/// [`ApiError::retry_after`].
#[inline]
pub fn retry_after<D: Derived + ?Sized>(error: &D) -> Option<Duration> {
    match resolve(error) {
        Resolved::Own(row) if row.traits().retry_after_from_field => error.fields().retry_after,
        Resolved::Own(row) => row.retry_after(),
        Resolved::Transparent(inner) => inner.retry_after(),
    }
}

/// [`ApiError::error_code`].
#[inline]
pub fn error_code<D: Derived + ?Sized>(error: &D) -> Option<&str> {
    match resolve(error) {
        Resolved::Own(row) => row.optional(row.table.codes),
        Resolved::Transparent(inner) => inner.error_code(),
    }
}

/// [`ApiError::param`]: the declared parameter (a constant, or a field unless the
/// error is masked), else the field of the first violation.
#[inline]
pub fn param<D: Derived + ?Sized>(error: &D) -> Option<Cow<'_, str>> {
    match resolve(error) {
        Resolved::Own(row) => {
            let constant = row.optional(row.table.params);
            if row.traits().masked {
                return constant.map(Cow::Borrowed);
            }
            let fields = error.fields();
            constant
                .or(fields.param)
                .or_else(|| fields.violations.first().map(FieldViolation::field))
                .map(Cow::Borrowed)
        }
        Resolved::Transparent(inner) => inner.param(),
    }
}

/// [`ApiError::violations`]: none for a masked error.
#[inline]
pub fn violations<D: Derived + ?Sized>(error: &D) -> &[FieldViolation] {
    match resolve(error) {
        Resolved::Own(row) if row.traits().masked => &[],
        Resolved::Own(_) => error.fields().violations,
        Resolved::Transparent(inner) => inner.violations(),
    }
}

/// [`ApiError::doc_url`].
#[inline]
pub fn doc_url<D: Derived + ?Sized>(error: &D) -> Option<Cow<'_, str>> {
    match resolve(error) {
        Resolved::Own(row) => row.optional(row.table.doc_urls).map(Cow::Borrowed),
        Resolved::Transparent(inner) => inner.doc_url(),
    }
}

/// [`ApiError::domain`].
#[inline]
pub fn domain<D: Derived + ?Sized>(error: &D) -> Option<&str> {
    match resolve(error) {
        Resolved::Own(row) => row.table.domain,
        Resolved::Transparent(inner) => inner.domain(),
    }
}

/// [`ApiError::grpc_code`].
#[inline]
pub fn grpc_code<D: Derived + ?Sized>(error: &D) -> crate::GrpcCode {
    match resolve(error) {
        Resolved::Own(row) => row.traits().grpc,
        Resolved::Transparent(inner) => inner.grpc_code(),
    }
}

/// [`ApiError::spec`]: built from the row the first time it is asked for.
#[inline]
pub fn spec<D: Derived + ?Sized>(error: &D) -> Option<&'static ErrorSpec> {
    match resolve(error) {
        Resolved::Own(row) => Some(spec_in(D::spec_cell(row.index), row)),
        Resolved::Transparent(inner) => inner.spec(),
    }
}

/// The spec of `row` in its `cell`, built the first time.
#[inline]
fn spec_in(cell: &'static OnceLock<ErrorSpec>, row: Row) -> &'static ErrorSpec {
    match cell.get() {
        Some(spec) => spec,
        None => build_spec(cell, row),
    }
}

/// Builds the spec of `row` into its `cell`. Not generic and not inlined, so that
/// each derived type does not instantiate (and compile) `OnceLock`'s machinery again.
#[cold]
#[inline(never)]
fn build_spec(cell: &'static OnceLock<ErrorSpec>, row: Row) -> &'static ErrorSpec {
    cell.get_or_init(|| row.spec())
}

/// [`ApiError::write_json`]: a static message's envelope is copied as the derive
/// prepared it.
#[inline]
pub fn write_json<D: ApiError + Derived + ?Sized>(error: &D, out: &mut Vec<u8>) {
    match resolve(error) {
        Resolved::Own(row) if row.is_static() => {
            out.extend_from_slice(row.at(row.table.envelopes).as_bytes());
        }
        Resolved::Own(row)
            if row.traits().interpolated && !row.at(row.table.envelopes).is_empty() =>
        {
            // The runs carry the envelope's head and tail around the values.
            let mut writer = MessageWriter::json_into(out);
            writer.begin_envelope(row.at(row.table.envelopes));
            error.write_template(&mut writer);
            writer.end_template();
        }
        Resolved::Own(row) => {
            out.extend_from_slice(crate::contract::ENVELOPE_HEAD.as_bytes());
            write_own(error, row, &mut MessageWriter::json_into(out));
            crate::contract::write_declared_envelope_tail(
                out,
                row.error_type(),
                row.traits().status,
            );
        }
        Resolved::Transparent(inner) => inner.write_json(out),
    }
}

/// [`ApiError::write_as`].
#[inline]
pub fn write_as<D: ApiError + Derived + ?Sized>(error: &D, format: Format, out: &mut Vec<u8>) {
    match (format, resolve(error)) {
        (Format::Envelope, _) => write_json(error, out),
        (_, Resolved::Transparent(inner)) => inner.write_as(format, out),
        (_, Resolved::Own(_)) => crate::format::write(error, format, None, out),
    }
}

// ---------------------------------------------------------------------------
// The catalogue
// ---------------------------------------------------------------------------

/// `ApiErrorCatalog::catalog` of a derived type: its own specs (its `rows`), then
/// what each transparent field type contributes (`inner`, one function per type),
/// without duplicates. Not generic: compiled once, here, not once per type.
#[must_use]
pub fn catalog(table: &'static Table, inner: &[fn() -> Vec<ErrorSpec>]) -> Vec<ErrorSpec> {
    let mut specs: Vec<ErrorSpec> = (0..table.names.len())
        .map(|index| Row { table, index }.spec())
        .collect();
    for contribution in inner {
        for spec in contribution() {
            if !specs.contains(&spec) {
                specs.push(spec);
            }
        }
    }
    specs
}

/// Asks for the catalogue of `T` if it has one (autoref specialization):
/// `(&&CatalogProbe::<T>::NEW).catalog_fn()` is `T::catalog` when
/// `T: ApiErrorCatalog`, else a function returning nothing.
pub struct CatalogProbe<T: ?Sized>(core::marker::PhantomData<fn() -> Box<T>>);

impl<T: ?Sized> CatalogProbe<T> {
    /// The probe.
    pub const NEW: Self = CatalogProbe(core::marker::PhantomData);
}

/// Chosen when `T: ApiErrorCatalog`.
pub trait ViaCatalog {
    /// `T::catalog`.
    fn catalog_fn(&self) -> fn() -> Vec<ErrorSpec>;
}

impl<T: crate::catalog::ApiErrorCatalog + ?Sized> ViaCatalog for &CatalogProbe<T> {
    fn catalog_fn(&self) -> fn() -> Vec<ErrorSpec> {
        T::catalog
    }
}

/// The fallback: no catalogue.
pub trait ViaNoCatalog {
    /// A function returning nothing.
    fn catalog_fn(&self) -> fn() -> Vec<ErrorSpec>;
}

impl<T: ?Sized> ViaNoCatalog for CatalogProbe<T> {
    fn catalog_fn(&self) -> fn() -> Vec<ErrorSpec> {
        Vec::new
    }
}

/// Implements `ApiError` and `ApiErrorCatalog` for a type that implements
/// [`Derived`]: one call per derived type.
///
/// `impl [<generics>] for [Type<…>] where [predicates,] transparent [Types…]`:
/// the where clause is empty or starts with `where` and ends with a comma.
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_api_error {
    (
        impl [$($impl_generics:tt)*] for [$($self_ty:tt)*] where [$($where_clause:tt)*]
        transparent [$($inner:ty),*]
    ) => {
        #[automatically_derived]
        impl $($impl_generics)* $crate::ApiError for $($self_ty)* $($where_clause)* {
            #[inline]
            fn status(&self) -> $crate::Status {
                $crate::__private::status_of(self)
            }
            #[inline]
            fn error_type(&self) -> &::core::primitive::str {
                $crate::__private::error_type(self)
            }
            #[inline]
            fn message(&self) -> ::std::borrow::Cow<'_, ::core::primitive::str> {
                $crate::__private::message(self)
            }
            #[inline]
            fn retryability(&self) -> $crate::Retryability {
                $crate::__private::retryability(self)
            }
            #[inline]
            fn retry_after(&self) -> ::core::option::Option<::core::time::Duration> {
                $crate::__private::retry_after(self)
            }
            #[inline]
            fn error_code(&self) -> ::core::option::Option<&::core::primitive::str> {
                $crate::__private::error_code(self)
            }
            #[inline]
            fn param(&self) -> ::core::option::Option<::std::borrow::Cow<'_, ::core::primitive::str>> {
                $crate::__private::param(self)
            }
            #[inline]
            fn violations(&self) -> &[$crate::FieldViolation] {
                $crate::__private::violations(self)
            }
            #[inline]
            fn doc_url(&self) -> ::core::option::Option<::std::borrow::Cow<'_, ::core::primitive::str>> {
                $crate::__private::doc_url(self)
            }
            #[inline]
            fn domain(&self) -> ::core::option::Option<&::core::primitive::str> {
                $crate::__private::domain(self)
            }
            #[inline]
            fn grpc_code(&self) -> $crate::GrpcCode {
                $crate::__private::grpc_code(self)
            }
            #[inline]
            fn spec(&self) -> ::core::option::Option<&'static $crate::ErrorSpec> {
                $crate::__private::spec(self)
            }
            #[inline]
            fn write_message(&self, out: &mut $crate::MessageWriter<'_>) {
                $crate::__private::write_message(self, out)
            }
            #[inline]
            fn write_json(&self, out: &mut ::std::vec::Vec<::core::primitive::u8>) {
                $crate::__private::write_json(self, out)
            }
            #[inline]
            fn write_as(&self, format: $crate::Format, out: &mut ::std::vec::Vec<::core::primitive::u8>) {
                $crate::__private::write_as(self, format, out)
            }
        }

        #[automatically_derived]
        impl $($impl_generics)* $crate::catalog::ApiErrorCatalog for $($self_ty)* $($where_clause)* {
            fn catalog() -> ::std::vec::Vec<$crate::ErrorSpec> {
                #[allow(unused_imports)]
                use $crate::__private::{ViaCatalog as _, ViaNoCatalog as _};
                $crate::__private::catalog(
                    &<Self as $crate::__private::Derived>::TABLE,
                    &[$((&&$crate::__private::CatalogProbe::<$inner>::NEW).catalog_fn()),*],
                )
            }
        }
    };
}

pub use crate::__impl_api_error as impl_api_error;

// The framework impls a type opts into with `#[api_error(integrations(…))]`; each
// is a compile error naming its feature when the feature is off.
pub use crate::__integrate_actix as integrate_actix_web;
pub use crate::__integrate_axum as integrate_axum;
pub use crate::__integrate_tonic as integrate_tonic;
pub use crate::__integrate_utoipa as integrate_utoipa;

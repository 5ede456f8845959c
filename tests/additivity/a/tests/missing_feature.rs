//! Asking for a framework whose feature is off is a compile error naming the
//! feature. This crate depends on dos-errors without features, and trybuild builds
//! its cases with this crate's dependencies only, whatever else the workspace enables.

#[test]
fn opting_into_a_framework_without_its_feature_names_the_feature() {
    trybuild::TestCases::new().compile_fail("tests/ui/*.rs");
}

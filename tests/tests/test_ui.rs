//! Compile-fail cases (one per mistake, with the diagnostic users see) and tricky valid inputs.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("ui/*.rs");
    cases.pass("ui/pass/*.rs");
}

use dos_errors::{ApiError, FieldViolation};
#[derive(Debug, ApiError)]
enum E {
    #[api_error(status = 400)]
    A {
        #[api_error(param)]
        first: String,
        #[api_error(param)]
        second: String,
        #[api_error(violations)]
        one: Vec<FieldViolation>,
        #[api_error(violations)]
        two: Vec<FieldViolation>,
    },
}

fn main() {}

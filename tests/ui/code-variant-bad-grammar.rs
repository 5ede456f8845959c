use dos_errors::ApiError;
#[derive(Debug, ApiError)]
enum E {
    #[api_error(status = 400, code = "Model-Not-Found")]
    A,
    #[api_error(status = 400, code = "a_code_that_is_far_too_long_to_be_a_stable_machine_readable_code")]
    B,
}

fn main() {}

use dos_errors::ApiError;
#[derive(Debug, ApiError)]
#[api_error(status = 400, code = "invalid_value", param = "model")]
enum E {
    A,
}

fn main() {}

use dos_errors::ApiError;
#[derive(Debug, ApiError)]
enum E {
    #[api_error(status = 400, message = "bad {1}")]
    A(String),
}

fn main() {}

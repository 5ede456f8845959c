use dos_errors::ApiError;
#[derive(Debug, ApiError)]
enum E {
    #[api_error(status = 500, retryable = "yes")]
    A,
}

fn main() {}

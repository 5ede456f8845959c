use dos_errors::ApiError;
#[derive(Debug, ApiError)]
enum E {
    #[api_error(status = 429, type = "RateLimit")]
    A,
}

fn main() {}

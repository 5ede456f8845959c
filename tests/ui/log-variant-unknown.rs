use dos_errors::ApiError;
#[derive(Debug, ApiError)]
#[api_error(log = "verbose")]
enum E {
    #[api_error(status = 503, log = "warning")]
    A,
}

fn main() {}

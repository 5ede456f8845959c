use dos_errors::ApiError;
#[derive(Debug, ApiError)]
enum E {
    #[api_error(status = 400, reason = "bad")]
    A,
}

fn main() {}

use dos_errors::ApiError;
#[derive(Debug, ApiError)]
enum E {
    #[api_error(transparent)]
    A(#[api_error(retry_after)] u64),
}

fn main() {}

use dos_errors::ApiError;
#[derive(Debug, ApiError)]
enum E {
    #[api_error(status = 400, code = 400)]
    A,
}

fn main() {}

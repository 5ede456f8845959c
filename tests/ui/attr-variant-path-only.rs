use dos_errors::ApiError;
#[derive(Debug, ApiError)]
enum E {
    #[api_error]
    A,
}

fn main() {}

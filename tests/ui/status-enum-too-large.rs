use dos_errors::ApiError;
#[derive(Debug, ApiError)]
#[api_error(status = 70000)]
enum E {
    A,
}

fn main() {}

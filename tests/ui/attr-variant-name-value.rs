use dos_errors::ApiError;
#[derive(Debug, ApiError)]
enum E {
    #[api_error = "x"]
    A,
}

fn main() {}

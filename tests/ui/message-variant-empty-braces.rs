use dos_errors::ApiError;
#[derive(Debug, ApiError)]
enum E {
    #[api_error(status = 400, message = "bad {}")]
    A(String),
}

fn main() {}

use dos_errors::ApiError;
#[derive(Debug, ApiError)]
enum E {
    #[api_error(status = 400, message = "bad {field:width$}")]
    A { field: u8, width: usize },
}

fn main() {}

use dos_errors::ApiError;
#[derive(Debug, ApiError)]
enum E {
    #[api_error(status = 400, message = "bad {field")]
    A { field: u8 },
}

fn main() {}

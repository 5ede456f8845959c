use dos_errors::ApiError;
#[derive(Debug, ApiError)]
enum E {
    #[api_error(status = 400, message = "missing {feld}")]
    A { field: String },
}

fn main() {}

use dos_errors::ApiError;
#[derive(Debug, ApiError)]
enum E {
    #[api_error(status = 400, docs = "https://docs.dos.ai/errors", domain = "dos.ai")]
    A,
}

fn main() {}

use dos_errors::ApiError;
const BAD: u16 = 400;
#[derive(Debug, ApiError)]
enum E {
    #[api_error(status = BAD)]
    A,
}

fn main() {}

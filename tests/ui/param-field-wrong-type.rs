use dos_errors::ApiError;
#[derive(Debug, ApiError)]
enum E {
    #[api_error(status = 400)]
    A {
        #[api_error(param)]
        index: u32,
    },
}

fn main() {}

use dos_errors::ApiError;
struct Opaque;
#[derive(Debug, ApiError)]
enum E {
    #[api_error(status = 400, message = "bad {0}")]
    A(#[allow(dead_code)] Opaque),
}
impl std::fmt::Debug for Opaque {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str("Opaque") }
}

fn main() {}

use dos_errors::ApiError;
#[derive(Debug, ApiError)]
#[api_error(docs = "docs.dos.ai/errors")]
enum E {
    #[api_error(status = 400)]
    A,
}

#[derive(Debug, ApiError)]
#[api_error(status = 400, docs = "https://docs.dos.ai/errors#top", domain = "dos ai")]
struct S;

fn main() {}

//! Lifetimes, const generics and an existing where clause.
use dos_errors::ApiError;

#[derive(Debug, ApiError)]
#[api_error(status = 400)]
enum Borrowed<'a, T, const N: usize>
where
    T: Copy,
{
    #[api_error(message = "bad name {name} ({{N}})")]
    Name { name: &'a str, marker: [T; N] },
    Plain(&'a T),
}

fn main() {
    let err: Borrowed<'_, u8, 2> = Borrowed::Name { name: "x", marker: [0, 0] };
    assert_eq!(err.message(), "bad name x ({N})");
    assert_eq!(Borrowed::<u8, 0>::Plain(&1).status(), 400);
}

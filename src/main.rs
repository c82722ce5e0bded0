//! The `fotostudio` binary: the server and the operator CLI.

// The request path allocates many small objects; mimalloc serves them far faster than
// glibc's malloc (see the benchmark in README.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    fotostudio::cli::main()
}

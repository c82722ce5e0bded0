//! The `fotostudio` binary: the server and the operator CLI.

fn main() -> std::process::ExitCode {
    fotostudio::cli::main()
}

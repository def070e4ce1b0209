use std::process::ExitCode;

fn main() -> ExitCode {
    quadlet_ls::cli::main()
}

//! `dwdi`: the command-line tool for DataWorks Data Integration.
//!
//! `main` only dispatches: it parses the command line ([`cli`]), runs the subcommand and turns
//! the outcome into an exit code ([`exit`]). Each subcommand lives in its own module.

mod args;
mod call;
mod cli;
mod completions;
mod date;
mod demo;
mod documents;
mod dry_run;
mod duration;
mod exit;
mod failure;
mod mock;
mod operations;
mod output;
mod params;
mod report;
mod verbose;
mod wait;

use std::process::ExitCode;

use crate::cli::{Command, Parsed};

fn main() -> ExitCode {
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    output::set_json_errors(cli::wants_json(&argv));
    let exit = match cli::parse(argv) {
        Parsed::Run(cli) => match cli.command {
            Command::Call(args) => call::run(args),
            Command::Wait(args) => call::run_wait(args),
            Command::Validate(args) => documents::validate(args),
            Command::Schema(args) => documents::schema(args),
            Command::Mock(args) => mock::run(args),
            Command::Demo(args) => demo::run(args),
            Command::Completions(args) => completions::completions(args),
            Command::Man(args) => completions::man(args),
        },
        Parsed::Done(exit) => exit,
    };
    // Output that could not be written is a failed run, whatever the command.
    match output::write_failure() {
        Some(message) => failure::Failure::new(exit::Exit::Usage, "dwdi.Output", message)
            .report()
            .into(),
        None => exit.into(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_definition_is_consistent() {
        crate::cli::command().debug_assert();
    }
}

//! `dwdi`: the command-line tool for DataWorks Data Integration.
//!
//! `main` only dispatches: it parses the command line ([`cli`]), runs the subcommand and turns
//! the outcome into an exit code ([`exit`]). Each subcommand lives in its own module.

mod args;
mod call;
mod cli;
mod date;
mod demo;
mod documents;
mod dry_run;
mod exit;
mod mock;
mod operations;
mod output;
mod report;

use std::process::ExitCode;

use crate::cli::{Command, Parsed};

fn main() -> ExitCode {
    let exit = match cli::parse(std::env::args_os()) {
        Parsed::Run(cli) => match cli.command {
            Command::Call(args) => call::run(args),
            Command::Validate(args) => documents::validate(args),
            Command::Schema(args) => documents::schema(args),
            Command::Mock(args) => mock::run(args),
            Command::Demo(args) => demo::run(args),
        },
        Parsed::Done(exit) => exit,
    };
    exit.into()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_definition_is_consistent() {
        crate::cli::command().debug_assert();
    }
}

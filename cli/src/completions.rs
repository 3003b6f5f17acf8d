//! `dwdi completions SHELL` and `dwdi man`: generated from the clap definitions
//! (clap_complete, clap_mangen), so they follow the flags as they change.

use clap::{Args, ValueEnum};

use crate::exit::Exit;
use crate::output;

/// The shells dwdi writes completions for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    /// Bash.
    Bash,
    /// Zsh.
    Zsh,
    /// Fish.
    Fish,
    /// PowerShell.
    Powershell,
}

/// `dwdi completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish or powershell.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// `dwdi man`.
#[derive(Debug, Args)]
pub struct ManArgs {}

/// The completion script for `shell`.
pub fn completions_text(shell: Shell) -> Vec<u8> {
    use clap_complete::Shell as S;
    let shell = match shell {
        Shell::Bash => S::Bash,
        Shell::Zsh => S::Zsh,
        Shell::Fish => S::Fish,
        Shell::Powershell => S::PowerShell,
    };
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut crate::cli::command(), "dwdi", &mut out);
    out
}

/// The man page (roff) of dwdi and its subcommands.
pub fn man_text() -> Vec<u8> {
    let cmd = crate::cli::command();
    let mut out = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = clap_mangen::Man::new(cmd.clone()).render(&mut out);
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        // A man page per subcommand, named as man(1) expects (`dwdi-call`); the name must
        // outlive the command, which holds it as `&'static str`.
        let name: &'static str = Box::leak(format!("dwdi-{}", sub.get_name()).into_boxed_str());
        let sub = sub.clone().name(name);
        let _ = clap_mangen::Man::new(sub).render(&mut out);
    }
    out
}

/// Runs `dwdi completions`.
pub fn completions(args: CompletionsArgs) -> Exit {
    output::stdout_raw(&String::from_utf8_lossy(&completions_text(args.shell)));
    Exit::Success
}

/// Runs `dwdi man`.
pub fn man(_args: ManArgs) -> Exit {
    output::stdout_raw(&String::from_utf8_lossy(&man_text()));
    Exit::Success
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shell_gets_a_script_naming_the_subcommands_and_flags() {
        for shell in Shell::value_variants() {
            let text = String::from_utf8(completions_text(*shell)).expect("utf-8");
            for word in [
                "dwdi",
                "call",
                "validate",
                "wait",
                "completions",
                // fish writes long flags as `-l wait-timeout`.
                "wait-timeout",
            ] {
                assert!(text.contains(word), "{shell:?} lacks {word}");
            }
        }
    }

    #[test]
    fn the_man_page_renders_every_subcommand() {
        let text = String::from_utf8(man_text()).expect("utf-8");
        assert!(text.starts_with(".ie"), "{}", &text[..40.min(text.len())]);
        for section in [
            ".TH dwdi 1",
            ".TH dwdi-call 1",
            ".TH dwdi-wait 1",
            ".SH OPTIONS",
        ] {
            assert!(text.contains(section), "lacks {section}");
        }
        assert!(text.contains("wait\\-timeout"), "the flags are listed");
    }
}

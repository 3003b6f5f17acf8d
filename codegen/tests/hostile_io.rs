//! Hostile inputs and outputs of the `dwdi-codegen` binary (issue 13 #7, #9): an endless input
//! (`/dev/zero`) is read up to the shared cap and refused as "too big", and output that cannot
//! be written (`>/dev/full`) is exit 2 with a message, never a silent success.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

fn codegen(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dwdi-codegen"));
    cmd.current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .args(args)
        .stdin(Stdio::null());
    cmd
}

/// Runs the command to its end, failing if that takes more than a minute: an uncapped read of
/// an endless input would never end.
fn ends(mut cmd: Command, what: &str) -> Output {
    let child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dwdi-codegen runs");
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(out) => out.expect("waited"),
        Err(_) => {
            let _ = Command::new("kill").arg(pid.to_string()).status();
            panic!("{what} did not end: its read is not capped")
        }
    }
}

#[test]
fn endless_inputs_are_too_big_for_every_command_that_reads() {
    if !Path::new("/dev/zero").exists() {
        return;
    }
    for args in [
        &["lint", "--spec", "/dev/zero"][..],
        &["diff", "/dev/zero", "spec/dataworks-di.json"],
        &["diff", "spec/dataworks-di.json", "/dev/zero"],
        // Import writes only once the metadata is read and the spec loads with it.
        &["import", "/dev/zero"],
    ] {
        let out = ends(codegen(args), &format!("{args:?}"));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("too big"), "{args:?}: {stderr}");
        assert!(stderr.contains("/dev/zero"), "{args:?}: {stderr}");
    }
}

#[test]
fn output_that_cannot_be_written_is_exit_2() {
    if !Path::new("/dev/full").exists() {
        return;
    }
    for args in [
        &["lint"][..],
        &["lint", "--format", "json"],
        &[
            "diff",
            "spec/dataworks-di.json",
            "spec/dataworks-di.json",
            "--format",
            "json",
        ],
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full");
        let mut cmd = codegen(args);
        cmd.stdout(full).stderr(Stdio::piped());
        let out = cmd.output().expect("runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("cannot write to standard output: No space left on device"),
            "{args:?}: {stderr}"
        );
    }
}

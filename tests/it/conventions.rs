//! The conventions users expect of a command line (issue 13): shell completions, a
//! man page, `TELCREDS_PROFILE`, and what `profiles list` tells.

use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Runs the binary with `args`, state and data under `dir`, no config in reach.
fn bin(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_telcreds"));
    cmd.args(args)
        .env("TELCREDS_STATE_DIR", dir.join("state"))
        .env("TELCREDS_DATA_DIR", dir.join("data"))
        .env("TELCREDS_CONFIG", dir.join("none.toml"))
        .env_remove("TELCREDS_PROFILE")
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("the binary runs")
}

/// Stdout of a run that must succeed.
fn stdout_of(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).expect("UTF-8 output")
}

#[test]
fn every_shell_gets_a_completion_script_that_names_the_commands() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = stdout_of(&bin(dir.path(), &["completions", shell], &[]));
        assert!(script.len() > 500, "{shell}: a real script:\n{script}");
        for word in [
            "telcreds",
            "rotate",
            "sip",
            "providers",
            "profiles",
            "probe",
        ] {
            assert!(script.contains(word), "{shell} script names {word:?}");
        }
    }
    let out = bin(dir.path(), &["completions", "tcsh"], &[]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "an unknown shell is a usage error"
    );
}

/// Completions that bash offers for the words typed so far (`words`, the last one
/// being completed), by running the generated function as bash-completion does.
fn bash_completes(script: &Path, words: &[&str]) -> Vec<String> {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let program = format!(
        "source '{}'; COMP_WORDS=({}); COMP_CWORD={}; COMP_LINE='{}'; COMP_POINT=${{#COMP_LINE}}; \
         _telcreds telcreds '{}' '{}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display(),
        quoted.join(" "),
        words.len() - 1,
        words.join(" "),
        words[words.len() - 1],
        words[words.len() - 2],
    );
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &program])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn the_bash_script_is_valid_and_completes_commands_and_values() {
    if Command::new("bash").arg("--version").output().is_err() {
        eprintln!("bash is not installed: skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let script = stdout_of(&bin(dir.path(), &["completions", "bash"], &[]));
    let file = dir.path().join("telcreds.bash");
    std::fs::write(&file, &script).unwrap();
    let check = Command::new("bash").arg("-n").arg(&file).output().unwrap();
    assert!(
        check.status.success(),
        "bash -n: {}",
        String::from_utf8_lossy(&check.stderr)
    );

    let top = bash_completes(&file, &["telcreds", ""]);
    for command in [
        "profiles",
        "providers",
        "sip",
        "rotate",
        "completions",
        "man",
    ] {
        assert!(top.contains(&command.to_string()), "{command} in {top:?}");
    }
    assert_eq!(
        bash_completes(&file, &["telcreds", "sip", "ro"]),
        ["rotate"]
    );
    let shells = bash_completes(&file, &["telcreds", "completions", ""]);
    assert!(shells.contains(&"fish".to_string()), "{shells:?}");
    let formats = bash_completes(&file, &["telcreds", "-o", ""]);
    assert_eq!(formats, ["table", "json"]);
}

#[test]
fn the_man_page_is_one_roff_page_that_names_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let page = stdout_of(&bin(dir.path(), &["man"], &[]));
    // Before the title, only the definition of the apostrophe string it uses.
    let title = page.find("\n.TH telcreds 1").expect("a .TH title line") + 1;
    assert!(
        page[..title]
            .lines()
            .all(|l| l.starts_with(".ie ") || l.starts_with(".el ")),
        "{page}"
    );
    for section in [
        "NAME",
        "SYNOPSIS",
        "OPTIONS",
        "COMMANDS",
        "ENVIRONMENT",
        "FILES",
    ] {
        assert!(
            page.contains(&format!("\n.SH {section}\n")),
            "{section}:\n{page}"
        );
    }
    // Every command by its full name; no page per command that nobody installs.
    for command in [
        "telcreds profiles list",
        "telcreds sip rotate",
        "telcreds rotate twilio",
        "telcreds sandbox roll\\-token",
        "telcreds completions",
    ] {
        assert!(page.contains(command), "{command}:\n{page}");
    }
    assert!(!page.contains("telcreds\\-sip(1)"), "{page}");
    assert!(
        page.contains("TELCREDS_PROFILE"),
        "the page names the variable"
    );

    // groff reads it without a warning, when it is installed.
    let file = dir.path().join("telcreds.1");
    std::fs::write(&file, &page).unwrap();
    if let Ok(out) = Command::new("groff")
        .args(["-man", "-ww", "-Tutf8", "-P-cbou"])
        .arg(&file)
        .output()
    {
        let warnings = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success() && warnings.is_empty(), "{warnings}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("telcreds sip rotate ID"), "{text}");
    }
}

#[test]
fn completions_and_the_man_page_write_no_state() {
    let dir = tempfile::tempdir().unwrap();
    stdout_of(&bin(dir.path(), &["completions", "zsh"], &[]));
    stdout_of(&bin(dir.path(), &["man"], &[]));
    assert!(!dir.path().join("state").exists(), "no log for a script");
    assert!(!dir.path().join("data").exists());
}

#[test]
fn a_closed_pipe_ends_the_man_page_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_telcreds"))
        .arg("man")
        .env("TELCREDS_STATE_DIR", dir.path().join("state"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.status.code().is_some(), "not killed by a signal");
}

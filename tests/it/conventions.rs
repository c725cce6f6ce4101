//! The conventions users expect of a command line (issue 13): shell completions, a
//! man page, `TELCREDS_PROFILE`, and what `profiles list` tells; and one of the code's
//! (issue 20): `unsafe` in one module only.

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

#[ignore = "needs groff: scripts/test installs it and runs these"]
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

    // groff reads it without a warning (scripts/test installs groff).
    let file = dir.path().join("telcreds.1");
    std::fs::write(&file, &page).unwrap();
    {
        let out = Command::new("groff")
            .args(["-man", "-ww", "-Tutf8", "-P-cbou"])
            .arg(&file)
            .output()
            .expect("groff is installed: scripts/test installs it (apt-get install groff)");
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

/// A config (mode 0600) with one profile per token source; `b` is the default. The
/// inline token and the token command hold canaries.
fn four_profiles(dir: &Path) -> std::path::PathBuf {
    let token_file = dir.join("d.token");
    std::fs::write(&token_file, "CANARY-FILE-TOKEN\n").unwrap();
    let text = format!(
        "default_profile = \"b\"\n\
         [profiles.a]\nplatform = \"dasha\"\nbase_url = \"http://127.0.0.1:9/api/v1\"\n\
         token = \"CANARY-INLINE-TOKEN\"\nlabel = \"alpha team\"\n\
         [profiles.b]\nplatform = \"unpod\"\nbase_url = \"http://127.0.0.1:9/api/v2/platform\"\n\
         token_cmd = \"printf CANARY-CMD-TOKEN\"\norg_handle = \"acme.example\"\nreadonly = true\n\
         [profiles.c]\nplatform = \"dasha\"\nbase_url = \"https://c.example/api/v1\"\n\
         token_env = \"TELCREDS_TEST_C_TOKEN\"\nprotected = true\nlabel = \"production\"\n\
         [profiles.d]\nplatform = \"dasha\"\nbase_url = \"http://127.0.0.1:9/api/v1\"\n\
         token_file = \"{}\"\n",
        token_file.display()
    );
    let path = dir.join("config.toml");
    std::fs::write(&path, text).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    path
}

/// `telcreds --config CONFIG ARGS…` with `env`.
fn with_config(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let config = dir.join("config.toml");
    let mut all = vec!["--config", config.to_str().unwrap()];
    all.extend_from_slice(args);
    bin(dir, &all, env)
}

/// The table row of profile `name`, split on runs of two spaces or more.
fn row<'a>(table: &'a str, name: &str) -> Vec<&'a str> {
    let line = table
        .lines()
        .find(|l| {
            l.trim_start_matches(['*', ' '])
                .starts_with(&format!("{name} "))
        })
        .unwrap_or_else(|| panic!("no row for {name}:\n{table}"));
    line.split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect()
}

fn assert_no_canary(out: &Output) {
    for stream in [&out.stdout, &out.stderr] {
        let text = String::from_utf8_lossy(stream);
        assert!(
            !text.contains("CANARY"),
            "a token or token command leaks:\n{text}"
        );
    }
}

#[test]
fn profiles_list_marks_the_default_and_tells_each_token_source_without_its_secret() {
    let dir = tempfile::tempdir().unwrap();
    let file = four_profiles(dir.path());
    let out = with_config(dir.path(), &["profiles", "list"], &[]);
    assert_no_canary(&out);
    let table = stdout_of(&out);
    let header = table.lines().next().unwrap();
    for column in [
        "DEFAULT", "NAME", "PLATFORM", "BASE URL", "TOKEN", "FLAGS", "LABEL",
    ] {
        assert!(header.contains(column), "{column}: {header}");
    }
    assert_eq!(
        row(&table, "a"),
        [
            "a",
            "dasha",
            "http://127.0.0.1:9/api/v1",
            "inline",
            "-",
            "alpha team"
        ]
    );
    assert_eq!(
        row(&table, "b"),
        [
            "*",
            "b",
            "unpod",
            "http://127.0.0.1:9/api/v2/platform",
            "token_cmd",
            "readonly",
            "-"
        ]
    );
    assert_eq!(
        row(&table, "c"),
        [
            "c",
            "dasha",
            "https://c.example/api/v1",
            "env TELCREDS_TEST_C_TOKEN",
            "protected",
            "production"
        ]
    );
    let d = row(&table, "d");
    assert_eq!(
        d[3],
        format!("file {}", dir.path().join("d.token").display())
    );
    assert_eq!(table.matches('*').count(), 1, "one default:\n{table}");

    let out = with_config(dir.path(), &["profiles", "list", "-o", "json"], &[]);
    assert_no_canary(&out);
    let json: serde_json::Value = serde_json::from_str(&stdout_of(&out)).unwrap();
    let by_name = |n: &str| {
        json.as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == n)
            .unwrap()
            .clone()
    };
    let b = by_name("b");
    assert_eq!(b["default"], true);
    assert_eq!(b["token_source"], serde_json::json!({"kind": "cmd"}));
    assert_eq!(
        (b["readonly"].clone(), b["protected"].clone()),
        (true.into(), false.into())
    );
    assert_eq!(b["org_handle"], "acme.example");
    let a = by_name("a");
    assert_eq!(a["default"], false);
    assert_eq!(a["token_source"], serde_json::json!({"kind": "inline"}));
    assert_eq!(a["label"], "alpha team");
    assert_eq!(
        by_name("c")["token_source"],
        serde_json::json!({"kind": "env", "var": "TELCREDS_TEST_C_TOKEN"})
    );
    let d = by_name("d")["token_source"].clone();
    assert_eq!(d["kind"], "file");
    assert_eq!(d["path"], dir.path().join("d.token").to_str().unwrap());
    drop(file);
}

#[test]
fn telcreds_profile_picks_the_profile_and_the_flag_wins() {
    let dir = tempfile::tempdir().unwrap();
    four_profiles(dir.path());
    let marked = |out: &Output| {
        let table = stdout_of(out);
        let line = table
            .lines()
            .find(|l| l.starts_with('*'))
            .map(str::to_string);
        line.unwrap_or_default()
    };
    let list = ["profiles", "list"];
    let out = with_config(dir.path(), &list, &[("TELCREDS_PROFILE", "c")]);
    assert!(marked(&out).contains(" c "), "{}", marked(&out));
    let flag = ["-p", "d", "profiles", "list"];
    let out = with_config(dir.path(), &flag, &[("TELCREDS_PROFILE", "c")]);
    assert!(
        marked(&out).contains(" d "),
        "the flag wins: {}",
        marked(&out)
    );
    let out = with_config(dir.path(), &list, &[("TELCREDS_PROFILE", "")]);
    assert!(
        marked(&out).contains(" b "),
        "empty is unset: {}",
        marked(&out)
    );

    // A command acts on the profile it names: c's token comes from its variable.
    let providers = ["providers", "list"];
    let out = with_config(dir.path(), &providers, &[("TELCREDS_PROFILE", "c")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("profile \"c\"") && stderr.contains("TELCREDS_TEST_C_TOKEN"),
        "{stderr}"
    );

    // An unknown name is a usage error that names where it came from.
    let out = with_config(dir.path(), &providers, &[("TELCREDS_PROFILE", "nope")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("\"nope\""), "{stderr}");
    // Listing still works, and says the name is unknown.
    let out = with_config(dir.path(), &list, &[("TELCREDS_PROFILE", "nope")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning:") && stderr.contains("\"nope\""),
        "{stderr}"
    );
    assert_eq!(marked(&out), "", "no profile is marked");
}

/// `rotate twilio` covers every profile unless `--profile` narrows it on purpose: a
/// `TELCREDS_PROFILE` set for everyday commands must not leave targets on a leaked
/// token.
#[tokio::test]
async fn telcreds_profile_does_not_narrow_a_rotation() {
    use telcreds::sandbox::Seed;
    let sb = crate::support::sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = crate::cli::write_config(&sb, dir.path());
    let mut doc: toml::Table = toml::from_str(&std::fs::read_to_string(&cfg).unwrap()).unwrap();
    let profiles = doc["profiles"].as_table_mut().unwrap();
    // Its Unpod org handle is wrong: it cannot be listed, which fails any rotation.
    profiles.remove("wrong-org");
    for (_, p) in profiles.iter_mut() {
        let twilio = toml::Value::from(sb.twilio_base());
        p.as_table_mut()
            .unwrap()
            .insert("twilio_api_base".into(), twilio);
    }
    std::fs::write(&cfg, toml::to_string(&doc).unwrap()).unwrap();
    let acme = "AC759b765966b5b7c9cdfaa58072348b24";
    let token = sb.roll_twilio_token(acme).unwrap();
    let args = [
        "rotate",
        "twilio",
        "--account-sid",
        acme,
        "--token-stdin",
        "--dry-run",
    ];
    let var = Path::new("sandbox-dasha");
    let env = [("TELCREDS_PROFILE", var)];
    let stdin = format!("{token}\n");
    let run = crate::support::telcreds_env(&cfg, &args, &stdin, &env, false).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("sandbox-dasha") && run.stdout.contains("sandbox-unpod"),
        "every profile:\n{}",
        run.stdout
    );
    let narrowed = [&args[..], &["--profile", "sandbox-dasha"]].concat();
    let run = crate::support::telcreds_env(&cfg, &narrowed, &stdin, &[], false).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("sandbox-dasha") && !run.stdout.contains("sandbox-unpod"),
        "the flag narrows it:\n{}",
        run.stdout
    );
}

/// The `token_cmd` lines that config.example.toml documents, uncommented.
fn documented_token_commands() -> Vec<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/config.example.toml");
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter_map(|l| l.strip_prefix("#   "))
        .filter(|l| l.starts_with("token_cmd = "))
        .map(str::to_string)
        .collect()
}

/// Each documented token command, written as documented, runs the tool with the
/// arguments it expects: fake `pass`, `op`, `vault`, `secret-tool` and `security`
/// on the PATH check them and print the sandbox's token, and `providers list` works.
#[tokio::test]
async fn the_documented_token_commands_work_as_written() {
    use telcreds::sandbox::{DASHA_TOKEN, Seed};
    let expected: [(&str, &[&str]); 5] = [
        ("pass", &["show", "dasha/prod-api-key"]),
        ("op", &["read", "op://Private/Dasha prod/credential"]),
        (
            "vault",
            &["kv", "get", "-field=token", "secret/telcreds/prod"],
        ),
        (
            "secret-tool",
            &["lookup", "service", "telcreds", "profile", "prod"],
        ),
        (
            "security",
            &[
                "find-generic-password",
                "-w",
                "-s",
                "telcreds",
                "-a",
                "prod",
            ],
        ),
    ];
    let lines = documented_token_commands();
    assert_eq!(lines.len(), expected.len(), "{lines:?}");
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();

    let sb = crate::support::sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    for (tool, args) in &expected {
        // The script sees its arguments one per line, exactly as the shell split them.
        let want: String = args.iter().map(|a| format!("{a}\n")).collect();
        let script = format!(
            "#!/bin/sh\ngot=$(printf '%s\\n' \"$@\"; echo .)\n\
             if [ \"$got\" = '{want}.' ]; then printf '%s\\n' '{DASHA_TOKEN}'; \
             else echo \"unexpected arguments: $*\" >&2; exit 1; fi\n"
        );
        let path = bin.join(tool);
        std::fs::write(&path, script).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let search = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for line in &lines {
        let value = line.trim_start_matches("token_cmd = ");
        let value = value.split(" #").next().unwrap().trim();
        let quote = if value.starts_with('\'') { '\'' } else { '"' };
        let command = value
            .strip_prefix(quote)
            .and_then(|v| v.strip_suffix(quote));
        let command = command.expect("a quoted TOML string");
        assert!(readme.contains(command), "the README shows {command:?}");
        let cfg = dir.path().join("config.toml");
        let text = format!(
            "[profiles.p]\nplatform = \"dasha\"\nbase_url = \"{}\"\n{line}\n",
            sb.dasha_base()
        );
        std::fs::write(&cfg, text).unwrap();
        let env = [("PATH", Path::new(&search))];
        let run = crate::support::telcreds_env(&cfg, &["providers", "list"], "", &env, false).await;
        assert_eq!(run.code, 0, "{line}: {}", run.stderr);
    }
}

/// The terminal UI opens on the profile `TELCREDS_PROFILE` names.
#[ignore = "needs tmux: scripts/test installs it and runs these"]
#[tokio::test]
async fn telcreds_profile_picks_the_profile_the_ui_opens_on() {
    use crate::e2e_tmux::{Tmux, app_command, assert_exited_cleanly};
    let sb = crate::support::sandbox(telcreds::sandbox::Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = crate::cli::write_config(&sb, dir.path());
    let args = format!("--config {}", cfg.display());
    let command = format!(
        "env TELCREDS_PROFILE=sandbox-unpod {}",
        app_command(dir.path(), &args)
    );
    let header = tokio::task::spawn_blocking(move || {
        let tmux = Tmux::start(&command, 100, 30);
        let screen = tmux.wait_for("Providers (");
        let header = screen.lines().next().unwrap_or_default().to_string();
        tmux.keys(&["q"]);
        tmux.wait_exit();
        assert_exited_cleanly(&tmux);
        header
    })
    .await
    .unwrap();
    // Without the variable it would open on the first profile, sandbox-dasha.
    assert!(header.contains("sandbox-unpod ─ unpod"), "{header}");
}

/// The one module where `unsafe` code may be (issue 20): the calls to the operating
/// system that no safe crate offers. It alone lifts the workspace's
/// `unsafe_code = "deny"`.
const UNSAFE_MODULE: &str = "crates/core/src/sys.rs";

/// Each `.rs` file under `dir`, recursively.
fn rust_files(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// True when `code` holds `word` as a word of its own (not `is_unsafe`).
fn has_word(code: &str, word: &str) -> bool {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    code.match_indices(word).any(|(at, _)| {
        !code[..at].chars().next_back().is_some_and(ident)
            && !code[at + word.len()..].chars().next().is_some_and(ident)
    })
}

#[test]
fn unsafe_code_is_in_one_module_and_denied_everywhere_else() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // Spelled in two halves, so that this file does not find itself.
    let (word, lift) = (concat!("un", "safe"), concat!("allow(", "unsafe_code)"));
    let mut files = Vec::new();
    for dir in ["src", "crates", "tests", "benches"] {
        rust_files(&root.join(dir), &mut files);
    }
    let mut found = Vec::new();
    for file in &files {
        let name = file
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if name == UNSAFE_MODULE {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            // What is left of the line once its comment is cut off.
            let code = line.split("//").next().unwrap_or("");
            if has_word(code, word) || code.contains(lift) {
                found.push(format!("{name}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "{word} code outside {UNSAFE_MODULE}:\n{}",
        found.join("\n")
    );
    let module = std::fs::read_to_string(root.join(UNSAFE_MODULE)).unwrap();
    assert!(
        module.contains(&format!("#![{lift}]")),
        "{UNSAFE_MODULE} lifts the lint"
    );
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains(&format!("[workspace.lints.rust]\n{word}_code = \"deny\"")),
        "the workspace denies {word} code"
    );
}

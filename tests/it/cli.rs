//! The real binary against the sandbox: config, commands, JSON output, exit codes.

use crate::support::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use telcreds::sandbox::{Sandbox, Seed};

/// Output of one run of the binary.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Writes a config for `sb` (mode 0600) with one extra read-only profile.
pub fn write_config(sb: &Sandbox, dir: &Path) -> PathBuf {
    let path = dir.join("config.toml");
    let mut text = sb.print_config();
    text.push_str(&format!(
        "\n[profiles.readonly-dasha]\nplatform = \"dasha\"\nbase_url = \"{}\"\ntoken = \"sandbox-dasha-token\"\nreadonly = true\nprotected = true\nlabel = \"production\"\n",
        sb.dasha_base()
    ));
    text.push_str(&format!(
        "\n[profiles.wrong-org]\nplatform = \"unpod\"\nbase_url = \"{}\"\ntoken = \"sandbox-unpod-token\"\norg_handle = \"wrong.example\"\n",
        sb.unpod_base()
    ));
    std::fs::write(&path, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    path
}

/// Runs `telcreds --config CONFIG ARGS…` with `stdin`, logging into `dir`.
pub async fn telcreds(config: &Path, args: &[&str], stdin: &str) -> Run {
    crate::support::telcreds_env(config, args, stdin, &[], false).await
}

fn json(run: &Run) -> serde_json::Value {
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
}

#[tokio::test]
async fn a_new_user_lists_creates_updates_rotates_verifies_and_deletes() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(&sb, dir.path());

    let profiles = telcreds(&cfg, &["profiles", "list"], "").await;
    assert_eq!(profiles.code, 0, "{}", profiles.stderr);
    assert!(
        profiles.stdout.contains("sandbox-dasha") && profiles.stdout.contains("readonly,protected")
    );
    assert!(
        !profiles.stdout.contains("sandbox-dasha-token"),
        "tokens are never listed"
    );

    let providers = json(
        &telcreds(
            &cfg,
            &["-p", "sandbox-dasha", "providers", "list", "-o", "json"],
            "",
        )
        .await,
    );
    assert!(providers.as_array().unwrap().len() >= 6);
    let table = telcreds(&cfg, &["-p", "sandbox-dasha", "providers", "list"], "").await;
    assert!(table.stdout.starts_with("ID"), "{}", table.stdout);

    let created = json(
        &telcreds(
            &cfg,
            &[
                "-p",
                "sandbox-dasha",
                "-o",
                "json",
                "sip",
                "create",
                "--server",
                "sip.new.example:5061",
                "--transport",
                "tls",
                "--description",
                "cli trunk",
                "--cps-limit",
                "3",
                "--generate-password",
            ],
            "",
        )
        .await,
    );
    let id = created["id"].as_str().unwrap().to_string();
    assert_eq!(created["transport"], "tls");

    let updated = json(
        &telcreds(
            &cfg,
            &[
                "-p",
                "sandbox-dasha",
                "-o",
                "json",
                "sip",
                "update",
                &id,
                "--transport",
                "udp",
            ],
            "",
        )
        .await,
    );
    assert_eq!(
        (updated["transport"].as_str(), updated["server"].as_str()),
        (Some("udp"), Some("sip.new.example:5061"))
    );

    let account = sb
        .twilio_accounts()
        .into_iter()
        .find(|a| a.status == "active")
        .unwrap();
    let provider = providers
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["account_sid"] == account.sid.as_str())
        .expect("a Dasha provider uses the first active account")
        .clone();
    let pid = provider["id"].as_str().unwrap();
    let new_token = sb.roll_twilio_token(&account.sid).unwrap();
    let rotated = telcreds(
        &cfg,
        &[
            "-p",
            "sandbox-dasha",
            "providers",
            "rotate-token",
            pid,
            "--token-stdin",
        ],
        &format!("{new_token}\n"),
    )
    .await;
    assert_eq!(rotated.code, 0, "{}", rotated.stderr);
    let verified = json(
        &telcreds(
            &cfg,
            &[
                "-p",
                "sandbox-dasha",
                "-o",
                "json",
                "providers",
                "verify",
                pid,
            ],
            "",
        )
        .await,
    );
    assert_eq!(verified["status"], "verified", "{verified}");

    let deleted = telcreds(
        &cfg,
        &["-p", "sandbox-dasha", "sip", "delete", &id, "--yes"],
        "",
    )
    .await;
    assert_eq!(deleted.code, 0, "{}", deleted.stderr);
    let gone = telcreds(&cfg, &["-p", "sandbox-dasha", "sip", "show", &id], "").await;
    assert_eq!(gone.code, 4, "not found: {}", gone.stderr);
}

#[tokio::test]
async fn bad_input_gets_clear_errors_and_distinct_exit_codes() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(&sb, dir.path());
    let sid = sb.twilio_accounts()[0].sid.clone();

    let short = telcreds(
        &cfg,
        &[
            "-p",
            "sandbox-dasha",
            "providers",
            "create",
            "--allow-duplicate",
            "--account-sid",
            &sid,
            "--token-stdin",
        ],
        "0123456789abcdef0123456789abcde\n",
    )
    .await;
    assert_eq!(short.code, 6, "{}", short.stderr);
    assert!(
        short
            .stderr
            .contains("auth_token: must be 32 hex digits (got 31 characters)"),
        "{}",
        short.stderr
    );

    let transport = telcreds(
        &cfg,
        &[
            "-p",
            "sandbox-dasha",
            "sip",
            "create",
            "--server",
            "a.example",
            "--transport",
            "smtp",
        ],
        "",
    )
    .await;
    assert_eq!(transport.code, 6);
    let no_password = telcreds(
        &cfg,
        &[
            "-p",
            "sandbox-dasha",
            "sip",
            "create",
            "--server",
            "a.example",
        ],
        "",
    )
    .await;
    assert_eq!(no_password.code, 2, "{}", no_password.stderr);
    assert!(
        no_password.stderr.contains("give the password"),
        "{}",
        no_password.stderr
    );
    assert!(
        transport
            .stderr
            .contains("transport: must be one of udp, tcp, tls (got \"smtp\")"),
        "{}",
        transport.stderr
    );

    let org = telcreds(&cfg, &["-p", "wrong-org", "providers", "list"], "").await;
    assert_eq!(org.code, 3, "{}", org.stderr);
    assert!(org.stderr.contains("wrong.example"), "{}", org.stderr);

    let arg_secret = telcreds(
        &cfg,
        &[
            "-p",
            "sandbox-dasha",
            "providers",
            "create",
            "--allow-duplicate",
            "--account-sid",
            &sid,
            "--token",
            "abc",
        ],
        "",
    )
    .await;
    assert_eq!(
        arg_secret.code, 2,
        "secrets are not arguments: {}",
        arg_secret.stderr
    );

    let two = telcreds(
        &cfg,
        &[
            "-p",
            "sandbox-dasha",
            "sip",
            "create",
            "--server",
            "a.example",
            "--password-stdin",
            "--generate-password",
        ],
        "x\n",
    )
    .await;
    assert_eq!(two.code, 2, "{}", two.stderr);

    let unknown = telcreds(&cfg, &["-p", "nope", "providers", "list"], "").await;
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains("sandbox-dasha"),
        "lists the known profiles: {}",
        unknown.stderr
    );
}

#[tokio::test]
async fn readonly_profiles_refuse_and_deletes_ask_first() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(&sb, dir.path());
    let list = json(
        &telcreds(
            &cfg,
            &["-p", "sandbox-dasha", "-o", "json", "sip", "list"],
            "",
        )
        .await,
    );
    let manual: Vec<&serde_json::Value> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["source"] == "manual")
        .collect();
    let id = manual[0]["id"].as_str().unwrap();

    let ro = telcreds(
        &cfg,
        &["-p", "readonly-dasha", "sip", "delete", id, "--yes"],
        "",
    )
    .await;
    assert_eq!(ro.code, 8, "{}", ro.stderr);
    assert!(ro.stderr.contains("read-only"), "{}", ro.stderr);

    let unconfirmed = telcreds(&cfg, &["-p", "sandbox-dasha", "sip", "delete", id], "").await;
    assert!(
        unconfirmed.code == 8 || unconfirmed.code == 5,
        "{}",
        unconfirmed.stderr
    );

    // A credential in use: a conflict listing what uses it, unless --force.
    let mut in_use = None;
    for c in &manual {
        let id = c["id"].as_str().unwrap();
        let shown = json(
            &telcreds(
                &cfg,
                &["-p", "sandbox-dasha", "-o", "json", "sip", "show", id],
                "",
            )
            .await,
        );
        if !shown["dependants"]["phone_numbers"]
            .as_array()
            .unwrap()
            .is_empty()
        {
            in_use = Some(id.to_string());
            break;
        }
    }
    let id = in_use.expect("a manual credential in use");
    let conflict = telcreds(
        &cfg,
        &["-p", "sandbox-dasha", "sip", "delete", &id, "--yes"],
        "",
    )
    .await;
    assert_eq!(conflict.code, 5, "{}", conflict.stderr);
    assert!(
        conflict.stderr.contains("phone number +"),
        "{}",
        conflict.stderr
    );
    let forced = telcreds(
        &cfg,
        &[
            "-p",
            "sandbox-dasha",
            "sip",
            "delete",
            &id,
            "--yes",
            "--force",
        ],
        "",
    )
    .await;
    assert_eq!(forced.code, 0, "{}", forced.stderr);
}

#[tokio::test]
async fn print_config_gives_a_working_config() {
    let out = Command::new(env!("CARGO_BIN_EXE_telcreds"))
        .args(["sandbox", "--print-config", "--listen", "127.0.0.1:9999"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    let config = telcreds::config::Config::parse(&text, None, Some(0o600)).expect("parses");
    assert_eq!(config.profiles.len(), 2);
    assert!(
        config
            .profiles
            .iter()
            .all(|p| p.base_url.starts_with("http://127.0.0.1:9999/"))
    );
}

#[test]
fn the_example_config_parses() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/config.example.toml");
    let text = std::fs::read_to_string(path).unwrap();
    let config =
        telcreds::config::Config::parse(&text, Some(Path::new(path)), Some(0o644)).expect("valid");
    assert_eq!(config.profiles.len(), 3);
    assert_eq!(config.twilio_accounts.len(), 1);
    for key in [
        "twilio_accounts_base",
        "store_cmd",
        "account_sid",
        "token_env",
        "token_cmd",
        "token_file",
        "token ",
        "org_handle",
        "product_id",
        "provider_configurations_path",
        "twilio_api_base",
        "readonly",
        "protected",
        "label",
        "accent",
        "theme",
        "default_profile",
    ] {
        assert!(text.contains(key), "config.example.toml documents {key}");
    }
}

#[tokio::test]
async fn output_reads_whole_and_clean() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(&sb, dir.path());
    // Piped: whole Account SIDs.
    let list = telcreds(&cfg, &["-p", "sandbox-dasha", "providers", "list"], "").await;
    assert!(
        list.stdout.contains("AC759b765966b5b7c9cdfaa58072348b24"),
        "{}",
        list.stdout
    );
    // An Unpod configuration is named the same in `show` as in lists and plans.
    let unpod = telcreds(
        &cfg,
        &["-p", "sandbox-unpod", "providers", "show", "101"],
        "",
    )
    .await;
    assert!(
        unpod.stdout.contains("twilio AC75…8b24 (no name set)"),
        "{}",
        unpod.stdout
    );
    // No trailing spaces; no UI option in the subcommands' help.
    let sip = telcreds(
        &cfg,
        &["-p", "sandbox-dasha", "-o", "json", "sip", "list"],
        "",
    )
    .await;
    let id = serde_json::from_str::<serde_json::Value>(&sip.stdout).unwrap()[1]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let show = telcreds(&cfg, &["-p", "sandbox-dasha", "sip", "show", &id], "").await;
    assert!(
        show.stdout.lines().all(|l| !l.ends_with(' ')),
        "{:?}",
        show.stdout
    );
    let help = telcreds(&cfg, &["sip", "--help"], "").await;
    assert!(!help.stdout.contains("--theme"), "{}", help.stdout);
}

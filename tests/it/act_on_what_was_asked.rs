//! The real binary acts only on what it was asked to act on: `--demo` with a command
//! never reaches the config's profiles, and a `token_cmd`'s text is never printed.

use crate::cli::{Run, write_config};
use crate::support::*;
use std::path::Path;
use std::process::{Command, Stdio};
use telcreds::sandbox::Seed;

/// Runs the binary with `args` as a user does: the config found through
/// `TELCREDS_CONFIG` (no `--config`), data and state under `dir`, `TMPDIR` in `dir`.
fn run_as_user(config: &Path, args: &[&str]) -> Run {
    let dir = config.parent().unwrap();
    std::fs::create_dir_all(dir.join("tmp")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_telcreds"))
        .args(args)
        .env("TELCREDS_CONFIG", config)
        .env("TELCREDS_STATE_DIR", dir.join("state"))
        .env("TELCREDS_DATA_DIR", dir.join("data"))
        .env("TMPDIR", dir.join("tmp"))
        .env_remove("TELCREDS_PROFILE")
        .stdin(Stdio::null())
        .output()
        .expect("binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into(),
        stderr: String::from_utf8_lossy(&out.stderr).into(),
    }
}

/// Requests the sandbox served that were not its own control calls.
async fn platform_requests(sb: &telcreds::sandbox::Sandbox) -> Vec<(String, String, u16)> {
    requests(sb)
        .await
        .into_iter()
        .filter(|(_, path, _)| !path.starts_with("/_sandbox"))
        .collect()
}

#[tokio::test]
async fn demo_with_a_command_runs_on_the_demo_platform_and_never_on_the_config() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    // The user's own config: its default profile is the "production" one.
    let cfg = write_config(&sb, dir.path());
    let before = platform_requests(&sb).await.len();

    let sip = "c2000000-0000-4000-8000-000000000005";
    let (cfg2, sip2) = (cfg.clone(), sip.to_string());
    let update = tokio::task::spawn_blocking(move || {
        run_as_user(
            &cfg2,
            &[
                "--demo",
                "sip",
                "update",
                &sip2,
                "--description",
                "changed via --demo",
            ],
        )
    })
    .await
    .unwrap();
    assert_eq!(update.code, 0, "{}", update.stderr);
    assert!(
        update.stdout.contains("changed via --demo"),
        "{}",
        update.stdout
    );

    let cfg2 = cfg.clone();
    let providers = tokio::task::spawn_blocking(move || {
        run_as_user(&cfg2, &["--demo", "providers", "list", "-o", "json"])
    })
    .await
    .unwrap();
    assert_eq!(providers.code, 0, "{}", providers.stderr);
    assert!(
        providers.stdout.contains("acme-prod-us"),
        "{}",
        providers.stdout
    );

    // The user's platform saw nothing, and its credential is unchanged.
    assert_eq!(platform_requests(&sb).await.len(), before);
    let real = crate::cli::telcreds(&cfg, &["sip", "show", sip, "-o", "json"], "").await;
    assert_eq!(real.code, 0, "{}", real.stderr);
    assert!(
        !real.stdout.contains("changed via --demo"),
        "{}",
        real.stdout
    );
    // Nor did the user's journal get a line.
    let journal = dir.path().join("data").join("journal.jsonl");
    let text = std::fs::read_to_string(&journal).unwrap_or_default();
    assert!(!text.contains("sip.update"), "{text}");
    // The demo's temporary directory is gone.
    let left: Vec<_> = std::fs::read_dir(dir.path().join("tmp")).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");

    // The config's profiles are not the demo's: naming one is an error, never a reach.
    let before = platform_requests(&sb).await.len();
    let cfg2 = cfg.clone();
    let named = tokio::task::spawn_blocking(move || {
        run_as_user(
            &cfg2,
            &["--demo", "-p", "sandbox-dasha", "providers", "list"],
        )
    })
    .await
    .unwrap();
    assert_eq!(named.code, 2, "{}", named.stderr);
    assert!(named.stderr.contains("demo-dasha"), "{}", named.stderr);
    assert_eq!(platform_requests(&sb).await.len(), before);

    // With --config, --demo is refused: which one was meant is not clear.
    let both = crate::cli::telcreds(&cfg, &["--demo", "providers", "list"], "").await;
    assert_eq!(both.code, 2, "{}", both.stderr);
    assert!(both.stderr.contains("--demo"), "{}", both.stderr);
    assert_eq!(platform_requests(&sb).await.len(), before);
}

#[tokio::test]
async fn a_token_cmd_is_never_quoted_on_the_command_line_nor_in_the_journal_or_log() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(
        &cfg,
        "[profiles.prod]\nplatform = \"dasha\"\nbase_url = \"http://127.0.0.1:9/api/v1\"\n\
         token_cmd = \"echo CMDTEXT-CANARY >/dev/null; exit 4\"\n",
    )
    .unwrap();
    for args in [
        &["providers", "list"][..],
        &["sip", "list", "-o", "json"][..],
        &["doctor"][..],
    ] {
        let run = crate::cli::telcreds(&cfg, args, "").await;
        assert_ne!(run.code, 0, "{args:?}");
        assert!(!run.stderr.contains("CANARY"), "{args:?}: {}", run.stderr);
        assert!(!run.stdout.contains("CANARY"), "{args:?}: {}", run.stdout);
        assert!(
            run.stderr.contains("token_cmd") || run.stdout.contains("token_cmd"),
            "{args:?}: {}",
            run.stderr
        );
    }
    // The log and journal written under data/ and state/.
    for sub in ["data", "state"] {
        for entry in walk(&dir.path().join(sub)) {
            let text = String::from_utf8_lossy(&std::fs::read(&entry).unwrap()).into_owned();
            assert!(!text.contains("CANARY"), "{}: {text}", entry.display());
        }
    }
}

/// Every file under `root`.
fn walk(root: &Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    entries
        .flat_map(|e| {
            let path = e.unwrap().path();
            if path.is_dir() {
                walk(&path)
            } else {
                vec![path]
            }
        })
        .collect()
}

#[tokio::test]
async fn a_typo_in_keys_stops_the_ui_with_its_line_but_never_a_command() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = crate::mint::mint_config(&sb, dir.path());
    let mut text = std::fs::read_to_string(&cfg).unwrap();
    text.push_str("\n[keys]\ndelet = \"ctrl-x\"\n");
    std::fs::write(&cfg, &text).unwrap();
    let line = text.lines().count();

    let list = crate::cli::telcreds(&cfg, &["providers", "list", "-o", "json"], "").await;
    assert_eq!(list.code, 0, "{}", list.stderr);
    assert!(list.stdout.contains("acme-prod-us"), "{}", list.stdout);
    let sid = "AC759b765966b5b7c9cdfaa58072348b24";
    let plan = crate::cli::telcreds(
        &cfg,
        &[
            "rotate",
            "twilio",
            "--account-sid",
            sid,
            "--mint",
            "--dry-run",
        ],
        "",
    )
    .await;
    // It plans (exit 9: the config's wrong-org profile cannot be listed), unstopped.
    assert_eq!(plan.code, 9, "{}", plan.stderr);
    assert!(plan.stdout.contains("acme-prod-us"), "{}", plan.stdout);
    assert!(!plan.stderr.contains("keys"), "{}", plan.stderr);

    // The UI, which is what the table is for, says what and where before it starts.
    let cfg2 = cfg.clone();
    let ui = tokio::task::spawn_blocking(move || run_as_user(&cfg2, &[]))
        .await
        .unwrap();
    assert_eq!(ui.code, 2, "{}", ui.stderr);
    let said = format!("key \"keys.delet\": line {line}: unknown action `delet`");
    assert!(ui.stderr.contains(&said), "{}", ui.stderr);

    // doctor checks the table too, and names the line, as a step of its own.
    let doctor = crate::cli::telcreds(&cfg, &["doctor", "-o", "json"], "").await;
    let report: serde_json::Value = serde_json::from_str(&doctor.stdout).unwrap();
    let keys = report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["step"] == "key map")
        .unwrap_or_else(|| panic!("no key map step: {report:#}"));
    assert_eq!(keys["status"], "failed", "{keys}");
    assert!(keys["message"].as_str().unwrap().contains(&said), "{keys}");
}

/// The sandbox's config with `prod-dasha`: a protected, production Dasha profile
/// that may change things (the default).
fn production_config(sb: &telcreds::sandbox::Sandbox, dir: &Path) -> std::path::PathBuf {
    let cfg = write_config(sb, dir);
    let mut text = std::fs::read_to_string(&cfg).unwrap();
    text = format!("default_profile = \"prod-dasha\"\n{text}");
    text.push_str(&format!(
        "\n[profiles.prod-dasha]\nplatform = \"dasha\"\nbase_url = \"{}\"\n\
         token = \"{}\"\nprotected = true\nlabel = \"production\"\n",
        sb.dasha_base(),
        telcreds::sandbox::DASHA_TOKEN
    ));
    std::fs::write(&cfg, text).unwrap();
    cfg
}

/// A manual SIP credential of the demo.
const IDLE_SIP: &str = "c2000000-0000-4000-8000-000000000020";

#[tokio::test]
async fn a_sip_password_rotation_on_a_protected_profile_is_confirmed_and_a_weak_one_refused() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = production_config(&sb, dir.path());

    // No terminal to type the name on, no --yes: refused, nothing sent.
    let run = telcreds_env(
        &cfg,
        &["sip", "rotate", IDLE_SIP, "--generate-password"],
        "",
        &[],
        true,
    )
    .await;
    assert_eq!(run.code, 8, "{}", run.stderr);
    assert!(run.stderr.contains("--yes"), "{}", run.stderr);
    assert!(run.stderr.contains("prod-dasha"), "{}", run.stderr);
    assert_eq!(puts(&sb).await, 0);

    // A weak password is refused even with --yes, unless allowed on purpose.
    let weak = ["sip", "rotate", IDLE_SIP, "--password-stdin", "--yes"];
    let run = crate::cli::telcreds(&cfg, &weak, "short\n").await;
    assert_eq!(run.code, 6, "{}", run.stderr);
    assert!(run.stderr.contains("under 12"), "{}", run.stderr);
    assert!(
        run.stderr.contains("--allow-weak-password"),
        "{}",
        run.stderr
    );
    assert_eq!(puts(&sb).await, 0);
    let allowed = [&weak[..], &["--allow-weak-password"]].concat();
    let run = crate::cli::telcreds(&cfg, &allowed, "short\n").await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(puts(&sb).await, 1);

    // --yes confirms; the carrier is named as the other end that must follow.
    let run = crate::cli::telcreds(
        &cfg,
        &["sip", "rotate", IDLE_SIP, "--generate-password", "--yes"],
        "",
    )
    .await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("carrier"), "{}", run.stderr);
    assert_eq!(puts(&sb).await, 2);
}

/// How many PUT requests the sandbox served.
async fn puts(sb: &telcreds::sandbox::Sandbox) -> usize {
    requests(sb)
        .await
        .into_iter()
        .filter(|(m, _, _)| m == "PUT")
        .count()
}

#[tokio::test]
async fn a_wrong_base_url_or_org_names_what_answered_and_points_at_doctor() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(&sb, dir.path());
    let mut text = std::fs::read_to_string(&cfg).unwrap();
    text.push_str(&format!(
        "\n[profiles.typo]\nplatform = \"dasha\"\nbase_url = \"{}/api/v2\"\ntoken = \"{}\"\n",
        sb.origin(),
        telcreds::sandbox::DASHA_TOKEN
    ));
    std::fs::write(&cfg, text).unwrap();
    for args in [
        &["-p", "typo", "providers", "list"][..],
        &["-p", "typo", "sip", "list"][..],
    ] {
        let run = crate::cli::telcreds(&cfg, args, "").await;
        assert_ne!(run.code, 4, "4 means an id was not found: {}", run.stderr);
        assert_ne!(run.code, 0);
        let path = if args[2] == "sip" {
            "sip-credentials"
        } else {
            "providers"
        };
        assert!(
            run.stderr
                .contains(&format!("{}/api/v2/{path}", sb.origin())),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains("base_url"), "{}", run.stderr);
        assert!(run.stderr.contains("telcreds doctor"), "{}", run.stderr);
    }
    // write_config's `wrong-org` profile: an Unpod org the token has no access to.
    let run = crate::cli::telcreds(&cfg, &["-p", "wrong-org", "providers", "list"], "").await;
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains("org_handle"), "{}", run.stderr);
    assert!(run.stderr.contains("telcreds doctor"), "{}", run.stderr);
}

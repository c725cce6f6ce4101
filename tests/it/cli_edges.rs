//! The command line's edges of issue 18: generated passwords in JSON, items named by
//! name, list filters, help headings, duplicate providers, the case of Account
//! SIDs, and pointers to the right command.

use crate::cli::{Run, telcreds, write_config};
use crate::support::*;
use telcreds::sandbox::Seed;

const P: &str = "sandbox-dasha";

fn stdout_json(run: &Run) -> serde_json::Value {
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
}

/// Item 23: `sip create --generate-password -o json` says that the password is left
/// out and how to get it, as `sip rotate` does; `--show-secrets` includes it.
#[tokio::test]
async fn sip_create_json_warns_about_the_generated_password_or_shows_it() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(&sb, dir.path());
    let create = |extra: &'static [&'static str]| {
        let cfg = cfg.clone();
        async move {
            let mut args = vec![
                "-p",
                P,
                "-o",
                "json",
                "sip",
                "create",
                "--server",
                "sip.gen.example",
                "--generate-password",
            ];
            args.extend_from_slice(extra);
            telcreds(&cfg, &args, "").await
        }
    };
    let hidden = create(&[]).await;
    let created = stdout_json(&hidden);
    assert!(created.get("auth_password").is_none(), "{created}");
    assert!(
        hidden
            .stderr
            .contains("warning: the generated password is not in the JSON output")
            && hidden.stderr.contains("--show-secrets"),
        "{}",
        hidden.stderr
    );
    let shown = create(&["--show-secrets"]).await;
    let created = stdout_json(&shown);
    let password = created["auth_password"].as_str().expect("the password");
    assert!(password.len() >= 12, "{created}");
    assert!(
        !shown.stderr.contains("not in the JSON"),
        "{}",
        shown.stderr
    );
    // The platform keeps it: `sip show --show-secrets` prints the same one.
    let id = created["id"].as_str().unwrap();
    let show = stdout_json(
        &telcreds(
            &cfg,
            &["-p", P, "-o", "json", "sip", "show", id, "--show-secrets"],
            "",
        )
        .await,
    );
    assert_eq!(show["auth_password"].as_str(), Some(password));
    // `sip update` says the same.
    let updated = telcreds(
        &cfg,
        &[
            "-p",
            P,
            "-o",
            "json",
            "sip",
            "update",
            id,
            "--generate-password",
        ],
        "",
    )
    .await;
    assert!(stdout_json(&updated).get("auth_password").is_none());
    assert!(
        updated.stderr.contains("--show-secrets"),
        "{}",
        updated.stderr
    );
}

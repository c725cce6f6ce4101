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

/// Creates a SIP credential on the Dasha profile and returns its id.
async fn create_sip(cfg: &std::path::Path, server: &str, description: Option<&str>) -> String {
    let mut args = vec![
        "-p",
        P,
        "-o",
        "json",
        "sip",
        "create",
        "--server",
        server,
        "--generate-password",
    ];
    if let Some(d) = description {
        args.extend(["--description", d]);
    }
    let created = stdout_json(&telcreds(cfg, &args, "").await);
    created["id"].as_str().unwrap().to_string()
}

/// Item 24: wherever a command takes an id, a unique name works too: a provider's
/// name, a SIP credential's description (or its server when it has none); exact
/// first, then ignoring case. A name several items share lists them, exit 2.
#[tokio::test]
async fn commands_take_a_unique_name_where_they_take_an_id() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(&sb, dir.path());
    let run = |args: Vec<&str>| {
        let cfg = cfg.clone();
        let args: Vec<String> = args.into_iter().map(String::from).collect();
        async move {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            telcreds(&cfg, &args, "").await
        }
    };

    let shown = stdout_json(
        &run(vec![
            "-p",
            P,
            "-o",
            "json",
            "providers",
            "show",
            "acme-prod-us",
        ])
        .await,
    );
    assert_eq!(shown["name"], "acme-prod-us", "{shown}");
    let id = shown["id"].as_str().unwrap().to_string();
    let shown = stdout_json(
        &run(vec![
            "-p",
            P,
            "-o",
            "json",
            "providers",
            "show",
            "ACME-Prod-US",
        ])
        .await,
    );
    assert_eq!(
        shown["id"].as_str(),
        Some(id.as_str()),
        "ignoring case when unique"
    );
    let verified = run(vec![
        "-p",
        P,
        "-o",
        "json",
        "providers",
        "verify",
        "acme-prod-us",
    ])
    .await;
    assert_eq!(stdout_json(&verified)["id"].as_str(), Some(id.as_str()));
    let renamed = run(vec![
        "-p",
        P,
        "providers",
        "update",
        "acme-onboarding",
        "--name",
        "acme-onboarding-2",
    ])
    .await;
    assert_eq!(renamed.code, 0, "{}", renamed.stderr);
    let deleted = run(vec![
        "-p",
        P,
        "providers",
        "delete",
        "acme-onboarding-2",
        "--yes",
    ])
    .await;
    assert_eq!(deleted.code, 0, "{}", deleted.stderr);
    // Unpod configurations have no name: the whole Account SID names them.
    let unpod = stdout_json(
        &run(vec![
            "-p",
            "sandbox-unpod",
            "-o",
            "json",
            "providers",
            "show",
            "AC759b765966b5b7c9cdfaa58072348b24",
        ])
        .await,
    );
    assert_eq!(unpod["id"], "101", "{unpod}");

    let solo = create_sip(&cfg, "127.0.0.1:9", Some("Solo trunk")).await;
    let dup_a = create_sip(&cfg, "sip.dup-a.example", Some("Dup trunk")).await;
    let dup_b = create_sip(&cfg, "sip.dup-b.example", Some("dup TRUNK")).await;
    let lower = create_sip(&cfg, "sip.case.example", Some("case")).await;
    create_sip(&cfg, "sip.case2.example", Some("CASE")).await;
    let nameless = create_sip(&cfg, "sip.nameless.example", None).await;
    for (name, expected) in [
        ("Solo trunk", &solo),
        ("solo TRUNK", &solo),
        ("case", &lower),
        ("sip.nameless.example", &nameless),
        (solo.as_str(), &solo),
    ] {
        let shown = stdout_json(&run(vec!["-p", P, "-o", "json", "sip", "show", name]).await);
        assert_eq!(
            shown["id"].as_str(),
            Some(expected.as_str()),
            "{name}: {shown}"
        );
    }
    for ambiguous in ["dup trunk", "Case"] {
        let two = run(vec!["-p", P, "sip", "show", ambiguous]).await;
        assert_eq!(two.code, 2, "{ambiguous}: {}", two.stderr);
        assert!(
            two.stderr.contains("give the id of the one you mean"),
            "{}",
            two.stderr
        );
    }
    let two = run(vec!["-p", P, "sip", "delete", "DUP TRUNK", "--yes"]).await;
    assert_eq!(two.code, 2, "{}", two.stderr);
    for (id, name) in [(&dup_a, "Dup trunk"), (&dup_b, "dup TRUNK")] {
        assert!(
            two.stderr.contains(&format!("{id}  {name}")),
            "{}",
            two.stderr
        );
    }
    let missing = run(vec!["-p", P, "sip", "show", "no such trunk"]).await;
    assert_eq!(missing.code, 4, "{}", missing.stderr);
    assert!(
        missing.stderr.contains(
            "no SIP credential with the id or name \"no such trunk\" on profile \"sandbox-dasha\""
        ),
        "{}",
        missing.stderr
    );

    let updated = run(vec![
        "-p",
        P,
        "-o",
        "json",
        "sip",
        "update",
        "Solo trunk",
        "--cps-limit",
        "4",
    ])
    .await;
    assert_eq!(stdout_json(&updated)["cps_limit"], 4);
    let rotated = run(vec![
        "-p",
        P,
        "sip",
        "rotate",
        "Solo trunk",
        "--generate-password",
    ])
    .await;
    assert_eq!(rotated.code, 0, "{}", rotated.stderr);
    let probed = run(vec![
        "-p",
        P,
        "sip",
        "probe",
        "Solo trunk",
        "--timeout",
        "0.5",
    ])
    .await;
    assert!(
        probed.stdout.contains(&format!("probe of {solo}")),
        "{}{}",
        probed.stdout,
        probed.stderr
    );
    let deleted = run(vec!["-p", P, "sip", "delete", "Solo trunk", "--yes"]).await;
    assert_eq!(deleted.code, 0, "{}", deleted.stderr);
}

/// Item 25: `sip list --filter` and `providers list --filter` keep what the UI's `/`
/// filter keeps: the text in any searched field, ignoring case.
#[tokio::test]
async fn lists_filter_as_the_ui_does() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(&sb, dir.path());
    let list = |what: &'static str, filter: Option<&'static str>| {
        let cfg = cfg.clone();
        async move {
            let mut args = vec!["-p", P, "-o", "json", what, "list"];
            args.extend(filter.map(|f| ["--filter", f]).into_iter().flatten());
            let v = stdout_json(&telcreds(&cfg, &args, "").await);
            v.as_array().unwrap().clone()
        }
    };
    let has = |v: &serde_json::Value, keys: &[&str], needle: &str| {
        keys.iter().any(|k| {
            v[*k]
                .as_str()
                .is_some_and(|s| s.to_lowercase().contains(&needle.to_lowercase()))
        })
    };
    let sip_fields = [
        "server",
        "description",
        "auth_user",
        "domain",
        "transport",
        "source",
    ];
    let all = list("sip", None).await;
    for filter in ["CARRIER-eu", "tls", "Failover", "provider"] {
        let kept = list("sip", Some(filter)).await;
        let expected: Vec<_> = all.iter().filter(|c| has(c, &sip_fields, filter)).collect();
        assert!(
            !expected.is_empty() && expected.len() < all.len(),
            "{filter}"
        );
        assert_eq!(kept.iter().collect::<Vec<_>>(), expected, "{filter}");
    }
    assert!(list("sip", Some("no such text")).await.is_empty());

    let all = list("providers", None).await;
    for filter in ["ACME-EU", "failed", "jp1", "AC759b"] {
        let kept = list("providers", Some(filter)).await;
        let expected: Vec<_> = all
            .iter()
            .filter(|p| has(p, &["name", "account_sid", "status", "region"], filter))
            .collect();
        assert!(
            !expected.is_empty() && expected.len() < all.len(),
            "{filter}"
        );
        assert_eq!(kept.iter().collect::<Vec<_>>(), expected, "{filter}");
    }
    // The table keeps its header.
    let table = telcreds(
        &cfg,
        &["-p", P, "sip", "list", "--filter", "nothing matches this"],
        "",
    )
    .await;
    assert_eq!(
        (table.code, table.stdout.lines().count()),
        (0, 1),
        "{}",
        table.stdout
    );
    let two_lines = telcreds(&cfg, &["-p", P, "sip", "list", "--filter", "a\nb"], "").await;
    assert_eq!(two_lines.code, 2, "{}", two_lines.stderr);
}

/// Runs the binary with `args` (no `--config`), its log and journal in a temporary
/// directory, and `TELCREDS_PROFILE` set to `profile_env` (else unset).
fn bare(args: &[&str], profile_env: Option<&str>) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_telcreds"));
    cmd.args(args)
        .env_remove("TELCREDS_PROFILE")
        .env("TELCREDS_STATE_DIR", dir.path().join("state"))
        .env("TELCREDS_DATA_DIR", dir.path().join("data"));
    if let Some(p) = profile_env {
        cmd.env("TELCREDS_PROFILE", p);
    }
    cmd.output().unwrap()
}

/// The help text of `args`.
fn help(args: &[&str]) -> String {
    let out = bare(args, None);
    assert!(out.status.success(), "{args:?}");
    String::from_utf8(out.stdout).unwrap()
}

/// Item 29: the options every command takes are listed apart, under "Global
/// options"; `sandbox`, which has its own, neither lists nor takes `--config` and
/// `--profile`.
#[test]
fn global_options_have_their_own_heading_and_sandbox_takes_none() {
    for args in [
        &["rotate", "twilio", "--help"][..],
        &["sip", "create", "--help"],
        &["providers", "list", "-h"],
    ] {
        let text = help(args);
        let (own, global) = text
            .split_once("\nGlobal options:\n")
            .unwrap_or_else(|| panic!("{args:?}: {text}"));
        for flag in ["--config <FILE>", "--profile <NAME>", "--output <OUTPUT>"] {
            assert!(
                !own.contains(flag),
                "{args:?}: {flag} among its own: {text}"
            );
            assert!(global.contains(flag), "{args:?}: {flag}: {text}");
        }
        assert!(own.contains("-h, --help"), "{args:?}: {text}");
    }
    assert!(help(&["rotate", "twilio", "--help"]).contains("--account-sid"));
    let sandbox = help(&["sandbox", "--help"]);
    for flag in ["--config", "--profile", "-p,"] {
        assert!(!sandbox.contains(flag), "{flag}: {sandbox}");
    }
    assert!(sandbox.contains("--print-config"), "{sandbox}");

    for args in [
        &["sandbox", "--config", "/nowhere", "--print-config"][..],
        &["--config", "/nowhere", "sandbox", "--print-config"],
        &["-p", "x", "sandbox", "--print-config"],
        &["sandbox", "-p", "x", "--print-config"],
    ] {
        let out = bare(args, None);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("`telcreds sandbox` reads no config"),
            "{stderr}"
        );
    }
    // TELCREDS_PROFILE, meant for other commands, is not refused.
    let out = bare(&["sandbox", "--print-config"], Some("anything"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Item 32: an Account SID in any case is taken everywhere on the command line and
/// sent as `AC` + lowercase hex, the form Dasha requires.
#[tokio::test]
async fn account_sids_are_taken_in_any_case() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(&sb, dir.path());
    let accounts = sb.twilio_accounts();
    let hooli = accounts
        .iter()
        .find(|a| a.friendly_name == "Hooli Voice Lab")
        .unwrap();
    let shouted = format!("ac{}", hooli.sid[2..].to_uppercase());
    let created = telcreds(
        &cfg,
        &[
            "-p",
            P,
            "-o",
            "json",
            "providers",
            "create",
            "--name",
            "hooli",
            "--account-sid",
            &shouted,
            "--token-stdin",
        ],
        &format!("{}\n", hooli.auth_token),
    )
    .await;
    assert_eq!(stdout_json(&created)["account_sid"], hooli.sid.as_str());

    let acme = &accounts[0];
    let upper = format!("AC{}", acme.sid[2..].to_uppercase());
    let plan = telcreds(
        &cfg,
        &[
            "-o",
            "json",
            "rotate",
            "twilio",
            "--account-sid",
            &upper,
            "--token-stdin",
            "--dry-run",
            "--profiles",
            "sandbox-dasha,sandbox-unpod",
        ],
        &format!("{}\n", acme.auth_token),
    )
    .await;
    let plan = stdout_json(&plan);
    assert_eq!(plan["account_sid"], acme.sid.as_str(), "{plan}");
    assert!(plan["targets"].as_array().unwrap().len() >= 3, "{plan}");

    let lower = acme.sid.to_lowercase();
    let abort = telcreds(
        &cfg,
        &[
            "rotate",
            "twilio",
            "--account-sid",
            &lower,
            "--abort",
            "--current-token-stdin",
            "--yes",
            "--profiles",
            "sandbox-dasha,sandbox-unpod",
        ],
        &format!("{}\n", acme.auth_token),
    )
    .await;
    assert!(
        !abort.stderr.contains("must start with AC"),
        "{}",
        abort.stderr
    );
    let rolled = telcreds(
        &cfg,
        &[
            "sandbox",
            "roll-token",
            "--account-sid",
            &lower,
            "--url",
            &sb.origin(),
        ],
        "",
    )
    .await;
    assert_eq!(rolled.code, 0, "{}", rolled.stderr);
}

/// Item 31: `providers create` with an Account SID the profile already links is
/// refused (exit 5), naming the providers that have it, unless `--allow-duplicate`.
#[tokio::test]
async fn a_second_provider_for_one_account_is_refused_unless_allowed() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(&sb, dir.path());
    let globex = sb
        .twilio_accounts()
        .into_iter()
        .find(|a| a.friendly_name == "Globex Staging")
        .unwrap();
    let providers =
        stdout_json(&telcreds(&cfg, &["-p", P, "-o", "json", "providers", "list"], "").await);
    let holders: Vec<(String, String)> = providers
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["account_sid"] == globex.sid.as_str())
        .map(|p| {
            (
                p["id"].as_str().unwrap().into(),
                p["name"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(holders.len(), 2, "{providers}");
    let create = |extra: &'static [&'static str]| {
        let (cfg, sid, token) = (
            cfg.clone(),
            globex.sid.to_uppercase().replacen("AC", "ac", 1),
            globex.auth_token.clone(),
        );
        async move {
            let mut args = vec![
                "-p",
                P,
                "providers",
                "create",
                "--name",
                "globex-again",
                "--account-sid",
                &sid,
                "--token-stdin",
            ];
            args.extend_from_slice(extra);
            telcreds(&cfg, &args, &format!("{token}\n")).await
        }
    };
    let before = requests(&sb).await.len();
    let refused = create(&[]).await;
    assert_eq!(refused.code, 5, "{}", refused.stderr);
    for (id, name) in &holders {
        assert!(
            refused.stderr.contains(&format!("\"{name}\" ({id})")),
            "{}",
            refused.stderr
        );
    }
    assert!(
        refused.stderr.contains("--allow-duplicate"),
        "{}",
        refused.stderr
    );
    let sent: Vec<_> = requests(&sb).await.into_iter().skip(before).collect();
    assert!(
        sent.iter().all(|(m, _, _)| m == "GET"),
        "nothing was created: {sent:?}"
    );

    let allowed = create(&["--allow-duplicate"]).await;
    assert_eq!(allowed.code, 0, "{}", allowed.stderr);
}

/// Item 18: `rotate sip` points at `sip rotate ID`.
#[test]
fn rotate_sip_points_at_sip_rotate() {
    for args in [
        &["rotate", "sip"][..],
        &["rotate", "sip", "abc", "--generate-password"],
    ] {
        let out = bare(args, None);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("telcreds sip rotate ID"),
            "{args:?}: {stderr}"
        );
    }
    assert!(!help(&["rotate", "--help"]).contains("sip"));
}

/// Item 18: `providers rotate-token` on one provider says which other providers, on
/// any profile, use the same Account SID and still hold the old token, and how to
/// rotate it everywhere.
#[tokio::test]
async fn rotate_token_names_the_other_providers_of_the_account() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(&sb, dir.path());
    let acme = sb.twilio_accounts()[0].clone();
    let token = sb.roll_twilio_token(&acme.sid).unwrap();
    let rotated = telcreds(
        &cfg,
        &[
            "-p",
            P,
            "-o",
            "json",
            "providers",
            "rotate-token",
            "acme-prod-us",
            "--token-stdin",
        ],
        &format!("{token}\n"),
    )
    .await;
    assert_eq!(stdout_json(&rotated)["name"], "acme-prod-us");
    let e = &rotated.stderr;
    assert!(
        e.contains(&format!(
            "other providers use {} and still hold the old token",
            acme.sid
        )),
        "{e}"
    );
    for other in [
        "profile \"sandbox-dasha\": acme-prod-dr",
        "profile \"sandbox-dasha\": acme-onboarding",
        "profile \"sandbox-unpod\": twilio AC75…8b24",
        "profile \"wrong-org\" could not be checked",
    ] {
        assert!(e.contains(other), "{other}: {e}");
    }
    assert!(
        !e.contains(": acme-prod-us"),
        "the rotated one, through any profile: {e}"
    );
    assert_eq!(
        e.matches(": acme-prod-dr").count(),
        1,
        "each provider once: {e}"
    );
    assert!(
        e.contains(&format!(
            "telcreds rotate twilio --account-sid {} --token-stdin",
            acme.sid
        )),
        "{e}"
    );
    assert!(!e.contains(&token), "{e}");
}

//! The command line's answers: exit codes, input checks, messages that name what
//! they are about, and secrets kept out of JSON.

use crate::cli::{Run, telcreds, write_config};
use crate::support::*;
use std::path::Path;
use telcreds::sandbox::{Sandbox, Seed};

const P: &str = "sandbox-dasha";

fn stdout_json(run: &Run) -> serde_json::Value {
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
}

/// The id of the Dasha provider named `name`.
async fn provider_id(sb: &Sandbox, name: &str) -> String {
    dasha(sb)
        .list_providers()
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.name.as_deref() == Some(name))
        .unwrap_or_else(|| panic!("no provider {name}"))
        .id
}

#[tokio::test]
async fn verify_names_the_provider_and_exits_11_when_failed_12_on_warnings() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(&sb, dir.path());
    for (name, code, status) in [
        ("globex-staging", 11, "failed"),
        ("acme-eu-support", 12, "warning"),
        ("acme-prod-us", 0, "verified"),
    ] {
        let id = provider_id(&sb, name).await;
        let table = telcreds(&cfg, &["-p", P, "providers", "verify", &id], "").await;
        assert_eq!(table.code, code, "{name}: {}{}", table.stdout, table.stderr);
        assert!(
            table.stdout.lines().next().unwrap().contains(name),
            "{name}: {}",
            table.stdout
        );
        let json = telcreds(
            &cfg,
            &["-p", P, "-o", "json", "providers", "verify", &id],
            "",
        )
        .await;
        assert_eq!(json.code, code, "{name}: {}", json.stderr);
        let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
        assert_eq!(
            (v["id"].as_str(), v["name"].as_str(), v["status"].as_str()),
            (Some(id.as_str()), Some(name), Some(status)),
            "{v}"
        );
    }
}

#[tokio::test]
async fn bad_ports_spaces_and_regions_are_refused_before_any_call() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(&sb, dir.path());
    let id = provider_id(&sb, "acme-prod-us").await;
    let before = requests(&sb).await.len();
    for (flags, expected) in [
        (
            &["--server", "sip.a.example:99999"][..],
            "server: SIP server \"sip.a.example:99999\": port 99999 is outside 1–65535",
        ),
        (
            &["--server", "[::1]:5060", "--domain", "a b"][..],
            "domain: must not contain spaces",
        ),
        (
            &["--server", "a.example", "--auth-user", "u v"][..],
            "auth_user: must not contain spaces",
        ),
        (
            &["--server", "a.example", "--cps-key", "k k"][..],
            "cps_key: must not contain spaces",
        ),
    ] {
        let mut args = vec!["-p", P, "sip", "create", "--generate-password"];
        args.extend_from_slice(flags);
        let run = telcreds(&cfg, &args, "").await;
        assert_eq!(run.code, 6, "{flags:?}: {}", run.stderr);
        assert!(run.stderr.contains(expected), "{flags:?}: {}", run.stderr);
    }
    let account = &sb.twilio_accounts()[0];
    for region in ["eu1", "not a region!"] {
        let run = telcreds(
            &cfg,
            &[
                "-p",
                P,
                "providers",
                "create",
                "--allow-duplicate",
                "--account-sid",
                &account.sid,
                "--region",
                region,
                "--token-stdin",
            ],
            &format!("{}\n", account.auth_token),
        )
        .await;
        assert_eq!(run.code, 6, "{region}: {}", run.stderr);
        assert!(
            run.stderr.contains(&format!(
                "region: must be one of us1, us2, ie1, de1, au1, jp1, br1, sg1 (got \"{region}\")"
            )),
            "{}",
            run.stderr
        );
    }
    let run = telcreds(
        &cfg,
        &["-p", P, "providers", "update", &id, "--region", "eu1"],
        "",
    )
    .await;
    assert_eq!(run.code, 6, "{}", run.stderr);
    let sent: Vec<_> = requests(&sb).await.into_iter().skip(before).collect();
    assert!(sent.is_empty(), "nothing reaches the platform: {sent:?}");

    let run = telcreds(
        &cfg,
        &[
            "-p",
            P,
            "sip",
            "create",
            "--server",
            "a.example",
            "--cps-limit",
            "-1",
            "--generate-password",
        ],
        "",
    )
    .await;
    assert_eq!(run.code, 6, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("cps_limit: must be a non-negative whole number (got \"-1\")"),
        "{}",
        run.stderr
    );
}

#[tokio::test]
async fn an_unpod_account_sid_change_needs_the_new_token_and_twilio_checks_the_pair() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(&sb, dir.path());
    let up = unpod(&sb).list_configurations().await.unwrap();
    let config = &up[0];
    let other = sb
        .twilio_accounts()
        .into_iter()
        .find(|a| a.status == "active" && up.iter().all(|c| c.account_sid != a.sid))
        .unwrap();
    let update = |stdin: &str, token: bool| {
        let mut args = vec![
            "-p",
            "sandbox-unpod",
            "providers",
            "update",
            &config.id,
            "--account-sid",
            &other.sid,
        ];
        if token {
            args.push("--token-stdin");
        }
        let (cfg, stdin) = (cfg.clone(), stdin.to_string());
        let args: Vec<String> = args.into_iter().map(String::from).collect();
        async move {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            telcreds(&cfg, &args, &stdin).await
        }
    };

    let no_token = update("", false).await;
    assert_eq!(no_token.code, 6, "{}", no_token.stderr);
    assert!(
        no_token.stderr.contains("--token-stdin"),
        "{}",
        no_token.stderr
    );
    let wrong = update("0123456789abcdef0123456789abcdef\n", true).await;
    assert_eq!(wrong.code, 6, "{}", wrong.stderr);
    assert!(wrong.stderr.contains("Twilio"), "{}", wrong.stderr);
    assert!(patches(&sb).await.is_empty(), "nothing was sent to Unpod");
    assert_eq!(
        unpod(&sb)
            .get_configuration(&config.id)
            .await
            .unwrap()
            .account_sid,
        config.account_sid
    );

    let right = update(&format!("{}\n", other.auth_token), true).await;
    assert_eq!(right.code, 0, "{}", right.stderr);
    assert_eq!(
        unpod(&sb)
            .get_configuration(&config.id)
            .await
            .unwrap()
            .account_sid,
        other.sid
    );
}

#[tokio::test]
async fn roll_token_keeps_the_token_out_of_json_unless_asked() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(&sb, dir.path());
    let sid = sb.twilio_accounts()[0].sid.clone();
    let url = sb.origin();
    let args = [
        "sandbox",
        "roll-token",
        "--url",
        &url,
        "--account-sid",
        &sid,
        "-o",
        "json",
    ];
    let hidden = telcreds(&cfg, &args, "").await;
    let v = stdout_json(&hidden);
    assert_eq!(v["account_sid"], sid.as_str());
    assert!(v.get("auth_token").is_none(), "{v}");
    assert!(
        !hidden
            .stdout
            .contains(&current_token(&sb, &sid).expose().to_string()),
        "{}",
        hidden.stdout
    );
    assert!(
        hidden.stderr.contains("--show-secrets"),
        "{}",
        hidden.stderr
    );

    let mut shown = args.to_vec();
    shown.push("--show-secrets");
    let v = stdout_json(&telcreds(&cfg, &shown, "").await);
    assert_eq!(v["auth_token"], current_token(&sb, &sid).expose());
}

#[tokio::test]
async fn roll_token_of_an_unknown_account_is_not_found_and_names_the_sandbox() {
    let sb = sandbox(Seed::Empty).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(&sb, dir.path());
    let (url, sid) = (sb.origin(), format!("AC{}", "0".repeat(32)));
    let args = [
        "sandbox",
        "roll-token",
        "--url",
        &url,
        "--account-sid",
        &sid,
    ];
    let run = telcreds(&cfg, &args, "").await;
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "the sandbox at {url} has no Twilio account {sid} (or is not a telcreds sandbox)"
        )),
        "{}",
        run.stderr
    );
}

#[tokio::test]
async fn not_found_names_what_was_asked_for_and_the_profile() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(&sb, dir.path());
    for (args, expected) in [
        (
            &["providers", "show", "acme-eu-nowhere"][..],
            "error: no provider with the id or name \"acme-eu-nowhere\" on profile \
             \"sandbox-dasha\" (see `telcreds -p sandbox-dasha providers list`)\n",
        ),
        (
            &["providers", "verify", "acme-eu-nowhere"][..],
            "error: no provider with the id or name \"acme-eu-nowhere\" on profile \
             \"sandbox-dasha\" (see `telcreds -p sandbox-dasha providers list`)\n",
        ),
        (
            &["sip", "show", "no such carrier"][..],
            "error: no SIP credential with the id or name \"no such carrier\" on profile \
             \"sandbox-dasha\" (see `telcreds -p sandbox-dasha sip list`)\n",
        ),
        (
            &["sip", "delete", "no such carrier", "--yes"][..],
            "error: no SIP credential with the id or name \"no such carrier\" on profile \
             \"sandbox-dasha\" (see `telcreds -p sandbox-dasha sip list`)\n",
        ),
    ] {
        let mut all = vec!["-p", P];
        all.extend_from_slice(args);
        let run = telcreds(&cfg, &all, "").await;
        assert_eq!(run.code, 4, "{args:?}: {}", run.stderr);
        assert!(run.stderr.ends_with(expected), "{args:?}: {}", run.stderr);
    }
}

#[tokio::test]
async fn a_field_error_that_repeats_the_message_is_said_once() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(&sb, dir.path());
    let sid = sb.twilio_accounts()[0].sid.clone();
    let run = telcreds(
        &cfg,
        &[
            "-p",
            P,
            "providers",
            "create",
            "--allow-duplicate",
            "--account-sid",
            &sid,
            "--region",
            "us1",
            "--token-stdin",
        ],
        "0123456789abcdef0123456789abcdef\n",
    )
    .await;
    assert_eq!(run.code, 6, "{}", run.stderr);
    assert_eq!(run.stderr.matches("(20003)").count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("auth_token"), "{}", run.stderr);
}

#[tokio::test]
async fn a_generated_password_is_pointed_to_by_the_real_id() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(&sb, dir.path());
    let run = telcreds(
        &cfg,
        &[
            "-p",
            P,
            "sip",
            "create",
            "--server",
            "sip.new.example",
            "--generate-password",
        ],
        "",
    )
    .await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let id = run
        .stdout
        .lines()
        .next()
        .unwrap()
        .rsplit(' ')
        .next()
        .unwrap();
    let note = run.stdout.lines().nth(1).unwrap();
    assert_eq!(
        note,
        format!(
            "a password was generated; the platform keeps it: \
             `telcreds -p sandbox-dasha sip show {id} --show-secrets` prints it"
        ),
        "{}",
        run.stdout
    );
}

#[tokio::test]
async fn a_forced_sip_delete_lists_the_phone_numbers_that_went_with_it() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(&sb, dir.path());
    let d = dasha(&sb);
    let mut in_use = None;
    for c in d.list_sip_credentials().await.unwrap() {
        if c.is_read_only() {
            continue;
        }
        let deps = d.sip_credential_dependants(&c.id).await.unwrap();
        if deps.phone_numbers.len() >= 2 {
            in_use = Some((c, deps));
            break;
        }
    }
    let (c, deps) = in_use.expect("a manual credential used by two numbers");
    let run = telcreds(
        &cfg,
        &["-p", P, "sip", "delete", &c.id, "--yes", "--force"],
        "",
    )
    .await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    for n in &deps.phone_numbers {
        assert!(
            run.stdout.contains(&n.phone_number),
            "{}: {}",
            n.phone_number,
            run.stdout
        );
    }
    let run = stdout_json(
        &telcreds(
            &cfg,
            &[
                "-p",
                P,
                "-o",
                "json",
                "sip",
                "delete",
                &other_in_use(&sb, &c.id).await,
                "--yes",
                "--force",
            ],
            "",
        )
        .await,
    );
    assert!(
        !run["deleted_phone_numbers"].as_array().unwrap().is_empty(),
        "{run}"
    );
}

/// Another manual credential in use (not `but`).
async fn other_in_use(sb: &Sandbox, but: &str) -> String {
    let d = dasha(sb);
    for c in d.list_sip_credentials().await.unwrap() {
        if c.is_read_only() || c.id == but {
            continue;
        }
        if !d
            .sip_credential_dependants(&c.id)
            .await
            .unwrap()
            .phone_numbers
            .is_empty()
        {
            return c.id;
        }
    }
    panic!("no other credential in use");
}

#[tokio::test]
async fn an_empty_password_on_stdin_is_a_validation_error_everywhere() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(&sb, dir.path());
    let id = dasha(&sb)
        .list_sip_credentials()
        .await
        .unwrap()
        .into_iter()
        .find(|c| !c.is_read_only())
        .unwrap()
        .id;
    for args in [
        &["sip", "create", "--server", "a.example", "--password-stdin"][..],
        &["sip", "rotate", &id, "--password-stdin"][..],
        &["sip", "update", &id, "--password-stdin"][..],
    ] {
        for stdin in ["", "\n", "  \n"] {
            let mut all = vec!["-p", P];
            all.extend_from_slice(args);
            let run = telcreds(&cfg, &all, stdin).await;
            assert_eq!(run.code, 6, "{args:?} {stdin:?}: {}", run.stderr);
        }
    }
}

/// A config of `n` profiles `team-0` … plus the sandbox's.
fn big_config(sb: &Sandbox, dir: &Path, n: usize) -> std::path::PathBuf {
    let path = write_config(sb, dir);
    let mut text = std::fs::read_to_string(&path).unwrap();
    for i in 0..n {
        text.push_str(&format!(
            "\n[profiles.team-{i}]\nplatform = \"dasha\"\nbase_url = \"{}\"\ntoken_env = \"T\"\n",
            sb.dasha_base()
        ));
    }
    std::fs::write(&path, text).unwrap();
    path
}

#[tokio::test]
async fn a_missing_config_or_an_unknown_profile_is_exit_2_for_the_ui_too() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.toml");
    for args in [&[][..], &["providers", "list"][..]] {
        let run = telcreds(&missing, args, "").await;
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("missing.toml"), "{}", run.stderr);
    }
    let cfg = big_config(&sb, dir.path(), 2000);
    for args in [
        &["-p", "sandbox-dahsa"][..],
        &["-p", "sandbox-dahsa", "providers", "list"][..],
    ] {
        let run = telcreds(&cfg, args, "").await;
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.len() < 300, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("did you mean \"sandbox-dasha\"")
                && run.stderr.contains("2004 profiles"),
            "{args:?}: {}",
            run.stderr
        );
    }
}

#[tokio::test]
async fn a_sip_delete_reads_the_credential_once_and_plans_as_the_ui_does() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(&sb, dir.path());
    let id = "c2000000-0000-4000-8000-000000000020";
    let run = telcreds(
        &cfg,
        &["-p", "sandbox-dasha", "sip", "delete", id, "--yes"],
        "",
    )
    .await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let reads = requests(&sb)
        .await
        .into_iter()
        .filter(|(m, p, _)| m == "GET" && p.ends_with(&format!("/sip-credentials/{id}")))
        .count();
    // One read resolves the id (or a name), one is the delete plan's; the delete
    // itself reads nothing again (it used to: three reads).
    assert_eq!(reads, 2);
}

#[tokio::test]
async fn a_provider_delete_lists_what_goes_with_it_as_the_ui_dialog_does() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(&sb, dir.path());
    let id = "a1000000-0000-4000-8000-000000000001";
    let run = telcreds(
        &cfg,
        &["-p", "sandbox-dasha", "providers", "delete", id, "--yes"],
        "",
    )
    .await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("Deleting it also deletes:"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("phone number +"), "{}", run.stderr);
    assert!(run.stderr.contains("Twilio trunk"), "{}", run.stderr);
}

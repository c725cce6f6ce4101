//! The zero-downtime rotation against the sandbox: a secondary token minted at
//! Twilio, deployed to every target on Dasha and Unpod, then promoted; a read-only
//! target that blocks the promotion; a fault, then an abort; an existing secondary.

use crate::support::*;
use std::path::Path;
use telcreds::api::TwilioVerdict;
use telcreds::api::twilio::check_credentials;
use telcreds::config::Profile;
use telcreds::domain::{Platform, VerificationStatus};
use telcreds::history::History;
use telcreds::journal::{Action, Journal, Outcome};
use telcreds::ops::rotation::{
    self, CheckedToken, MintFailure, Minted, NotPromoted, Rotator, TargetOutcome,
};
use telcreds::sandbox::{Sandbox, Seed};
use telcreds::secret::Secret;

/// "Acme Production": Dasha providers 1, 2, 8 and Unpod configuration 101 use it.
const ACME: &str = "AC759b765966b5b7c9cdfaa58072348b24";

fn journal(dir: &Path) -> Journal {
    Journal::open(dir.join("journal.jsonl"))
}

fn rotator(dir: &Path) -> Rotator {
    Rotator::new(journal(dir), History::open(dir.join("history")))
}

fn profiles(sb: &Sandbox) -> Vec<Profile> {
    vec![
        profile(sb, "dasha", Platform::Dasha),
        profile(sb, "unpod", Platform::Unpod),
    ]
}

async fn twilio_accepts(sb: &Sandbox, token: &Secret) -> bool {
    matches!(
        check_credentials(&http(), &sb.twilio_base(), ACME, token)
            .await
            .unwrap(),
        TwilioVerdict::Valid { .. }
    )
}

/// The current token checked, then a secondary minted; also the secondary as the
/// sandbox's Twilio holds it.
async fn minted(sb: &Sandbox, profiles: &[Profile], dir: &Path) -> (CheckedToken, Minted, Secret) {
    let current = current_token(sb, ACME);
    let old = rotation::check_everywhere(&http(), profiles, ACME, &current, &journal(dir))
        .await
        .result;
    let old = old.expect("the current token passes");
    let (minted, _) = mint_on(sb, profiles, &old, false, dir).await;
    let secondary = Secret::new(sb.secondary_token(ACME).expect("a secondary exists"));
    (old, minted.expect("a secondary is minted"), secondary)
}

/// Mints a secondary on the sandbox's Twilio for the checked current token `old`.
async fn mint_on(
    sb: &Sandbox,
    profiles: &[Profile],
    old: &CheckedToken,
    replace: bool,
    dir: &Path,
) -> (Result<Minted, MintFailure>, Vec<telcreds::ops::Warning>) {
    rotation::mint(&http(), profiles, &sb.origin(), old, replace, &journal(dir))
        .await
        .into_parts()
}

fn tokens(sb: &Sandbox) -> Vec<String> {
    sb.tokens_held(ACME).into_iter().map(|(_, t)| t).collect()
}

#[tokio::test]
async fn a_mint_deploys_verifies_and_promotes_across_dasha_and_unpod() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let profiles = profiles(&sb);
    let old_token = current_token(&sb, ACME);
    let plan = rotation::plan(&profiles, &http(), ACME).await;
    assert_eq!(
        plan.update_count(),
        4,
        "3 Dasha providers and 1 Unpod configuration"
    );
    let (_, minted, secondary) = minted(&sb, &profiles, dir.path()).await;
    assert!(sb.secondary_token(ACME).is_some());
    let new = minted.new_token();

    let report = rotator(dir.path()).apply(&plan, new).await;
    assert!(report.is_complete(), "{:?}", report.results);
    assert!(report.promotion_blockers().is_empty());
    for r in &report.results {
        let expected = if r.target.platform == Platform::Dasha {
            TargetOutcome::UpdatedVerified
        } else {
            TargetOutcome::Updated
        };
        assert_eq!(r.outcome, expected, "{}", r.target.provider_name);
    }
    // Before the promotion both tokens work: nothing went down.
    assert!(twilio_accepts(&sb, &old_token).await);

    let (promotion, warnings) = minted
        .promote(&report, false, &journal(dir.path()))
        .await
        .into_parts();
    assert!(warnings.is_empty());
    let Ok(token) = promotion else {
        panic!("not promoted: {promotion:?}");
    };
    assert!(
        !twilio_accepts(&sb, &old_token).await,
        "the old token is dead"
    );
    assert!(twilio_accepts(&sb, &token).await, "the new one works");
    assert_eq!(token, secondary, "the promoted token is the one deployed");
    assert!(sb.secondary_token(ACME).is_none());
    assert!(tokens(&sb).iter().all(|t| t == token.expose()));
    for r in report
        .results
        .iter()
        .filter(|r| r.target.platform == Platform::Dasha)
    {
        let v = dasha(&sb)
            .verify_provider(&r.target.provider_id)
            .await
            .unwrap();
        assert_eq!(v.status, VerificationStatus::Verified);
    }

    let (entries, _) = journal(dir.path()).read();
    let actions: Vec<(Action, Outcome)> = entries.iter().map(|e| (e.action, e.outcome)).collect();
    for step in [
        Action::RotationCheck,
        Action::RotationSecondaryCreate,
        Action::RotationUpdate,
        Action::RotationVerify,
        Action::RotationPromote,
    ] {
        assert!(
            actions.contains(&(step, Outcome::Ok)),
            "{step:?} in {actions:?}"
        );
    }
    let text = std::fs::read_to_string(dir.path().join("journal.jsonl")).unwrap();
    assert!(!text.contains(token.expose()) && !text.contains(old_token.expose()));
}

#[tokio::test]
async fn a_read_only_target_stops_the_run_before_promotion_with_both_tokens_working() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let mut profiles = profiles(&sb);
    profiles[1].readonly = true;
    let old_token = current_token(&sb, ACME);
    let plan = rotation::plan(&profiles, &http(), ACME).await;
    let (_, minted, secondary) = minted(&sb, &profiles, dir.path()).await;
    let report = rotator(dir.path()).apply(&plan, minted.new_token()).await;

    let promotion = minted
        .promote(&report, false, &journal(dir.path()))
        .await
        .result;
    let Err(NotPromoted::Blocked { left }) = promotion else {
        panic!("promoted past a read-only target: {promotion:?}");
    };
    assert_eq!(left.len(), 1, "{left:?}");
    assert!(
        left[0].starts_with("unpod twilio AC75…8b24: still on the OLD token"),
        "{left:?}"
    );
    assert!(
        twilio_accepts(&sb, &old_token).await,
        "the old token still works"
    );
    assert!(twilio_accepts(&sb, &secondary).await);
    assert!(sb.secondary_token(ACME).is_some());
    let held = tokens(&sb);
    assert_eq!(
        held[3],
        old_token.expose(),
        "the read-only target is untouched"
    );
}

#[tokio::test]
async fn a_fault_during_deploy_then_abort_leaves_every_target_on_the_old_token() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let profiles = profiles(&sb);
    let old_token = current_token(&sb, ACME);
    let plan = rotation::plan(&profiles, &http(), ACME).await;
    let (_, minted, secondary) = minted(&sb, &profiles, dir.path()).await;
    // The Unpod update gets a 500: three targets hold the new token, one is unknown.
    fault(
        &sb,
        serde_json::json!({"kind": "server_error", "method": "PATCH", "path_prefix": "/api/v2/platform"}),
    )
    .await;
    let report = rotator(dir.path()).apply(&plan, minted.new_token()).await;
    assert_eq!(report.updated_count(), 3, "{:?}", report.results);
    let promotion = minted
        .promote(&report, false, &journal(dir.path()))
        .await
        .result;
    assert!(
        matches!(promotion, Err(NotPromoted::Blocked { .. })),
        "{promotion:?}"
    );

    let Ok(abort) = minted
        .abort(&rotator(dir.path()), &plan, &report, &journal(dir.path()))
        .await
        .result;
    assert!(abort.is_clean(), "{:#?}", abort.summary());
    // The target whose update had no clear answer was restored too.
    assert_eq!(
        abort.restored.updated_count(),
        4,
        "{:?}",
        abort.restored.results
    );
    assert!(tokens(&sb).iter().all(|t| t == old_token.expose()));
    assert!(sb.secondary_token(ACME).is_none());
    assert!(!twilio_accepts(&sb, &secondary).await);
    assert!(twilio_accepts(&sb, &old_token).await);
    let summary = abort.summary().join("\n");
    assert!(
        summary.contains("secondary token deleted at Twilio"),
        "{summary}"
    );
    let (entries, _) = journal(dir.path()).read();
    assert_eq!(
        entries
            .iter()
            .filter(|e| e.action == Action::RotationRestore && e.outcome == Outcome::Ok)
            .count(),
        4
    );
}

#[tokio::test]
async fn an_existing_secondary_is_reported_and_replaced_only_when_asked() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let profiles = profiles(&sb);
    let (old, _, first) = minted(&sb, &profiles, dir.path()).await;
    let (again, _) = mint_on(&sb, &profiles, &old, false, dir.path()).await;
    let Err(failure @ MintFailure::SecondaryExists { .. }) = again else {
        panic!("expected SecondaryExists, got {again:?}");
    };
    // The journal knows telcreds made it in a run that did not finish: replacing it
    // would break what it was deployed to, and the message says how to finish.
    let text = failure.to_string();
    assert!(text.contains("did not finish"), "{text}");
    assert!(
        text.contains(&format!("--account-sid {ACME} --promote")),
        "{text}"
    );
    assert!(text.contains("--abort"), "{text}");
    // Another journal (a secondary made elsewhere, e.g. in the console): no such words.
    let elsewhere = tempfile::tempdir().unwrap();
    let (other, _) = mint_on(&sb, &profiles, &old, false, elsewhere.path()).await;
    let Err(failure @ MintFailure::SecondaryExists { .. }) = other else {
        panic!("expected SecondaryExists, got {other:?}");
    };
    assert!(!failure.to_string().contains("did not finish"), "{failure}");
    assert!(
        twilio_accepts(&sb, &first).await,
        "the existing secondary is untouched"
    );
    let (replaced, _) = mint_on(&sb, &profiles, &old, true, dir.path()).await;
    replaced.expect("replaced");
    let second = Secret::new(sb.secondary_token(ACME).unwrap());
    assert_ne!(second, first);
    assert!(!twilio_accepts(&sb, &first).await);
    assert!(twilio_accepts(&sb, &second).await);
}

/// A config for the sandbox (its print-config, with a read-only Dasha profile) whose
/// Acme account hands the new token to a store command writing `stored`.
pub fn mint_config(sb: &Sandbox, dir: &Path) -> std::path::PathBuf {
    let cfg = crate::cli::write_config(sb, dir);
    let mut doc: toml::Table = toml::from_str(&std::fs::read_to_string(&cfg).unwrap()).unwrap();
    for (_, p) in doc["profiles"].as_table_mut().unwrap().iter_mut() {
        let p = p.as_table_mut().unwrap();
        p.insert("twilio_api_base".into(), sb.twilio_base().into());
        p.insert("twilio_accounts_base".into(), sb.origin().into());
    }
    let stored = dir.join("stored");
    doc["twilio_accounts"]["acme-production"]
        .as_table_mut()
        .unwrap()
        .insert(
            "store_cmd".into(),
            format!("cat > '{}'", stored.display()).into(),
        );
    std::fs::write(&cfg, toml::to_string(&doc).unwrap()).unwrap();
    cfg
}

async fn mint_cli(cfg: &Path, extra: &[&str]) -> crate::cli::Run {
    mint_cli_stdin(cfg, &[&["--yes"][..], extra].concat(), "").await
}

/// `rotate twilio --account-sid ACME --mint` with more args and `stdin`.
async fn mint_cli_stdin(cfg: &Path, extra: &[&str], stdin: &str) -> crate::cli::Run {
    let mut args = vec!["rotate", "twilio", "--account-sid", ACME, "--mint"];
    args.extend_from_slice(extra);
    telcreds_env(cfg, &args, stdin, &[], false).await
}

/// Every file telcreds wrote: the journal, the log, the history.
fn written_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = vec![
        dir.join("data/journal.jsonl"),
        dir.join("state/telcreds.log"),
    ];
    if let Ok(profiles) = std::fs::read_dir(dir.join("data/history")) {
        for p in profiles {
            for f in std::fs::read_dir(p.unwrap().path()).unwrap() {
                files.push(f.unwrap().path());
            }
        }
    }
    files
}

#[tokio::test]
async fn the_command_line_mints_and_only_the_store_command_sees_the_new_token() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = mint_config(&sb, dir.path());
    let old_token = current_token(&sb, ACME);
    let profiles = ["--profiles", "sandbox-dasha,sandbox-unpod"];
    let run = mint_cli(&cfg, &profiles).await;
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let new_token = current_token(&sb, ACME);
    assert_ne!(new_token, old_token);
    let stored = std::fs::read_to_string(dir.path().join("stored")).unwrap();
    assert_eq!(
        stored,
        format!("{}\n", new_token.expose()),
        "store_cmd got it on stdin"
    );
    assert!(
        run.stdout.contains("the OLD TOKEN IS DEAD"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("handed the token on stdin and ended well (exit status 0)"),
        "{}",
        run.stdout
    );
    assert!(!twilio_accepts(&sb, &old_token).await);
    assert!(tokens(&sb).iter().all(|t| t == new_token.expose()));

    // Again, as JSON, with the store failing: the token is still in no output.
    let mut doc: toml::Table = toml::from_str(&std::fs::read_to_string(&cfg).unwrap()).unwrap();
    let acme = doc["twilio_accounts"]["acme-production"]
        .as_table_mut()
        .unwrap();
    acme.insert("token".into(), new_token.expose().into());
    acme.insert("store_cmd".into(), "cat >/dev/null; exit 7".into());
    std::fs::write(&cfg, toml::to_string(&doc).unwrap()).unwrap();
    let json = mint_cli(&cfg, &[&profiles[..], &["-o", "json"]].concat()).await;
    // The rotation is complete: exit 1 (store_cmd failed), never 9 (incomplete).
    assert_eq!(json.code, 1, "{}\n{}", json.stdout, json.stderr);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("one JSON document");
    assert_eq!(v["promoted"], true);
    assert_eq!(v["store_failed"], true);
    assert!(
        v["stored"].as_str().unwrap().contains("exit status 7"),
        "{v}"
    );
    assert!(v.get("new_auth_token").is_none());
    let newest = current_token(&sb, ACME);

    for canary in [&new_token, &newest] {
        for (what, text) in [("stdout", &json.stdout), ("stderr", &json.stderr)] {
            assert!(!text.contains(canary.expose()), "{what} leaks:\n{text}");
        }
        assert!(!run.stdout.contains(newest.expose()) && !run.stderr.contains(canary.expose()));
        for f in written_files(dir.path()) {
            let text = std::fs::read_to_string(&f).unwrap();
            assert!(
                !text.contains(canary.expose()),
                "{} leaks a token",
                f.display()
            );
        }
    }
    // Positive control: the log and journal were written.
    let journal = std::fs::read_to_string(dir.path().join("data/journal.jsonl")).unwrap();
    assert!(journal.contains("rotation.promote") && journal.contains("rotation.store"));
}

#[tokio::test]
async fn a_read_only_profile_stops_the_command_before_promotion_and_abort_cleans_up() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = mint_config(&sb, dir.path());
    let old_token = current_token(&sb, ACME);
    let run = mint_cli(&cfg, &["--profiles", "readonly-dasha,sandbox-unpod"]).await;
    assert_eq!(run.code, 9, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("NOT promoted"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("readonly-dasha acme-prod-us: still on the OLD token")
    );
    assert!(run.stderr.contains("--promote"), "{}", run.stderr);
    let secondary = Secret::new(sb.secondary_token(ACME).expect("kept"));
    assert!(twilio_accepts(&sb, &old_token).await && twilio_accepts(&sb, &secondary).await);
    assert!(!std::fs::exists(dir.path().join("stored")).unwrap());

    // Run again: the existing secondary is reported, not replaced, as the one the
    // unfinished run deployed, with how to finish that run.
    let again = mint_cli(&cfg, &["--profiles", "sandbox-dasha,sandbox-unpod"]).await;
    assert_eq!(again.code, 5, "{}", again.stderr);
    assert!(again.stderr.contains("did not finish"), "{}", again.stderr);
    assert!(again.stderr.contains("--abort"), "{}", again.stderr);
    assert_eq!(
        sb.secondary_token(ACME).as_deref(),
        Some(secondary.expose())
    );

    // The config's wrong-org profile cannot be listed: its providers may use the
    // secondary, so the abort keeps it and says so.
    let abort_args = [
        "rotate",
        "twilio",
        "--account-sid",
        ACME,
        "--abort",
        "--yes",
    ];
    let kept = telcreds_env(&cfg, &abort_args, "", &[], false).await;
    assert_eq!(kept.code, 9, "{}\n{}", kept.stdout, kept.stderr);
    assert!(
        kept.stdout.contains("secondary token KEPT"),
        "{}",
        kept.stdout
    );
    assert!(kept.stdout.contains("wrong-org"), "{}", kept.stdout);
    assert!(sb.secondary_token(ACME).is_some());
    // Left out on purpose: the secondary goes.
    let abort = telcreds_env(
        &cfg,
        &[
            &abort_args[..],
            &["--profiles", "sandbox-dasha,sandbox-unpod"],
        ]
        .concat(),
        "",
        &[],
        false,
    )
    .await;
    assert_eq!(abort.code, 0, "{}\n{}", abort.stdout, abort.stderr);
    assert!(
        abort.stdout.contains("secondary token deleted"),
        "{}",
        abort.stdout
    );
    assert!(sb.secondary_token(ACME).is_none());
    assert!(tokens(&sb).iter().all(|t| t == old_token.expose()));
    assert!(twilio_accepts(&sb, &old_token).await);
}

/// The closing figure: from confirmation (mint) to promotion, 10 Dasha targets at
/// 50 ms platform latency, 8 at a time.
#[tokio::test]
async fn ten_targets_at_50ms_latency_from_confirmation_to_promotion() {
    use std::time::{Duration, Instant};
    let (sb, sid) = crate::rotation::ten_targets_at_50ms().await;
    let dir = tempfile::tempdir().unwrap();
    let profiles = vec![profile(&sb, "dasha", Platform::Dasha)];
    let current = current_token(&sb, &sid);
    let old = rotation::check_everywhere(&http(), &profiles, &sid, &current, &journal(dir.path()))
        .await
        .result;
    let old = old.unwrap();
    let plan = rotation::plan(&profiles, &http(), &sid).await;
    assert_eq!(plan.update_count(), 10);

    let confirmed = Instant::now();
    let (minted, _) = mint_on(&sb, &profiles, &old, false, dir.path()).await;
    let minted = minted.unwrap();
    let report = rotator(dir.path()).apply(&plan, minted.new_token()).await;
    let promotion = minted
        .promote(&report, false, &journal(dir.path()))
        .await
        .result;
    let took = confirmed.elapsed();
    assert!(promotion.is_ok(), "{promotion:?}");
    assert!(report.is_complete());
    eprintln!(
        "mint, deploy to 10 targets and promote at 50 ms latency: {} ms from confirmation to promotion",
        took.as_millis()
    );
    // Every request waits 50 ms: create, check, 10 updates + 10 verifications 8 at a
    // time (two waves of two requests), promote; one by one it would be over a second.
    assert!(took >= Duration::from_millis(350), "{took:?}");
}

#[tokio::test]
async fn a_create_without_a_clear_answer_is_reported_as_unknown() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let profiles = profiles(&sb);
    let current = current_token(&sb, ACME);
    let old = rotation::check_everywhere(&http(), &profiles, ACME, &current, &journal(dir.path()))
        .await
        .result;
    fault(
        &sb,
        serde_json::json!({"kind": "server_error", "method": "POST", "path_prefix": "/v1/AuthTokens/Secondary"}),
    )
    .await;
    let (result, _) = mint_on(&sb, &profiles, &old.unwrap(), false, dir.path()).await;
    let Err(failure @ MintFailure::Unknown(_)) = result else {
        panic!("expected Unknown, got {result:?}");
    };
    assert!(
        failure.to_string().contains("one may exist now"),
        "{failure}"
    );
    assert!(
        tokens(&sb).iter().all(|t| t == current.expose()),
        "no platform changed"
    );
    let (entries, _) = journal(dir.path()).read();
    assert!(
        entries
            .iter()
            .any(|e| e.action == Action::RotationSecondaryCreate && e.outcome == Outcome::Unknown)
    );
}

#[tokio::test]
async fn an_account_outside_the_config_needs_its_current_token_on_stdin() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = mint_config(&sb, dir.path());
    let mut doc: toml::Table = toml::from_str(&std::fs::read_to_string(&cfg).unwrap()).unwrap();
    doc.remove("twilio_accounts");
    std::fs::write(&cfg, toml::to_string(&doc).unwrap()).unwrap();
    let current = current_token(&sb, ACME);
    let profiles = ["--profiles", "sandbox-dasha,sandbox-unpod"];

    let run = mint_cli(&cfg, &profiles).await;
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("--current-token-stdin"),
        "{}",
        run.stderr
    );

    let stdin = format!("{}\n", current.expose());
    let with_stdin =
        |extra: &'static str| [&["--current-token-stdin", extra][..], &profiles].concat();
    let dry = mint_cli_stdin(&cfg, &with_stdin("--dry-run"), &stdin).await;
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert!(
        dry.stdout.contains("a new token will be minted"),
        "{}",
        dry.stdout
    );
    assert!(
        sb.secondary_token(ACME).is_none(),
        "a dry run mints nothing"
    );

    let run = mint_cli_stdin(&cfg, &with_stdin("--yes"), &stdin).await;
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let new = current_token(&sb, ACME);
    assert!(
        run.stdout.contains(new.expose()),
        "shown once without a store_cmd"
    );
    assert!(!run.stdout.contains(current.expose()) && !run.stderr.contains(current.expose()));
}

/// Disables the Accounts API's auth tokens for `sid` on the sandbox.
async fn disable_auth_tokens_api(sb: &Sandbox, sid: &str) {
    let r = reqwest::Client::new()
        .post(format!(
            "{}/_sandbox/twilio/accounts/{sid}/auth-tokens-api",
            sb.origin()
        ))
        .json(&serde_json::json!({"enabled": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
}

/// POSTs to the Accounts API the sandbox served, as (path, status).
async fn accounts_posts(sb: &Sandbox) -> Vec<(String, u16)> {
    requests(sb)
        .await
        .into_iter()
        .filter(|(m, p, _)| m == "POST" && p.starts_with("/v1/AuthTokens"))
        .map(|(_, p, s)| (p, s))
        .collect()
}

#[tokio::test]
async fn twilios_own_codes_for_an_existing_secondary_and_a_disabled_api_are_told_apart() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = mint_config(&sb, dir.path());
    let ro = ["--profiles", "sandbox-dasha,sandbox-unpod"];

    // A secondary made elsewhere (the console): Twilio answers 400, code 70002.
    let current = current_token(&sb, ACME);
    let made = reqwest::Client::new()
        .post(format!("{}/v1/AuthTokens/Secondary", sb.origin()))
        .basic_auth(ACME, Some(current.expose()))
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), 201);
    let run = mint_cli(&cfg, &ro).await;
    assert_eq!(
        run.code, 5,
        "exit 5 (conflict), as the README says: {}",
        run.stderr
    );
    assert!(run.stderr.contains("--replace-secondary"), "{}", run.stderr);

    // The API not enabled on the account: 404, code 20404. Contact Twilio; replacing
    // cannot help, and is not tried in a loop.
    let other = tempfile::tempdir().unwrap();
    let cfg = mint_config(&sb, other.path());
    disable_auth_tokens_api(&sb, ACME).await;
    let before = accounts_posts(&sb).await.len();
    let run = mint_cli(&cfg, &[&ro[..], &["--replace-secondary"]].concat()).await;
    assert_ne!(run.code, 0);
    assert_ne!(run.code, 5, "{}", run.stderr);
    assert!(run.stderr.contains("not enabled"), "{}", run.stderr);
    assert!(run.stderr.contains("Twilio support"), "{}", run.stderr);
    assert!(
        !run.stderr.contains("--replace-secondary"),
        "{}",
        run.stderr
    );
    assert_eq!(
        accounts_posts(&sb).await.len(),
        before + 1,
        "one create, no loop"
    );
    assert!(patches(&sb).await.is_empty(), "no platform changed");
}

#[tokio::test]
async fn an_unfinished_run_is_found_in_the_journal_before_anything_is_sent_to_twilio() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let profiles = profiles(&sb);
    let (old, _, _) = minted(&sb, &profiles, dir.path()).await;
    let before = accounts_posts(&sb).await.len();
    let (again, _) = mint_on(&sb, &profiles, &old, false, dir.path()).await;
    let Err(failure @ MintFailure::SecondaryExists { .. }) = again else {
        panic!("expected SecondaryExists, got {again:?}");
    };
    assert!(failure.to_string().contains("did not finish"), "{failure}");
    assert_eq!(
        accounts_posts(&sb).await.len(),
        before,
        "no create was sent"
    );
}

#[tokio::test]
async fn a_promotion_with_no_secondary_left_at_twilio_says_the_targets_on_it_are_broken() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let profiles = profiles(&sb);
    let (old, _, _) = minted(&sb, &profiles, dir.path()).await;
    // Someone deletes the secondary in the console.
    let current = current_token(&sb, ACME);
    let deleted = reqwest::Client::new()
        .delete(format!("{}/v1/AuthTokens/Secondary", sb.origin()))
        .basic_auth(ACME, Some(current.expose()))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    let pending = telcreds::ops::rotation::Pending::new(&http(), &sb.origin(), &old);
    let promotion = pending.promote(&journal(dir.path())).await.result;
    let Err(failure @ NotPromoted::NoSecondary(_)) = promotion else {
        panic!("{promotion:?}");
    };
    let text = failure.to_string();
    assert!(text.contains("BROKEN"), "{text}");
    assert!(!text.contains("both tokens keep working"), "{text}");
}

#[tokio::test]
async fn twilio_rejecting_the_current_token_is_an_authentication_failure_exit_3() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = mint_config(&sb, dir.path());
    let text = std::fs::read_to_string(&cfg).unwrap().replacen(
        current_token(&sb, ACME).expose(),
        &"0".repeat(32),
        1,
    );
    std::fs::write(&cfg, text).unwrap();
    let run = mint_cli(&cfg, &["--profiles", "sandbox-dasha,sandbox-unpod"]).await;
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains("CURRENT auth token"), "{}", run.stderr);
    assert!(patches(&sb).await.is_empty());
}

/// `rotate twilio --account-sid ACME` with `extra`, answering nothing.
async fn rotate_cli(cfg: &Path, extra: &[&str]) -> crate::cli::Run {
    let args = [&["rotate", "twilio", "--account-sid", ACME][..], extra].concat();
    telcreds_env(cfg, &args, "", &[], false).await
}

#[tokio::test]
async fn a_parked_run_is_listed_with_who_holds_what_and_promote_never_kills_a_known_old_target() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = mint_config(&sb, dir.path());
    let old_token = current_token(&sb, ACME);
    let profiles = ["--profiles", "readonly-dasha,sandbox-unpod"];
    let run = mint_cli(&cfg, &profiles).await;
    assert_eq!(run.code, 9, "parked: {}", run.stderr);

    // `rotate status` rebuilds the run from the journal alone.
    let status = telcreds_env(&cfg, &["rotate", "status", "-o", "json"], "", &[], false).await;
    assert_eq!(status.code, 0, "{}", status.stderr);
    let runs: serde_json::Value = serde_json::from_str(&status.stdout).unwrap();
    let runs = runs.as_array().unwrap();
    assert_eq!(runs.len(), 1, "{runs:?}");
    assert_eq!(runs[0]["account_sid"], ACME);
    assert!(runs[0]["started"].is_string());
    let holds = |profile: &str| -> Vec<String> {
        runs[0]["targets"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["profile"] == profile)
            .map(|t| t["holds"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(
        holds("readonly-dasha").iter().all(|h| h == "old"),
        "{runs:?}"
    );
    assert!(
        !holds("sandbox-unpod").is_empty() && holds("sandbox-unpod").iter().all(|h| h == "new"),
        "{runs:?}"
    );
    let table = telcreds_env(&cfg, &["rotate", "status"], "", &[], false).await;
    assert!(table.stdout.contains("NOT promoted"), "{}", table.stdout);
    // doctor warns about it, with the command that finishes it.
    let doctor = telcreds_env(&cfg, &["doctor", "-o", "json"], "", &[], false).await;
    let report: serde_json::Value = serde_json::from_str(&doctor.stdout).unwrap();
    let step = report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["step"] == "unfinished rotation")
        .unwrap_or_else(|| panic!("{report:#}"));
    assert_eq!(step["status"], "warning");
    assert!(
        step["fix"].as_str().unwrap().contains("--promote"),
        "{step}"
    );
    assert!(table.stdout.contains("--promote"), "{}", table.stdout);
    assert!(table.stdout.contains("webhooks"), "{}", table.stdout);

    // --promote --yes: the read-only target the journal shows on the old token
    // blocks it; nothing is sent to Twilio.
    let promote = rotate_cli(&cfg, &[&["--promote", "--yes"][..], &profiles].concat()).await;
    assert_eq!(promote.code, 9, "{}\n{}", promote.stdout, promote.stderr);
    assert!(!promote.stdout.contains("dry run"), "{}", promote.stdout);
    assert!(promote.stdout.contains("no update recorded") || promote.stdout.contains("skipped"));
    assert!(
        promote.stdout.contains("new token recorded at"),
        "{}",
        promote.stdout
    );
    assert!(
        promote.stderr.contains("NOT promoted"),
        "{}",
        promote.stderr
    );
    assert!(promote.stderr.contains("--force"), "{}", promote.stderr);
    assert!(
        twilio_accepts(&sb, &old_token).await,
        "the old token still works"
    );

    // --abort cleans up; a second --abort has nothing to do and sends nothing.
    let abort = rotate_cli(&cfg, &[&["--abort", "--yes"][..], &profiles].concat()).await;
    assert_eq!(abort.code, 0, "{}\n{}", abort.stdout, abort.stderr);
    let before = requests(&sb).await.len();
    let again = rotate_cli(&cfg, &[&["--abort", "--yes"][..], &profiles].concat()).await;
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(
        again.stderr.contains("nothing to abort"),
        "{}",
        again.stderr
    );
    let sent = changes_since(&sb, before).await;
    assert!(sent.is_empty(), "{sent:?}");
    let none = telcreds_env(&cfg, &["rotate", "status", "-o", "json"], "", &[], false).await;
    assert_eq!(none.stdout.trim(), "[]");
}

#[tokio::test]
async fn promote_force_promotes_over_a_target_left_on_the_old_token_and_says_it_broke() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = mint_config(&sb, dir.path());
    let profiles = ["--profiles", "readonly-dasha,sandbox-unpod"];
    assert_eq!(mint_cli(&cfg, &profiles).await.code, 9);
    let promote = rotate_cli(
        &cfg,
        &[&["--promote", "--force", "--yes"][..], &profiles].concat(),
    )
    .await;
    assert_eq!(promote.code, 9, "{}\n{}", promote.stdout, promote.stderr);
    assert!(
        promote.stdout.contains("OLD TOKEN IS DEAD"),
        "{}",
        promote.stdout
    );
    assert!(sb.secondary_token(ACME).is_none(), "promoted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mint_killed_mid_deploy_is_rebuilt_from_the_journal_with_the_update_in_flight_unknown() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = mint_config(&sb, dir.path());
    // The Unpod update never answers in time: it is in flight when the run is killed.
    fault(
        &sb,
        serde_json::json!({"kind": "slow", "count": 1, "method": "PATCH",
            "path_prefix": "/api/v2/platform", "delay_ms": 60000}),
    )
    .await;
    let mut child = spawn_mint(&cfg, dir.path(), false);
    let journal = Journal::open(dir.path().join("data").join("journal.jsonl"));
    let in_flight = |entries: &[telcreds::journal::JournalEntry]| {
        entries.iter().any(|e| {
            e.action == Action::RotationUpdate
                && e.profile.as_deref() == Some("sandbox-unpod")
                && e.outcome == Outcome::Sent
        }) && entries
            .iter()
            .filter(|e| {
                e.action == Action::RotationUpdate
                    && e.profile.as_deref() == Some("sandbox-dasha")
                    && e.outcome == Outcome::Ok
            })
            .count()
            >= 3
    };
    wait_for_journal(&journal, in_flight).await;
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    let status = telcreds_env(&cfg, &["rotate", "status", "-o", "json"], "", &[], false).await;
    let runs: serde_json::Value = serde_json::from_str(&status.stdout).unwrap();
    let targets = runs[0]["targets"].as_array().unwrap();
    let holds_of = |profile: &str| -> Vec<&str> {
        targets
            .iter()
            .filter(|t| t["profile"] == profile)
            .map(|t| t["holds"].as_str().unwrap())
            .collect()
    };
    assert_eq!(holds_of("sandbox-unpod"), ["unknown"], "{runs}");
    assert!(
        holds_of("sandbox-dasha").iter().all(|h| *h == "new"),
        "{runs}"
    );
    // The unknown target blocks a promotion.
    let promote = rotate_cli(
        &cfg,
        &[
            "--promote",
            "--yes",
            "--profiles",
            "sandbox-dasha,sandbox-unpod",
        ],
    )
    .await;
    assert_eq!(promote.code, 9, "{}\n{}", promote.stdout, promote.stderr);
    assert!(
        promote.stdout.contains("sent, no answer recorded"),
        "{}",
        promote.stdout
    );
    assert!(sb.secondary_token(ACME).is_some(), "not promoted");
}

#[tokio::test]
async fn after_a_promotion_whose_answer_was_lost_a_later_run_says_it_went_through() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = mint_config(&sb, dir.path());
    let profiles = ["--profiles", "readonly-dasha,sandbox-unpod"];
    assert_eq!(mint_cli(&cfg, &profiles).await.code, 9, "parked");
    // The promotion reaches Twilio; its answer is lost (the journal has "sent" only).
    let journal = Journal::open(dir.path().join("data").join("journal.jsonl"));
    journal
        .append(
            &telcreds::journal::JournalEntry::new(
                Action::RotationPromote,
                telcreds::journal::JournalTarget::new(
                    telcreds::journal::TargetKind::TwilioAccount,
                    ACME,
                    None,
                ),
            )
            .sent(),
        )
        .unwrap();
    let current = current_token(&sb, ACME);
    let promoted = reqwest::Client::new()
        .post(format!("{}/v1/AuthTokens/Promote", sb.origin()))
        .basic_auth(ACME, Some(current.expose()))
        .send()
        .await
        .unwrap();
    assert_eq!(promoted.status(), 200);
    for what in ["--promote", "--abort"] {
        let run = rotate_cli(&cfg, &[&[what, "--yes"][..], &profiles].concat()).await;
        assert_eq!(run.code, 3, "{}", run.stderr);
        assert!(
            run.stderr.contains("went through"),
            "{what}: {}",
            run.stderr
        );
        assert!(run.stderr.contains("Twilio console"), "{}", run.stderr);
    }
}

/// A mint whose Unpod update takes `delay_ms`, sent SIGINT (as ctrl-c in a terminal)
/// while that update is in flight: its stderr and exit status, and its journal.
async fn ctrl_c_mid_deploy(
    sb: &Sandbox,
    dir: &Path,
    delay_ms: u64,
) -> (String, Option<i32>, Journal) {
    use std::process::Command;
    let cfg = mint_config(sb, dir);
    fault(
        sb,
        serde_json::json!({"kind": "slow", "count": 1, "method": "PATCH",
            "path_prefix": "/api/v2/platform", "delay_ms": delay_ms}),
    )
    .await;
    let child = spawn_mint(&cfg, dir, true);
    let journal = Journal::open(dir.join("data").join("journal.jsonl"));
    let in_flight = |entries: &[telcreds::journal::JournalEntry]| {
        entries.iter().any(|e| {
            e.action == Action::RotationUpdate
                && e.profile.as_deref() == Some("sandbox-unpod")
                && e.outcome == Outcome::Sent
        })
    };
    wait_for_journal(&journal, in_flight).await;
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success()
    );
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (stderr, out.status.code(), journal)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_during_a_mint_on_the_command_line_says_where_the_run_stands() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    // The update in flight outlasts the grace: it is cut off.
    let (stderr, code, _) = ctrl_c_mid_deploy(&sb, dir.path(), 60000).await;
    assert_eq!(code, Some(130), "{stderr}");
    assert!(stderr.contains("NOT finished"), "{stderr}");
    assert!(stderr.contains("NOT promoted"), "{stderr}");
    assert!(stderr.contains("--promote"), "{stderr}");
    assert!(sb.secondary_token(ACME).is_some(), "not promoted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mint_killed_while_store_cmd_runs_says_the_new_token_may_be_stored_nowhere() {
    use std::process::Command;
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = mint_config(&sb, dir.path());
    // The store command never ends (a passphrase prompt no one answers).
    let text = std::fs::read_to_string(&cfg).unwrap();
    let stored = dir.path().join("stored");
    let text = text.replace(&format!("cat > '{}'", stored.display()), "sleep 100043");
    std::fs::write(&cfg, text).unwrap();
    let mut child = spawn_mint(&cfg, dir.path(), false);
    let journal = Journal::open(dir.path().join("data").join("journal.jsonl"));
    let storing = |entries: &[telcreds::journal::JournalEntry]| {
        entries
            .iter()
            .any(|e| e.action == Action::RotationStore && e.outcome == Outcome::Sent)
    };
    wait_for_journal(&journal, storing).await;
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let _ = Command::new("pkill")
        .args(["-f", "sleep 10004[3]"])
        .status();

    let status = telcreds_env(&cfg, &["rotate", "status"], "", &[], false).await;
    assert_eq!(status.code, 0, "{}", status.stderr);
    assert!(status.stderr.contains("never ended"), "{}", status.stderr);
    assert!(
        status.stderr.contains("Twilio console"),
        "{}",
        status.stderr
    );
    let doctor = telcreds_env(&cfg, &["doctor", "-o", "json"], "", &[], false).await;
    assert!(
        doctor.stdout.contains("new token not stored"),
        "{}",
        doctor.stdout
    );
}

/// `rotate twilio --mint --yes` on the sandbox profiles, started in the background
/// (stdout and stderr kept when `output`).
fn spawn_mint(cfg: &Path, dir: &Path, output: bool) -> std::process::Child {
    use std::process::{Command, Stdio};
    let out = || {
        if output {
            Stdio::piped()
        } else {
            Stdio::null()
        }
    };
    Command::new(env!("CARGO_BIN_EXE_telcreds"))
        .arg("--config")
        .arg(cfg)
        .args([
            "rotate",
            "twilio",
            "--account-sid",
            ACME,
            "--mint",
            "--yes",
            "--profiles",
            "sandbox-dasha,sandbox-unpod",
        ])
        .env("TELCREDS_STATE_DIR", dir.join("state"))
        .env("TELCREDS_DATA_DIR", dir.join("data"))
        .stdin(Stdio::null())
        .stdout(out())
        .stderr(out())
        .spawn()
        .unwrap()
}

/// Waits (at most 30 s) until the journal's entries meet `done`.
pub async fn wait_for_journal(
    journal: &Journal,
    done: impl Fn(&[telcreds::journal::JournalEntry]) -> bool,
) {
    for _ in 0..600 {
        if done(&journal.read().0) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the journal never got there: {:?}", journal.read().0);
}

/// ctrl-c while an update is in flight: it finishes within the grace (its answer is
/// journaled: the target holds the new token), then nothing more is sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_lets_the_update_in_flight_finish_and_starts_no_other_step() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let (stderr, code, journal) = ctrl_c_mid_deploy(&sb, dir.path(), 1500).await;
    assert_eq!(code, Some(130), "{stderr}");
    let (entries, _) = journal.read();
    assert!(
        entries.iter().any(|e| e.action == Action::RotationUpdate
            && e.profile.as_deref() == Some("sandbox-unpod")
            && e.outcome == Outcome::Ok),
        "the update in flight finished: {entries:#?}"
    );
    assert!(
        !entries.iter().any(|e| e.action == Action::RotationPromote),
        "no promotion after ctrl-c"
    );
    assert!(sb.secondary_token(ACME).is_some(), "not promoted");
    assert!(stderr.contains("NOT promoted"), "{stderr}");
    assert!(!stderr.contains("cut off"), "{stderr}");
}

/// Without a journal to record its steps in (and to tell an unfinished run from), a
/// mint is not started, and --promote / --abort do not claim there is nothing to do.
#[tokio::test]
async fn a_mint_is_not_started_when_the_journal_cannot_be_read() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = mint_config(&sb, dir.path());
    std::fs::create_dir_all(dir.path().join("data").join("journal.jsonl")).unwrap();
    let before = requests(&sb).await.len();
    let run = mint_cli(&cfg, &[]).await;
    assert_eq!(run.code, 8, "{}", run.stderr);
    assert!(
        run.stderr.contains("none is started without it"),
        "{}",
        run.stderr
    );
    let sent = changes_since(&sb, before).await;
    assert!(sent.is_empty(), "{sent:?}");
    for what in ["--promote", "--abort"] {
        let args = ["rotate", "twilio", "--account-sid", ACME, what, "--yes"];
        let run = telcreds_env(&cfg, &args, "", &[], false).await;
        assert_eq!(run.code, 1, "{what}: {}", run.stderr);
        assert!(run.stderr.contains("cannot tell whether"), "{}", run.stderr);
    }
}

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
    self, CheckedToken, MintFailure, Minted, Promotion, Rotator, TargetOutcome,
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
    let (old, _) = rotation::check_current(&http(), profiles, ACME, &current, &journal(dir)).await;
    let old = old.expect("the current token passes");
    let (minted, _) =
        rotation::mint(&http(), profiles, &sb.origin(), &old, false, &journal(dir)).await;
    let secondary = Secret::new(sb.secondary_token(ACME).expect("a secondary exists"));
    (old, minted.expect("a secondary is minted"), secondary)
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

    let (promotion, warnings) = minted.promote(&report, false, &journal(dir.path())).await;
    assert!(warnings.is_empty());
    let Promotion::Promoted { token } = promotion else {
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

    let (promotion, _) = minted.promote(&report, false, &journal(dir.path())).await;
    let Promotion::Blocked { left } = promotion else {
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
    let (promotion, _) = minted.promote(&report, false, &journal(dir.path())).await;
    assert!(
        matches!(promotion, Promotion::Blocked { .. }),
        "{promotion:?}"
    );

    let (abort, _) = minted
        .abort(&rotator(dir.path()), &plan, &report, &journal(dir.path()))
        .await;
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
    let (again, _) = rotation::mint(
        &http(),
        &profiles,
        &sb.origin(),
        &old,
        false,
        &journal(dir.path()),
    )
    .await;
    let Err(MintFailure::SecondaryExists { .. }) = again else {
        panic!("expected SecondaryExists, got {again:?}");
    };
    assert!(
        twilio_accepts(&sb, &first).await,
        "the existing secondary is untouched"
    );
    let (replaced, _) = rotation::mint(
        &http(),
        &profiles,
        &sb.origin(),
        &old,
        true,
        &journal(dir.path()),
    )
    .await;
    replaced.expect("replaced");
    let second = Secret::new(sb.secondary_token(ACME).unwrap());
    assert_ne!(second, first);
    assert!(!twilio_accepts(&sb, &first).await);
    assert!(twilio_accepts(&sb, &second).await);
}

//! The Unpod client against the sandbox: envelope, trailing slashes, 206 as an error.

use crate::support::*;
use telcreds::api::ApiError;
use telcreds::api::unpod::UnpodClient;
use telcreds::domain::{NewProvider, Platform, ProviderUpdate, VerificationStatus};
use telcreds::sandbox::{Sandbox, Seed, UNPOD_ORG_HANDLE};
use telcreds::secret::Secret;

const SID: &str = "AC00000000000000000000000000000042";
/// A well-formed token that is no sandbox account's.
const MADE_UP_TOKEN: &str = "0123456789abcdef0123456789abcdef";

fn new_config(sid: &str) -> NewProvider {
    new_config_with(sid, Secret::new(MADE_UP_TOKEN))
}

fn new_config_with(sid: &str, auth_token: Secret) -> NewProvider {
    NewProvider {
        name: None,
        provider: "twilio".into(),
        account_sid: sid.into(),
        auth_token,
        region: None,
        supports_call_transfer: None,
    }
}

/// Requests that reached Unpod's provider configurations: (method, path).
async fn configuration_requests(sb: &Sandbox) -> Vec<(String, String)> {
    requests(sb)
        .await
        .into_iter()
        .filter(|(_, p, _)| p.contains("configurations"))
        .map(|(m, p, _)| (m, p))
        .collect()
}

fn rejected_by_twilio(e: &ApiError) -> bool {
    matches!(e, ApiError::Validation { message, .. } if message == "Twilio rejected the credentials")
        && e.field_errors().len() == 1
        && e.field_errors()[0].field == "auth_token"
}

#[tokio::test]
async fn organizations_and_configurations_list() {
    let sb = sandbox(Seed::Demo).await;
    let c = unpod(&sb);
    let orgs = c.list_organizations().await.unwrap();
    assert!(
        orgs.iter()
            .any(|o| o.domain_handle.as_deref() == Some(UNPOD_ORG_HANDLE))
    );
    let configs = c.list_configurations().await.unwrap();
    assert!(configs.len() >= 3);
    assert!(
        configs
            .iter()
            .all(|p| p.status == VerificationStatus::NotVerifiable)
    );
    assert!(configs.iter().all(|p| p.account_sid.starts_with("AC")));
}

#[tokio::test]
async fn create_get_patch_delete_a_configuration() {
    let sb = sandbox(Seed::Empty).await;
    let c = client(&sb, Platform::Unpod);
    let accounts = sb.twilio_accounts();
    let (sid, other) = (accounts[0].sid.clone(), accounts[1].sid.clone());
    let created = c
        .create_provider(&new_config_with(&sid, current_token(&sb, &sid)))
        .await
        .unwrap();
    assert_eq!(created.account_sid, sid);
    assert_eq!(created.provider_type, "twilio");
    assert!(created.created_at.is_some());

    let e = c
        .create_provider(&new_config_with(&sid, current_token(&sb, &sid)))
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Conflict { .. }), "{e:?}");

    assert_eq!(c.get_provider(&created.id).await.unwrap().account_sid, sid);
    let rolled = Secret::new(sb.roll_twilio_token(&sid).unwrap());
    c.rotate_provider_token(&created.id, &rolled).await.unwrap();

    // A new Account SID comes with its token, checked with Twilio first: without one,
    // or with one Twilio refuses, nothing is sent.
    let mut update = ProviderUpdate {
        account_sid: Some(other.clone()),
        ..Default::default()
    };
    let sent_before = patches(&sb).await.len();
    let e = c.update_provider(&created.id, &update).await.unwrap_err();
    assert_eq!(e.field_errors()[0].field, "auth_token", "{e}");
    update.auth_token = Some(current_token(&sb, &sid));
    let e = c.update_provider(&created.id, &update).await.unwrap_err();
    assert!(e.to_string().contains("Twilio"), "{e}");
    assert_eq!(patches(&sb).await.len(), sent_before, "nothing was sent");
    assert_eq!(c.get_provider(&created.id).await.unwrap().account_sid, sid);
    update.auth_token = Some(current_token(&sb, &other));
    assert_eq!(
        c.update_provider(&created.id, &update)
            .await
            .unwrap()
            .account_sid,
        other
    );
    assert_eq!(patches(&sb).await.len(), sent_before + 1);
    c.rotate_provider_token(&created.id, &current_token(&sb, &other))
        .await
        .unwrap();

    c.delete_provider(&created.id).await.unwrap();
    let e = c.get_provider(&created.id).await.unwrap_err();
    assert!(matches!(e, ApiError::NotFound { .. }), "{e:?}");
}

#[tokio::test]
async fn create_checks_the_pair_with_twilio_first_and_sends_nothing_when_refused() {
    let sb = sandbox(Seed::Empty).await;
    let c = client(&sb, Platform::Unpod);
    let sid = sb.twilio_accounts()[0].sid.clone();
    for new in [new_config(&sid), new_config(SID)] {
        let e = c.create_provider(&new).await.unwrap_err();
        assert!(rejected_by_twilio(&e), "{e:?}");
        assert!(!format!("{e} {e:?}").contains(MADE_UP_TOKEN));
    }
    // A suspended account is refused too, even with its current token.
    let suspended = sb
        .twilio_accounts()
        .into_iter()
        .find(|a| a.status != "active")
        .unwrap();
    let token = current_token(&sb, &suspended.sid);
    let e = c
        .create_provider(&new_config_with(&suspended.sid, token))
        .await
        .unwrap_err();
    assert!(rejected_by_twilio(&e), "{e:?}");
    assert_eq!(configuration_requests(&sb).await, Vec::new());
    assert!(unpod(&sb).list_configurations().await.unwrap().is_empty());
}

#[tokio::test]
async fn rotation_checks_the_new_token_against_the_configured_account() {
    let sb = sandbox(Seed::Demo).await;
    let c = client(&sb, Platform::Unpod);
    let config = c.list_providers().await.unwrap()[0].clone();
    let before = configuration_requests(&sb).await.len();
    // A made-up token, and another account's real token, are both refused.
    let another = sb
        .twilio_accounts()
        .into_iter()
        .find(|a| a.sid != config.account_sid && a.status == "active")
        .unwrap();
    for token in [Secret::new(MADE_UP_TOKEN), current_token(&sb, &another.sid)] {
        let e = c
            .rotate_provider_token(&config.id, &token)
            .await
            .unwrap_err();
        assert!(rejected_by_twilio(&e), "{e:?}");
    }
    let sent: Vec<String> = configuration_requests(&sb).await[before..]
        .iter()
        .map(|(m, _)| m.clone())
        .collect();
    assert!(sent.iter().all(|m| m == "GET"), "only reads: {sent:?}");

    let token = Secret::new(sb.roll_twilio_token(&config.account_sid).unwrap());
    c.rotate_provider_token(&config.id, &token).await.unwrap();
    let patched = configuration_requests(&sb)
        .await
        .into_iter()
        .filter(|(m, _)| m == "PATCH")
        .count();
    assert_eq!(patched, 1);

    let e = c.rotate_provider_token("999999", &token).await.unwrap_err();
    assert!(matches!(e, ApiError::NotFound { .. }), "{e:?}");
}

#[tokio::test]
async fn a_206_answer_is_a_validation_error() {
    let sb = sandbox(Seed::Demo).await;
    let c = unpod(&sb);
    let id = c.list_configurations().await.unwrap()[0].id.clone();
    let e = c
        .patch_configuration(&id, Some("not-a-sid"), None)
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Validation { .. }), "{e:?}");
    assert_eq!(e.field_errors()[0].field, "account_sid");
    let statuses: Vec<u16> = requests(&sb).await.into_iter().map(|r| r.2).collect();
    assert!(statuses.contains(&206), "{statuses:?}");
}

#[tokio::test]
async fn create_validation_is_reported_per_field() {
    let sb = sandbox(Seed::Empty).await;
    let mut bad = new_config("AC-nope");
    bad.provider = "carrier-pigeon".into();
    let e = unpod(&sb).create_configuration(&bad).await.unwrap_err();
    let mut fields: Vec<&str> = e.field_errors().iter().map(|f| f.field.as_str()).collect();
    fields.sort();
    assert_eq!(fields, ["account_sid", "provider"], "{e:?}");
}

#[tokio::test]
async fn wrong_token_org_handle_and_missing_handle_are_told_apart() {
    let sb = sandbox(Seed::Demo).await;
    let mut s = unpod_settings(&sb);
    s.token = Secret::new("wrong");
    let e = UnpodClient::new(http(), s)
        .list_configurations()
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Unauthorized { .. }), "{e:?}");

    let mut s = unpod_settings(&sb);
    s.org_handle = "someone-else.example".into();
    let e = UnpodClient::new(http(), s)
        .list_configurations()
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Forbidden { .. }), "{e:?}");
    assert!(e.to_string().contains("someone-else.example"), "{e}");

    let mut s = unpod_settings(&sb);
    s.org_handle = String::new();
    let e = UnpodClient::new(http(), s)
        .list_configurations()
        .await
        .unwrap_err();
    assert!(e.to_string().contains("Org-Handle"), "{e}");
}

#[tokio::test]
async fn the_singular_path_spelling_works_when_configured() {
    let sb = sandbox(Seed::Demo).await;
    let mut s = unpod_settings(&sb);
    s.configurations_path = "telephony/provider-configurations".into();
    let configs = UnpodClient::new(http(), s)
        .list_configurations()
        .await
        .unwrap();
    assert!(!configs.is_empty());
    let paths: Vec<String> = requests(&sb).await.into_iter().map(|r| r.1).collect();
    assert!(
        paths.iter().all(|p| p.ends_with('/')),
        "trailing slashes: {paths:?}"
    );
}

#[tokio::test]
async fn unpod_has_no_sip_credentials_or_verification() {
    let sb = sandbox(Seed::Demo).await;
    let c = client(&sb, Platform::Unpod);
    assert!(matches!(
        c.list_sip_credentials().await,
        Err(ApiError::Unsupported(_))
    ));
    let id = c.list_providers().await.unwrap()[0].id.clone();
    assert!(matches!(
        c.verify_provider(&id).await,
        Err(ApiError::Unsupported(_))
    ));
    assert!(!c.capabilities().sip_credentials);
}

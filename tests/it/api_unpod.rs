//! The Unpod client against the sandbox: envelope, trailing slashes, 206 as an error.

use crate::support::*;
use telcreds::api::ApiError;
use telcreds::api::unpod::UnpodClient;
use telcreds::domain::{NewProvider, Platform, ProviderUpdate, VerificationStatus};
use telcreds::sandbox::{Seed, UNPOD_ORG_HANDLE};
use telcreds::secret::Secret;

const SID: &str = "AC00000000000000000000000000000042";

fn new_config(sid: &str) -> NewProvider {
    NewProvider {
        name: None,
        provider: "twilio".into(),
        account_sid: sid.into(),
        auth_token: Secret::new("0123456789abcdef0123456789abcdef"),
        region: None,
        supports_call_transfer: None,
    }
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
    let created = c.create_provider(&new_config(SID)).await.unwrap();
    assert_eq!(created.account_sid, SID);
    assert_eq!(created.provider_type, "twilio");
    assert!(created.created_at.is_some());

    let e = c.create_provider(&new_config(SID)).await.unwrap_err();
    assert!(matches!(e, ApiError::Conflict { .. }), "{e:?}");

    assert_eq!(c.get_provider(&created.id).await.unwrap().account_sid, SID);
    let other = "AC00000000000000000000000000000043";
    let update = ProviderUpdate {
        account_sid: Some(other.into()),
        ..Default::default()
    };
    assert_eq!(
        c.update_provider(&created.id, &update)
            .await
            .unwrap()
            .account_sid,
        other
    );
    let token = Secret::new("fedcba9876543210fedcba9876543210");
    c.rotate_provider_token(&created.id, &token).await.unwrap();

    c.delete_provider(&created.id).await.unwrap();
    let e = c.get_provider(&created.id).await.unwrap_err();
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

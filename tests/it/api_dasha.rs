//! The Dasha client against the sandbox: every call and every error kind.

use crate::support::*;
use futures_util::stream::{self, StreamExt};
use telcreds::api::ApiError;
use telcreds::domain::{
    NewProvider, Platform, ProviderUpdate, SipCredentialInput, SipSource, Transport,
    TransportField, VerificationStatus,
};
use telcreds::sandbox::{DASHA_READONLY_TOKEN, Seed};
use telcreds::secret::Secret;

/// A complete SIP credential input for `server`.
pub(crate) fn sip_input(server: &str) -> SipCredentialInput {
    SipCredentialInput {
        server: server.into(),
        domain: Some("carrier.example".into()),
        auth_user: Some("trunk-user".into()),
        auth_password: Some(Secret::new("s3cret-Passw0rd")),
        transport: Transport::Tls.into(),
        description: Some("integration test trunk".into()),
        cps_limit: Some(5),
        cps_key: Some("group-a".into()),
    }
}

#[tokio::test]
async fn providers_list_covers_every_status_and_get_returns_twilio_fields() {
    let sb = sandbox(Seed::Demo).await;
    let c = dasha(&sb);
    let providers = c.list_providers().await.unwrap();
    assert!(providers.len() >= 6);
    for status in [
        VerificationStatus::Verified,
        VerificationStatus::Warning,
        VerificationStatus::Failed,
        VerificationStatus::Pending,
    ] {
        assert!(
            providers.iter().any(|p| p.status == status),
            "no {status} provider in the seed"
        );
    }
    let first = &providers[0];
    let full = c.get_twilio_provider(&first.id).await.unwrap();
    assert_eq!(full.account_sid, first.account_sid);
    assert!(full.trunk_sid.is_some());
    let generic = c.get_provider(&first.id).await.unwrap();
    assert_eq!(generic.id, first.id);
}

#[tokio::test]
async fn auth_errors_are_told_apart() {
    let sb = sandbox(Seed::Demo).await;
    let e = dasha_with(&sb, "not-a-token")
        .list_providers()
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Unauthorized { .. }), "{e:?}");
    let ro = dasha_with(&sb, DASHA_READONLY_TOKEN);
    assert!(ro.list_sip_credentials().await.is_ok());
    let e = ro
        .create_sip_credential(&sip_input("sip.ro.example"))
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Forbidden { .. }), "{e:?}");
}

#[tokio::test]
async fn not_found_is_reported() {
    let sb = sandbox(Seed::Demo).await;
    let c = dasha(&sb);
    let e = c
        .get_twilio_provider("00000000-0000-0000-0000-000000000000")
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::NotFound { .. }), "{e:?}");
    let e = c.get_sip_credential("not-a-uuid").await.unwrap_err();
    assert!(matches!(e, ApiError::NotFound { .. }), "{e:?}");
}

#[tokio::test]
async fn create_update_rotate_verify_delete_a_twilio_provider() {
    let sb = sandbox(Seed::Empty).await;
    let c = client(&sb, Platform::Dasha);
    let account = sb
        .twilio_accounts()
        .into_iter()
        .find(|a| a.status == "active")
        .unwrap();
    let token = current_token(&sb, &account.sid);

    // A token Twilio rejects is refused by the platform, field by field.
    let wrong = NewProvider {
        name: Some("test".into()),
        provider: "twilio".into(),
        account_sid: account.sid.clone(),
        auth_token: Secret::new("0123456789abcdef0123456789abcdef"),
        region: Some("us1".into()),
        supports_call_transfer: Some(true),
    };
    let e = c.create_provider(&wrong).await.unwrap_err();
    assert_eq!(e.field_errors()[0].field, "auth_token", "{e:?}");
    assert!(c.list_providers().await.unwrap().is_empty());

    let created = c
        .create_provider(&NewProvider {
            auth_token: token.clone(),
            ..wrong
        })
        .await
        .unwrap();
    assert_eq!(created.account_sid, account.sid);
    assert_eq!(created.status, VerificationStatus::Verified);
    assert_eq!(created.region.as_deref(), Some("us1"));

    let update = ProviderUpdate {
        name: Some("renamed".into()),
        region: Some("ie1".into()),
        ..Default::default()
    };
    let updated = c.update_provider(&created.id, &update).await.unwrap();
    assert_eq!(
        (updated.name.as_deref(), updated.region.as_deref()),
        (Some("renamed"), Some("ie1"))
    );
    assert_eq!(
        updated.supports_call_transfer,
        Some(true),
        "PUT is partial: untouched fields stay"
    );

    // Rotation: after the account's token is rolled, verification fails until the new
    // token is rotated in; the old token is refused and changes nothing.
    let new_token = Secret::new(sb.roll_twilio_token(&account.sid).unwrap());
    let r = c.verify_provider(&created.id).await.unwrap();
    assert_eq!(r.status, VerificationStatus::Failed);
    let credentials = r.checks.iter().find(|c| c.name == "credentials").unwrap();
    assert_eq!(credentials.status.as_str(), "failed");
    let e = c
        .rotate_provider_token(&created.id, &token)
        .await
        .unwrap_err();
    assert_eq!(e.field_errors()[0].field, "auth_token", "{e:?}");
    c.rotate_provider_token(&created.id, &new_token)
        .await
        .unwrap();
    let r = c.verify_provider(&created.id).await.unwrap();
    assert_eq!(r.status, VerificationStatus::Verified, "{:?}", r.checks);
    assert!(r.last_verified_at.is_some());

    // Deleting cascades to the provider's own SIP credentials.
    let own_sip = c.list_sip_credentials().await.unwrap();
    assert!(own_sip.iter().any(|s| s.source == SipSource::Provider));
    c.delete_provider(&created.id).await.unwrap();
    let e = c.get_provider(&created.id).await.unwrap_err();
    assert!(matches!(e, ApiError::NotFound { .. }));
    assert!(c.list_sip_credentials().await.unwrap().is_empty());
}

#[tokio::test]
async fn the_operations_layer_stops_bad_input_before_any_call() {
    let sb = sandbox(Seed::Empty).await;
    let dir = tempfile::tempdir().unwrap();
    let stores = telcreds::ops::Stores::in_dir(dir.path());
    let ops =
        telcreds::ops::Ops::connect(&profile(&sb, "d", Platform::Dasha), http(), stores).unwrap();
    let bad = NewProvider {
        name: None,
        provider: "twilio".into(),
        account_sid: "AC123".into(),
        auth_token: Secret::new("0123456789abcdef0123456789abcde"),
        region: None,
        supports_call_transfer: None,
    };
    let done = ops.create_provider(&bad).await;
    let e = done.result.unwrap_err();
    let fields: Vec<&str> = e.field_errors().iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["account_sid", "auth_token"]);
    assert!(e.to_string().contains("got 31 characters"), "{e}");
    assert!(
        done.journaled.is_none(),
        "nothing was sent, nothing to journal"
    );
    let mut input = sip_input("sip.example");
    input.transport = TransportField::parse("carrier-pigeon");
    let e = ops.create_sip(&input).await.result.unwrap_err();
    assert_eq!(e.field_errors()[0].field, "transport");
    let e = ops
        .rotate_provider_token("p1", &Secret::new("short"))
        .await
        .result
        .unwrap_err();
    assert_eq!(e.field_errors()[0].field, "auth_token");
    assert!(requests(&sb).await.is_empty(), "nothing was sent");
}

#[tokio::test]
async fn sip_credentials_create_get_replace_delete() {
    let sb = sandbox(Seed::Empty).await;
    let c = client(&sb, Platform::Dasha);
    let created = c
        .create_sip_credential(&sip_input("sip.carrier.example:5061"))
        .await
        .unwrap();
    assert_eq!(created.source, SipSource::Manual);
    assert_eq!(created.transport, Transport::Tls.into());
    assert_eq!(
        created.auth_password.as_ref().map(Secret::expose),
        Some("s3cret-Passw0rd")
    );

    let got = c.get_sip_credential(&created.id).await.unwrap();
    assert_eq!(got, created);

    let mut input = got.to_input().unwrap();
    input.transport = Transport::Udp.into();
    input.cps_limit = None;
    input.description = Some("replaced".into());
    let replaced = c.update_sip_credential(&created.id, &input).await.unwrap();
    assert_eq!(replaced.id, created.id, "a full replacement keeps the id");
    assert_eq!(
        (replaced.transport, replaced.cps_limit),
        (Transport::Udp.into(), None)
    );
    assert_eq!(replaced.server, created.server);
    assert_eq!(replaced.auth_password, created.auth_password);

    assert!(
        c.sip_credential_dependants(&created.id)
            .await
            .unwrap()
            .is_empty()
    );
    c.delete_sip_credential(&created.id, false).await.unwrap();
    assert!(matches!(
        c.get_sip_credential(&created.id).await,
        Err(ApiError::NotFound { .. })
    ));
}

#[tokio::test]
async fn platform_validation_errors_name_their_fields() {
    let sb = sandbox(Seed::Empty).await;
    // The bare Dasha client skips local validation, so the platform's answer is seen.
    let mut input = sip_input("");
    input.auth_password = Some(Secret::new("x".repeat(65)));
    let e = dasha(&sb).create_sip_credential(&input).await.unwrap_err();
    let mut fields: Vec<&str> = e.field_errors().iter().map(|f| f.field.as_str()).collect();
    fields.sort();
    assert_eq!(fields, ["auth_password", "server"], "{e:?}");
    assert!(
        !e.to_string().contains(&"x".repeat(65)),
        "the rejected password is not echoed"
    );
}

#[tokio::test]
async fn deleting_a_used_credential_conflicts_until_forced() {
    let sb = sandbox(Seed::Demo).await;
    let c = client(&sb, Platform::Dasha);
    let creds = c.list_sip_credentials().await.unwrap();
    let mut used = None;
    for cred in creds.iter().filter(|c| c.source == SipSource::Manual) {
        let d = c.sip_credential_dependants(&cred.id).await.unwrap();
        if !d.phone_numbers.is_empty() {
            used = Some((cred.clone(), d));
            break;
        }
    }
    let (cred, dependants) = used.expect("the demo seed has a manual credential in use");
    assert!(
        dependants
            .phone_numbers
            .iter()
            .any(|n| !n.affected_agents.is_empty())
    );

    let e = c.delete_sip_credential(&cred.id, false).await.unwrap_err();
    match &e {
        ApiError::Conflict { dependants: d, .. } => {
            assert_eq!(d.phone_numbers.len(), dependants.phone_numbers.len())
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert!(
        e.to_string()
            .contains(&dependants.phone_numbers[0].phone_number),
        "{e}"
    );
    c.get_sip_credential(&cred.id)
        .await
        .expect("still there after the conflict");
    c.delete_sip_credential(&cred.id, true).await.unwrap();
    assert!(matches!(
        c.get_sip_credential(&cred.id).await,
        Err(ApiError::NotFound { .. })
    ));
}

#[tokio::test]
async fn provider_managed_credentials_are_read_only_on_the_platform_too() {
    let sb = sandbox(Seed::Demo).await;
    let c = dasha(&sb);
    let managed = c
        .list_sip_credentials()
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.source == SipSource::Provider)
        .expect("the seed has provider-managed credentials");
    assert!(managed.provider_id.is_some());
    let e = c
        .replace_sip_credential(&managed.id, &managed.to_input().unwrap())
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Validation { .. }), "{e:?}");
    let e = c
        .delete_sip_credential(&managed.id, true)
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Validation { .. }), "{e:?}");
}

#[tokio::test]
async fn phone_numbers_filter_by_provider() {
    let sb = sandbox(Seed::Demo).await;
    let c = dasha(&sb);
    let all = c.list_phone_numbers(None).await.unwrap();
    let provider = c
        .list_providers()
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.phone_number_count.unwrap_or(0) > 0)
        .unwrap();
    let own = c.list_phone_numbers(Some(&provider.id)).await.unwrap();
    assert!(!own.is_empty() && own.len() < all.len());
    assert!(
        own.iter()
            .all(|n| n.provider_id.as_deref() == Some(provider.id.as_str()))
    );
}

#[tokio::test]
async fn listing_fetches_every_page_past_a_thousand() {
    let sb = sandbox(Seed::Empty).await;
    let c = dasha(&sb);
    let created: Vec<_> = stream::iter(0..1_234)
        .map(|i| {
            let c = c.clone();
            async move {
                c.create_sip_credential(&sip_input(&format!("sip{i}.example")))
                    .await
                    .unwrap()
            }
        })
        .buffer_unordered(16)
        .collect()
        .await;
    assert_eq!(created.len(), 1_234);
    let listed = c.list_sip_credentials().await.unwrap();
    assert_eq!(listed.len(), 1_234);
    let ids: std::collections::HashSet<_> = listed.iter().map(|s| s.id.clone()).collect();
    assert_eq!(ids.len(), 1_234, "no item twice, none missing");
    let pages = requests(&sb)
        .await
        .into_iter()
        .filter(|(m, p, _)| m == "GET" && p.ends_with("/sip-credentials"))
        .count();
    assert_eq!(pages, 2, "two pages of at most 1,000");
}

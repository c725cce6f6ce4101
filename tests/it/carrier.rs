//! Finding the carrier end of a SIP credential on the sandbox: found, not found,
//! ambiguous, unreadable.

use crate::probe::{TRUNK_CREDENTIAL, twilio_form};
use crate::support::{dasha, fault, http, sandbox};
use serde_json::json;
use telcreds::config::{TokenSource, TwilioAccount};
use telcreds::ops::carrier::{CarrierEnd, find_carrier_end};
use telcreds::sandbox::{Sandbox, Seed};
use telcreds::secret::Secret;

/// The sandbox's active accounts as `[twilio_accounts]` tables.
fn accounts(sb: &Sandbox) -> Vec<TwilioAccount> {
    telcreds::tui::runtime::demo::twilio_accounts(sb)
}

#[tokio::test]
async fn the_demo_trunk_credential_has_its_carrier_end() {
    let sb = sandbox(Seed::Demo).await;
    let c = dasha(&sb)
        .get_sip_credential(TRUNK_CREDENTIAL)
        .await
        .unwrap();
    let found = find_carrier_end(&c, &accounts(&sb), &http()).await;
    let link = found.found().unwrap_or_else(|| panic!("{found:?}"));
    assert_eq!(link.account_sid, sb.twilio_accounts()[0].sid);
    assert!(link.trunk_sid.starts_with("TK") && link.credential_list_sid.starts_with("CL"));
    assert!(link.credential_sid.starts_with("CR"));
    assert_eq!(Some(&link.username), c.auth_user.as_ref());
    assert_eq!(link.trunk_name.as_deref(), Some("Acme voice"));
    assert!(found.missing().is_none());
}

#[tokio::test]
async fn other_credentials_have_none_and_say_why() {
    let sb = sandbox(Seed::Demo).await;
    let client = dasha(&sb);
    let mut other = client
        .get_sip_credential("c2000000-0000-4000-8000-000000000001")
        .await
        .unwrap();
    let why = find_carrier_end(&other, &accounts(&sb), &http())
        .await
        .missing()
        .unwrap();
    assert!(
        why.starts_with("its server sip.carrier-eu.example is not a Twilio Elastic SIP trunk's"),
        "{why}"
    );
    other.server = "Nowhere.pstn.twilio.com:5060".into();
    let why = find_carrier_end(&other, &accounts(&sb), &http())
        .await
        .missing()
        .unwrap();
    assert_eq!(
        why,
        "no trunk of the 4 configured Twilio accounts has domain_name nowhere.pstn.twilio.com"
    );
    let mut renamed = client.get_sip_credential(TRUNK_CREDENTIAL).await.unwrap();
    renamed.auth_user = Some("someone-else".into());
    let end = find_carrier_end(&renamed, &accounts(&sb), &http()).await;
    assert!(
        matches!(&end, CarrierEnd::NotFound { why } if why.starts_with("no credential someone-else in the lists of trunk TK")),
        "{end:?}"
    );
    let end = find_carrier_end(&renamed, &[], &http()).await;
    assert!(
        end.missing()
            .unwrap()
            .contains("no [twilio_accounts] table"),
        "{end:?}"
    );
}

#[tokio::test]
async fn an_account_or_list_that_cannot_be_read_makes_the_answer_unreadable() {
    let sb = sandbox(Seed::Demo).await;
    let c = dasha(&sb)
        .get_sip_credential(TRUNK_CREDENTIAL)
        .await
        .unwrap();
    // A list that answers 500 every time (retries included).
    fault(
        &sb,
        json!({"kind": "server_error", "count": 10, "method": "GET",
               "path_prefix": format!("/2010-04-01/Accounts/{}/SIP/", sb.twilio_accounts()[0].sid)}),
    )
    .await;
    let end = find_carrier_end(&c, &accounts(&sb), &http()).await;
    assert!(
        matches!(&end, CarrierEnd::Unreadable { why, .. } if why.contains("credential list CL")),
        "{end:?}"
    );
    reqwest::Client::new()
        .delete(format!("{}/_sandbox/faults", sb.origin()))
        .send()
        .await
        .unwrap();
    // An account whose token is wrong: its trunks are unknown.
    let mut wrong = accounts(&sb);
    wrong[1].token = TokenSource::Inline(Secret::new("0000000000000000000000000000dead"));
    let end = find_carrier_end(&c, &wrong, &http()).await;
    let why = end.missing().unwrap();
    assert!(
        matches!(end, CarrierEnd::Unreadable { .. }) && why.contains(&wrong[1].account_sid),
        "{why}"
    );
    assert!(!why.contains("dead"), "{why}");
}

#[tokio::test]
async fn the_same_username_in_two_lists_of_the_trunk_is_ambiguous() {
    let sb = sandbox(Seed::Demo).await;
    let c = dasha(&sb)
        .get_sip_credential(TRUNK_CREDENTIAL)
        .await
        .unwrap();
    let user = c.auth_user.clone().unwrap();
    // A second list holding the same username with another password, attached to
    // the demo trunk: Twilio then accepts either pair.
    let account = sb.twilio_accounts()[0].sid.clone();
    let (code, list) = twilio_form(
        &sb,
        reqwest::Method::POST,
        &format!(
            "{}/2010-04-01/Accounts/{account}/SIP/CredentialLists.json",
            sb.origin()
        ),
        &[("FriendlyName", "Acme voice spare")],
    )
    .await;
    assert_eq!(code, 201, "{list}");
    let list = list["sid"].as_str().unwrap();
    let url = format!(
        "{}/2010-04-01/Accounts/{account}/SIP/CredentialLists/{list}/Credentials.json",
        sb.origin()
    );
    let (code, _) = twilio_form(
        &sb,
        reqwest::Method::POST,
        &url,
        &[
            ("Username", user.as_str()),
            ("Password", "CANARY-Spare-Pa55"),
        ],
    )
    .await;
    assert_eq!(code, 201);
    let before = find_carrier_end(&c, &accounts(&sb), &http()).await;
    let trunk = before.found().unwrap().trunk_sid.clone();
    let (code, _) = twilio_form(
        &sb,
        reqwest::Method::POST,
        &format!(
            "{}/v1/Trunks/{trunk}/CredentialLists",
            sb.twilio_trunking_base()
        ),
        &[("CredentialListSid", list)],
    )
    .await;
    assert_eq!(code, 201);
    let end = find_carrier_end(&c, &accounts(&sb), &http()).await;
    let why = end.missing().unwrap();
    match end {
        CarrierEnd::Ambiguous { candidates } => {
            assert_eq!(candidates.len(), 2);
            assert_ne!(
                candidates[0].credential_list_sid,
                candidates[1].credential_list_sid
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(why.starts_with("2 credentials match"), "{why}");
    assert!(!why.contains("CANARY"), "{why}");
}

#[tokio::test]
async fn sip_show_names_the_carrier_end_or_why_there_is_none() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = crate::cli::write_config(&sb, dir.path());
    let c = dasha(&sb)
        .get_sip_credential(TRUNK_CREDENTIAL)
        .await
        .unwrap();
    let password = c.auth_password.clone().unwrap();
    let run = |args: Vec<&'static str>| {
        let cfg = cfg.clone();
        async move { crate::cli::telcreds(&cfg, &args, "").await }
    };

    let json = run(vec![
        "-p",
        "sandbox-dasha",
        "-o",
        "json",
        "sip",
        "show",
        TRUNK_CREDENTIAL,
    ])
    .await;
    assert_eq!(json.code, 0, "{}", json.stderr);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let carrier = &v["carrier"];
    assert_eq!(carrier["account_sid"], sb.twilio_accounts()[0].sid.as_str());
    assert_eq!(carrier["username"], c.auth_user.clone().unwrap().as_str());
    for key in ["trunk_sid", "credential_list_sid", "credential_sid"] {
        assert!(carrier[key].is_string(), "{key}: {v}");
    }
    assert!(v.get("carrier_missing").is_none(), "{v}");

    let table = run(vec!["-p", "sandbox-dasha", "sip", "show", TRUNK_CREDENTIAL]).await;
    assert_eq!(table.code, 0, "{}", table.stderr);
    let line = table
        .stdout
        .lines()
        .find(|l| l.starts_with("carrier"))
        .unwrap_or_else(|| panic!("{}", table.stdout));
    assert!(
        line.contains(carrier["trunk_sid"].as_str().unwrap())
            && line.contains(carrier["credential_sid"].as_str().unwrap())
            && line.contains("Acme voice"),
        "{line}"
    );
    for out in [&json.stdout, &json.stderr, &table.stdout, &table.stderr] {
        assert!(!out.contains(password.expose()), "a password in {out}");
    }

    let other = "c2000000-0000-4000-8000-000000000001";
    let twilio_calls = |calls: Vec<(String, String, u16)>| {
        calls
            .into_iter()
            .filter(|(_, p, _)| p.starts_with("/trunking/") || p.contains("/SIP/"))
            .count()
    };
    let before = twilio_calls(crate::support::requests(&sb).await);
    assert!(before > 0);
    let none = run(vec![
        "-p",
        "sandbox-dasha",
        "-o",
        "json",
        "sip",
        "show",
        other,
    ])
    .await;
    let v: serde_json::Value = serde_json::from_str(&none.stdout).unwrap();
    assert!(v.get("carrier").is_none(), "{v}");
    assert!(
        v["carrier_missing"]
            .as_str()
            .unwrap()
            .contains("not a Twilio Elastic SIP trunk"),
        "{v}"
    );
    let none = run(vec!["-p", "sandbox-dasha", "sip", "show", other]).await;
    assert!(
        none.stdout
            .lines()
            .any(|l| l.starts_with("carrier") && l.contains("none")),
        "{}",
        none.stdout
    );
    // No Twilio call (nor token_cmd) for a server that is no Twilio trunk's.
    assert_eq!(twilio_calls(crate::support::requests(&sb).await), before);

    // The trace log, journal and history hold neither the SIP password nor the
    // Twilio token the lookup used.
    let token = sb.twilio_accounts()[0].auth_token.clone();
    let mut files = String::new();
    let mut dirs = vec![dir.path().join("state"), dir.path().join("data")];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                files.push_str(&String::from_utf8_lossy(&std::fs::read(&path).unwrap()));
            }
        }
    }
    assert!(files.contains("/trunking/v1/Trunks"), "the log was written");
    assert!(
        !files.contains(password.expose()),
        "the SIP password in a file"
    );
    assert!(!files.contains(&token), "the Twilio token in a file");
}

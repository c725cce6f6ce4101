//! The Twilio credential check.

use super::*;

#[tokio::test]
async fn twilio_accepts_only_the_current_pair() {
    let env = Env::empty().await;
    let account = env.sandbox.twilio_accounts().into_iter().next().unwrap();
    let url = env.url(&format!("/2010-04-01/Accounts/{}.json", account.sid));
    let check = |token: &str| env.http.get(&url).basic_auth(&account.sid, Some(token));

    let (status, body) = send(check(&account.auth_token)).await;
    assert_eq!(status, 200);
    assert_eq!(
        (body["sid"].as_str(), body["status"].as_str()),
        (Some(account.sid.as_str()), Some("active"))
    );
    assert_eq!(body["owner_account_sid"], account.sid.as_str());
    assert!(body["date_created"].as_str().unwrap().ends_with("+0000"));

    let new = env.sandbox.roll_twilio_token(&account.sid).unwrap();
    let (status, body) = send(check(&account.auth_token)).await;
    assert_eq!((status, body["code"].as_u64()), (401, Some(20003)));
    assert_eq!(body["message"], "Authentication Error - invalid username");
    assert_eq!(send(check(&new)).await.0, 200);

    let other = env.sandbox.twilio_accounts()[1].clone();
    let wrong_user = env
        .http
        .get(&url)
        .basic_auth(&other.sid, Some(&other.auth_token));
    assert_eq!(send(wrong_user).await.0, 401);
    assert_eq!(send(env.http.get(&url)).await.0, 401);
    let no_suffix = env
        .http
        .get(env.url(&format!("/2010-04-01/Accounts/{}", account.sid)));
    assert_eq!(send(no_suffix).await.1["status"], 404);
}

#[tokio::test]
async fn twilio_reports_a_suspended_account_as_such() {
    let env = Env::empty().await;
    let suspended = env
        .sandbox
        .twilio_accounts()
        .into_iter()
        .find(|a| a.status == "suspended")
        .unwrap();
    let url = env.url(&format!("/2010-04-01/Accounts/{}.json", suspended.sid));
    let (status, body) = send(
        env.http
            .get(&url)
            .basic_auth(&suspended.sid, Some(&suspended.auth_token)),
    )
    .await;
    assert_eq!((status, body["status"].as_str()), (200, Some("suspended")));
}

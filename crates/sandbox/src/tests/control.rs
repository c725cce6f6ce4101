//! Control routes and the public `Sandbox` API.

use super::*;

#[tokio::test]
async fn control_routes_show_and_roll_twilio_tokens() {
    let env = Env::empty().await;
    let (status, accounts) = send(env.control(Method::GET, "/twilio/accounts")).await;
    assert_eq!(status, 200);
    let first = &accounts[0];
    let sid = first["account_sid"].as_str().unwrap().to_string();
    assert_eq!(first["auth_token"], env.token_of(&sid).as_str());
    assert!(first["friendly_name"].is_string() && first["status"] == "active");

    let (status, rolled) =
        send(env.control(Method::POST, &format!("/twilio/accounts/{sid}/roll-token"))).await;
    assert_eq!(
        (status, rolled["account_sid"].as_str()),
        (200, Some(sid.as_str()))
    );
    let token = rolled["auth_token"].as_str().unwrap();
    assert!(crate::body::is_hex32(token, true));
    assert_eq!(env.token_of(&sid), token);
    assert_ne!(first["auth_token"], token);

    let (status, _) = send(env.control(Method::POST, "/twilio/accounts/ACnope/roll-token")).await;
    assert_eq!(status, 404);
    assert_eq!(env.sandbox.roll_twilio_token("ACnope"), None);
    assert_eq!(send(env.control(Method::GET, "/nothing-here")).await.0, 404);
}

#[tokio::test]
async fn sandbox_reports_its_urls_and_a_config_with_live_tokens() {
    let env = Env::start().await;
    let origin = env.sandbox.origin();
    assert_eq!(
        origin,
        format!("http://127.0.0.1:{}", env.sandbox.addr().port())
    );
    assert_eq!(env.sandbox.dasha_base(), format!("{origin}/api/v1"));
    assert_eq!(
        env.sandbox.unpod_base(),
        format!("{origin}/api/v2/platform")
    );
    assert_eq!(env.sandbox.twilio_base(), origin);

    let sid = env.sandbox.twilio_accounts()[0].sid.clone();
    let token = env.sandbox.roll_twilio_token(&sid).unwrap();
    let config = env.sandbox.print_config();
    assert!(config.contains(&format!("{sid}  Acme Production")));
    assert!(
        config.contains(&token),
        "the comment shows the current token"
    );
    assert!(config.contains(&format!("base_url = \"{origin}/api/v1\"")));
}

#[tokio::test]
async fn shutdown_stops_the_server() {
    let env = Env::start().await;
    let url = env.url("/_sandbox/requests");
    assert_eq!(send(env.http.get(&url)).await.0, 200);
    let Env { sandbox, .. } = env;
    sandbox.shutdown().await;
    assert!(reqwest::Client::new().get(&url).send().await.is_err());
}

#[tokio::test]
async fn the_control_client_rolls_a_token_and_says_why_not() {
    use crate::control::{Client, ControlError};
    use telcreds_core::api::{Http, HttpOptions};
    let env = Env::empty().await;
    let http = Http::new(HttpOptions::default()).unwrap();
    let url = format!("{}/", env.sandbox.origin());
    let control = Client::new(http.clone(), &url);
    let sid = env.sandbox.twilio_accounts()[0].sid.clone();
    let rolled = control.roll_token(&format!(" {sid} ")).await.unwrap();
    assert_eq!(rolled.account_sid, sid);
    assert_eq!(env.token_of(&sid), rolled.auth_token.expose());

    let unknown = control.roll_token("ACnope").await.unwrap_err();
    assert!(
        matches!(unknown, ControlError::UnknownAccount { .. }),
        "{unknown:?}"
    );
    assert_eq!(
        unknown.to_string(),
        format!("the sandbox at {url} has no Twilio account ACnope (or is not a telcreds sandbox)")
    );

    let origin = env.sandbox.origin();
    let Env { sandbox, .. } = env;
    sandbox.shutdown().await;
    let gone = Client::new(http, &origin)
        .roll_token(&sid)
        .await
        .unwrap_err();
    assert!(matches!(gone, ControlError::Unreachable { .. }), "{gone:?}");
    assert!(
        gone.to_string()
            .starts_with(&format!("no sandbox answered at {origin}: ")),
        "{gone}"
    );
}

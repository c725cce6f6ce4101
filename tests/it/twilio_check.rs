//! The direct Twilio credential check against the sandbox's Twilio side.

use crate::support::*;
use telcreds::api::TwilioVerdict;
use telcreds::api::twilio::check_credentials;
use telcreds::sandbox::Seed;
use telcreds::secret::Secret;

#[tokio::test]
async fn valid_rejected_rolled_and_suspended() {
    let sb = sandbox(Seed::Empty).await;
    let accounts = sb.twilio_accounts();
    let active = accounts.iter().find(|a| a.status == "active").unwrap();
    let token = current_token(&sb, &active.sid);
    let v = check_credentials(&http(), &sb.twilio_base(), &active.sid, &token)
        .await
        .unwrap();
    assert!(matches!(v, TwilioVerdict::Valid { .. }), "{v:?}");

    let wrong = Secret::new("0123456789abcdef0123456789abcdef");
    match check_credentials(&http(), &sb.twilio_base(), &active.sid, &wrong)
        .await
        .unwrap()
    {
        TwilioVerdict::Rejected { reason } => assert!(reason.contains("20003"), "{reason}"),
        v => panic!("expected a rejection, got {v:?}"),
    }

    sb.roll_twilio_token(&active.sid).unwrap();
    let v = check_credentials(&http(), &sb.twilio_base(), &active.sid, &token)
        .await
        .unwrap();
    assert!(
        matches!(v, TwilioVerdict::Rejected { .. }),
        "the old token fails after a roll"
    );

    {
        let suspended = accounts
            .iter()
            .find(|a| a.status != "active")
            .expect("the demo has an account that is not active");
        let token = current_token(&sb, &suspended.sid);
        match check_credentials(&http(), &sb.twilio_base(), &suspended.sid, &token)
            .await
            .unwrap()
        {
            TwilioVerdict::Rejected { reason } => {
                assert!(reason.contains(&suspended.status), "{reason}")
            }
            v => panic!("expected a rejection, got {v:?}"),
        }
    }
}

//! Twilio's secondary auth token against the sandbox: create, both tokens work,
//! promote (the old one dies), delete, and Twilio's errors.

use crate::support::{current_token, http, sandbox};
use telcreds::api::twilio::check_credentials;
use telcreds::api::twilio_accounts::TwilioAccounts;
use telcreds::api::{ApiError, TwilioVerdict};
use telcreds::sandbox::Seed;

fn valid(v: &TwilioVerdict) -> bool {
    matches!(v, TwilioVerdict::Valid { .. })
}

#[tokio::test]
async fn a_secondary_token_works_beside_the_primary_until_it_is_promoted() {
    let sb = sandbox(Seed::Demo).await;
    let sid = sb.twilio_accounts()[0].sid.clone();
    let primary = current_token(&sb, &sid);
    let check = |token| {
        let (sb, sid) = (&sb, &sid);
        async move {
            check_credentials(&http(), &sb.twilio_base(), sid, &token)
                .await
                .unwrap()
        }
    };
    let accounts = TwilioAccounts::new(http(), &sb.origin(), &sid, primary.clone());
    let secondary = accounts.create_secondary().await.unwrap();
    assert_ne!(secondary, primary);
    assert!(
        valid(&check(primary.clone()).await),
        "the primary still works"
    );
    assert!(
        valid(&check(secondary.clone()).await),
        "so does the secondary"
    );

    let promoted = accounts.promote().await.unwrap();
    assert_eq!(promoted, secondary);
    assert!(
        !valid(&check(primary.clone()).await),
        "the old primary is dead"
    );
    assert!(valid(&check(promoted.clone()).await));

    // Authenticated with the old primary: refused. With the new one: no secondary.
    let e = accounts.promote().await.unwrap_err();
    assert!(
        matches!(e, ApiError::Unconfirmed(_) | ApiError::Unauthorized { .. }),
        "{e:?}"
    );
    let accounts = TwilioAccounts::new(http(), &sb.origin(), &sid, promoted.clone());
    let e = accounts.promote().await.unwrap_err();
    assert!(
        matches!(&e, ApiError::NotFound { message } if message.contains("20404")),
        "{e:?}"
    );

    // Created then deleted: the secondary stops working, the primary is untouched.
    let spare = accounts.create_secondary().await.unwrap();
    accounts.delete_secondary().await.unwrap();
    assert!(!valid(&check(spare.clone()).await));
    assert!(valid(&check(promoted.clone()).await));
    assert!(!format!("{spare:?}{promoted:?}").contains(promoted.expose()));
}

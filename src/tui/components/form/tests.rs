//! Form behaviour without a terminal: typing, focus, validation, submissions.

use super::*;
use crate::domain::{Transport, VerificationStatus};
use crate::ops::{PasswordChange, SipEdit};
use proptest::prelude::*;

pub(super) const SID: &str = "AC0123456789abcdef0123456789abcdef";
pub(super) const TOKEN: &str = "0123456789abcdef0123456789abcdef";

pub(super) fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

pub(super) fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

pub(super) fn type_text(form: &mut Form, text: &str) {
    for c in text.chars() {
        assert_eq!(form.handle_key(key(KeyCode::Char(c))), FormEvent::None);
    }
}

/// Moves focus to the field with `key` by pressing Tab.
pub(super) fn focus(form: &mut Form, field_key: &str) {
    for _ in 0..form.fields.len() {
        if form.fields[form.focus].key == field_key {
            return;
        }
        form.handle_key(key(KeyCode::Tab));
    }
    panic!("no field {field_key}");
}

fn value<'a>(form: &'a Form, field_key: &str) -> &'a str {
    form.fields
        .iter()
        .find(|f| f.key == field_key)
        .unwrap()
        .value()
}

fn error(form: &Form, field_key: &str) -> Option<String> {
    form.shown_error(form.fields.iter().find(|f| f.key == field_key).unwrap())
}

fn note(form: &Form) -> &str {
    form.note.as_ref().map_or("", |(_, t)| t.as_str())
}

pub(super) fn sip_credential() -> SipCredential {
    SipCredential {
        id: "5b0f1a9e-0000-4000-8000-000000000001".into(),
        org_id: "org".into(),
        server: "sip.example.com:5061".into(),
        domain: Some("example.com".into()),
        auth_user: Some("trunk-1".into()),
        auth_password: Some(Secret::new("CANARY-pass-1234")),
        transport: Transport::Tls.into(),
        source: crate::domain::SipSource::Manual,
        description: Some("Main trunk".into()),
        cps_limit: Some(10),
        cps_key: None,
        provider_id: None,
        created_time: None,
        last_update_time: None,
        unreadable: Vec::new(),
    }
}

pub(super) fn provider() -> Provider {
    Provider {
        id: "p-1".into(),
        name: Some("prod-main".into()),
        provider_type: "twilio".into(),
        account_sid: SID.into(),
        status: VerificationStatus::Verified,
        last_verified_at: None,
        phone_number_count: None,
        checks: vec![],
        trunk_sid: None,
        termination_uri: None,
        region: Some("ie1".into()),
        supports_call_transfer: None,
        created_at: None,
    }
}

#[test]
fn typing_goes_to_the_focused_field() {
    let mut form = Form::new_sip();
    type_text(&mut form, "sip.example.com");
    assert_eq!(value(&form, keys::SERVER), "sip.example.com");
    form.handle_key(key(KeyCode::Left));
    form.handle_key(key(KeyCode::Backspace));
    assert_eq!(value(&form, keys::SERVER), "sip.example.cm");
    assert!(form.is_dirty());
}

#[test]
fn tab_order_wraps_both_ways() {
    let mut form = Form::new_sip();
    let order: Vec<&str> = form.fields.iter().map(|f| f.key).collect();
    assert_eq!(
        order,
        [
            keys::SERVER,
            keys::DOMAIN,
            keys::AUTH_USER,
            keys::AUTH_PASSWORD,
            keys::TRANSPORT,
            keys::DESCRIPTION,
            keys::CPS_LIMIT,
            keys::CPS_KEY
        ]
    );
    form.handle_key(key(KeyCode::Tab));
    form.handle_key(key(KeyCode::Down));
    assert_eq!(form.focus, 2);
    form.handle_key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT));
    form.handle_key(key(KeyCode::Up));
    form.handle_key(key(KeyCode::Up));
    assert_eq!(form.focus, 7);
}

#[test]
fn enum_and_bool_fields_cycle() {
    let mut form = Form::new_sip();
    focus(&mut form, keys::TRANSPORT);
    form.handle_key(key(KeyCode::Right));
    assert_eq!(value(&form, keys::TRANSPORT), "tcp");
    form.handle_key(key(KeyCode::Left));
    form.handle_key(key(KeyCode::Left));
    assert_eq!(value(&form, keys::TRANSPORT), "tls");
    type_text(&mut form, "x");
    assert_eq!(
        value(&form, keys::TRANSPORT),
        "tls",
        "typing does nothing on a choice"
    );

    let mut form = Form::new_provider(&Platform::Dasha);
    focus(&mut form, keys::REGION);
    form.handle_key(key(KeyCode::Left));
    assert_eq!(value(&form, keys::REGION), "sg1");
    focus(&mut form, specs::CALL_TRANSFER);
    form.handle_key(key(KeyCode::Right));
    assert_eq!(value(&form, specs::CALL_TRANSFER), "yes");
}

#[test]
fn errors_show_as_you_type() {
    let mut form = Form::new_provider(&Platform::Dasha);
    focus(&mut form, keys::AUTH_TOKEN);
    assert_eq!(
        error(&form, keys::AUTH_TOKEN),
        None,
        "untouched empty field stays quiet"
    );
    type_text(&mut form, &TOKEN[..31]);
    assert_eq!(
        error(&form, keys::AUTH_TOKEN).as_deref(),
        Some("must be 32 hex digits (got 31 characters)")
    );
    type_text(&mut form, "f");
    assert_eq!(error(&form, keys::AUTH_TOKEN), None);

    focus(&mut form, keys::ACCOUNT_SID);
    type_text(&mut form, "XY");
    assert_eq!(
        error(&form, keys::ACCOUNT_SID).as_deref(),
        Some("must start with AC")
    );
    form.handle_key(ctrl('u'));
    assert_eq!(
        error(&form, keys::ACCOUNT_SID).as_deref(),
        Some("required"),
        "touched and emptied"
    );
}

#[test]
fn numeric_field_takes_digits_only() {
    let mut form = Form::new_sip();
    focus(&mut form, keys::CPS_LIMIT);
    type_text(&mut form, "1a-5");
    assert_eq!(value(&form, keys::CPS_LIMIT), "15");
    form.handle_paste("2 0\n");
    assert_eq!(value(&form, keys::CPS_LIMIT), "1520");
}

#[test]
fn submit_is_refused_while_invalid() {
    let mut form = Form::new_sip();
    focus(&mut form, keys::AUTH_USER);
    type_text(&mut form, "bad@user");
    focus(&mut form, keys::CPS_KEY);
    assert_eq!(form.handle_key(key(KeyCode::Enter)), FormEvent::None);
    assert_eq!(
        form.focus, 0,
        "server (required) is the first invalid field"
    );
    assert_eq!(note(&form), "fix the highlighted fields");
    assert_eq!(error(&form, keys::SERVER).as_deref(), Some("required"));
    assert_eq!(
        error(&form, keys::AUTH_USER).as_deref(),
        Some("must not contain ':' or '@'")
    );
    type_text(&mut form, "sip.example.com");
    assert_eq!(form.handle_key(ctrl('s')), FormEvent::None);
    assert_eq!(form.fields[form.focus].key, keys::AUTH_USER);
    // Once every field is right, the note goes: it is no longer true.
    for _ in 0.."bad@user".len() {
        form.handle_key(key(KeyCode::Backspace));
    }
    type_text(&mut form, "gooduser");
    assert_eq!(note(&form), "", "the note went with the last wrong field");
}

#[test]
fn new_sip_submission_is_trimmed_and_typed_but_the_password_is_not_trimmed() {
    let mut form = Form::new_sip();
    type_text(&mut form, "  sip.example.com ");
    focus(&mut form, keys::AUTH_USER);
    type_text(&mut form, "trunk-1");
    focus(&mut form, keys::AUTH_PASSWORD);
    type_text(&mut form, " s3cret ");
    focus(&mut form, keys::TRANSPORT);
    form.handle_key(key(KeyCode::Right));
    focus(&mut form, keys::DESCRIPTION);
    type_text(&mut form, "   ");
    focus(&mut form, keys::CPS_LIMIT);
    type_text(&mut form, "25");
    let FormEvent::Submit(FormSubmission::CreateSip(input)) = form.handle_key(key(KeyCode::Enter))
    else {
        panic!("expected a CreateSip submission");
    };
    assert_eq!(
        input,
        SipCredentialInput {
            server: "sip.example.com".into(),
            domain: None,
            auth_user: Some("trunk-1".into()),
            auth_password: Some(Secret::new(" s3cret ")),
            transport: Transport::Tcp.into(),
            description: None,
            cps_limit: Some(25),
            cps_key: None,
        }
    );
    assert!(form.is_submitting());
    assert_eq!(note(&form), "saving…");
    assert_eq!(
        form.handle_key(key(KeyCode::Enter)),
        FormEvent::None,
        "Enter ignored while saving"
    );
}

#[test]
fn edit_sip_prefills_and_submits_only_the_changes() {
    let c = sip_credential();
    let mut form = Form::edit_sip(&c);
    assert_eq!(form.title(), "Edit SIP credential Main trunk");
    assert!(!form.is_dirty());
    assert_eq!(form.handle_key(key(KeyCode::Enter)), FormEvent::None);
    assert_eq!(note(&form), "nothing changed");
    focus(&mut form, keys::CPS_KEY);
    type_text(&mut form, "group-a");
    let FormEvent::Submit(FormSubmission::UpdateSip { id, edit }) =
        form.handle_key(key(KeyCode::Enter))
    else {
        panic!("expected UpdateSip");
    };
    assert_eq!(id, c.id);
    assert_eq!(
        edit,
        SipEdit {
            cps_key: Some(Some("group-a".into())),
            ..SipEdit::default()
        }
    );
}

/// Submits an edit of `c` after typing in the CPS key (so the form is dirty).
fn submit_edit(form: &mut Form) -> SipEdit {
    focus(form, keys::CPS_KEY);
    type_text(form, "g");
    let FormEvent::Submit(FormSubmission::UpdateSip { edit, .. }) =
        form.handle_key(key(KeyCode::Enter))
    else {
        panic!("expected UpdateSip");
    };
    edit
}

#[test]
fn an_untouched_sip_password_is_kept_as_it_is() {
    let mut c = sip_credential();
    c.auth_password = Some(Secret::new("  padded secret\t"));
    let edit = submit_edit(&mut Form::edit_sip(&c));
    assert_eq!(edit.password, PasswordChange::Keep);
}

#[test]
fn an_edited_sip_password_is_sent_untrimmed_and_emptied_means_removed() {
    let c = sip_credential();
    let mut form = Form::edit_sip(&c);
    focus(&mut form, keys::AUTH_PASSWORD);
    type_text(&mut form, " ");
    let edit = submit_edit(&mut form);
    assert_eq!(
        edit.password,
        PasswordChange::Set(Secret::new("CANARY-pass-1234 "))
    );

    let mut form = Form::edit_sip(&c);
    focus(&mut form, keys::AUTH_PASSWORD);
    for _ in 0.."CANARY-pass-1234".len() {
        form.handle_key(key(KeyCode::Backspace));
    }
    focus(&mut form, keys::CPS_KEY);
    type_text(&mut form, "g");
    // Removing the password takes a second ⏎.
    assert_eq!(form.handle_key(key(KeyCode::Enter)), FormEvent::None);
    assert!(
        note(&form).contains("REMOVES the password"),
        "{}",
        note(&form)
    );
    let FormEvent::Submit(FormSubmission::UpdateSip { edit, .. }) =
        form.handle_key(key(KeyCode::Enter))
    else {
        panic!("expected UpdateSip after the confirmation");
    };
    assert_eq!(edit.password, PasswordChange::Remove);
}

#[test]
fn pascal_case_platform_errors_find_their_field() {
    let mut form = Form::edit_sip(&sip_credential());
    submit_edit(&mut form);
    form.apply_platform_error(
        "One or more validation errors occurred.",
        &[FieldError::new("AuthPassword", "too weak")],
    );
    assert_eq!(
        error(&form, keys::AUTH_PASSWORD).as_deref(),
        Some("too weak")
    );
    assert_eq!(form.fields[form.focus].key, keys::AUTH_PASSWORD);
}

#[test]
fn provider_submissions() {
    let mut form = Form::new_provider(&Platform::Dasha);
    assert_eq!(form.title(), "New Twilio provider");
    type_text(&mut form, "prod-main");
    focus(&mut form, keys::ACCOUNT_SID);
    type_text(&mut form, SID);
    focus(&mut form, keys::AUTH_TOKEN);
    form.handle_paste(&format!("{TOKEN}\n"));
    let FormEvent::Submit(FormSubmission::CreateProvider(p)) = form.handle_key(key(KeyCode::Enter))
    else {
        panic!("expected CreateProvider");
    };
    assert_eq!(
        p,
        NewProvider {
            name: Some("prod-main".into()),
            provider: "twilio".into(),
            account_sid: SID.into(),
            auth_token: Secret::new(TOKEN),
            region: Some("us1".into()),
            supports_call_transfer: Some(false),
        }
    );

    let mut form = Form::new_provider(&Platform::Unpod);
    assert_eq!(
        form.fields.iter().map(|f| f.key).collect::<Vec<_>>(),
        [keys::PROVIDER, keys::ACCOUNT_SID, keys::AUTH_TOKEN]
    );
    focus(&mut form, keys::ACCOUNT_SID);
    type_text(&mut form, SID);
    focus(&mut form, keys::AUTH_TOKEN);
    type_text(&mut form, TOKEN);
    let FormEvent::Submit(FormSubmission::CreateProvider(p)) = form.handle_key(ctrl('s')) else {
        panic!("expected CreateProvider");
    };
    assert_eq!(
        (p.provider.as_str(), p.name, p.region),
        ("twilio", None, None)
    );
}

#[test]
fn edit_provider_sends_only_changes() {
    let p = provider();
    let mut form = Form::edit_provider(&p, &Platform::Dasha);
    assert_eq!(form.title(), "Edit Twilio provider prod-main");
    focus(&mut form, keys::REGION);
    assert_eq!(value(&form, keys::REGION), "ie1");
    form.handle_key(key(KeyCode::Right));
    let FormEvent::Submit(FormSubmission::UpdateProvider { id, update }) =
        form.handle_key(key(KeyCode::Enter))
    else {
        panic!("expected UpdateProvider");
    };
    assert_eq!(id, "p-1");
    assert_eq!(
        update,
        ProviderUpdate {
            region: Some("de1".into()),
            ..Default::default()
        }
    );

    // Unpod: a new Account SID goes with its auth token, checked with Twilio.
    let mut form = Form::edit_provider(&p, &Platform::Unpod);
    form.handle_key(key(KeyCode::Backspace));
    type_text(&mut form, "0");
    focus(&mut form, keys::AUTH_TOKEN);
    type_text(&mut form, "0123456789abcdef0123456789abcdef");
    let FormEvent::Submit(FormSubmission::UpdateProvider { update, .. }) =
        form.handle_key(key(KeyCode::Enter))
    else {
        panic!("expected UpdateProvider");
    };
    assert_eq!(
        update.account_sid.as_deref(),
        Some("AC0123456789abcdef0123456789abcde0")
    );
    assert_eq!(
        update.auth_token,
        Some(Secret::new("0123456789abcdef0123456789abcdef"))
    );
}

#[test]
fn platform_errors_go_under_fields_and_input_is_kept() {
    let mut form = Form::new_provider(&Platform::Dasha);
    type_text(&mut form, "prod-main");
    focus(&mut form, keys::ACCOUNT_SID);
    type_text(&mut form, SID);
    focus(&mut form, keys::AUTH_TOKEN);
    type_text(&mut form, TOKEN);
    assert!(matches!(
        form.handle_key(key(KeyCode::Enter)),
        FormEvent::Submit(_)
    ));
    form.apply_platform_error(
        &format!("Twilio rejected token {TOKEN}"),
        &[
            FieldError::new("accountSid", "Twilio does not know this account"),
            FieldError::new("trunk", "trunk limit reached"),
        ],
    );
    assert!(!form.is_submitting());
    assert_eq!(value(&form, keys::ACCOUNT_SID), SID);
    assert_eq!(value(&form, keys::AUTH_TOKEN), TOKEN);
    assert_eq!(
        error(&form, keys::ACCOUNT_SID).as_deref(),
        Some("Twilio does not know this account")
    );
    assert_eq!(form.fields[form.focus].key, keys::ACCOUNT_SID);
    assert_eq!(
        note(&form),
        "Twilio rejected token [redacted]; trunk: trunk limit reached"
    );
    type_text(&mut form, "");
    form.handle_key(key(KeyCode::End));
    assert!(
        error(&form, keys::ACCOUNT_SID).is_some(),
        "moving the cursor keeps the error"
    );
    form.handle_key(key(KeyCode::Backspace));
    type_text(&mut form, "f");
    assert_eq!(
        error(&form, keys::ACCOUNT_SID),
        None,
        "editing clears the platform's error"
    );
}

#[test]
fn esc_on_a_dirty_form_asks_first() {
    let mut form = Form::new_sip();
    assert_eq!(
        form.handle_key(key(KeyCode::Esc)),
        FormEvent::Cancel,
        "clean form closes at once"
    );
    let mut form = Form::new_sip();
    type_text(&mut form, "x");
    assert_eq!(form.handle_key(key(KeyCode::Esc)), FormEvent::None);
    assert_eq!(note(&form), "press Esc again to discard changes");
    type_text(&mut form, "y");
    assert_eq!(note(&form), "", "another key disarms");
    assert_eq!(form.handle_key(key(KeyCode::Esc)), FormEvent::None);
    assert_eq!(form.handle_key(key(KeyCode::Esc)), FormEvent::Cancel);
}

#[test]
fn while_saving_only_esc_works() {
    let mut form = Form::edit_sip(&sip_credential());
    type_text(&mut form, "0");
    assert!(matches!(
        form.handle_key(key(KeyCode::Enter)),
        FormEvent::Submit(_)
    ));
    type_text(&mut form, "y");
    assert_eq!(value(&form, keys::SERVER), "sip.example.com:50610");
    assert_eq!(form.handle_key(key(KeyCode::Esc)), FormEvent::None);
    assert_eq!(note(&form), "press Esc again to discard changes");
    form.handle_key(key(KeyCode::Tab));
    assert_eq!((form.focus, note(&form)), (0, "saving…"));
    form.set_submitting(false);
    assert_eq!(note(&form), "");
    assert!(matches!(form.handle_key(ctrl('s')), FormEvent::Submit(_)));
}

#[test]
fn generate_fills_the_password_masked() {
    let mut form = Form::new_sip();
    focus(&mut form, keys::AUTH_PASSWORD);
    form.handle_key(ctrl('x'));
    assert!(form.fields[form.focus].is_revealed());
    form.handle_key(ctrl('g'));
    let f = &form.fields[form.focus];
    assert_eq!(f.value().chars().count(), password::GENERATED_LENGTH);
    assert!(!f.is_revealed(), "generated passwords stay masked");
    assert_eq!(note(&form), "generated 32-character password");
    assert!(!note(&form).contains(f.value()));
    let mut provider = Form::new_provider(&Platform::Dasha);
    provider.handle_key(ctrl('g'));
    assert!(!provider.is_dirty(), "no password field, nothing generated");
}

#[test]
fn secret_cuts_leave_nothing_to_yank() {
    let mut form = Form::new_sip();
    focus(&mut form, keys::AUTH_PASSWORD);
    type_text(&mut form, "hunter2");
    form.handle_key(ctrl('u'));
    form.handle_key(ctrl('y'));
    assert_eq!(value(&form, keys::AUTH_PASSWORD), "");
    assert!(!format!("{form:?}").contains("hunter2"));
}

#[test]
fn debug_redacts_secrets() {
    let form = Form::edit_sip(&sip_credential());
    let text = format!("{form:?}");
    assert!(
        !text.contains("CANARY") && text.contains("[redacted]"),
        "{text}"
    );
}

fn any_key() -> impl Strategy<Value = KeyEvent> {
    let code = prop_oneof![
        any::<char>().prop_map(KeyCode::Char),
        prop::sample::select(vec![
            KeyCode::Enter,
            KeyCode::Esc,
            KeyCode::Tab,
            KeyCode::BackTab,
            KeyCode::Up,
            KeyCode::Down,
            KeyCode::Left,
            KeyCode::Right,
            KeyCode::Home,
            KeyCode::End,
            KeyCode::Backspace,
            KeyCode::Delete,
            KeyCode::F(1),
        ]),
    ];
    let mods = prop::sample::select(vec![
        KeyModifiers::NONE,
        KeyModifiers::SHIFT,
        KeyModifiers::CONTROL,
        KeyModifiers::ALT,
        KeyModifiers::CONTROL | KeyModifiers::ALT,
    ]);
    (code, mods).prop_map(|(c, m)| KeyEvent::new(c, m))
}

proptest! {
    #[test]
    fn random_keys_and_sizes_never_panic(
        keys in proptest::collection::vec(any_key(), 0..60),
        which in 0usize..5,
        w in 1u16..130,
        h in 1u16..45,
    ) {
        let mut form = match which {
            0 => Form::new_sip(),
            1 => Form::edit_sip(&sip_credential()),
            2 => Form::new_provider(&Platform::Dasha),
            3 => Form::new_provider(&Platform::Unpod),
            _ => Form::edit_provider(&provider(), &Platform::Dasha),
        };
        let theme = crate::tui::app::theme::Theme::default_theme();
        let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
        for k in keys {
            if let FormEvent::Submit(_) = form.handle_key(k) {
                form.apply_platform_error("refused", &[FieldError::new("server", "taken")]);
            }
            terminal.draw(|f| form.render(f, f.area(), &theme)).unwrap();
        }
    }
}

#[test]
fn a_stored_password_is_masked_without_telling_its_length() {
    let mut c = sip_credential();
    c.auth_password = Some(Secret::new("abc"));
    let mut form = Form::edit_sip(&c);
    let f = form
        .fields
        .iter()
        .find(|f| f.key == keys::AUTH_PASSWORD)
        .unwrap();
    assert_eq!(f.text_view(40).unwrap().text, Secret::masked());
    // Typing shows what is typed, one bullet per character.
    focus(&mut form, keys::AUTH_PASSWORD);
    type_text(&mut form, "d");
    let f = form
        .fields
        .iter()
        .find(|f| f.key == keys::AUTH_PASSWORD)
        .unwrap();
    assert_eq!(f.text_view(40).unwrap().text, "••••");
}

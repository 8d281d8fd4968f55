//! Browser component tests (wasm-bindgen-test in headless Chromium). One file with
//! submodules, because every test file starts its own browser.
//!
//! Components are mounted into the test page with the real router and the real API
//! client; `window.fetch` is replaced by a small routing table so each test decides what
//! the management server answers.

#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod support {
    use gloo_timers::future::TimeoutFuture;
    use leptos::prelude::*;
    use qufabric_dashboard::auth::{Session, Tokens};
    use qufabric_dashboard::config::Config;
    use qufabric_model::oidc::{Audience, TokenClaims};
    use wasm_bindgen::JsCast;

    pub fn document() -> web_sys::Document {
        web_sys::window()
            .and_then(|w| w.document())
            .expect("test page has a document")
    }

    /// Answer `fetch` from a table of `path -> (status, body)` (a key may start with the
    /// method: `"POST /api/x"`). Unknown paths get 404.
    /// Requests are recorded in `window.__requests` as "METHOD path".
    pub fn mock_fetch(routes: &[(&str, u16, &str)]) {
        let table = js_sys::Object::new();
        for (path, status, body) in routes {
            let entry = js_sys::Array::of2(&(*status).into(), &(*body).into());
            js_sys::Reflect::set(&table, &(*path).into(), &entry).expect("set route");
        }
        let window = web_sys::window().expect("window");
        js_sys::Reflect::set(&window, &"__routes".into(), &table).expect("install routes");
        js_sys::Reflect::set(&window, &"__requests".into(), &js_sys::Array::new())
            .expect("install log");
        let fetch = js_sys::Function::new_with_args(
            "input, init",
            "const url = new URL(typeof input === 'string' ? input : input.url, location.href);
             const method = (init && init.method) || (input && input.method) || 'GET';
             window.__requests.push(method + ' ' + url.pathname);
             const hit = window.__routes[method + ' ' + url.pathname] || window.__routes[url.pathname];
             const [status, body] = hit || [404, '{\"message\":\"not found\",\"code\":404}'];
             return Promise.resolve(new Response(status === 204 ? null : body,
               { status, headers: { 'Content-Type': 'application/json' } }));",
        );
        js_sys::Reflect::set(&window, &"fetch".into(), &fetch).expect("install fetch");
    }

    pub fn requests() -> Vec<String> {
        let window = web_sys::window().expect("window");
        js_sys::Reflect::get(&window, &"__requests".into())
            .ok()
            .and_then(|v| v.dyn_into::<js_sys::Array>().ok())
            .map(|a| a.iter().filter_map(|v| v.as_string()).collect())
            .unwrap_or_default()
    }

    /// Put the browser on `path` before the router reads it.
    pub fn go(path: &str) {
        let history = web_sys::window()
            .expect("window")
            .history()
            .expect("history");
        history
            .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(path))
            .expect("replaceState");
    }

    pub fn path_and_query() -> String {
        let location = web_sys::window().expect("window").location();
        format!(
            "{}{}",
            location.pathname().unwrap_or_default(),
            location.search().unwrap_or_default()
        )
    }

    pub fn reset_storage() {
        let window = web_sys::window().expect("window");
        if let Ok(Some(storage)) = window.session_storage() {
            let _ = storage.clear();
        }
        if let Ok(Some(storage)) = window.local_storage() {
            let _ = storage.clear();
        }
        // Each test is a new visit: nothing a page loaded in another test is shown.
        qufabric_dashboard::api::forget_kept_answers();
    }

    /// A fresh container for one test.
    pub fn container() -> web_sys::HtmlElement {
        let element = document().create_element("div").expect("div");
        document()
            .body()
            .expect("body")
            .append_child(&element)
            .expect("append");
        element.unchecked_into()
    }

    pub async fn wait_until(what: &str, mut condition: impl FnMut() -> bool) {
        for _ in 0..150 {
            if condition() {
                return;
            }
            TimeoutFuture::new(20).await;
        }
        panic!("timed out waiting until {what}");
    }

    pub fn element<T: JsCast>(root: &web_sys::HtmlElement, selector: &str) -> Option<T> {
        root.query_selector(selector)
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into::<T>().ok())
    }

    /// Set an input's value and fire `input`, as typing does.
    pub fn type_into(root: &web_sys::HtmlElement, selector: &str, value: &str) {
        let input: web_sys::HtmlInputElement = element(root, selector).expect("input exists");
        input.set_value(value);
        let init = web_sys::EventInit::new();
        init.set_bubbles(true);
        let event = web_sys::Event::new_with_event_init_dict("input", &init).expect("event");
        input.dispatch_event(&event).expect("dispatch");
    }

    pub fn click(root: &web_sys::HtmlElement, selector: &str) {
        let target: web_sys::HtmlElement = element(root, selector).expect("clickable exists");
        target.click();
    }

    pub fn text_of(element: &web_sys::HtmlElement) -> String {
        element.text_content().unwrap_or_default()
    }

    /// The dashboard's own stylesheets (every page's, then the settings pages') in the test
    /// page, for tests of layout.
    pub fn use_real_styles() {
        if document().get_element_by_id("real-styles").is_some() {
            return;
        }
        let style = document().create_element("style").expect("style");
        style.set_id("real-styles");
        style.set_text_content(Some(concat!(
            include_str!("../style/main.css"),
            include_str!("../style/settings.css")
        )));
        document()
            .head()
            .expect("head")
            .append_child(&style)
            .expect("append");
    }

    pub fn height(root: &web_sys::HtmlElement, selector: &str) -> f64 {
        root.query_selector(selector)
            .ok()
            .flatten()
            .map(|e| e.get_bounding_client_rect().height())
            .unwrap_or(-1.0)
    }

    pub fn test_config() -> Config {
        Config::from_parts(
            "http://127.0.0.1:9",
            Some(r#"{"request_timeout_ms": 2000}"#),
        )
    }

    pub fn tokens(sub: &str) -> Tokens {
        Tokens {
            access_token: "header.payload.signature".into(),
            refresh_token: None,
            id_token: String::new(),
            expires_at_ms: js_sys::Date::now() as i64 + 3_600_000,
            claims: TokenClaims {
                iss: "http://127.0.0.1:9/oauth2".into(),
                sub: sub.into(),
                aud: Audience::One("qufabric-dashboard".into()),
                email: Some(format!("{sub}@example.com")),
                ..Default::default()
            },
        }
    }

    /// Mount the routes of the app with this session, on `path`.
    pub fn mount_app_at(path: &str, session: Session) -> (web_sys::HtmlElement, impl Drop) {
        go(path);
        let element = container();
        let handle = leptos::mount::mount_to(element.clone(), move || {
            qufabric_dashboard::provide_app_context(test_config(), session);
            view! { <qufabric_dashboard::AppRoutes/> }
        });
        (element, MountGuard(Some(Box::new(handle))))
    }

    /// Unmounts when dropped.
    pub struct MountGuard(Option<Box<dyn std::any::Any>>);

    impl Drop for MountGuard {
        fn drop(&mut self) {
            self.0.take();
        }
    }
}

mod error_mapping {
    use super::*;
    use qufabric_dashboard::api::{decode, encode_segment, ApiError};

    #[wasm_bindgen_test]
    fn statuses_map_to_variants_with_the_servers_message() {
        let body = |m: &str, c: u16| format!(r#"{{"message":"{m}","code":{c}}}"#);
        assert_eq!(
            ApiError::from_response(401, &body("token expired", 401)),
            ApiError::Unauthorized("token expired".into())
        );
        assert_eq!(
            ApiError::from_response(422, &body("identity provider issuer is required", 422)),
            ApiError::Validation("identity provider issuer is required".into())
        );
        assert_eq!(
            ApiError::from_response(404, &body("identity provider not found", 404)),
            ApiError::NotFound("identity provider not found".into())
        );
        assert!(matches!(
            ApiError::from_response(403, "{}"),
            ApiError::Forbidden(_)
        ));
        assert!(matches!(
            ApiError::from_response(409, ""),
            ApiError::Conflict(_)
        ));
        assert!(matches!(
            ApiError::from_response(412, ""),
            ApiError::PreconditionFailed(_)
        ));
        assert!(matches!(
            ApiError::from_response(400, "x"),
            ApiError::BadRequest(_)
        ));
    }

    #[wasm_bindgen_test]
    fn non_json_bodies_still_give_an_error_with_words() {
        let error = ApiError::from_response(502, "<html>Bad Gateway</html>");
        assert!(matches!(error, ApiError::Server { status: 502, .. }));
        assert!(error.user_message().contains("502"));
        assert!(error.is_retryable());
        assert!(error.outcome_unknown());
        let validation = ApiError::Validation("identity provider name is required".into());
        assert_eq!(
            validation.user_message(),
            "Identity provider name is required"
        );
        assert!(!validation.is_retryable());
    }

    #[wasm_bindgen_test]
    fn decoding_never_panics() {
        assert!(matches!(
            decode::<qufabric_model::User>("{"),
            Err(ApiError::Malformed(_))
        ));
        assert!(matches!(
            decode::<qufabric_model::User>("[]"),
            Err(ApiError::Malformed(_))
        ));
        assert_eq!(decode::<()>(""), Ok(()));
        let user: qufabric_model::User = decode(r#"{"id":"u","role":"emperor"}"#).expect("lenient");
        assert_eq!(user.role, qufabric_model::Role::Unknown);
    }

    #[wasm_bindgen_test]
    fn path_segments_are_encoded() {
        assert_eq!(encode_segment("pocketid-abc"), "pocketid-abc");
        assert_eq!(encode_segment("a/../b?c"), "a%2F..%2Fb%3Fc");
    }
}

mod configuration {
    use super::*;
    use qufabric_dashboard::config::{Config, DEFAULT_REQUEST_TIMEOUT_MS};

    #[wasm_bindgen_test]
    fn same_origin_defaults() {
        let config = Config::from_parts("http://127.0.0.1:8080", None);
        assert_eq!(config.api_url("/api/instance"), "/api/instance");
        assert_eq!(config.authority, "http://127.0.0.1:8080/oauth2");
        assert_eq!(config.client_id, "qufabric-dashboard");
        assert_eq!(config.redirect_uri(), "http://127.0.0.1:8080/auth/callback");
        assert_eq!(
            config.derived_redirect_url(),
            "http://127.0.0.1:8080/oauth2/callback"
        );
        assert_eq!(config.request_timeout_ms, DEFAULT_REQUEST_TIMEOUT_MS);
    }

    #[wasm_bindgen_test]
    fn management_origin_override_and_malformed_override() {
        let config = Config::from_parts(
            "http://localhost:8081",
            Some(r#"{"management_origin": "https://qufabric.example.com/"}"#),
        );
        assert_eq!(
            config.api_url("/api/x"),
            "https://qufabric.example.com/api/x"
        );
        assert_eq!(config.authority, "https://qufabric.example.com/oauth2");
        // The page's own origin stays the one redirect URIs are built from.
        assert_eq!(config.redirect_uri(), "http://localhost:8081/auth/callback");
        assert_eq!(
            config.derived_redirect_url(),
            "https://qufabric.example.com/oauth2/callback"
        );
        let fallback = Config::from_parts("http://localhost:8081", Some("{not json"));
        assert_eq!(fallback.authority, "http://localhost:8081/oauth2");
    }
}

mod session {
    use super::support::*;
    use super::*;
    use qufabric_dashboard::auth::{Session, TokenResponse};
    use qufabric_model::oidc::base64url;

    fn id_token(claims: &str) -> String {
        format!("e30.{}.sig", base64url(claims.as_bytes()))
    }

    fn response(id_token: Option<String>) -> TokenResponse {
        TokenResponse {
            access_token: "at".into(),
            refresh_token: Some("rt".into()),
            id_token,
            expires_in: Some(60),
        }
    }

    #[wasm_bindgen_test]
    fn id_token_checks_nonce_audience_and_issuer() {
        let config = test_config();
        let good = r#"{"iss":"http://127.0.0.1:9/oauth2","sub":"u","aud":"qufabric-dashboard","exp":9999999999,"nonce":"n1"}"#;
        let tokens = response(Some(id_token(good)))
            .into_tokens("http://127.0.0.1:9/oauth2", &config, Some("n1"), None, 1000)
            .expect("valid");
        assert_eq!(tokens.expires_at_ms, 61_000);
        assert!(response(Some(id_token(good)))
            .into_tokens("http://127.0.0.1:9/oauth2", &config, Some("other"), None, 0)
            .is_err());
        let wrong_aud = good.replace("qufabric-dashboard", "someone-else");
        assert!(response(Some(id_token(&wrong_aud)))
            .into_tokens("http://127.0.0.1:9/oauth2", &config, Some("n1"), None, 0)
            .is_err());
        // The issuer is the server's public URL, whatever the page's origin.
        let public = good.replace("http://127.0.0.1:9", "https://qufabric.example.com");
        assert!(response(Some(id_token(&public)))
            .into_tokens(
                "https://qufabric.example.com/oauth2",
                &config,
                Some("n1"),
                None,
                0
            )
            .is_ok());
        let wrong_iss = good.replace("127.0.0.1:9", "evil.example");
        assert!(response(Some(id_token(&wrong_iss)))
            .into_tokens("http://127.0.0.1:9/oauth2", &config, Some("n1"), None, 0)
            .is_err());
        assert!(response(Some("garbage".into()))
            .into_tokens("http://127.0.0.1:9/oauth2", &config, Some("n1"), None, 0)
            .is_err());
        // A refresh without a new ID token keeps the previous claims and refresh token.
        let refreshed = TokenResponse {
            refresh_token: None,
            ..response(None)
        }
        .into_tokens("http://127.0.0.1:9/oauth2", &config, None, Some(&tokens), 0)
        .expect("refresh");
        assert_eq!(refreshed.claims.sub, "u");
        assert_eq!(refreshed.refresh_token.as_deref(), Some("rt"));
    }

    /// Another tab of the same browser: a second channel of the same name in this page,
    /// answering every question with `offered`.
    fn other_tab_offering(
        offered: qufabric_dashboard::auth::Tokens,
    ) -> (
        web_sys::BroadcastChannel,
        wasm_bindgen::closure::Closure<dyn FnMut(web_sys::MessageEvent)>,
    ) {
        use wasm_bindgen::JsCast;
        let channel = web_sys::BroadcastChannel::new("qufabric.session").expect("channel");
        let answer = channel.clone();
        let on_message = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
            move |event: web_sys::MessageEvent| {
                let text = event.data().as_string().unwrap_or_default();
                if text.contains("newer_than_ms") {
                    let reply = serde_json::json!({ "tokens": offered }).to_string();
                    let _ = answer.post_message(&wasm_bindgen::JsValue::from_str(&reply));
                }
            },
        );
        channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        (channel, on_message)
    }

    fn tokens_of_session(
        sid: &str,
        refresh: &str,
        expires_at_ms: i64,
    ) -> qufabric_dashboard::auth::Tokens {
        let mut t = tokens("alice");
        t.claims.sid = Some(sid.into());
        t.refresh_token = Some(refresh.into());
        t.expires_at_ms = expires_at_ms;
        t
    }

    #[wasm_bindgen_test]
    async fn a_refresh_takes_the_newer_tokens_another_tab_of_the_session_holds() {
        reset_storage();
        let owner = leptos::prelude::Owner::new();
        owner.set();
        let now = js_sys::Date::now() as i64;
        let session = Session::with_tokens(Some(tokens_of_session("s1", "spent", now + 1000)));
        qufabric_dashboard::auth::share_session_with_other_tabs(session);
        let (_tab, _listener) = other_tab_offering(tokens_of_session("s1", "newest", now + 60_000));
        // The token endpoint (127.0.0.1:9) is unreachable: only the other tab can help.
        let renewed = session.refresh(&test_config()).await;
        assert_eq!(renewed, Ok(()));
        assert_eq!(
            session.tokens().and_then(|t| t.refresh_token).as_deref(),
            Some("newest")
        );
    }

    #[wasm_bindgen_test]
    async fn a_refresh_never_takes_the_tokens_of_another_session() {
        reset_storage();
        let owner = leptos::prelude::Owner::new();
        owner.set();
        let now = js_sys::Date::now() as i64;
        let session = Session::with_tokens(Some(tokens_of_session("s1", "ours", now + 1000)));
        qufabric_dashboard::auth::share_session_with_other_tabs(session);
        let (_tab, _listener) = other_tab_offering(tokens_of_session("s2", "theirs", now + 60_000));
        assert!(session.refresh(&test_config()).await.is_err());
        assert!(
            session.tokens().is_none(),
            "the failed renewal ended the session"
        );
    }

    #[wasm_bindgen_test]
    fn tokens_live_in_session_storage_only() {
        reset_storage();
        let owner = leptos::prelude::Owner::new();
        owner.with(|| {
            let session = Session::with_tokens(None);
            session.set(tokens("alice"));
            let window = web_sys::window().expect("window");
            let stored = window
                .session_storage()
                .ok()
                .flatten()
                .and_then(|s| s.get_item("qufabric.session").ok().flatten());
            assert!(stored.is_some_and(|s| s.contains("alice")));
            let local = window
                .local_storage()
                .ok()
                .flatten()
                .map(|s| s.length().unwrap_or(0));
            assert_eq!(local, Some(0));
            // A reload restores it.
            assert_eq!(
                Session::restore().tokens().map(|t| t.claims.sub),
                Some("alice".into())
            );
            session.clear();
            assert!(Session::restore().tokens().is_none());
        });
    }

    /// Ignored and removed: the login bundle sends anyone with a stored session on to the
    /// settings, which would send them back for ever.
    #[wasm_bindgen_test]
    fn unreadable_stored_session_is_ignored_and_removed() {
        reset_storage();
        let storage = web_sys::window()
            .and_then(|window| window.session_storage().ok().flatten())
            .expect("sessionStorage");
        let _ = storage.set_item("qufabric.session", "{\"access_token\": 12");
        let owner = leptos::prelude::Owner::new();
        owner.with(|| assert!(Session::restore().tokens().is_none()));
        assert_eq!(storage.get_item("qufabric.session").ok().flatten(), None);
    }
}

mod routing {
    use super::support::*;
    use super::*;
    use qufabric_dashboard::auth::Session;

    const INSTANCE_SET_UP: &str =
        r#"{"setup_required":false,"login_providers":[],"local_auth_disabled":false}"#;

    #[wasm_bindgen_test]
    async fn root_goes_to_setup_while_setup_is_required() {
        reset_storage();
        mock_fetch(&[("/api/instance", 200, r#"{"setup_required":true}"#)]);
        let (element, _guard) = mount_app_at("/", Session::with_tokens(None));
        wait_until("the setup page shows", || {
            text_of(&element).contains("Set up QuFabric")
        })
        .await;
        assert_eq!(path_and_query(), "/setup");
    }

    #[wasm_bindgen_test]
    async fn root_goes_to_login_when_signed_out() {
        reset_storage();
        mock_fetch(&[("/api/instance", 200, INSTANCE_SET_UP)]);
        let (element, _guard) = mount_app_at("/", Session::with_tokens(None));
        wait_until("the login page shows", || {
            text_of(&element).contains("Continue with email")
        })
        .await;
        assert_eq!(path_and_query(), "/login");
    }

    #[wasm_bindgen_test]
    async fn a_signed_out_settings_visit_goes_to_login_with_the_return_path() {
        reset_storage();
        mock_fetch(&[("/api/instance", 200, INSTANCE_SET_UP)]);
        let (element, _guard) = mount_app_at("/settings/groups", Session::with_tokens(None));
        wait_until("the login page shows", || {
            text_of(&element).contains("Continue with email")
        })
        .await;
        assert_eq!(path_and_query(), "/login?return_to=%2Fsettings%2Fgroups");
    }

    #[wasm_bindgen_test]
    async fn the_login_screen_says_where_to_sign_in_when_this_address_cannot() {
        reset_storage();
        mock_fetch(&[(
            "/api/instance",
            200,
            r#"{"setup_required":false,"login_providers":[{"id":"pocketid-1","type":"pocketid","name":"PocketID"}],
               "local_auth_disabled":false,"redirect_url":"https://qufabric.invalid/oauth2/callback",
               "issuer":"https://qufabric.invalid/oauth2","sign_in_allowed":false}"#,
        )]);
        let (page, _guard) = mount_app_at("/login", Session::with_tokens(None));
        wait_until("the explanation shows", || {
            page.query_selector("#wrong-address")
                .ok()
                .flatten()
                .is_some()
        })
        .await;
        let notice: web_sys::HtmlElement = element(&page, "#wrong-address").expect("notice");
        assert!(text_of(&notice)
            .contains("signs people in at https://qufabric.invalid, not at http://127.0.0.1:9"));
        let link: web_sys::HtmlElement = element(&notice, "a").expect("link");
        assert_eq!(
            link.get_attribute("href").as_deref(),
            Some("https://qufabric.invalid/login")
        );
        assert!(
            page.query_selector("button").ok().flatten().is_none(),
            "no sign-in button that would end in an error"
        );
    }

    /// What another tab leaves behind after signing in with `connector`.
    fn signed_in_elsewhere_with(connector: &str) {
        web_sys::window()
            .and_then(|w| w.local_storage().ok().flatten())
            .expect("storage")
            .set_item("qufabric.last_connector", connector)
            .expect("stored");
    }

    #[wasm_bindgen_test]
    async fn the_way_used_last_is_marked_in_a_new_tab() {
        reset_storage();
        // Another tab signed in with PocketID: only the provider id is in localStorage.
        signed_in_elsewhere_with("pocketid-1");
        mock_fetch(&[(
            "/api/instance",
            200,
            r#"{"setup_required":false,"login_providers":[{"id":"pocketid-1","type":"pocketid","name":"PocketID"}],
               "local_auth_disabled":false}"#,
        )]);
        let (page, _guard) = mount_app_at("/login", Session::with_tokens(None));
        wait_until("the buttons show", || {
            text_of(&page).contains("Continue with PocketID")
        })
        .await;
        let marked: web_sys::HtmlElement =
            element(&page, "button.last-used").expect("the last-used button");
        assert!(text_of(&marked).contains("Continue with PocketID"));
        assert!(text_of(&marked).contains("Last used"));
    }

    #[wasm_bindgen_test]
    async fn login_buttons_keep_one_height_whatever_their_badge() {
        reset_storage();
        use_real_styles();
        signed_in_elsewhere_with("pocketid-1");
        mock_fetch(&[(
            "/api/instance",
            200,
            r#"{"setup_required":false,"login_providers":[{"id":"pocketid-1","type":"pocketid","name":"PocketID"},
               {"id":"okta-1","type":"okta","name":"Okta"}],"local_auth_disabled":false}"#,
        )]);
        let (page, _guard) = mount_app_at("/login", Session::with_tokens(None));
        wait_until("the buttons show", || {
            page.query_selector_all(".login-button")
                .map(|l| l.length())
                .unwrap_or(0)
                == 3
        })
        .await;
        // A login card is narrow: as on a phone.
        let card: web_sys::HtmlElement = element(&page, ".login-card").expect("card");
        let _ = card.style().set_property("width", "22rem");
        let marked = height(&page, ".login-button.last-used");
        let plain = height(&page, ".login-button:not(.last-used)");
        assert!(
            marked > 0.0 && (marked - plain).abs() < 0.5,
            "{marked} vs {plain}"
        );
    }

    #[wasm_bindgen_test]
    async fn a_return_address_on_another_origin_is_never_followed() {
        reset_storage();
        mock_fetch(&[("/api/instance", 200, INSTANCE_SET_UP)]);
        // Already signed in: the login screen goes straight on, but only on this origin.
        let (_page, _guard) = mount_app_at(
            "/login?return_to=https://elsewhere.example/steal",
            Session::with_tokens(Some(tokens("o1"))),
        );
        wait_until("it moved on", || !path_and_query().starts_with("/login")).await;
        let href = web_sys::window()
            .and_then(|w| w.location().href().ok())
            .unwrap_or_default();
        assert!(!href.contains("elsewhere.example"), "{href}");
        // "/" for a signed-in owner: the settings.
        assert_eq!(path_and_query(), "/settings/identity-providers");
    }

    #[wasm_bindgen_test]
    async fn the_signed_out_screen_offers_the_providers_sign_out_without_a_return_address() {
        reset_storage();
        mock_fetch(&[("/api/instance", 200, INSTANCE_SET_UP)]);
        let record = r#"{"confirmed":true,"provider":{"name":"PocketID","type":"pocketid",
            "end_session_url":"http://127.0.0.1:7/api/oidc/end-session?client_id=QuFabric","logout_url_registered":false}}"#;
        web_sys::window()
            .and_then(|w| w.session_storage().ok().flatten())
            .expect("storage")
            .set_item("qufabric.signed_out", record)
            .expect("stored");
        let (page, _guard) = mount_app_at("/signed-out", Session::with_tokens(None));
        wait_until("the screen shows", || {
            text_of(&page).contains("You are signed out of QuFabric.")
        })
        .await;
        let link: web_sys::HtmlElement =
            element(&page, "a[rel=noreferrer]").expect("provider link");
        assert_eq!(text_of(&link), "Also sign out of PocketID");
        let href = link.get_attribute("href").unwrap_or_default();
        assert!(!href.contains("post_logout_redirect_uri"), "{href}");
        assert!(text_of(&page).contains("Logout Callback URLs"));
        // It is the login screen, with its way to sign in again.
        wait_until("the sign-in options show", || {
            text_of(&page).contains("Continue with email")
        })
        .await;
    }

    #[wasm_bindgen_test]
    async fn a_sign_out_is_said_once_on_the_login_screen() {
        reset_storage();
        mock_fetch(&[("/api/instance", 200, INSTANCE_SET_UP)]);
        web_sys::window()
            .and_then(|w| w.session_storage().ok().flatten())
            .expect("storage")
            .set_item(
                "qufabric.signed_out",
                r#"{"confirmed":false,"provider":null}"#,
            )
            .expect("stored");
        let (page, guard) = mount_app_at("/login", Session::with_tokens(None));
        wait_until("the status shows", || {
            text_of(&page).contains("You are signed out of QuFabric.")
        })
        .await;
        assert!(text_of(&page).contains("could not confirm the sign-out"));
        wait_until("the sign-in options show", || {
            text_of(&page).contains("Continue with email")
        })
        .await;
        drop(guard);
        // A second visit says nothing of it.
        let (page, _guard) = mount_app_at("/login", Session::with_tokens(None));
        wait_until("the sign-in options show", || {
            text_of(&page).contains("Continue with email")
        })
        .await;
        assert!(!text_of(&page).contains("signed out"), "{}", text_of(&page));
    }

    #[wasm_bindgen_test]
    async fn a_plain_user_sees_the_no_access_page_not_an_error() {
        reset_storage();
        mock_fetch(&[
            ("/api/instance", 200, INSTANCE_SET_UP),
            (
                "/api/users/current",
                200,
                r#"{"id":"u1","email":"uma@example.com","name":"Uma","role":"user","status":"active",
                   "auto_groups":[],"is_blocked":false,"pending_approval":false,"idp_id":"pocketid-x",
                   "permissions":{"is_restricted":true,"modules":{"identity_providers":{"read":false}}}}"#,
            ),
        ]);
        let (element, _guard) = mount_app_at(
            "/settings/identity-providers",
            Session::with_tokens(Some(tokens("u1"))),
        );
        wait_until("the no-access page shows", || {
            text_of(&element).contains("No access to these settings")
        })
        .await;
        let text = text_of(&element);
        assert!(text.contains("uma@example.com"));
        assert!(text.contains("Sign out"));
        assert!(
            !text.contains("Identity Providers"),
            "no settings tabs for a plain user"
        );
        assert!(requests().contains(&"GET /api/users/current".to_string()));
    }

    #[wasm_bindgen_test]
    async fn an_owner_sees_both_tabs_and_the_current_one_is_marked() {
        reset_storage();
        mock_fetch(&[
            ("/api/instance", 200, INSTANCE_SET_UP),
            (
                "/api/users/current",
                200,
                r#"{"id":"o1","email":"owner@example.com","name":"Olivia","role":"owner","auto_groups":[]}"#,
            ),
        ]);
        let (element, _guard) =
            mount_app_at("/settings/groups", Session::with_tokens(Some(tokens("o1"))));
        wait_until("the settings show", || {
            text_of(&element).contains("Identity Providers")
        })
        .await;
        let current = element
            .query_selector("nav a[aria-current=\"page\"]")
            .ok()
            .flatten()
            .and_then(|a| a.text_content());
        assert_eq!(current.as_deref(), Some("Groups"));
    }

    #[wasm_bindgen_test]
    async fn an_expired_session_without_refresh_goes_back_to_login() {
        reset_storage();
        mock_fetch(&[
            ("/api/instance", 200, INSTANCE_SET_UP),
            (
                "/api/users/current",
                401,
                r#"{"message":"token expired","code":401}"#,
            ),
        ]);
        let session = Session::with_tokens(Some(tokens("o1")));
        let (element, _guard) = mount_app_at("/settings/groups", session);
        wait_until("the login page shows", || {
            text_of(&element).contains("Continue with email")
        })
        .await;
        assert!(session.tokens().is_none(), "the dead session is dropped");
        assert!(path_and_query().starts_with("/login?return_to="));
    }

    #[wasm_bindgen_test]
    async fn a_server_failure_shows_a_message_and_can_be_retried() {
        reset_storage();
        mock_fetch(&[(
            "/api/instance",
            500,
            r#"{"message":"internal server error","code":500}"#,
        )]);
        let (element, _guard) = mount_app_at("/login", Session::with_tokens(None));
        wait_until("the error shows", || {
            text_of(&element).contains("The server failed")
        })
        .await;
        mock_fetch(&[("/api/instance", 200, INSTANCE_SET_UP)]);
        let retry: web_sys::HtmlElement = element
            .query_selector(".notice-error button")
            .ok()
            .flatten()
            .map(wasm_bindgen::JsCast::unchecked_into)
            .expect("a retry button");
        retry.click();
        wait_until("the sign-in options show", || {
            text_of(&element).contains("Continue with email")
        })
        .await;
    }

    #[wasm_bindgen_test]
    async fn login_error_codes_have_specific_messages() {
        reset_storage();
        mock_fetch(&[("/api/instance", 200, INSTANCE_SET_UP)]);
        let (element, _guard) = mount_app_at(
            "/login?error=not_in_allowed_group&error_description=%3Cb%3Enope%3C%2Fb%3E",
            Session::with_tokens(None),
        );
        wait_until("the message shows", || {
            text_of(&element).contains("allowed groups")
        })
        .await;
        // Markup in the description is shown as text.
        assert!(text_of(&element).contains("<b>nope</b>"));
        assert!(element
            .query_selector("#login-error b")
            .ok()
            .flatten()
            .is_none());
        for error in qufabric_model::SignInError::ALL {
            if error == qufabric_model::SignInError::ServerError {
                continue;
            }
            let code = error.code();
            let (what, _) = qufabric_dashboard::pages::login_error_message(code);
            assert_ne!(
                what,
                qufabric_dashboard::pages::login_error_message("server_error").0,
                "{code}"
            );
        }
    }
}

mod identity_providers {
    use super::support::*;
    use super::*;
    use qufabric_dashboard::auth::Session;

    const OWNER: &str = r#"{"id":"o1","email":"owner@example.com","name":"Olivia","role":"owner","auto_groups":[]}"#;
    const INSTANCE: &str = r#"{"setup_required":false,"login_providers":[],"local_auth_disabled":false,
        "redirect_url":"http://127.0.0.1:9/oauth2/callback","logout_url":"http://127.0.0.1:9/oauth2/logout/callback"}"#;

    fn base_routes() -> Vec<(&'static str, u16, &'static str)> {
        vec![
            ("/api/instance", 200, INSTANCE),
            ("/api/users/current", 200, OWNER),
            ("/api/users", 200, "[]"),
            ("GET /api/identity-providers", 200, "[]"),
            (
                "/api/identity-providers/check-issuer",
                500,
                r#"{"message":"not in this test","code":500}"#,
            ),
        ]
    }

    fn value_of(root: &web_sys::HtmlElement, selector: &str) -> String {
        element::<web_sys::HtmlInputElement>(root, selector)
            .map(|i| i.value())
            .unwrap_or_default()
    }

    async fn new_form(
        routes: &[(&'static str, u16, &'static str)],
    ) -> (web_sys::HtmlElement, impl Drop) {
        reset_storage();
        mock_fetch(routes);
        let mounted = mount_app_at(
            "/settings/identity-providers/new",
            Session::with_tokens(Some(tokens("o1"))),
        );
        let root = mounted.0.clone();
        wait_until("the form shows", || {
            root.query_selector("#type-pocketid")
                .ok()
                .flatten()
                .is_some()
        })
        .await;
        mounted
    }

    #[wasm_bindgen_test]
    async fn pocketid_trailing_slash_warns_and_the_fix_removes_it() {
        let (root, _guard) = new_form(&base_routes()).await;
        click(&root, "#type-pocketid");
        wait_until("the name is filled", || {
            value_of(&root, "#provider-name") == "PocketID"
        })
        .await;
        type_into(&root, "#provider-issuer", "https://pocketid.example.com/");
        wait_until("the warning shows", || {
            root.query_selector("[data-code=\"trailing_slash\"]")
                .ok()
                .flatten()
                .is_some()
        })
        .await;
        assert!(text_of(&root).contains("PocketID issuers have no trailing slash"));
        // A warning, not an error: the field is not marked invalid for it.
        let issuer: web_sys::HtmlInputElement = element(&root, "#provider-issuer").expect("issuer");
        assert_eq!(issuer.get_attribute("aria-invalid"), None);
        assert!(issuer
            .get_attribute("aria-describedby")
            .unwrap_or_default()
            .contains("provider-issuer-findings"));
        click(&root, "[data-code=\"trailing_slash\"] button");
        wait_until("the fix applied", || {
            value_of(&root, "#provider-issuer") == "https://pocketid.example.com"
        })
        .await;
        wait_until("the warning is gone", || {
            root.query_selector("[data-code=\"trailing_slash\"]")
                .ok()
                .flatten()
                .is_none()
        })
        .await;
    }

    #[wasm_bindgen_test]
    async fn the_advanced_part_shows_only_when_the_server_takes_options_and_checks_what_is_typed() {
        // A server without provider options (a real NetBird server): no Advanced part.
        let (root, guard) = new_form(&base_routes()).await;
        click(&root, "#type-pocketid");
        wait_until("the name is filled", || {
            value_of(&root, "#provider-name") == "PocketID"
        })
        .await;
        assert!(root
            .query_selector("#provider-advanced")
            .ok()
            .flatten()
            .is_none());
        drop(guard);

        const WITH_OPTIONS: &str = r#"{"setup_required":false,"login_providers":[],"local_auth_disabled":false,
            "redirect_url":"http://127.0.0.1:9/oauth2/callback","provider_options":true}"#;
        let mut routes = base_routes();
        routes[0] = ("/api/instance", 200, WITH_OPTIONS);
        let (root, _guard) = new_form(&routes).await;
        click(&root, "#type-pocketid");
        wait_until("the Advanced part shows", || {
            root.query_selector("#provider-advanced")
                .ok()
                .flatten()
                .is_some()
        })
        .await;
        wait_until("the name is filled", || {
            value_of(&root, "#provider-name") == "PocketID"
        })
        .await;
        let details: web_sys::HtmlElement = element(&root, "#provider-advanced").expect("details");
        assert_eq!(details.get_attribute("open"), None, "closed by default");
        assert_eq!(
            value_of(&root, "#provider-scopes"),
            "openid profile email groups"
        );
        assert!(text_of(&root)
            .contains("QuFabric asks PocketID for scope=openid profile email groups."));
        // openid is always sent, whatever is typed.
        type_into(&root, "#provider-scopes", "email");
        wait_until("the scopes sent follow", || {
            text_of(&root).contains("for scope=openid email.")
        })
        .await;
        // A claim name with a space is refused before saving, and said.
        type_into(&root, "#provider-groups-claim", "my groups");
        wait_until("the error shows", || {
            element::<web_sys::HtmlElement>(&root, "#provider-options-error")
                .is_some_and(|e| !e.hidden())
        })
        .await;
        assert!(text_of(&root).contains("the groups claim my groups is not a claim name"));
        let input: web_sys::HtmlInputElement =
            element(&root, "#provider-groups-claim").expect("claim input");
        assert!(input
            .get_attribute("aria-describedby")
            .unwrap_or_default()
            .contains("provider-options-error"));
    }

    #[wasm_bindgen_test]
    async fn a_public_url_nobody_can_reach_is_flagged_to_administrators_only() {
        const UNREACHABLE: &str = r#"{"setup_required":false,"login_providers":[],"local_auth_disabled":false,
            "redirect_url":"http://0.0.0.0:8080/oauth2/callback","logout_url":"http://0.0.0.0:8080/oauth2/logout/callback"}"#;
        let mut routes = base_routes();
        routes[0] = ("/api/instance", 200, UNREACHABLE);
        let (root, guard) = new_form(&routes).await;
        wait_until("the warning shows", || {
            root.query_selector("#public-url-warning")
                .ok()
                .flatten()
                .is_some()
        })
        .await;
        let warning: web_sys::HtmlElement = element(&root, "#public-url-warning").expect("warning");
        assert!(text_of(&warning).contains("0.0.0.0"));
        assert!(text_of(&warning).contains("--public-url https://"));
        drop(guard);

        // An auditor reads the form but cannot change the server: no warning.
        routes[1] = (
            "/api/users/current",
            200,
            r#"{"id":"a1","email":"audrey@example.com","name":"Audrey","role":"auditor","auto_groups":[]}"#,
        );
        let (root, _guard) = new_form(&routes).await;
        wait_until("the redirect URL shows", || {
            value_of(&root, "#redirect-url").contains("0.0.0.0")
        })
        .await;
        assert!(root
            .query_selector("#public-url-warning")
            .ok()
            .flatten()
            .is_none());
    }

    #[wasm_bindgen_test]
    async fn the_form_explains_invalid_redirect_uri_in_place_and_says_pocketid_clients_must_be_confidential(
    ) {
        let (root, _guard) = new_form(&base_routes()).await;
        // In place, not a link to a page an element's host may not have.
        let help =
            element::<web_sys::HtmlElement>(&root, "section.redirects details#redirect-uri-help")
                .expect("the help disclosure under the Redirect URL");
        assert!(text_of(&help).contains("Invalid redirect URI"));
        assert!(text_of(&help).contains("character for character"));
        assert!(root
            .query_selector("section.redirects a[href*=\"/help/\"]")
            .ok()
            .flatten()
            .is_none());
        let hint = || {
            element::<web_sys::HtmlElement>(&root, "#provider-secret-hint")
                .map(|e| text_of(&e))
                .unwrap_or_default()
        };
        assert!(!hint().contains("Public Client off"));
        click(&root, "#type-pocketid");
        wait_until("the PocketID secret hint", || {
            hint().contains("Public Client off")
        })
        .await;
        click(&root, "#type-okta");
        wait_until("gone for another kind", || {
            !hint().contains("Public Client")
        })
        .await;
    }

    #[wasm_bindgen_test]
    async fn allowed_groups_name_who_they_would_lock_out_and_the_missing_groups_scope() {
        reset_storage();
        const WITH_OPTIONS: &str = r#"{"setup_required":false,"login_providers":[],"local_auth_disabled":false,
            "redirect_url":"http://127.0.0.1:9/oauth2/callback","provider_options":true}"#;
        let mut routes = base_routes();
        routes[0] = ("/api/instance", 200, WITH_OPTIONS);
        // Ann, an admin who signs in through this provider; sync recorded her in `staff`.
        routes[2] = (
            "/api/users",
            200,
            r#"[{"id":"u1","email":"ann@example.com","role":"admin","idp_id":"oidc-x","auto_groups":["g1"]}]"#,
        );
        routes.push((
            "/api/groups",
            200,
            r#"[{"id":"g1","name":"staff","issued":"jwt"}]"#,
        ));
        routes.push((
            "GET /api/identity-providers/oidc-x",
            200,
            r#"{"id":"oidc-x","type":"oidc","name":"Contractor IdP","issuer":"https://c.example.com","client_id":"c",
                "options":{"scopes":null,"claims":{"groups":"groups","groups_split":false,"email":"email"}}}"#,
        ));
        mock_fetch(&routes);
        let (root, _guard) = mount_app_at(
            "/settings/identity-providers/oidc-x",
            Session::with_tokens(Some(tokens("o1"))),
        );
        wait_until("the field shows", || {
            element::<web_sys::HtmlElement>(&root, "#provider-allowed-groups").is_some()
        })
        .await;
        let scope_warning = || {
            element::<web_sys::HtmlElement>(&root, "#provider-allowed-groups-scope")
                .is_some_and(|e| !e.hidden())
        };
        let lockout = || {
            element::<web_sys::HtmlElement>(&root, "#provider-allowed-groups-lockout")
                .map(|e| text_of(&e))
                .unwrap_or_default()
        };
        assert!(!scope_warning(), "nothing to warn about without a list");
        type_into(&root, "#provider-allowed-groups", "contractors");
        wait_until("ann is named", || {
            lockout().contains("saving locks out ann@example.com")
        })
        .await;
        assert!(
            scope_warning(),
            "a generic provider is not asked for groups"
        );
        type_into(&root, "#provider-allowed-groups", "contractors, staff");
        wait_until("and no longer", || lockout().is_empty()).await;
    }

    #[wasm_bindgen_test]
    async fn after_saving_the_redirect_url_is_in_view_with_the_confirmation_beside_it() {
        reset_storage();
        use_real_styles();
        let mut routes = base_routes();
        routes.push((
            "GET /api/identity-providers/pocketid-1",
            200,
            r#"{"id":"pocketid-1","type":"pocketid","name":"PocketID","issuer":"https://p.example.com","client_id":"c"}"#,
        ));
        mock_fetch(&routes);
        let (root, _guard) = mount_app_at(
            "/settings/identity-providers/pocketid-1?saved=1",
            Session::with_tokens(Some(tokens("o1"))),
        );
        wait_until("the copy button has the focus", || {
            document().active_element().is_some_and(|e| {
                e.previous_element_sibling()
                    .is_some_and(|i| i.id() == "redirect-url")
            })
        })
        .await;
        let note: web_sys::HtmlElement =
            element(&root, "section.redirects #saved-confirmation").expect("beside the URL");
        assert!(text_of(&note).starts_with("Saved."));
        assert!(
            element::<web_sys::HtmlElement>(&root, "#form-status")
                .map(|e| text_of(&e))
                .unwrap_or_default()
                .is_empty(),
            "not far away at the top"
        );
    }

    #[wasm_bindgen_test]
    async fn list_rows_line_up_and_the_count_reads_naturally() {
        reset_storage();
        use_real_styles();
        let mut routes = base_routes();
        routes[3] = (
            "GET /api/identity-providers",
            200,
            r#"[{"id":"pocketid-1","type":"pocketid","name":"PocketID","issuer":"https://a-rather-long-issuer.example.com/with/a/path/that/wraps/on/narrow/screens","client_id":"c"}]"#,
        );
        mock_fetch(&routes);
        let (root, _guard) = mount_app_at(
            "/settings/identity-providers",
            Session::with_tokens(Some(tokens("o1"))),
        );
        wait_until("the row shows", || has_row(&root)).await;
        assert!(text_of(&root).contains("1 provider") && !text_of(&root).contains("1 providers"));
        let row = height(&root, "table.providers tbody tr");
        let name_cell = height(&root, "table.providers tbody td:first-child");
        assert!(
            (row - name_cell).abs() < 1.0,
            "row {row}, name cell {name_cell}"
        );
    }

    fn has_row(root: &web_sys::HtmlElement) -> bool {
        root.query_selector("table.providers tbody tr")
            .ok()
            .flatten()
            .is_some()
    }

    #[wasm_bindgen_test]
    async fn an_unreachable_issuer_is_explained_in_words() {
        let mut routes = base_routes();
        routes[4] = (
            "/api/identity-providers/check-issuer",
            200,
            r#"{"reachable":false,"failure":{"kind":"dns","detail":"the host name pocketid.invalid could not be found (DNS)"}}"#,
        );
        let (root, _guard) = new_form(&routes).await;
        click(&root, "#type-pocketid");
        type_into(&root, "#provider-issuer", "https://pocketid.invalid");
        wait_until("the discovery finding", || {
            root.query_selector("[data-code=\"discovery_unreachable\"]")
                .ok()
                .flatten()
                .is_some()
        })
        .await;
        let text = text_of(&root);
        assert!(
            text.contains("The server checked https://pocketid.invalid: the host name pocketid.invalid could not be found (DNS)."),
            "{text}"
        );
    }

    #[wasm_bindgen_test]
    async fn markup_typed_into_the_issuer_stays_text() {
        let (root, _guard) = new_form(&base_routes()).await;
        click(&root, "#type-pocketid");
        type_into(&root, "#provider-issuer", "<b>bold</b>");
        wait_until("the invalid-URL error shows", || {
            root.query_selector("[data-code=\"issuer_invalid_url\"]")
                .ok()
                .flatten()
                .is_some()
        })
        .await;
        assert!(root.query_selector(".findings b").ok().flatten().is_none());
        type_into(&root, "#provider-name", "<img src=x>");
        wait_until("the hint repeats the name as text", || {
            text_of(&root).contains("Continue with <img src=x>")
        })
        .await;
        assert!(root.query_selector("img[src=x]").ok().flatten().is_none());
    }

    #[wasm_bindgen_test]
    async fn authentik_without_slash_gets_the_opposite_warning() {
        let (root, _guard) = new_form(&base_routes()).await;
        click(&root, "#type-authentik");
        type_into(
            &root,
            "#provider-issuer",
            "https://authentik.example.com/application/o/qufabric",
        );
        wait_until("the warning shows", || {
            root.query_selector("[data-code=\"missing_trailing_slash\"]")
                .ok()
                .flatten()
                .is_some()
        })
        .await;
        click(&root, "[data-code=\"missing_trailing_slash\"] button");
        wait_until("the slash is added", || {
            value_of(&root, "#provider-issuer")
                == "https://authentik.example.com/application/o/qufabric/"
        })
        .await;
    }

    #[wasm_bindgen_test]
    async fn well_known_suffix_is_stripped_and_said() {
        let (root, _guard) = new_form(&base_routes()).await;
        click(&root, "#type-pocketid");
        type_into(
            &root,
            "#provider-issuer",
            "https://pocketid.example.com/.well-known/openid-configuration",
        );
        wait_until("stripped", || {
            value_of(&root, "#provider-issuer") == "https://pocketid.example.com"
        })
        .await;
        assert!(text_of(&root).contains("Removed /.well-known/openid-configuration"));
    }

    fn set_clipboard(script: &str) {
        let define = js_sys::Function::new_no_args(script);
        define
            .call0(&wasm_bindgen::JsValue::NULL)
            .expect("clipboard stub installed");
    }

    #[wasm_bindgen_test]
    async fn copy_button_success_and_failure_paths() {
        let (root, _guard) = new_form(&base_routes()).await;
        wait_until("the redirect URL shows", || {
            value_of(&root, "#redirect-url") == "http://127.0.0.1:9/oauth2/callback"
        })
        .await;

        set_clipboard(
            "window.__copied = null; Object.defineProperty(navigator, 'clipboard', { configurable: true,
               value: { writeText: (t) => { window.__copied = t; return Promise.resolve(); } } });",
        );
        click(&root, "#redirect-url ~ button");
        wait_until("success is announced", || {
            text_of(&root).contains("Copied to the clipboard.")
        })
        .await;
        let copied = js_sys::Reflect::get(&web_sys::window().expect("window"), &"__copied".into())
            .ok()
            .and_then(|v| v.as_string());
        assert_eq!(
            copied.as_deref(),
            Some("http://127.0.0.1:9/oauth2/callback")
        );
        let status: web_sys::HtmlElement =
            element(&root, "#redirect-url-status").expect("status region");
        assert_eq!(status.get_attribute("role").as_deref(), Some("status"));

        set_clipboard(
            "Object.defineProperty(navigator, 'clipboard', { configurable: true,
               value: { writeText: () => Promise.reject(new DOMException('denied', 'NotAllowedError')) } });",
        );
        click(&root, "#redirect-url ~ button");
        wait_until("failure is announced", || {
            text_of(&root).contains("The browser refused to copy")
        })
        .await;
        assert!(
            !text_of(&status).contains("Copied"),
            "never claims success it did not have"
        );
        let active = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.active_element())
            .map(|e| e.id());
        assert_eq!(
            active.as_deref(),
            Some("redirect-url"),
            "the text is selected for Ctrl+C"
        );

        set_clipboard("Object.defineProperty(navigator, 'clipboard', { configurable: true, value: undefined });");
        click(&root, "#redirect-url ~ button");
        wait_until("the plain-http hint shows", || {
            text_of(&root).contains("press Ctrl+C")
        })
        .await;
    }

    const SAVED: &str = r#"{"id":"pocketid-abc","type":"pocketid","name":"PocketID","issuer":"https://pocketid.example.com","client_id":"cid"}"#;

    async fn fill_pocketid(root: &web_sys::HtmlElement) {
        click(root, "#type-pocketid");
        type_into(root, "#provider-issuer", "https://pocketid.example.com");
        type_into(root, "#provider-client-id", "cid");
        type_into(root, "#provider-secret", "super-secret-value");
        wait_until("save is enabled", || {
            element::<web_sys::HtmlButtonElement>(root, "button[type=submit]")
                .is_some_and(|b| !b.disabled())
        })
        .await;
    }

    #[wasm_bindgen_test]
    async fn the_secret_is_in_no_dom_node_after_saving() {
        let mut routes = base_routes();
        routes.push(("POST /api/identity-providers", 200, SAVED));
        routes.push(("/api/identity-providers/pocketid-abc", 200, SAVED));
        let (root, _guard) = new_form(&routes).await;
        fill_pocketid(&root).await;
        click(&root, "button[type=submit]");
        wait_until("the edit route shows", || {
            path_and_query().starts_with("/settings/identity-providers/pocketid-abc")
        })
        .await;
        wait_until("the saved status shows", || {
            text_of(&root).contains("Saved.")
        })
        .await;
        wait_until("the form is loaded", || {
            value_of(&root, "#provider-client-id") == "cid"
        })
        .await;
        assert_eq!(value_of(&root, "#provider-secret"), "");
        let html = document()
            .document_element()
            .map(|e| e.outer_html())
            .unwrap_or_default();
        assert!(!html.contains("super-secret-value"));
        let window = web_sys::window().expect("window");
        for storage in [window.session_storage(), window.local_storage()]
            .into_iter()
            .flatten()
            .flatten()
        {
            let length = storage.length().unwrap_or(0);
            for index in 0..length {
                let key = storage.key(index).ok().flatten().unwrap_or_default();
                let value = storage.get_item(&key).ok().flatten().unwrap_or_default();
                assert!(!value.contains("super-secret-value"), "{key}");
            }
        }
        assert!(requests().contains(&"POST /api/identity-providers".to_string()));
    }

    #[wasm_bindgen_test]
    async fn a_422_lands_on_the_issuer_with_everything_typed_intact() {
        let mut routes = base_routes();
        routes.push((
            "POST /api/identity-providers",
            422,
            r#"{"message":"identity provider issuer is unreachable: connection refused","code":422}"#,
        ));
        let (root, _guard) = new_form(&routes).await;
        fill_pocketid(&root).await;
        click(&root, "button[type=submit]");
        wait_until("the message is on the issuer", || {
            element::<web_sys::HtmlElement>(&root, "#provider-issuer-findings").is_some_and(|f| {
                text_of(&f).contains("Identity provider issuer is unreachable: connection refused")
            })
        })
        .await;
        let issuer: web_sys::HtmlInputElement = element(&root, "#provider-issuer").expect("issuer");
        assert_eq!(
            issuer.get_attribute("aria-invalid").as_deref(),
            Some("true")
        );
        assert_eq!(value_of(&root, "#provider-name"), "PocketID");
        assert_eq!(
            value_of(&root, "#provider-issuer"),
            "https://pocketid.example.com"
        );
        assert_eq!(value_of(&root, "#provider-client-id"), "cid");
        assert_eq!(value_of(&root, "#provider-secret"), "super-secret-value");
        assert_eq!(path_and_query(), "/settings/identity-providers/new");
        // Editing the issuer clears the server's verdict on it.
        type_into(&root, "#provider-issuer", "https://pocketid2.example.com");
        wait_until("the server message is gone", || {
            !text_of(&root).contains("unreachable: connection refused")
        })
        .await;
    }

    #[wasm_bindgen_test]
    async fn a_session_that_ends_mid_edit_keeps_the_draft_but_not_the_secret() {
        reset_storage();
        mock_fetch(&base_routes());
        let session = Session::with_tokens(Some(tokens("o1")));
        {
            let (root, _guard) = mount_app_at("/settings/identity-providers/new", session);
            wait_until("the form shows", || {
                root.query_selector("#type-pocketid")
                    .ok()
                    .flatten()
                    .is_some()
            })
            .await;
            click(&root, "#type-pocketid");
            type_into(&root, "#provider-issuer", "https://pocketid.example.com");
            type_into(&root, "#provider-client-id", "kept-client");
            type_into(&root, "#provider-secret", "never-stored-secret");
            wait_until("typed", || {
                value_of(&root, "#provider-client-id") == "kept-client"
            })
            .await;
            // The session ends (refresh failed): to the login screen, saying why.
            session.clear();
            wait_until("the login screen", || {
                path_and_query().starts_with("/login")
            })
            .await;
            assert!(path_and_query().starts_with(
                "/login?error=session_expired&return_to=%2Fsettings%2Fidentity-providers%2Fnew"
            ));
            let stored = web_sys::window()
                .and_then(|w| w.session_storage().ok().flatten())
                .and_then(|s| s.get_item("qufabric.provider_draft").ok().flatten())
                .expect("the draft is kept");
            assert!(stored.contains("kept-client"));
            assert!(
                !stored.contains("never-stored-secret"),
                "the secret is never stored"
            );
        }
        // Signed in again, back on the same form: the draft is restored.
        let (root, _guard) = mount_app_at(
            "/settings/identity-providers/new",
            Session::with_tokens(Some(tokens("o1"))),
        );
        wait_until("the draft is restored", || {
            value_of(&root, "#provider-client-id") == "kept-client"
        })
        .await;
        assert_eq!(
            value_of(&root, "#provider-issuer"),
            "https://pocketid.example.com"
        );
        assert_eq!(value_of(&root, "#provider-secret"), "");
        assert!(text_of(&root).contains("Type the client secret again."));
    }

    #[wasm_bindgen_test]
    async fn an_auditor_reads_but_cannot_change() {
        reset_storage();
        let mut routes = base_routes();
        routes[1] = (
            "/api/users/current",
            200,
            r#"{"id":"a1","email":"audrey@example.com","role":"auditor","auto_groups":[]}"#,
        );
        routes[3] = ("GET /api/identity-providers", 200, "[{\"id\":\"pocketid-abc\",\"type\":\"pocketid\",\"name\":\"PocketID\",\"issuer\":\"https://p.example.com\",\"client_id\":\"c\"}]");
        mock_fetch(&routes);
        let (root, _guard) = mount_app_at(
            "/settings/identity-providers",
            Session::with_tokens(Some(tokens("a1"))),
        );
        wait_until("the list shows", || {
            text_of(&root).contains("https://p.example.com")
        })
        .await;
        assert!(!text_of(&root).contains("Add identity provider"));
        assert!(
            root.query_selector("td.actions button")
                .ok()
                .flatten()
                .is_none(),
            "no delete for an auditor"
        );
    }
}

mod provider_logic {
    use super::*;
    use qufabric_dashboard::pages::{
        delete_consequences, filter_providers, last_sign_in, provider_count, sign_in_method,
    };
    use qufabric_model::{IdentityProvider, ProviderKind, User};

    #[wasm_bindgen_test]
    fn counts_and_times_read_naturally() {
        assert_eq!(provider_count(1, 1), "1 provider");
        assert_eq!(provider_count(3, 3), "3 providers");
        assert_eq!(provider_count(0, 1), "0 of 1 provider");
        assert_eq!(provider_count(1, 4), "1 of 4 providers");
        assert_eq!(
            last_sign_in(Some("2026-11-29T16:05:09.123Z")),
            "2026-11-29 16:05 UTC"
        );
        assert_eq!(last_sign_in(None), "Never");
        let pocket = provider("pocketid-1", "PocketID", ProviderKind::Pocketid);
        assert_eq!(
            sign_in_method(&user(Some("pocketid-1")), std::slice::from_ref(&pocket)),
            "PocketID"
        );
        assert_eq!(sign_in_method(&user(None), &[pocket]), "Email and password");
        assert_eq!(
            sign_in_method(&user(Some("gone")), &[]),
            "A provider that was removed"
        );
    }

    fn provider(id: &str, name: &str, kind: ProviderKind) -> IdentityProvider {
        IdentityProvider {
            id: id.into(),
            kind,
            name: name.into(),
            issuer: "https://i".into(),
            client_id: "c".into(),
            logout_url_registered: false,
            login_default: false,
            options: None,
        }
    }

    fn user(idp: Option<&str>) -> User {
        serde_json::from_value(serde_json::json!({"id": "u", "idp_id": idp})).expect("user")
    }

    #[wasm_bindgen_test]
    fn delete_warns_harder_for_the_own_session_and_the_last_way_in() {
        let pocket = provider("pocketid-1", "PocketID", ProviderKind::Pocketid);
        let users = vec![
            user(Some("pocketid-1")),
            user(Some("pocketid-1")),
            user(None),
        ];
        let plain = delete_consequences(&pocket, Some(&users), Some("local"), 2, false);
        assert_eq!(
            plain,
            vec![(
                true,
                "2 users sign in with it and will no longer be able to.".to_string()
            )]
        );
        let own = delete_consequences(&pocket, Some(&users), Some("pocketid-1"), 2, false);
        assert!(own
            .iter()
            .any(|(serious, text)| *serious && text.contains("You signed in with this provider")));
        let last = delete_consequences(&pocket, Some(&[]), None, 1, true);
        assert_eq!(
            last[0],
            (false, "No user signs in with it yet.".to_string())
        );
        assert!(last
            .iter()
            .any(|(serious, text)| *serious && text.contains("last way in")));
        let unknown = delete_consequences(&pocket, None, None, 3, false);
        assert!(unknown[0].1.contains("could not be loaded"));
    }

    #[wasm_bindgen_test]
    fn search_matches_name_and_type() {
        let all = vec![
            provider("a", "Company SSO", ProviderKind::Keycloak),
            provider("b", "PocketID", ProviderKind::Pocketid),
        ];
        assert_eq!(filter_providers(&all, "keycloak").len(), 1);
        assert_eq!(filter_providers(&all, "company").len(), 1);
        assert_eq!(filter_providers(&all, "  ").len(), 2);
        assert_eq!(filter_providers(&all, "zzz").len(), 0);
    }

    /// The list's rows: one per provider, names as text (never markup), links and buttons
    /// naming their provider for the table's one click handler.
    #[wasm_bindgen_test]
    fn rows_are_filled_as_text_with_their_links_and_buttons() {
        use qufabric_dashboard::pages::fill_rows;
        let document = web_sys::window().unwrap().document().unwrap();
        let body = document.create_element("tbody").unwrap();
        body.set_inner_html("<tr><td>old</td></tr>");
        let hostile = "<img src=x onerror=alert(1)>";
        let all = vec![
            provider("a/b", hostile, ProviderKind::Keycloak),
            provider("p2", "PocketID", ProviderKind::Pocketid),
        ];
        let nav = qufabric_dashboard::nav::use_nav();
        fill_rows(&body, &all, true, nav).unwrap();
        let rows = body.query_selector_all("tr").unwrap();
        assert_eq!(rows.length(), 2, "the old row is gone");
        let link = body.query_selector("tr[data-id='a/b'] a").unwrap().unwrap();
        assert_eq!(link.text_content().unwrap(), hostile);
        assert_eq!(
            link.get_attribute("href").unwrap(),
            "/settings/identity-providers/a%2Fb"
        );
        assert_eq!(
            body.query_selector_all("img").unwrap().length(),
            0,
            "the hostile name is not markup"
        );
        // Each row draws its kind's mark inline: no request, nothing for img-src.
        let view_box = |mark: &str| {
            mark.split("viewBox=\"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .map(str::to_string)
        };
        let drawn: Vec<Option<String>> = ["a/b", "p2"]
            .iter()
            .map(|id| {
                body.query_selector(&format!("tr[data-id='{id}'] .provider-icon svg"))
                    .ok()
                    .flatten()
                    .and_then(|svg| svg.get_attribute("viewBox"))
            })
            .collect();
        assert_eq!(
            drawn,
            [
                view_box(ProviderKind::Keycloak.info().mark),
                view_box(ProviderKind::Pocketid.info().mark)
            ]
        );
        assert!(drawn.iter().all(Option::is_some));
        let test = body
            .query_selector("tr[data-id='p2'] button[data-action='test']")
            .unwrap()
            .unwrap();
        assert_eq!(test.text_content().unwrap(), "Test sign-in PocketID");
        let delete = body
            .query_selector("tr[data-id='p2'] button[data-action='delete']")
            .unwrap()
            .unwrap();
        assert_eq!(delete.text_content().unwrap(), "Delete PocketID");
        // A click anywhere in a row names its provider; a button, its action too.
        use qufabric_dashboard::pages::clicked_in_row;
        let span = delete.first_element_child().unwrap();
        assert_eq!(
            clicked_in_row(&span),
            Some(("p2".to_string(), Some("delete".to_string())))
        );
        assert_eq!(clicked_in_row(&link), Some(("a/b".to_string(), None)));
        let issuer_cell = body
            .query_selector("tr[data-id='p2'] td.issuer")
            .unwrap()
            .unwrap();
        assert_eq!(clicked_in_row(&issuer_cell), None, "not a link or a button");
        assert!(body.text_content().unwrap().contains("Keycloak"));
        fill_rows(&body, &all, false, nav).unwrap();
        assert_eq!(
            body.query_selector_all("button").unwrap().length(),
            0,
            "no buttons to read-only roles"
        );
    }

    /// The login preview's list: a rename or a new provider shows before saving.
    #[wasm_bindgen_test]
    fn the_preview_lists_the_form_as_typed() {
        use qufabric_dashboard::pages::with_draft;
        let saved = vec![
            provider("a", "Company SSO", ProviderKind::Keycloak),
            provider("b", "PocketID", ProviderKind::Pocketid),
        ];
        let renamed = with_draft(saved.clone(), Some("b"), "PocketID Staff", None);
        assert_eq!(renamed[1].name, "PocketID Staff");
        assert_eq!(renamed.len(), 2);
        let added = with_draft(saved.clone(), None, "", Some(ProviderKind::Authentik));
        assert_eq!(added.len(), 3);
        assert_eq!(added[2].name, "Authentik");
        assert_eq!(
            with_draft(saved.clone(), None, " ", None).len(),
            2,
            "an empty new form adds nothing"
        );
        assert_eq!(with_draft(saved, Some("gone"), "X", None).len(), 2);
    }
}

mod groups_page {
    use super::support::*;
    use super::*;
    use qufabric_dashboard::auth::Session;
    use wasm_bindgen::JsCast;

    const ADMIN: &str = r#"{"id":"a1","email":"alice@example.com","name":"Alice","role":"admin","auto_groups":["g1"],"idp_id":"pocketid-x"}"#;
    const ACCOUNT: &str = r#"[{"id":"acc1","settings":{"jwt_groups_enabled":true,"jwt_groups_claim_name":"groups",
        "jwt_allow_groups":[],"groups_propagation_enabled":true,"peer_login_expiration":3600,"embedded_idp_enabled":true,
        "future_setting":{"keep":"me"},"extra":{"peer_approval_enabled":true}}}]"#;
    const ACCOUNT_ONE: &str = r#"{"id":"acc1","settings":{"jwt_groups_enabled":true,"jwt_groups_claim_name":"groups",
        "jwt_allow_groups":["QuFabric"],"groups_propagation_enabled":true}}"#;
    const GROUPS: &str = r#"[{"id":"g1","name":"QuFabric","issued":"jwt"},{"id":"g2","name":"Contractors","issued":"jwt"}]"#;

    fn routes(put: (u16, &'static str)) -> Vec<(&'static str, u16, &'static str)> {
        vec![
            ("/api/instance", 200, r#"{"setup_required":false}"#),
            ("/api/users/current", 200, ADMIN),
            ("/api/users", 200, "[]"),
            ("/api/groups", 200, GROUPS),
            ("GET /api/identity-providers", 200, "[]"),
            ("GET /api/accounts", 200, ACCOUNT),
            ("PUT /api/accounts/acc1", put.0, put.1),
        ]
    }

    /// Alice signed in through PocketID; her token carries the group QuFabric.
    fn alice_session() -> Session {
        let mut tokens = tokens("a1");
        tokens.claims.connector_id = Some("pocketid-x".into());
        tokens.claims.groups = vec!["QuFabric".into()];
        Session::with_tokens(Some(tokens))
    }

    fn input(root: &web_sys::HtmlElement, selector: &str) -> web_sys::HtmlInputElement {
        root.query_selector(selector)
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into().ok())
            .expect("input")
    }

    fn press_enter(root: &web_sys::HtmlElement, selector: &str) {
        let init = web_sys::KeyboardEventInit::new();
        init.set_key("Enter");
        init.set_bubbles(true);
        let event = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init)
            .expect("event");
        input(root, selector)
            .dispatch_event(&event)
            .expect("dispatch");
    }

    fn has(root: &web_sys::HtmlElement, selector: &str) -> bool {
        root.query_selector(selector).ok().flatten().is_some()
    }

    fn save_enabled(root: &web_sys::HtmlElement) -> bool {
        root.query_selector("button[type=submit]")
            .ok()
            .flatten()
            .and_then(|b| b.dyn_into::<web_sys::HtmlButtonElement>().ok())
            .is_some_and(|b| !b.disabled())
    }

    async fn mounted(put: (u16, &'static str)) -> (web_sys::HtmlElement, impl Drop) {
        reset_storage();
        mock_fetch(&routes(put));
        let mounted = mount_app_at("/settings/groups", alice_session());
        let root = mounted.0.clone();
        wait_until("the groups page loads", || has(&root, "#jwt-claim")).await;
        mounted
    }

    fn put_body() -> Option<serde_json::Value> {
        let window = web_sys::window().expect("window");
        js_sys::Reflect::get(&window, &"__lastBody".into())
            .ok()
            .and_then(|v| v.as_string())
            .and_then(|s| serde_json::from_str(&s).ok())
    }

    fn record_bodies() {
        let wrap = js_sys::Function::new_no_args(
            "const inner = window.fetch; window.fetch = (input, init) => {
               if (init && init.body) { window.__lastBody = init.body; }
               if (input instanceof Request && input.method !== 'GET') {
                 return input.clone().text().then((t) => { window.__lastBody = t; return inner(input, init); });
               }
               return inner(input, init); };",
        );
        wrap.call0(&wasm_bindgen::JsValue::NULL)
            .expect("wrap fetch");
    }

    #[wasm_bindgen_test]
    async fn warnings_appear_and_disappear_with_their_condition() {
        let (root, _guard) = mounted((200, ACCOUNT_ONE)).await;
        type_into(&root, "#jwt-claim", "");
        wait_until("empty claim error", || {
            has(&root, "[data-code=\"claim_empty\"]")
        })
        .await;
        type_into(&root, "#jwt-claim", "roles");
        wait_until("unforwarded claim warning", || {
            has(&root, "[data-code=\"claim_not_forwarded\"]")
        })
        .await;
        assert!(!has(&root, "[data-code=\"claim_empty\"]"));
        type_into(&root, "#jwt-claim", "groups");
        wait_until("claim warnings gone", || {
            !has(&root, "[data-code=\"claim_not_forwarded\"]")
        })
        .await;

        type_into(&root, "#allow-input", "/QuFabric");
        press_enter(&root, "#allow-input");
        wait_until("leading slash warning", || {
            has(&root, "[data-code=\"allow_leading_slash\"]")
        })
        .await;
        click(&root, "[data-code=\"allow_leading_slash\"] button");
        wait_until("fixed", || {
            !has(&root, "[data-code=\"allow_leading_slash\"]")
        })
        .await;
        assert!(text_of(&root).contains("QuFabric"));

        click(&root, "#jwt-sync");
        wait_until("allow list without sync warns", || {
            has(&root, "[data-code=\"allow_without_sync\"]")
        })
        .await;
        click(&root, "#jwt-sync");
        wait_until("and stops warning", || {
            !has(&root, "[data-code=\"allow_without_sync\"]")
        })
        .await;
    }

    #[wasm_bindgen_test]
    async fn name_checks_reminders_and_other_admins() {
        reset_storage();
        let mut routes = routes((200, ACCOUNT_ONE));
        routes[2] = (
            "/api/users",
            200,
            r#"[{"id":"b1","email":"bob@example.com","role":"owner","auto_groups":["g2"],"idp_id":"pocketid-x"}]"#,
        );
        routes[3] = (
            "/api/groups",
            200,
            r#"[{"id":"g1","name":"QuFabric","issued":"jwt"},{"id":"g2","name":"Contractors","issued":"jwt"},
                {"id":"g3","name":"Staff","issued":"api"}]"#,
        );
        routes[4] = (
            "GET /api/identity-providers",
            200,
            r#"[{"id":"pocketid-x","type":"pocketid","name":"PocketID","issuer":"https://p.example.com","client_id":"c"}]"#,
        );
        mock_fetch(&routes);
        let (root, _guard) = mount_app_at("/settings/groups", alice_session());
        wait_until("the PocketID reminder", || {
            has(&root, "[data-code=\"pocketid_assigned_groups\"]")
        })
        .await;
        for (typed, code) in [
            ("qufabric", "allow_case"),
            ("Newcomers", "allow_unknown"),
            ("Staff", "allow_api_group"),
        ] {
            type_into(&root, "#allow-input", typed);
            press_enter(&root, "#allow-input");
            wait_until(code, || has(&root, &format!("[data-code=\"{code}\"]"))).await;
            click(&root, &format!("button[aria-label=\"Remove {typed}\"]"));
            wait_until("gone again", || {
                !has(&root, &format!("[data-code=\"{code}\"]"))
            })
            .await;
        }
        // Only QuFabric allowed: Bob (owner, only in Contractors) would lose access.
        type_into(&root, "#allow-input", "QuFabric");
        press_enter(&root, "#allow-input");
        wait_until("other admins named", || {
            has(&root, "[data-code=\"lockout_others\"]")
        })
        .await;
        assert!(text_of(&root).contains("bob@example.com"));
        click(&root, "#jwt-sync");
        wait_until("no lockout with sync off", || {
            !has(&root, "[data-code=\"lockout_others\"]")
        })
        .await;
        // The PocketID reminder stays with sync off: it is what to set up first.
        assert!(has(&root, "[data-code=\"pocketid_assigned_groups\"]"));
    }

    #[wasm_bindgen_test]
    async fn claim_notes_follow_the_providers_and_the_claim_warning_the_embedded_idp() {
        reset_storage();
        let mut routes = routes((200, ACCOUNT_ONE));
        routes[4] = (
            "GET /api/identity-providers",
            200,
            r#"[{"id":"kc","type":"keycloak","name":"Company","issuer":"https://k.example.com/realms/x","client_id":"c"}]"#,
        );
        // A server whose tokens come straight from the provider (no embedded IdP).
        routes[5] = (
            "GET /api/accounts",
            200,
            r#"[{"id":"acc1","settings":{"jwt_groups_enabled":true,"jwt_groups_claim_name":"roles",
                "jwt_allow_groups":[],"embedded_idp_enabled":false}}]"#,
        );
        mock_fetch(&routes);
        let (root, _guard) = mount_app_at("/settings/groups", alice_session());
        wait_until("Keycloak's claim note", || {
            has(&root, "[data-code=\"provider_claim_note\"]")
        })
        .await;
        assert!(text_of(&root).contains("group membership mapper"));
        assert!(!has(&root, "[data-code=\"pocketid_assigned_groups\"]"));
        assert!(
            !has(&root, "[data-code=\"claim_not_forwarded\"]"),
            "without the embedded IdP any claim can carry groups"
        );
        assert!(text_of(&root).contains("The claim of the provider's token"));
    }

    #[wasm_bindgen_test]
    async fn groups_edits_survive_a_session_that_ends_and_a_reload_is_guarded() {
        reset_storage();
        mock_fetch(&routes((200, ACCOUNT_ONE)));
        let session = alice_session();
        {
            let (root, _guard) = mount_app_at("/settings/groups", session);
            wait_until("the groups page loads", || has(&root, "#jwt-claim")).await;
            type_into(&root, "#allow-input", "Contractors");
            press_enter(&root, "#allow-input");
            wait_until("the tag is added", || {
                has(&root, "button[aria-label=\"Remove Contractors\"]")
            })
            .await;
            // A reload now would lose the edit: the browser is asked to confirm.
            let event = web_sys::Event::new_with_event_init_dict("beforeunload", &{
                let init = web_sys::EventInit::new();
                init.set_cancelable(true);
                init
            })
            .expect("event");
            web_sys::window()
                .expect("window")
                .dispatch_event(&event)
                .expect("dispatch");
            assert!(event.default_prevented(), "reload is guarded");
            session.clear();
            wait_until("the login screen", || {
                path_and_query().starts_with("/login")
            })
            .await;
        }
        let kept = web_sys::window()
            .and_then(|w| w.session_storage().ok().flatten())
            .and_then(|s| s.get_item("qufabric.groups_draft").ok().flatten())
            .expect("the edits are kept");
        assert!(kept.contains("Contractors"));
        // Signed in again: the edits come back over what is stored, with a note.
        let (root, _guard) = mount_app_at("/settings/groups", alice_session());
        wait_until("the edits are restored", || {
            has(&root, "button[aria-label=\"Remove Contractors\"]")
        })
        .await;
        assert!(text_of(&root).contains("Restored the changes you had not saved yet."));
    }

    const ACCOUNT_WITH_RULES: &str = r#"[{"id":"acc1","settings":{"jwt_groups_enabled":true,"jwt_groups_claim_name":"groups",
        "jwt_allow_groups":[],"groups_propagation_enabled":true,"embedded_idp_enabled":true,"future_setting":1,
        "qufabric_role_rules":{"rules":[{"group":"QuFabric Admins","idp_id":"pocketid-x","role":"admin"}],"default_role":"user"}}}]"#;
    const POCKET: &str = r#"[{"id":"pocketid-x","type":"pocketid","name":"PocketID","issuer":"https://id.example.com","client_id":"qf"}]"#;

    #[wasm_bindgen_test]
    async fn role_rules_show_only_where_the_server_keeps_them_and_are_edited_in_place() {
        // The real NetBird server drops unknown fields: no rules, no section.
        let (root, guard) = mounted((200, ACCOUNT_ONE)).await;
        assert!(!has(&root, ".role-rules"), "no role rules section");
        drop(guard);

        reset_storage();
        mock_fetch(&[
            ("/api/instance", 200, r#"{"setup_required":false}"#),
            ("/api/users/current", 200, ADMIN),
            ("/api/users", 200, "[]"),
            ("/api/groups", 200, GROUPS),
            ("GET /api/identity-providers", 200, POCKET),
            ("GET /api/accounts", 200, ACCOUNT_WITH_RULES),
            ("PUT /api/accounts/acc1", 200, ACCOUNT_ONE),
        ]);
        let (root, _guard) = mount_app_at("/settings/groups", alice_session());
        wait_until("the rules load", || has(&root, "#role-rule-1-group")).await;
        record_bodies();
        let group = input(&root, "#role-rule-1-group");
        assert_eq!(group.value(), "QuFabric Admins");
        // Typing edits the rule in place: the field is the same element, so focus stays.
        type_into(&root, "#role-rule-1-group", "Ops Admins");
        wait_until("save enabled", || save_enabled(&root)).await;
        assert!(group.is_connected(), "the input was not rebuilt");
        // A rule with no group is what the server refuses: said at once, Save off.
        type_into(&root, "#role-rule-1-group", " ");
        wait_until("the empty group is named", || {
            has(
                &root,
                "#role-rules-findings [data-code=\"role_rules_invalid\"]",
            )
        })
        .await;
        type_into(&root, "#role-rule-1-group", "Ops Admins");
        wait_until("and the finding goes", || {
            !has(
                &root,
                "#role-rules-findings [data-code=\"role_rules_invalid\"]",
            )
        })
        .await;
        click(&root, "button[type=submit]");
        wait_until("saved", || text_of(&root).contains("Saved group settings.")).await;
        let body = put_body().expect("a PUT body");
        assert_eq!(
            body["settings"]["qufabric_role_rules"],
            serde_json::json!({"rules": [{"group": "Ops Admins", "idp_id": "pocketid-x", "role": "admin"}], "default_role": "user"})
        );
        assert_eq!(
            body["settings"]["future_setting"], 1,
            "the rest as received"
        );
    }

    #[wasm_bindgen_test]
    async fn the_lockout_confirmation_appears_only_when_locking_out() {
        let (root, _guard) = mounted((200, ACCOUNT_ONE)).await;
        record_bodies();
        // Allowed group that Alice is in: no warning, saves at once.
        type_into(&root, "#allow-input", "QuFabric");
        press_enter(&root, "#allow-input");
        wait_until("save enabled", || save_enabled(&root)).await;
        assert!(!has(&root, "[data-code=\"lockout_self\"]"));
        click(&root, "button[type=submit]");
        wait_until("saved", || text_of(&root).contains("Saved group settings.")).await;
        // The confirmation stands next to the Save button that caused it.
        let beside = element::<web_sys::HtmlElement>(&root, ".form-actions #groups-save-status")
            .map(|e| text_of(&e))
            .unwrap_or_default();
        assert_eq!(beside, "Saved group settings.");
        assert!(!has(&root, "[role=alertdialog]"));
        // The PUT carried every field it received, unknown ones unchanged.
        let body = put_body().expect("a PUT body");
        assert_eq!(
            body["settings"]["jwt_allow_groups"],
            serde_json::json!(["QuFabric"])
        );
        assert_eq!(body["settings"]["peer_login_expiration"], 3600);
        assert_eq!(
            body["settings"]["future_setting"],
            serde_json::json!({"keep": "me"})
        );
        assert_eq!(body["settings"]["extra"]["peer_approval_enabled"], true);

        // Only Contractors: Alice would be locked out.
        click(&root, "button[aria-label=\"Remove QuFabric\"]");
        type_into(&root, "#allow-input", "Contractors");
        press_enter(&root, "#allow-input");
        wait_until("lockout warning", || {
            has(&root, "[data-code=\"lockout_self\"]")
        })
        .await;
        click(&root, "button[type=submit]");
        wait_until("confirmation", || has(&root, "[role=alertdialog]")).await;
        assert!(text_of(&root).contains("Save an allow list that locks you out?"));
    }

    #[wasm_bindgen_test]
    async fn a_failed_save_keeps_every_edit() {
        let (root, _guard) =
            mounted((500, r#"{"message":"internal server error","code":500}"#)).await;
        type_into(&root, "#jwt-claim", "groups");
        type_into(&root, "#allow-input", "QuFabric");
        press_enter(&root, "#allow-input");
        click(&root, "#groups-propagation");
        wait_until("save enabled", || save_enabled(&root)).await;
        click(&root, "button[type=submit]");
        wait_until("the failure shows", || {
            text_of(&root).contains("The server failed")
        })
        .await;
        assert!(
            text_of(&root).contains("QuFabric"),
            "the tag is still there"
        );
        let switch: web_sys::HtmlElement = root
            .query_selector("#groups-propagation")
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into().ok())
            .expect("switch");
        assert_eq!(
            switch.get_attribute("aria-checked").as_deref(),
            Some("false")
        );
        assert_eq!(input(&root, "#jwt-claim").value(), "groups");
    }
}

mod navigation {
    use super::*;
    use qufabric_dashboard::nav::*;

    /// The browser decodes a query as the model does (the login page's error codes, the
    /// callback's code and state, return paths).
    #[wasm_bindgen_test]
    fn query_values_are_decoded_as_the_model_decodes_them() {
        use qufabric_dashboard::browser::query_value;
        use qufabric_model::oidc;
        let query = "?code=a%20b%2Bc&state=x+y&return_to=%2Fsettings%2Fgroups%3Ftab%3D1&empty=&dup=1&dup=2&name=%C3%A9t%C3%A9";
        for key in [
            "code",
            "state",
            "return_to",
            "empty",
            "dup",
            "name",
            "missing",
        ] {
            assert_eq!(
                query_value(query, key),
                oidc::query_value(query, key),
                "{key}"
            );
        }
        assert_eq!(query_value(query, "code").as_deref(), Some("a b+c"));
        assert_eq!(query_value(query, "state").as_deref(), Some("x y"));
        assert_eq!(query_value(query, "dup").as_deref(), Some("1"));
        assert_eq!(query_value(query, "name").as_deref(), Some("été"));
        assert_eq!(query_value("", "x"), None);
        assert_eq!(query_value("x=1", "x").as_deref(), Some("1"));
    }

    #[wasm_bindgen_test]
    fn the_form_reads_its_provider_from_the_path() {
        assert_eq!(
            provider_id_in("/settings/identity-providers/p-1").as_deref(),
            Some("p-1")
        );
        assert_eq!(provider_id_in("/settings/identity-providers/new"), None);
        assert_eq!(provider_id_in("/settings/identity-providers"), None);
        assert_eq!(provider_id_in("/settings/identity-providers/a/b"), None);
        assert_eq!(split_location("/x?saved=1"), ("/x", "saved=1"));
    }
}

mod routes {
    use super::support::*;
    use super::*;
    use qufabric_dashboard::auth::Session;

    const OWNER: &str = r#"{"id":"o1","email":"owner@example.com","name":"Olivia","role":"owner","auto_groups":[]}"#;

    /// The route table: every address of today shows its page, an unknown one (also one
    /// under the settings) the not-found page, and `/settings` alone moves on to the first
    /// tab without a history entry of its own.
    #[wasm_bindgen_test]
    async fn every_address_has_its_page() {
        let cases = [
            ("/login", "Continue with email"),
            ("/login/", "Continue with email"),
            ("/signed-out", "Continue with email"),
            ("/setup", "Set up QuFabric"),
            ("/help/redirect-uri", "Invalid redirect URI"),
            // No code: back to the login screen with the error.
            ("/auth/callback", "Continue with email"),
            ("/settings/identity-providers", "Add identity provider"),
            (
                "/settings/identity-providers/new",
                "Callback URL for the provider",
            ),
            (
                "/settings/identity-providers/pocketid-1",
                "Callback URL for the provider",
            ),
            ("/settings/groups", "Enable JWT group sync"),
            ("/settings/users", "Signs in with"),
            ("/settings/identity-providers/a/b", "Page not found"),
            ("/nowhere", "Page not found"),
        ];
        for (path, shows) in cases {
            reset_storage();
            mock_fetch(&[
                (
                    "/api/instance",
                    200,
                    r#"{"setup_required":false,"login_providers":[],"local_auth_disabled":false}"#,
                ),
                ("/api/users/current", 200, OWNER),
                ("/api/users", 200, &format!("[{OWNER}]")),
                ("GET /api/identity-providers", 200, "[]"),
                ("/api/groups", 200, "[]"),
                (
                    "GET /api/accounts",
                    200,
                    r#"[{"id":"acc1","settings":{"jwt_groups_enabled":false}}]"#,
                ),
            ]);
            let (element, _guard) = mount_app_at(path, Session::with_tokens(Some(tokens("o1"))));
            wait_until(&format!("{path} shows “{shows}”"), || {
                text_of(&element).contains(shows)
            })
            .await;
            if shows != "Page not found" {
                assert!(!text_of(&element).contains("Page not found"), "{path}");
            }
        }

        let before = history_length();
        let (element, _guard) = mount_app_at("/settings", Session::with_tokens(Some(tokens("o1"))));
        wait_until("the first tab shows", || {
            text_of(&element).contains("Add identity provider")
        })
        .await;
        assert_eq!(path_and_query(), "/settings/identity-providers");
        assert_eq!(history_length(), before, "replaced, not pushed");
    }

    fn history_length() -> u32 {
        web_sys::window()
            .and_then(|w| w.history().ok())
            .and_then(|h| h.length().ok())
            .unwrap_or_default()
    }
}

mod local_users {
    use super::support::*;
    use super::*;
    use qufabric_dashboard::auth::Session;
    use wasm_bindgen::JsCast;

    const OWNER: &str = r#"{"id":"o1","email":"owner@example.com","name":"Olivia","role":"owner","auto_groups":[]}"#;

    fn answers(local_auth_disabled: bool) {
        let instance = format!(
            r#"{{"setup_required":false,"login_providers":[],"local_auth_disabled":{local_auth_disabled},"issuer":"https://qufabric.example.com/oauth2"}}"#
        );
        mock_fetch(&[
            ("/api/instance", 200, &instance),
            ("/api/users/current", 200, OWNER),
            ("GET /api/users", 200, &format!("[{OWNER}]")),
            ("GET /api/identity-providers", 200, "[]"),
            (
                "GET /api/accounts",
                200,
                r#"[{"id":"acc1","settings":{"jwt_groups_enabled":false}}]"#,
            ),
            (
                "GET /api/users/invites",
                if local_auth_disabled { 412 } else { 200 },
                if local_auth_disabled {
                    r#"{"message":"local users are disabled","code":412}"#
                } else {
                    "[]"
                },
            ),
            (
                "POST /api/users/invites",
                200,
                r#"{"id":"i1","email":"ivy@example.com","name":"Ivy","role":"user","auto_groups":[],"expires_at":"2026-12-05T12:00:00Z","created_at":"2026-12-02T12:00:00Z","expired":false,"invite_token":"nbi_t+1"}"#,
            ),
        ]);
    }

    /// Without local sign-in the Users page says why nobody can be invited or added, and
    /// offers neither.
    #[wasm_bindgen_test]
    async fn without_local_sign_in_invites_are_unavailable_with_the_reason() {
        reset_storage();
        answers(true);
        let (root, _guard) =
            mount_app_at("/settings/users", Session::with_tokens(Some(tokens("o1"))));
        wait_until("the reason shows", || {
            root.query_selector("#local-users-unavailable")
                .ok()
                .flatten()
                .is_some()
        })
        .await;
        assert!(text_of(&root).contains("email sign-in turned off"));
        assert!(!text_of(&root).contains("Invite user"));
    }

    /// The link shown once starts at the server's public URL (its issuer as this client
    /// knows it), not the page's origin, with the token encoded.
    #[wasm_bindgen_test]
    async fn the_invite_link_starts_at_the_servers_public_url() {
        reset_storage();
        answers(false);
        let (root, _guard) =
            mount_app_at("/settings/users", Session::with_tokens(Some(tokens("o1"))));
        wait_until("Invite user shows", || {
            text_of(&root).contains("Invite user")
        })
        .await;
        let invite: web_sys::HtmlElement = root
            .query_selector(".local-users .local-actions .button")
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into().ok())
            .expect("the Invite user button");
        invite.click();
        wait_until("the form shows", || {
            root.query_selector("#new-person-email")
                .ok()
                .flatten()
                .is_some()
        })
        .await;
        let email: web_sys::HtmlInputElement =
            element::<web_sys::HtmlInputElement>(&root, "#new-person-email").expect("email");
        email.set_value("ivy@example.com");
        email
            .dispatch_event(&web_sys::Event::new("input").expect("event"))
            .expect("input");
        element::<web_sys::HtmlElement>(&root, "form.new-person button[type=submit]")
            .expect("the submit button")
            .click();
        wait_until("the link shows", || {
            element::<web_sys::HtmlInputElement>(&root, "#shown-once-value").is_some()
        })
        .await;
        let link = element::<web_sys::HtmlInputElement>(&root, "#shown-once-value")
            .expect("link")
            .value();
        // The tests' server is at http://127.0.0.1:9 (`support::test_config`), not at the
        // page's origin.
        assert_eq!(link, "http://127.0.0.1:9/invite?token=nbi_t%2B1");
    }

    /// The public invite page: who invited whom for a known token, its own page for one
    /// the server does not know (used, replaced or deleted).
    #[wasm_bindgen_test]
    async fn the_invite_page_names_who_invited_whom_or_says_the_link_does_not_work() {
        reset_storage();
        mock_fetch(&[
            (
                "/api/instance",
                200,
                r#"{"setup_required":false,"login_providers":[],"local_auth_disabled":false}"#,
            ),
            (
                "/api/users/invites/nbi_t",
                200,
                r#"{"email":"ivy@example.com","name":"Ivy","expires_at":"2026-12-05T12:00:00Z","valid":true,"invited_by":"Olivia"}"#,
            ),
        ]);
        let (root, _guard) = mount_app_at("/invite?token=nbi_t", Session::with_tokens(None));
        wait_until("the invitation shows", || {
            text_of(&root).contains("Olivia invited Ivy (ivy@example.com) to QuFabric.")
        })
        .await;
        assert!(element::<web_sys::HtmlInputElement>(&root, "#invite-password").is_some());
        drop(_guard);
        let (root, _guard) = mount_app_at("/invite?token=gone", Session::with_tokens(None));
        wait_until("the link's page shows", || {
            text_of(&root).contains("This invite link does not work.")
        })
        .await;
    }
}

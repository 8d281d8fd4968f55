//! `qufabric-load`: load figures for the reference server. It starts a (release) build of
//! the server on a fresh database, then drives the management API and the token endpoint
//! with concurrent clients for a fixed time, first alone and then during a flood of bad
//! logins (each one a password hash the server must bound), and prints requests/s,
//! p50/p99 latency and errors for each. It ends by checking the one bound that matters: the
//! API's p50 during the flood stays within max(5 × alone, alone + 5 ms).
//!
//! A command that prints figures, not a timed test: figures depend on the machine.
//! `./scripts/load.sh` builds what it needs and runs it.

use std::path::PathBuf;
use std::process::{ExitCode, Stdio};
use std::time::{Duration, Instant};

use clap::Parser;
use qufabric_model::oidc;
use reqwest::redirect::Policy;
use serde_json::{json, Value};

#[derive(Parser)]
#[command(
    about = "Load figures for the reference server (management API and token endpoint, alone and during a bad-login flood)"
)]
struct Args {
    /// The server binary to start (a release build).
    #[arg(long)]
    server: PathBuf,
    /// Concurrent clients on the management API, and as many on the token endpoint.
    #[arg(long, default_value_t = 8)]
    clients: usize,
    /// Seconds each phase runs.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Concurrent clients sending wrong passwords during the second phase.
    #[arg(long, default_value_t = 32)]
    flood: usize,
}

const OWNER_EMAIL: &str = "owner@example.com";
const OWNER_PASSWORD: &str = "Correct horse battery 9 staple";
const VERIFIER: &str = "load-test-code-verifier-that-is-long-enough-for-pkce-s256";

/// Latencies and errors of one kind of request in one phase.
#[derive(Default)]
struct Figures {
    latencies: Vec<Duration>,
    errors: usize,
    /// For the flood: how many were answered 429 (the hash bound at work).
    too_many: usize,
}

impl Figures {
    fn merge(&mut self, other: Figures) {
        self.latencies.extend(other.latencies);
        self.errors += other.errors;
        self.too_many += other.too_many;
    }

    fn percentile_ms(&self, percent: usize) -> f64 {
        let mut sorted = self.latencies.clone();
        sorted.sort_unstable();
        match sorted.len() {
            0 => f64::NAN,
            n => sorted[(n * percent / 100).min(n - 1)].as_secs_f64() * 1000.0,
        }
    }
}

struct Server {
    url: String,
    _child: tokio::process::Child,
    _data: tempfile::TempDir,
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Args::parse()).await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(message) => {
            eprintln!("qufabric-load: {message}");
            ExitCode::from(2)
        }
    }
}

async fn run(args: Args) -> Result<bool, String> {
    let server = start_server(&args.server).await?;
    let pat = setup_owner(&server.url).await?;
    let mut chains = Vec::with_capacity(args.clients);
    for _ in 0..args.clients {
        chains.push(sign_in(&server.url).await?);
    }
    let phase = Duration::from_secs(args.seconds);
    println!(
        "reference server (release) at {}; {} API clients, {} token clients, {} s per phase, {} cores",
        server.url,
        args.clients,
        args.clients,
        args.seconds,
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!(
        "{:<18} {:<26} {:>7} {:>9} {:>8} {:>8} {:>8} {:>7}",
        "phase", "requests", "clients", "count", "req/s", "p50 ms", "p99 ms", "errors"
    );

    let alone = run_phase(&server.url, &pat, chains, phase, 0).await;
    report("alone", "management API", args.clients, &alone.api, phase);
    report(
        "alone",
        "token (refresh grant)",
        args.clients,
        &alone.token,
        phase,
    );

    let flooded = run_phase(&server.url, &pat, alone.chains, phase, args.flood).await;
    let label = "bad-login flood";
    report(label, "management API", args.clients, &flooded.api, phase);
    report(
        label,
        "token (refresh grant)",
        args.clients,
        &flooded.token,
        phase,
    );
    report(label, "bad logins", args.flood, &flooded.flood, phase);
    println!(
        "  bad logins answered 429 (hash bound reached): {} of {}",
        flooded.flood.too_many,
        flooded.flood.latencies.len()
    );

    let idle = alone.api.percentile_ms(50);
    let loaded = flooded.api.percentile_ms(50);
    let bound = (idle * 5.0).max(idle + 5.0);
    let within = loaded <= bound;
    println!(
        "API p50 during the flood: {loaded:.2} ms; bound max(5 × {idle:.2}, {idle:.2} + 5) = {bound:.2} ms: {}",
        if within { "within" } else { "EXCEEDED" }
    );
    Ok(within)
}

fn report(phase: &str, what: &str, clients: usize, figures: &Figures, length: Duration) {
    let count = figures.latencies.len();
    println!(
        "{:<18} {:<26} {:>7} {:>9} {:>8.0} {:>8.2} {:>8.2} {:>7}",
        phase,
        what,
        clients,
        count,
        count as f64 / length.as_secs_f64(),
        figures.percentile_ms(50),
        figures.percentile_ms(99),
        figures.errors
    );
}

async fn start_server(binary: &PathBuf) -> Result<Server, String> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| format!("no free port: {e}"))?
        .port();
    let data = tempfile::tempdir().map_err(|e| format!("no temporary directory: {e}"))?;
    let url = format!("http://127.0.0.1:{port}");
    let child = tokio::process::Command::new(binary)
        .args(["--listen", &format!("127.0.0.1:{port}"), "--data-dir"])
        .arg(data.path())
        .env("QUFABRIC_SETUP_PAT_ENABLED", "true")
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
    let client = reqwest::Client::new();
    for _ in 0..200 {
        if let Ok(response) = client.get(format!("{url}/api/instance")).send().await {
            if response.status().is_success() {
                return Ok(Server {
                    url,
                    _child: child,
                    _data: data,
                });
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err(format!("{} did not answer within 10 s", binary.display()))
}

async fn setup_owner(url: &str) -> Result<String, String> {
    let created: Value = reqwest::Client::new()
        .post(format!("{url}/api/setup"))
        .json(&json!({"email": OWNER_EMAIL, "password": OWNER_PASSWORD, "name": "Owner", "create_pat": true}))
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .map_err(|e| format!("setup failed: {e}"))?
        .json()
        .await
        .map_err(|e| format!("setup answered something else: {e}"))?;
    created["personal_access_token"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| "setup returned no personal access token".into())
}

fn browser() -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .map_err(|e| e.to_string())
}

fn authorize_url(url: &str) -> String {
    oidc::authorize_url(&oidc::AuthorizeRequest {
        authorization_endpoint: &format!("{url}/oauth2/auth"),
        client_id: oidc::DASHBOARD_CLIENT_ID,
        redirect_uri: &format!("{url}/auth/callback"),
        scope: oidc::DASHBOARD_SCOPES,
        state: "load",
        nonce: "load",
        code_challenge: &oidc::pkce_challenge(VERIFIER),
        connector_id: Some("local"),
        login_hint: None,
        prompt: None,
    })
}

/// Open the login page in `client` (which keeps the browser-binding cookie); its `req`.
async fn login_page(client: &reqwest::Client, url: &str) -> Result<String, String> {
    let html = client
        .get(authorize_url(url))
        .send()
        .await
        .map_err(|e| e.to_string())?
        .text()
        .await
        .map_err(|e| e.to_string())?;
    let marker = "name=\"req\" value=\"";
    let start = html
        .find(marker)
        .ok_or("the login page has no request id")?
        + marker.len();
    Ok(html[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_string())
}

/// A full email sign-in; the refresh token that starts a chain.
async fn sign_in(url: &str) -> Result<String, String> {
    let client = browser()?;
    let req = login_page(&client, url).await?;
    let redirect = client
        .post(format!("{url}/oauth2/login"))
        .form(&[
            ("req", req.as_str()),
            ("email", OWNER_EMAIL),
            ("password", OWNER_PASSWORD),
        ])
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let location = redirect
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let code = location
        .split_once('?')
        .and_then(|(_, query)| oidc::query_value(query, "code"))
        .ok_or_else(|| format!("sign-in gave no code ({})", redirect.status()))?;
    let tokens: Value = reqwest::Client::new()
        .post(format!("{url}/oauth2/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", &format!("{url}/auth/callback")),
            ("client_id", oidc::DASHBOARD_CLIENT_ID),
            ("code_verifier", VERIFIER),
        ])
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    tokens["refresh_token"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| "the code exchange gave no refresh token".into())
}

/// What one phase measured, and each token client's current refresh token for the next.
struct Phase {
    api: Figures,
    token: Figures,
    flood: Figures,
    chains: Vec<String>,
}

/// Run one API client and one token client per chain for `length`, with `flood`
/// bad-login clients beside them.
async fn run_phase(
    url: &str,
    pat: &str,
    chains: Vec<String>,
    length: Duration,
    flood: usize,
) -> Phase {
    let deadline = Instant::now() + length;
    let api: Vec<_> = chains
        .iter()
        .map(|_| tokio::spawn(api_client(url.to_string(), pat.to_string(), deadline)))
        .collect();
    let token: Vec<_> = chains
        .into_iter()
        .map(|chain| tokio::spawn(token_client(url.to_string(), chain, deadline)))
        .collect();
    let flooders: Vec<_> = (0..flood)
        .map(|n| tokio::spawn(bad_login_client(url.to_string(), n, deadline)))
        .collect();
    let mut phase = Phase {
        api: Figures::default(),
        token: Figures::default(),
        flood: Figures::default(),
        chains: Vec::new(),
    };
    for task in api {
        if let Ok(figures) = task.await {
            phase.api.merge(figures);
        }
    }
    for task in token {
        if let Ok((figures, chain)) = task.await {
            phase.token.merge(figures);
            phase.chains.extend(chain);
        }
    }
    for task in flooders {
        if let Ok(figures) = task.await {
            phase.flood.merge(figures);
        }
    }
    phase
}

/// Read the signed-in user and the provider list, in turn, with a personal access token.
async fn api_client(url: String, pat: String, deadline: Instant) -> Figures {
    let client = reqwest::Client::new();
    let mut figures = Figures::default();
    let paths = ["/api/users/current", "/api/identity-providers"];
    let mut turn = 0;
    while Instant::now() < deadline {
        let started = Instant::now();
        let answer = client
            .get(format!("{url}{}", paths[turn % paths.len()]))
            .header("Authorization", format!("Token {pat}"))
            .send()
            .await;
        let ok = match answer {
            Ok(response) => response.status().is_success() && response.bytes().await.is_ok(),
            Err(_) => false,
        };
        figures.latencies.push(started.elapsed());
        figures.errors += usize::from(!ok);
        turn += 1;
    }
    figures
}

/// Renew along one refresh chain as fast as answers come; the chain's current token is
/// handed back (none once a renewal failed: the chain is spent).
async fn token_client(
    url: String,
    mut chain: String,
    deadline: Instant,
) -> (Figures, Option<String>) {
    let client = reqwest::Client::new();
    let mut figures = Figures::default();
    while Instant::now() < deadline {
        let started = Instant::now();
        let answer = client
            .post(format!("{url}/oauth2/token"))
            .form(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", chain.as_str()),
                ("client_id", oidc::DASHBOARD_CLIENT_ID),
            ])
            .send()
            .await;
        let next = match answer {
            Ok(response) if response.status().is_success() => response
                .json::<Value>()
                .await
                .ok()
                .and_then(|t| t["refresh_token"].as_str().map(str::to_string)),
            _ => None,
        };
        figures.latencies.push(started.elapsed());
        match next {
            Some(token) => chain = token,
            None => {
                figures.errors += 1;
                return (figures, None);
            }
        }
    }
    (figures, Some(chain))
}

/// Post wrong passwords for made-up accounts, as a password-guessing script would.
async fn bad_login_client(url: String, n: usize, deadline: Instant) -> Figures {
    let mut figures = Figures::default();
    let Ok(client) = browser() else {
        return figures;
    };
    let Ok(req) = login_page(&client, &url).await else {
        figures.errors += 1;
        return figures;
    };
    let mut attempt = 0usize;
    while Instant::now() < deadline {
        let started = Instant::now();
        let answer = client
            .post(format!("{url}/oauth2/login"))
            .form(&[
                ("req", req.as_str()),
                ("email", &format!("guess-{n}-{attempt}@example.com")),
                ("password", "wrong password"),
            ])
            .send()
            .await;
        figures.latencies.push(started.elapsed());
        match answer {
            Ok(response) if response.status() == reqwest::StatusCode::TOO_MANY_REQUESTS => {
                // An attacker does not wait for Retry-After: neither does the flood.
                figures.too_many += 1;
            }
            Ok(_) => {}
            Err(_) => figures.errors += 1,
        }
        attempt += 1;
    }
    figures
}

//! `qufabric-server`: the reference management server. See `--help`.

use clap::Parser;
use std::net::SocketAddr;
use std::path::PathBuf;

use qufabric_server::{store::Store, AppState, Config};

#[derive(Debug, Parser)]
#[command(
    name = "qufabric-server",
    about = "Reference QuFabric management server with the embedded IdP"
)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Folder for the SQLite database (created if missing).
    #[arg(long, default_value = "data")]
    data_dir: PathBuf,
    /// The public URL browsers use to reach this server; defaults to http://<listen>.
    #[arg(long)]
    public_url: Option<String>,
    /// The built dashboard (Trunk's dist/) to serve from the same origin.
    #[arg(long)]
    dist: Option<PathBuf>,
    /// Development: the dashboard may also sign in from plain-http loopback on any port
    /// (`trunk serve`, tests) while the public URL is not loopback.
    #[arg(long)]
    dev: bool,
    /// A reverse proxy whose X-Forwarded-For/-Proto/-Host headers are believed (an address
    /// or a network such as 10.0.0.0/8). Repeat for several.
    #[arg(long = "trusted-proxy", value_parser = qufabric_server::forwarded::parse_trusted_proxy)]
    trusted_proxies: Vec<ipnet::IpNet>,
    /// Refuse identity provider issuers on loopback and private addresses too
    /// (link-local and cloud metadata addresses are always refused).
    #[arg(long)]
    deny_private_issuers: bool,
    /// Allow sign-in through external providers only (refused while none exists).
    #[arg(long)]
    disable_local_auth: bool,
    /// TEST ONLY: enable the fault switch at /__test__/faults.
    #[arg(long)]
    enable_test_faults: bool,
    /// Lifetime of access tokens in seconds.
    #[arg(long, default_value_t = 3600)]
    access_token_ttl: i64,
    /// Absolute lifetime of a sign-in in seconds: the IdP session and every refresh token
    /// issued under it end then, however often they were renewed.
    #[arg(long, default_value_t = 24 * 3600)]
    session_ttl: i64,
    /// `POST /api/setup` may return a personal access token (NetBird's NB_SETUP_PAT_ENABLED).
    #[arg(long, env = "QUFABRIC_SETUP_PAT_ENABLED", default_value_t = false)]
    setup_pat_enabled: bool,
    /// BENCHMARK: add this many identity providers at start (`scripts/bench.sh`).
    #[arg(long, default_value_t = 0)]
    seed_providers: usize,
    /// BENCHMARK: add this many groups at start (`scripts/bench.sh`).
    #[arg(long, default_value_t = 0)]
    seed_groups: usize,
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    if let Err(message) = run(Args::parse()).await {
        eprintln!("qufabric-server: {message}");
        std::process::exit(1);
    }
}

async fn run(args: Args) -> Result<(), String> {
    let public_url = args
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", args.listen));
    for warning in qufabric_server::public_url_warnings(args.listen, args.public_url.as_deref()) {
        tracing::warn!("{warning}");
    }
    let mut config = Config::new(&public_url);
    config.dist = args.dist.clone();
    config.local_auth_disabled = args.disable_local_auth;
    config.faults_enabled = args.enable_test_faults;
    config.access_token_ttl_secs = args.access_token_ttl.max(5);
    config.session_ttl_secs = args.session_ttl.max(10);
    config.setup_pat_enabled = args.setup_pat_enabled;
    config.dev = args.dev;
    config.trusted_proxies = args.trusted_proxies.clone();
    config.deny_private_issuers = args.deny_private_issuers;

    let store = Store::open(&args.data_dir).map_err(|e| e.0)?;
    seed(&store, args.seed_providers, args.seed_groups).map_err(|e| e.0)?;
    if config.local_auth_disabled && store.providers().map_err(|e| e.0)?.is_empty() {
        return Err(
            "--disable-local-auth is refused while no external identity provider exists: nobody could sign in"
                .into(),
        );
    }
    if config.faults_enabled {
        tracing::warn!(
            "the test fault switch is ON (/__test__/faults); never use this in production"
        );
    }
    let state = AppState::new(config, store).map_err(|e| e.0)?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    tracing::info!(
        "QuFabric reference server on http://{} (public URL {public_url})",
        args.listen
    );
    qufabric_server::serve(listener, state)
        .await
        .map_err(|e| e.to_string())
}

/// Fill the database for the benchmark: `providers` identity providers of the catalogue's
/// kinds in turn (their issuers are never contacted by the pages measured) and `groups`
/// groups, each in one transaction.
fn seed(
    store: &Store,
    providers: usize,
    groups: usize,
) -> Result<(), qufabric_server::store::StoreError> {
    use qufabric_model::{GroupIssued, CATALOGUE};
    use qufabric_server::random_id;
    use qufabric_server::store::{GroupRecord, ProviderRecord};
    let kinds: Vec<_> = CATALOGUE
        .iter()
        .filter(|info| info.builtin_issuer.is_none())
        .collect();
    let providers: Vec<ProviderRecord> = (0..providers)
        .map(|n| {
            let info = kinds[n % kinds.len()];
            ProviderRecord {
                id: format!("{}-{}", info.id, random_id(12)),
                kind: info.id.to_string(),
                name: format!("{} {n}", info.label),
                issuer: format!("https://id{n}.example.com"),
                client_id: format!("client-{n}"),
                client_secret: random_id(24),
                logout_url_registered: n % 2 == 0,
                login_default: false,
                options: Default::default(),
            }
        })
        .collect();
    store.insert_providers(&providers)?;
    let groups: Vec<GroupRecord> = (0..groups)
        .map(|n| GroupRecord {
            id: random_id(20),
            name: format!("team-{n:05}"),
            issued: if n % 3 == 0 {
                GroupIssued::Jwt
            } else {
                GroupIssued::Api
            },
        })
        .collect();
    store.insert_groups(&groups)
}

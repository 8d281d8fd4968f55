//! The store under stress: a server killed with SIGKILL in the middle of a burst of writes
//! keeps every write it acknowledged, and concurrent writers (requests in one server, and
//! two processes' worth of connections on one file) leave a consistent database.

use std::collections::HashSet;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};

const OWNER: &str = "owner@example.com";
const PASSWORD: &str = "Correct horse battery 9";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// SIGKILL (what `Child::kill` sends on Unix) and reap.
fn kill_9(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// The real server binary on `dir`, answering at the returned URL.
async fn spawn_server(dir: &Path, port: u16) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_qufabric-server"))
        .args([
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--setup-pat-enabled",
            "--data-dir",
        ])
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the server starts");
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..200 {
        if reqwest::get(format!("{url}/api/instance"))
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return (child, url);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    kill_9(&mut child);
    panic!("the server did not answer");
}

async fn setup_with_token(url: &str) -> String {
    let created: Value = reqwest::Client::new()
        .post(format!("{url}/api/setup"))
        .json(&json!({"email": OWNER, "password": PASSWORD, "name": "Owner", "create_pat": true}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    created["personal_access_token"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn group_names(url: &str, token: &str) -> HashSet<String> {
    let groups: Vec<Value> = reqwest::Client::new()
        .get(format!("{url}/api/groups"))
        .header("Authorization", format!("Token {token}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    groups
        .iter()
        .filter_map(|g| g["name"].as_str().map(str::to_string))
        .collect()
}

/// Writers creating groups as fast as answers come, each name recorded once acknowledged.
fn start_writers(
    url: &str,
    token: &str,
    writers: usize,
    acked: &Arc<Mutex<Vec<String>>>,
) -> Vec<tokio::task::JoinHandle<()>> {
    (0..writers)
        .map(|writer| {
            let (url, token, acked) = (url.to_string(), token.to_string(), acked.clone());
            tokio::spawn(async move {
                let client = reqwest::Client::new();
                for n in 0.. {
                    let name = format!("w{writer}-{n}");
                    let answer = client
                        .post(format!("{url}/api/groups"))
                        .header("Authorization", format!("Token {token}"))
                        .json(&json!({ "name": name }))
                        .send()
                        .await;
                    match answer {
                        Ok(response) if response.status().is_success() => {
                            if let Ok(mut acked) = acked.lock() {
                                acked.push(name);
                            }
                        }
                        // Refused (the database busy with another writer): not
                        // acknowledged, so not expected to be stored; go on.
                        Ok(_) => continue,
                        // Killed, or shutting down: this writer is done.
                        Err(_) => return,
                    }
                }
            })
        })
        .collect()
}

#[tokio::test]
async fn every_acknowledged_write_survives_a_kill_9_mid_burst() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let (mut child, url) = spawn_server(dir.path(), port).await;
    let token = setup_with_token(&url).await;
    let acked = Arc::new(Mutex::new(Vec::new()));
    let writers = start_writers(&url, &token, 8, &acked);
    // Let the burst run, then SIGKILL the server while writes are in flight.
    for _ in 0..400 {
        if acked.lock().map(|a| a.len()).unwrap_or(0) >= 60 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    kill_9(&mut child);
    for writer in writers {
        let _ = writer.await;
    }
    let acknowledged: Vec<String> = acked.lock().unwrap().clone();
    assert!(
        acknowledged.len() >= 60,
        "the burst ran: {} writes",
        acknowledged.len()
    );

    let (mut again, url) = spawn_server(dir.path(), port).await;
    let stored = group_names(&url, &token).await;
    let lost: Vec<&String> = acknowledged
        .iter()
        .filter(|n| !stored.contains(*n))
        .collect();
    assert!(
        lost.is_empty(),
        "acknowledged but lost after kill -9: {lost:?}"
    );
    kill_9(&mut again);
}

#[tokio::test]
async fn concurrent_writers_leave_a_consistent_database() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let (mut child, url) = spawn_server(dir.path(), port).await;
    let token = setup_with_token(&url).await;
    let acked = Arc::new(Mutex::new(Vec::new()));
    // Sixteen writers through the API for a second...
    let writers = start_writers(&url, &token, 16, &acked);
    // ...while another process's worth of connections writes to the same file directly.
    let file = dir.path().join("qufabric.db");
    let outside = std::thread::spawn(move || {
        let connection = rusqlite::Connection::open(&file).unwrap();
        connection.busy_timeout(Duration::from_secs(5)).unwrap();
        for n in 0..200 {
            connection
                .execute(
                    "INSERT INTO groups (id, name, issued) VALUES (?1, ?2, 'api')",
                    rusqlite::params![format!("outside-{n}"), format!("outside-{n}")],
                )
                .unwrap();
        }
    });
    // Until the writers have landed a good number of writes (a slow machine needs longer
    // than a fast one), at most ten seconds.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while acked.lock().unwrap().len() < 64 && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    outside.join().expect("the outside writer never failed");
    kill_9(&mut child);
    for writer in writers {
        let _ = writer.await;
    }

    let connection = rusqlite::Connection::open(dir.path().join("qufabric.db")).unwrap();
    let integrity: String = connection
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    let acknowledged = acked.lock().unwrap().clone();
    assert!(
        acknowledged.len() > 16,
        "the writers ran: {}",
        acknowledged.len()
    );
    let (mut again, url) = spawn_server(dir.path(), port).await;
    let stored = group_names(&url, &token).await;
    for name in acknowledged
        .iter()
        .chain(&(0..200).map(|n| format!("outside-{n}")).collect::<Vec<_>>())
    {
        assert!(stored.contains(name), "{name} is missing");
    }
    kill_9(&mut again);
}

//! The house of the reference server: its modules on floors, each using only modules on
//! its own floor or below, with no circle between modules and no file over 500 lines.
//! A new module must be given a floor here, so the layering stays true as the server grows.
//!
//! `AppState` (in `lib.rs`) is the router's state: only the route table and the floor that
//! serves the dashboard take it. The IdP, the access extractors and the API's handlers work
//! with `Services` (the domain floor), which the router state hands out; the ground and
//! domain floors get just the store, the configuration or the client they need.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Lowest first.
const FLOORS: &[(&str, &[&str])] = &[
    (
        "ground: configuration, secrets, storage, errors, the network's edges",
        &[
            "config",
            "secrets",
            "store",
            "error",
            "forwarded",
            "outbound",
        ],
    ),
    (
        "domain",
        &[
            "keys",
            "settings",
            "groups",
            "role_rules",
            "discovery",
            "limiter",
            "services",
        ],
    ),
    ("the embedded IdP and its broker", &["idp"]),
    ("who is calling", &["access"]),
    ("the API's endpoints, one module per resource", &["api"]),
    ("the route table", &["routes"]),
    (
        "serving the dashboard, the test fault switch",
        &["assets", "web", "faults"],
    ),
];

const MAX_LINES: usize = 500;

/// Everything up to the API's handlers (the first five floors) works without the router's
/// state.
const HIGHEST_FLOOR_WITHOUT_APP_STATE: usize = 4;

fn source_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to (`idp/token.rs` → `idp`); `None` for the crate
/// root and the binary.
fn module_of(file: &Path) -> Option<String> {
    let relative = file.strip_prefix(source_dir()).ok()?;
    let first = relative.components().next()?.as_os_str().to_str()?;
    let name = first.trim_end_matches(".rs");
    (!matches!(name, "lib" | "main")).then(|| name.to_string())
}

/// The modules of this crate that `code` refers to (`crate::x…` and `crate::{x, …}`),
/// comments left out.
fn referenced_modules(code: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let code: String = code
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut found = BTreeSet::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        let names: Vec<&str> = if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            group[..end].split(',').collect()
        } else {
            vec![rest]
        };
        for name in names {
            let segment: String = name
                .trim()
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if modules.contains(&segment) {
                found.insert(segment);
            }
        }
    }
    found
}

#[test]
fn every_module_uses_only_its_floor_or_below_and_no_file_is_too_long() {
    let mut files = Vec::new();
    rust_files(&source_dir(), &mut files);
    files.sort();
    let floor_of: BTreeMap<&str, usize> = FLOORS
        .iter()
        .enumerate()
        .flat_map(|(floor, (_, modules))| modules.iter().map(move |m| (*m, floor)))
        .collect();
    let modules: BTreeSet<String> = files.iter().filter_map(|f| module_of(f)).collect();
    for module in &modules {
        assert!(
            floor_of.contains_key(module.as_str()),
            "the module `{module}` has no floor: add it to FLOORS in server/tests/house.rs"
        );
    }

    let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut problems = Vec::new();
    for file in &files {
        let code = std::fs::read_to_string(file).unwrap_or_default();
        let lines = code.lines().count();
        if lines > MAX_LINES {
            problems.push(format!(
                "{} has {lines} lines (at most {MAX_LINES})",
                file.display()
            ));
        }
        let Some(module) = module_of(file) else {
            continue;
        };
        let code_only: String = code
            .lines()
            .filter(|line| !line.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        if floor_of[module.as_str()] <= HIGHEST_FLOOR_WITHOUT_APP_STATE
            && (code_only.contains("SharedState") || code_only.contains("AppState"))
        {
            problems.push(format!(
                "{} ({}) takes the whole AppState; give it what it needs instead",
                file.display(),
                FLOORS[floor_of[module.as_str()]].0
            ));
        }
        for used in referenced_modules(&code, &modules) {
            if used == module {
                continue;
            }
            let (from, to) = (floor_of[module.as_str()], floor_of[used.as_str()]);
            if to > from {
                problems.push(format!(
                    "{} ({}) uses `{used}`, a floor up ({})",
                    file.display(),
                    FLOORS[from].0,
                    FLOORS[to].0
                ));
            }
            uses.entry(module.clone()).or_default().insert(used);
        }
    }

    // No circle between modules, on one floor either.
    fn visit(
        module: &str,
        uses: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
        problems: &mut Vec<String>,
    ) {
        if let Some(at) = path.iter().position(|m| m == module) {
            problems.push(format!("a circle: {} → {module}", path[at..].join(" → ")));
            return;
        }
        if !done.insert(module.to_string()) {
            return;
        }
        path.push(module.to_string());
        for next in uses.get(module).into_iter().flatten() {
            visit(next, uses, path, done, problems);
        }
        path.pop();
    }
    let mut done = BTreeSet::new();
    for module in &modules {
        visit(module, &uses, &mut Vec::new(), &mut done, &mut problems);
    }
    assert!(
        problems.is_empty(),
        "the house is not in order:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_reader_of_module_paths_sees_grouped_and_plain_uses() {
    let modules: BTreeSet<String> = ["store", "groups", "idp"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let code = "use crate::store::Store;\nuse crate::{groups, random_id, SharedState};\n// crate::idp in a comment\n";
    let found = referenced_modules(code, &modules);
    assert_eq!(
        found,
        ["groups", "store"].iter().map(|s| s.to_string()).collect()
    );
}

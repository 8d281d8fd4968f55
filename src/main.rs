//! Entry point of the WebAssembly bundle: mount the app. Nothing else lives here.

fn main() {
    qufabric_dashboard::mount_app();
}

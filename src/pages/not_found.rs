use leptos::prelude::*;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! {
        <main class="centered">
            <div class="card">
                <h1>"Page not found"</h1>
                <p>"There is nothing at this address."</p>
                <a href="/" class="button">"Go to QuFabric"</a>
            </div>
        </main>
    }
}

// QuFabric SSO elements. Importing this module defines
//   <qufabric-identity-providers>  the Identity Providers list and form
//   <qufabric-groups-settings>     the Groups settings (JWT group sync)
// Both share one WebAssembly instance, loaded next to this file (import.meta.url).
// Attributes: api-origin, theme (dark or light; without it the elements follow the host
// page's scheme, see hostScheme), chrome ("none": no card or page heading of their own),
// location (the Identity Providers element's place: /, /new, /<id>), href-template (the
// host's address of such a place, with {path}), users-href (the host's Users page), and
// base-path (only for hosts without a router: the element then writes the address bar).
// Properties: getAuthorization, a function that returns (a Promise of) the full
// Authorization header value; location; hasUnsavedChanges (read-only). Events (bubbling,
// composed): qufabric:provider-saved, qufabric:provider-deleted, qufabric:groups-saved,
// qufabric:session-required, qufabric:location-change (the user moved), qufabric:dirty-change,
// qufabric:navigate (cancelable: the host's router may take a link to its Users page).
// Exports `ready`, which resolves once the WebAssembly runs.
// scripts/embed.sh rewrites the two file names below to the content-hashed names it gives
// the glue and the wasm in dist-embed/.
import init, { mount_element } from './qufabric_sso_wasm.js';

// Resolves once the WebAssembly runs (the elements mount then); a host may await it.
export const ready = init({ module_or_path: new URL('./qufabric_sso_wasm_bg.wasm', import.meta.url) }).then(() => undefined);

// The host's scheme, for elements without a `theme` attribute: the root element's
// computed `color-scheme` when it is exactly `dark` or `light` (`normal` and `light dark`
// decide nothing), else `data-theme` or a `dark`/`light` class on <html>, else the
// system's preference. Shown through the custom states :state(dark) / :state(light),
// which the elements' stylesheet reads, never through an attribute on the element.
export function hostScheme(root, systemDark) {
  const declared = getComputedStyle(root).colorScheme.split(/\s+/).filter((word) => word && word !== 'only');
  if (declared.length === 1 && (declared[0] === 'dark' || declared[0] === 'light')) return declared[0];
  const theme = root.getAttribute('data-theme');
  if (theme === 'dark' || theme === 'light') return theme;
  if (root.classList.contains('dark')) return 'dark';
  if (root.classList.contains('light')) return 'light';
  return systemDark ? 'dark' : 'light';
}

// One observer of the host's scheme for every element of the page: the root's class,
// style and data-theme, and the system preference; gone with the last element.
const themed = new Set();
let watching = null;

// What the host page's Content-Security-Policy blocked (enforced only, not report-only),
// by origin: an element whose request fails says which directive blocks it. Heard from
// the first element's connection (before its first request) until the last one goes.
const blocked = new Map();
function noteViolation(event) {
  if (event.disposition !== 'enforce') return;
  try {
    blocked.set(new URL(event.blockedURI).origin, event.effectiveDirective);
  } catch {
    // 'inline', 'eval', 'wasm-eval': not a request to an origin.
  }
}

function showScheme(element) {
  const chosen = element.getAttribute('theme');
  const scheme = chosen === 'dark' || chosen === 'light'
    ? chosen
    : hostScheme(document.documentElement, watching?.media.matches ?? false);
  element.showScheme(scheme);
}

function showSchemes() {
  for (const element of themed) showScheme(element);
}

function followScheme(element) {
  themed.add(element);
  if (!watching) {
    const observer = new MutationObserver(showSchemes);
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['class', 'style', 'data-theme'] });
    const media = matchMedia('(prefers-color-scheme: dark)');
    media.addEventListener('change', showSchemes);
    document.addEventListener('securitypolicyviolation', noteViolation);
    watching = { observer, media };
  }
  showScheme(element);
}

function unfollowScheme(element) {
  themed.delete(element);
  if (themed.size === 0 && watching) {
    watching.observer.disconnect();
    watching.media.removeEventListener('change', showSchemes);
    document.removeEventListener('securitypolicyviolation', noteViolation);
    watching = null;
  }
}

class QufabricElement extends HTMLElement {
  static get observedAttributes() {
    return ['api-origin', 'base-path', 'theme', 'chrome', 'location', 'href-template', 'users-href'];
  }

  #handle = null;
  #connected = false;
  #authorize = undefined;
  #internals = this.attachInternals();

  /** Show `scheme` (`dark` or `light`) as the element's custom state. */
  showScheme(scheme) {
    const states = this.#internals.states;
    states.delete(scheme === 'dark' ? 'light' : 'dark');
    states.add(scheme);
  }

  /** The directive of the page's policy that blocked a request to `origin`, if one did. */
  policyBlocking(origin) { return blocked.get(origin); }

  get getAuthorization() { return this.#authorize; }

  set getAuthorization(fn) {
    this.#authorize = fn;
    this.#handle?.authorization_changed();
  }

  /** The place shown (`/`, `/new`, `/<id>`); setting it moves the element without a
   * `qufabric:location-change` back. */
  get location() { return this.#handle?.location() ?? this.getAttribute('location') ?? '/'; }

  set location(path) {
    const value = String(path);
    // The attribute may still hold a place the user has since left: move even then.
    if (this.getAttribute('location') === value) this.#handle?.set_location(value);
    else this.setAttribute('location', value);
  }

  /** Whether a form holds edits not saved yet (`qufabric:dirty-change` tells each change). */
  get hasUnsavedChanges() { return this.#handle?.has_unsaved_changes() ?? false; }

  connectedCallback() {
    // A property set on the element before this module defined it is an own property
    // that hides the accessor: take it over.
    for (const name of ['getAuthorization', 'location']) {
      if (Object.prototype.hasOwnProperty.call(this, name)) {
        const value = this[name];
        delete this[name];
        this[name] = value;
      }
    }
    this.#connected = true;
    // Before the wasm draws anything: the first paint already has the host's scheme.
    followScheme(this);
    ready.then(() => {
      // Removed before the wasm started (or already mounted): nothing to do.
      if (!this.#connected || this.#handle) return;
      this.#handle = mount_element(this.constructor.kind, this, () => this.#authorize);
    }, (error) => {
      console.error('qufabric: the WebAssembly module did not load', error);
      if (this.#connected) this.#showLoadFailure(error);
    });
  }

  /** The wasm never started: say why inside the element (its own code cannot). */
  #showLoadFailure(error) {
    const root = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
    const message = document.createElement('p');
    message.setAttribute('role', 'alert');
    message.textContent = /unsafe-eval|wasm-eval|Content.Security.Policy/i.test(String(error?.message ?? error))
      ? "This page's Content-Security-Policy does not allow WebAssembly, so these settings cannot start. Add 'wasm-unsafe-eval' to script-src in the policy the page is served with."
      : 'These settings could not start: their WebAssembly module did not load. Reload the page; if it persists, check that qufabric-sso.js and the files beside it are served.';
    root.replaceChildren(message);
  }

  disconnectedCallback() {
    this.#connected = false;
    unfollowScheme(this);
    const handle = this.#handle;
    this.#handle = null;
    if (handle) {
      handle.unmount();
      handle.free();
    }
  }

  attributeChangedCallback(name, before, after) {
    if (name === 'theme' && this.#connected) showScheme(this);
    if (before !== after) this.#handle?.attribute_changed(name);
  }
}

class IdentityProvidersElement extends QufabricElement {
  static kind = 'identity-providers';
}

class GroupsSettingsElement extends QufabricElement {
  static kind = 'groups-settings';
}

if (!customElements.get('qufabric-identity-providers')) {
  customElements.define('qufabric-identity-providers', IdentityProvidersElement);
}
if (!customElements.get('qufabric-groups-settings')) {
  customElements.define('qufabric-groups-settings', GroupsSettingsElement);
}

// QuFabric SSO elements. Importing this module defines
//   <qufabric-identity-providers>  the Identity Providers list and form
//   <qufabric-groups-settings>     the Groups settings (JWT group sync)
// Both share one WebAssembly instance, loaded next to this file (import.meta.url).
// Attributes: api-origin, base-path, theme. Property: getAuthorization, a function that
// returns (a Promise of) the full Authorization header value. Events (bubbling, composed):
// qufabric:provider-saved, qufabric:provider-deleted, qufabric:groups-saved,
// qufabric:session-required.
// scripts/embed.sh rewrites the two file names below to the content-hashed names it gives
// the glue and the wasm in dist-embed/.
import init, { mount_element } from './qufabric_sso_wasm.js';

const ready = init({ module_or_path: new URL('./qufabric_sso_wasm_bg.wasm', import.meta.url) });

class QufabricElement extends HTMLElement {
  static get observedAttributes() { return ['api-origin', 'base-path', 'theme']; }

  #handle = null;
  #connected = false;
  #authorize = undefined;

  get getAuthorization() { return this.#authorize; }

  set getAuthorization(fn) {
    this.#authorize = fn;
    this.#handle?.authorization_changed();
  }

  connectedCallback() {
    // A function set on the element before this module defined it is an own property
    // that hides the accessor: take it over.
    if (Object.prototype.hasOwnProperty.call(this, 'getAuthorization')) {
      const fn = this.getAuthorization;
      delete this.getAuthorization;
      this.#authorize = fn;
    }
    this.#connected = true;
    ready.then(() => {
      // Removed before the wasm started (or already mounted): nothing to do.
      if (!this.#connected || this.#handle) return;
      this.#handle = mount_element(this.constructor.kind, this, () => this.#authorize);
    }, (error) => console.error('qufabric: the WebAssembly module did not load', error));
  }

  disconnectedCallback() {
    this.#connected = false;
    const handle = this.#handle;
    this.#handle = null;
    if (handle) {
      handle.unmount();
      handle.free();
    }
  }

  attributeChangedCallback(name, before, after) {
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

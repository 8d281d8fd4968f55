// Types of the QuFabric SSO elements (qufabric-sso.js, beside this file in dist-embed/):
// the two elements in `HTMLElementTagNameMap`, their attributes and properties,
// `getAuthorization`, and the `detail` of each event. No framework needed; React's JSX
// is in qufabric-sso-react.d.ts (a file of its own, so a project without React's types
// compiles this one). Checked by the test command (e2e/types/).

/** Resolves once the WebAssembly runs (the elements mount then). */
export declare const ready: Promise<void>;

/** Returns the full `Authorization` header value, `"Bearer …"` or `"Token …"`, or a
 * Promise of it. Called before requests and once more after a 401. Elements given the same
 * function share what they loaded. */
export type GetAuthorization = () => string | Promise<string>;

/** `theme`: absent to follow the host page's scheme. */
export type Theme = 'light' | 'dark';

/** The attributes of both elements (changing one at runtime takes effect). */
export interface QufabricAttributes {
  /** The management API's origin, e.g. `https://qufabric.example.com` (default: the page's). */
  'api-origin'?: string;
  /** Show the element's pages in the address bar under this path (hosts without a router). */
  'base-path'?: string;
  theme?: Theme;
}

export interface ProviderSavedDetail {
  id: string;
  name: string;
  /** The provider kind's API id: `pocketid`, `oidc`, `keycloak`, … */
  type: string;
}

export interface ProviderDeletedDetail {
  id: string;
}

export interface GroupsSavedDetail {
  /** The account settings as the server stored them. */
  settings: Record<string, unknown>;
}

export interface SessionRequiredDetail {
  /** Why the host's authorization failed, in words. */
  reason: string;
}

/** The events an element fires (bubbling and composed, so the document hears them too). */
export interface QufabricEventMap {
  'qufabric:provider-saved': CustomEvent<ProviderSavedDetail>;
  'qufabric:provider-deleted': CustomEvent<ProviderDeletedDetail>;
  'qufabric:groups-saved': CustomEvent<GroupsSavedDetail>;
  'qufabric:session-required': CustomEvent<SessionRequiredDetail>;
}

/** What both elements have. */
export interface QufabricElement extends HTMLElement {
  getAuthorization: GetAuthorization | undefined;
  addEventListener<K extends keyof QufabricEventMap>(
    type: K,
    listener: (this: this, event: QufabricEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener<K extends keyof HTMLElementEventMap>(
    type: K,
    listener: (this: this, event: HTMLElementEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject,
    options?: boolean | AddEventListenerOptions,
  ): void;
  removeEventListener<K extends keyof QufabricEventMap>(
    type: K,
    listener: (this: this, event: QufabricEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener<K extends keyof HTMLElementEventMap>(
    type: K,
    listener: (this: this, event: HTMLElementEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject,
    options?: boolean | EventListenerOptions,
  ): void;
}

/** `<qufabric-identity-providers>`: the Identity Providers list and form. */
export interface QufabricIdentityProvidersElement extends QufabricElement {}

/** `<qufabric-groups-settings>`: the Groups settings (JWT group sync, allow-groups). */
export interface QufabricGroupsSettingsElement extends QufabricElement {}

declare global {
  interface HTMLElementTagNameMap {
    'qufabric-identity-providers': QufabricIdentityProvidersElement;
    'qufabric-groups-settings': QufabricGroupsSettingsElement;
  }
  // The events bubble out of the shadow root to the document.
  interface DocumentEventMap extends QufabricEventMap {}
}

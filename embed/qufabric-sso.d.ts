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
  /** Only for hosts without a router: the element writes its place into the address bar
   * under this path (pushState) and follows the back button. A host with a router leaves it
   * out, keeps `location` in its own URL and listens to `qufabric:location-change`. */
  'base-path'?: string;
  theme?: Theme;
  /** `none`: no card and no page heading of the element's own (the host's layout shows them). */
  chrome?: 'none';
  /** The Identity Providers element's place: `/` (the list), `/new`, `/<id>`. */
  location?: string;
  /** The host's address of a place, `{path}` standing for it (percent-encoded), e.g.
   * `/settings?tab=sso&at={path}`: the `href` of links inside the element. Without it (and
   * without `base-path`) they carry the host page's current address. */
  'href-template'?: string;
  /** The host's Users page: "See who signs in with …" links there (`qufabric:navigate` first). */
  'users-href'?: string;
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

/** The user moved inside the element: put `path` in the host's URL (`replace`: in place of
 * the current history entry). Setting `location` does not fire it. */
export interface LocationChangeDetail {
  /** `/`, `/new`, `/<id>`, possibly with a query (`/<id>?saved=1`). */
  path: string;
  replace: boolean;
}

export interface DirtyChangeDetail {
  /** Whether a form now holds edits not saved yet. */
  dirty: boolean;
}

/** A link to a page of the host was clicked; `preventDefault()` to route it yourself
 * (otherwise the browser follows the link's `users-href`). */
export interface NavigateDetail {
  page: 'users';
  /** The provider whose users to show. */
  provider?: string;
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
  'qufabric:location-change': CustomEvent<LocationChangeDetail>;
  'qufabric:dirty-change': CustomEvent<DirtyChangeDetail>;
  'qufabric:navigate': CustomEvent<NavigateDetail>;
}

/** What both elements have. */
export interface QufabricElement extends HTMLElement {
  getAuthorization: GetAuthorization | undefined;
  /** Whether a form holds edits not saved yet: ask before the host's own navigation. */
  readonly hasUnsavedChanges: boolean;
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
export interface QufabricIdentityProvidersElement extends QufabricElement {
  /** The place shown; setting it moves the element (without `qufabric:location-change`). */
  location: string;
}

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

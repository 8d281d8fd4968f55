// The QuFabric SSO elements in React 19's JSX: add this file to a project that has React's
// types (`@types/react`), next to qufabric-sso.d.ts. Event names with `:` cannot be JSX
// props: listen through a ref (`ref.current.addEventListener('qufabric:provider-saved', …)`),
// and set `getAuthorization` through the ref once `customElements.whenDefined` resolves
// (React 19 sets a function prop as an attribute while the element is not defined yet).

import type {
  QufabricAttributes,
  QufabricGroupsSettingsElement,
  QufabricIdentityProvidersElement,
} from './qufabric-sso.js';

type ElementProps<E extends HTMLElement> = import('react').DetailedHTMLProps<
  import('react').HTMLAttributes<E>,
  E
> &
  QufabricAttributes;

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'qufabric-identity-providers': ElementProps<QufabricIdentityProvidersElement>;
      'qufabric-groups-settings': ElementProps<QufabricGroupsSettingsElement>;
    }
  }
}

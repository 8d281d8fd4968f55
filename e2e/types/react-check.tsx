/// <reference path="../../dist-embed/qufabric-sso-react.d.ts" />
// The elements in React 19's JSX (tsc, strict, with @types/react and
// qufabric-sso-react.d.ts). Each `@ts-expect-error` is a mistake the types must refuse.
import { useEffect, useRef } from 'react';
import type { QufabricIdentityProvidersElement } from '../../dist-embed/qufabric-sso.js';

const getAuthorization = async () => 'Bearer token';

export function SsoSettings() {
  const providers = useRef<QufabricIdentityProvidersElement>(null);
  useEffect(() => {
    const element = providers.current;
    if (!element) return;
    customElements.whenDefined('qufabric-identity-providers').then(() => {
      element.getAuthorization = getAuthorization;
    });
    const saved = (event: CustomEvent<{ name: string }>) => console.log(event.detail.name);
    element.addEventListener('qufabric:provider-saved', saved);
    return () => element.removeEventListener('qufabric:provider-saved', saved);
  }, []);
  return (
    <>
      <qufabric-identity-providers ref={providers} api-origin="https://qufabric.example.com" base-path="/settings/sso" />
      <qufabric-groups-settings api-origin="https://qufabric.example.com" theme="dark" className="sso" />
      <qufabric-identity-providers location="/new" chrome="none" href-template="/settings?at={path}" users-href="/team/users" />
      {/* @ts-expect-error: chrome is none or absent */}
      <qufabric-identity-providers chrome="minimal" />
      {/* @ts-expect-error: theme is light or dark */}
      <qufabric-groups-settings theme="blue" />
      {/* @ts-expect-error: no such element */}
      <qufabric-users />
    </>
  );
}

'use client';
// One QuFabric SSO element in the host's page, wired as the README's Next.js recipe says:
// the module is imported at run time from the site (not bundled), getAuthorization is set
// once the element is defined, the element's moves go into the host's URL through Next's
// router, and the host's URL gives the element its place (`location`).
import { useRouter } from 'next/navigation';
import { useEffect, useRef } from 'react';
import type {
  LocationChangeDetail,
  NavigateDetail,
  QufabricGroupsSettingsElement,
  QufabricIdentityProvidersElement,
} from '@qufabric/qufabric-sso.js';
import { authorization, useHostConfig } from '../host-config';

type ElementsModule = typeof import('@qufabric/qufabric-sso.js');

const ELEMENTS_URL = '/qufabric/qufabric-sso.js';
let elements: Promise<ElementsModule> | null = null;

/** The elements' module, imported once at run time (both bundlers leave it alone). */
function loadElements(): Promise<ElementsModule> {
  elements ??= import(/* webpackIgnore: true */ /* turbopackIgnore: true */ ELEMENTS_URL);
  return elements;
}

/** The host's address of an element's place (kept readable: `/` stays as it is). */
export function placeHref(path: string): string {
  return `/settings?tab=identity-providers&at=${encodeURIComponent(path).replaceAll('%2F', '/')}`;
}

export function SsoElement({ kind, at }: { kind: 'identity-providers' | 'groups'; at: string }) {
  const config = useHostConfig();
  const router = useRouter();
  const providers = useRef<QufabricIdentityProvidersElement>(null);
  const groups = useRef<QufabricGroupsSettingsElement>(null);

  useEffect(() => {
    loadElements().catch((error) => console.error('the QuFabric elements did not load', error));
  }, []);

  useEffect(() => {
    const element = providers.current ?? groups.current;
    if (!element) return;
    let gone = false;
    // React 19 sets a function prop as an attribute while the element is not defined.
    customElements.whenDefined(element.localName).then(() => {
      if (!gone) element.getAuthorization = authorization;
    });
    const moved = (event: CustomEvent<LocationChangeDetail>) => {
      const href = placeHref(event.detail.path);
      if (event.detail.replace) router.replace(href, { scroll: false });
      else router.push(href, { scroll: false });
    };
    const navigate = (event: CustomEvent<NavigateDetail>) => {
      event.preventDefault();
      const provider = event.detail.provider;
      router.push(provider ? `/team/users?provider=${encodeURIComponent(provider)}` : '/team/users');
    };
    element.addEventListener('qufabric:location-change', moved);
    element.addEventListener('qufabric:navigate', navigate);
    return () => {
      gone = true;
      element.removeEventListener('qufabric:location-change', moved);
      element.removeEventListener('qufabric:navigate', navigate);
    };
  }, [config, router]);

  if (!config) return <p role="status">Loading…</p>;
  if (kind === 'groups') {
    return <qufabric-groups-settings ref={groups} api-origin={config.api} chrome="none" />;
  }
  return (
    <qufabric-identity-providers
      ref={providers}
      api-origin={config.api}
      chrome="none"
      location={at}
      href-template="/settings?tab=identity-providers&at={path}"
      users-href="/team/users"
    />
  );
}

// The elements' types as a host without a framework uses them (tsc, strict). Each
// `@ts-expect-error` is a mistake the types must refuse: if the types stopped refusing it,
// tsc fails on the unused directive.
import { ready, type GetAuthorization, type ProviderSavedDetail } from '../../dist-embed/qufabric-sso.js';

await ready;

const getAuthorization: GetAuthorization = async () => `Bearer ${sessionStorage.getItem('token') ?? ''}`;
const providers = document.querySelector('qufabric-identity-providers');
if (providers) {
  providers.getAuthorization = getAuthorization;
  providers.getAuthorization = () => 'Token abc';
  // @ts-expect-error: the header value is a string
  providers.getAuthorization = async () => 42;
  providers.setAttribute('api-origin', 'https://qufabric.example.com');
  providers.addEventListener('qufabric:provider-saved', (event) => {
    const saved: ProviderSavedDetail = event.detail;
    console.log(saved.id, saved.name, saved.type);
  });
  // @ts-expect-error: a deleted provider's event carries only its id
  providers.addEventListener('qufabric:provider-deleted', (event) => console.log(event.detail.name));
  providers.addEventListener('click', (event) => console.log(event.clientX));
}

const groups: HTMLElementTagNameMap['qufabric-groups-settings'] = document.createElement('qufabric-groups-settings');
groups.addEventListener('qufabric:groups-saved', (event) => console.log(Object.keys(event.detail.settings)));
document.body.append(groups);

// The events bubble to the document, typed there too.
document.addEventListener('qufabric:session-required', (event) => {
  const reason: string = event.detail.reason;
  console.log(reason);
});
// @ts-expect-error: no such element
const nothing: HTMLElementTagNameMap['qufabric-users'] = document.createElement('div');
console.log(nothing);

// The host's router keeps the element's place in its URL.
const list = document.createElement('qufabric-identity-providers');
list.setAttribute('chrome', 'none');
list.setAttribute('href-template', '/settings?tab=sso&at={path}');
list.location = '/new';
list.addEventListener('qufabric:location-change', (event) => {
  const { path, replace }: { path: string; replace: boolean } = event.detail;
  history[replace ? 'replaceState' : 'pushState'](null, '', `?at=${encodeURIComponent(path)}`);
});
list.addEventListener('qufabric:dirty-change', (event) => console.log(event.detail.dirty, list.hasUnsavedChanges));
list.addEventListener('qufabric:navigate', (event) => {
  if (event.detail.page === 'users') event.preventDefault();
});
// @ts-expect-error: the host reads hasUnsavedChanges, it does not set it
list.hasUnsavedChanges = false;
// @ts-expect-error: the Groups element has no place to go to
groups.location = '/new';

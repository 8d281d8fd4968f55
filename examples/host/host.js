// The host page's own script: where the management API is (?api=…, else this origin),
// how requests are authorised (a personal access token typed into the page), and a log of
// the elements' events. Everything here runs before the elements' module is imported.
const api = new URLSearchParams(location.search).get('api') || location.origin;
const elements = () => document.querySelectorAll('qufabric-identity-providers, qufabric-groups-settings');

async function authorisation() {
  const token = sessionStorage.getItem('host.pat');
  if (!token) throw new Error('no token yet');
  return `Token ${token}`;
}

for (const element of elements()) {
  element.setAttribute('api-origin', api);
  // Set before the module defines the elements: they pick it up when they connect.
  element.getAuthorization = authorisation;
}

document.getElementById('authorise').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem('host.pat', document.getElementById('pat').value.trim());
  for (const element of elements()) element.getAuthorization = authorisation;
});

window.hostEvents = [];
for (const name of ['qufabric:provider-saved', 'qufabric:provider-deleted', 'qufabric:groups-saved', 'qufabric:session-required']) {
  document.addEventListener(name, (event) => {
    window.hostEvents.push({ type: event.type, detail: event.detail });
    const item = document.createElement('li');
    item.textContent = `${event.type} ${JSON.stringify(event.detail)}`;
    document.getElementById('events').append(item);
  });
}

await import('./qufabric/qufabric-sso.js');

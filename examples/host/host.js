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
  loadMembers();
});

// The console's own tab, as a single-page console has them: its list is loaded once at
// page load and drawn from memory when the tab is opened. Opening a tab unmounts the other
// one, as a React router does: leaving "Single sign-on" removes the elements, coming back
// creates new ones (the benchmark times both tabs).
let members = [];
async function loadMembers() {
  try {
    const answer = await fetch(`${api}/api/users`, { headers: { Authorization: await authorisation() } });
    if (answer.ok) members = await answer.json();
  } catch { /* no token yet */ }
}
const membersLoaded = loadMembers();

const ssoColumns = document.querySelector('.columns');
const ssoTemplate = [...elements()].map((element) => ({ tag: element.localName, attributes: [...element.attributes].map((a) => [a.name, a.value]), parent: element.parentElement }));

function showTab() {
  const tab = location.hash === '#members' ? 'members' : 'sso';
  for (const link of document.querySelectorAll('.host-header nav a')) link.removeAttribute('aria-current');
  document.getElementById(`tab-${tab}`).setAttribute('aria-current', 'page');
  const list = document.getElementById('member-list');
  document.getElementById('members').hidden = tab !== 'members';
  ssoColumns.hidden = tab !== 'sso';
  if (tab === 'members') {
    for (const element of elements()) element.remove();
    list.replaceChildren(...members.map((member) => {
      const item = document.createElement('li');
      item.textContent = `${member.name} (${member.email}), ${member.role}`;
      return item;
    }));
  } else if (elements().length === 0) {
    list.replaceChildren();
    for (const { tag, attributes, parent } of ssoTemplate) {
      const element = document.createElement(tag);
      for (const [name, value] of attributes) element.setAttribute(name, value);
      element.getAuthorization = authorisation;
      parent.append(element);
    }
  }
}
window.addEventListener('hashchange', showTab);
if (location.hash === '#members') membersLoaded.then(showTab);

window.hostEvents = [];
// qufabric:navigate is heard, not taken over: the browser follows users-href (#members).
for (const name of ['qufabric:provider-saved', 'qufabric:provider-deleted', 'qufabric:groups-saved', 'qufabric:session-required', 'qufabric:navigate']) {
  document.addEventListener(name, (event) => {
    window.hostEvents.push({ type: event.type, detail: event.detail });
    const item = document.createElement('li');
    item.textContent = `${event.type} ${JSON.stringify(event.detail)}`;
    document.getElementById('events').append(item);
  });
}

await import('./qufabric/qufabric-sso.js');

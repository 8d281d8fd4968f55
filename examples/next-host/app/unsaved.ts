'use client';
// The host's own navigation asks first when an element holds unsaved edits (the element
// keeps its draft either way, as the standalone form does).

/** Whether an element on the page has unsaved edits. */
export function elementsHaveUnsavedChanges(): boolean {
  const elements = [
    ...document.querySelectorAll('qufabric-identity-providers'),
    ...document.querySelectorAll('qufabric-groups-settings'),
  ];
  return elements.some((element) => element.hasUnsavedChanges);
}

/** For a link's onClick: cancel the move unless the person agrees to leave the edits. */
export function confirmLeaving(event: { preventDefault(): void }) {
  if (elementsHaveUnsavedChanges() && !window.confirm('You have unsaved changes in the SSO settings. Leave anyway?')) {
    event.preventDefault();
  }
}

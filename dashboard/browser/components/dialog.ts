import { Child, h } from '../elements.js';

/**
 * A modal dialog (the native <dialog>: focus moves into it, Escape closes it, the page behind is inert),
 * removed from the document when closed.
 */
export function openDialog(title: string, ...body: Child[]): HTMLDialogElement {
  const id = `dialog-${Math.random().toString(36).slice(2)}`;
  const dialog = h(
    'dialog',
    { 'aria-labelledby': id },
    h('h2', { id }, title),
    ...body,
    h('div', { class: 'dialog-close' }, h('button', { type: 'button', onclick: () => dialog.close() }, 'Close')),
  );
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  return dialog;
}

/** A required text area with its label, for the reason or note every mutating call records. */
export function reasonField(label: string, hint: string): { field: HTMLElement; input: HTMLTextAreaElement } {
  const id = `reason-${Math.random().toString(36).slice(2)}`;
  const input = h('textarea', {
    id,
    name: 'reason',
    required: true,
    rows: 2,
    maxlength: 500,
    'aria-describedby': `${id}-hint`,
  });
  return {
    input,
    field: h('div', { class: 'field' }, h('label', { for: id }, label), input, h('small', { id: `${id}-hint` }, hint)),
  };
}

/** Shows an error (or clears it) in a live region, so it is read out as it appears. */
export function errorArea(): { el: HTMLElement; set(message?: string): void } {
  const el = h('p', { class: 'error', role: 'alert' });
  return { el, set: (message) => (el.textContent = message ?? '') };
}

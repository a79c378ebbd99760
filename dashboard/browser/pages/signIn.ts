import { h, show } from '../elements.js';

/** Asks for the ops key once per tab; it is kept in sessionStorage and sent as a header, never in the URL. */
export function signIn(main: HTMLElement, problem: string | undefined, submit: (key: string) => void): void {
  const input = h('input', {
    id: 'ops-key',
    name: 'ops-key',
    type: 'password',
    required: true,
    autocomplete: 'off',
    'aria-describedby': 'ops-key-hint',
  });
  const form = h(
    'form',
    { class: 'sign-in', 'aria-labelledby': 'sign-in-heading' },
    h('h1', { id: 'sign-in-heading' }, 'Sign in'),
    h('div', { class: 'field' }, h('label', { for: 'ops-key' }, 'Ops key'), input),
    h(
      'small',
      { id: 'ops-key-hint' },
      'A reader key (OPS_READER_KEYS) sees everything; an operator key (OPS_OPERATOR_KEYS) may also replay. The key stays in this tab only.',
    ),
    problem ? h('p', { class: 'error', role: 'alert' }, problem) : '',
    h('button', { type: 'submit', class: 'primary' }, 'Sign in'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (input.value.trim()) submit(input.value.trim());
  });
  show(main, form);
  input.focus();
}

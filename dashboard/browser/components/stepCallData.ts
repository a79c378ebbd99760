import type { PayloadText, StepCallView } from '../apiTypes.js';
import { h, show } from '../elements.js';

/** Fetches one activity call's data; `maxChars` asks for more than the API's default cut. */
export type CallLoader = (call: number, maxChars?: number) => Promise<StepCallView>;

/** The most a "show all" asks for (the API's own limit). */
const SHOW_ALL_MAX = 1_000_000;

function payload(title: string, p: PayloadText | undefined, showAll: (chars: number) => void): HTMLElement {
  if (!p) return h('div', { class: 'payload' }, h('h4', {}, title), h('p', {}, 'not recorded'));
  return h(
    'div',
    { class: 'payload' },
    h('h4', {}, title),
    // Text, never markup: the payload is whatever the saga or a caller put in the order.
    h('pre', { tabindex: 0, 'aria-label': title }, p.text),
    p.truncated
      ? h(
          'p',
          {},
          `Showing the first ${p.text.length.toLocaleString('en')} of ${p.chars.toLocaleString('en')} characters. `,
          h(
            'button',
            { type: 'button', class: 'link', onclick: () => showAll(p.chars) },
            `Show all ${title.toLowerCase()} (${p.chars.toLocaleString('en')} characters)`,
          ),
        )
      : '',
  );
}

/** Draws the call's input, output and error into `area`, fetching them now (never with the page). */
export async function drawStepCall(area: HTMLElement, load: CallLoader, call: number, maxChars?: number) {
  show(area, h('p', { role: 'status' }, 'Loading the call’s input and output…'));
  try {
    const view = await load(call, maxChars);
    const again = (chars: number) => void drawStepCall(area, load, call, Math.min(chars, SHOW_ALL_MAX));
    show(
      area,
      h(
        'div',
        { class: 'call-data' },
        payload('Input', view.input, again),
        payload('Output', view.output, again),
        view.error ? payload('Error', view.error, again) : '',
      ),
    );
  } catch (e) {
    show(area, h('p', { class: 'error', role: 'alert' }, (e as Error).message));
  }
}

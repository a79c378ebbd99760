import type { OpsApi } from './api.js';
import type { Session } from './apiTypes.js';

/** What every page gets: the API with the key, who is signed in, where to draw. */
export interface PageContext {
  api: OpsApi;
  session: Session;
  main: HTMLElement;
  /** Says something to screen readers (and sighted users) in the status region. */
  announce(text: string): void;
}

/** A page draws itself and returns what stops it (timers) when the user leaves. */
export type Page = (ctx: PageContext) => Promise<(() => void) | void>;

export const canMutate = (ctx: PageContext): boolean => ctx.session.caller.role === 'operator';

/** Why a button is disabled for a reader, shown as its tooltip and read by screen readers. */
export const READER_ONLY = 'Needs an operator key: your key has the reader role (read-only).';

/** A minimal observable holder for the chat state. */
import { initialState, reduce, type ChatAction, type ChatState } from './state.js';

export type Listener = (state: ChatState, prev: ChatState) => void;

export interface Store {
  getState(): ChatState;
  dispatch(action: ChatAction): void;
  subscribe(listener: Listener): () => void;
  reset(): void;
}

export function createStore(): Store {
  let state = initialState;
  const listeners = new Set<Listener>();
  const set = (next: ChatState): void => {
    if (next === state) return;
    const prev = state;
    state = next;
    for (const l of listeners) l(state, prev);
  };
  return {
    getState: () => state,
    dispatch: (action) => set(reduce(state, action)),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    reset: () => set(initialState),
  };
}

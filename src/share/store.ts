/**
 * The lab saved in the browser: the same encoded envelope as a share link, under one
 * localStorage key, written at most once a second. A store that does not decode (another
 * version's leftovers, a hand edit, a full disk) is ignored and removed, and the caller
 * shows a notice. Storage may be unavailable (private mode, file://): then nothing is saved.
 */
import { decodeFragment, encodeEnvelope, type DecodeResult } from './codec';
import type { Envelope } from './envelope';
import { STORE_KEY, storage } from './peek';

export { STORE_KEY };
const DEBOUNCE_MS = 1000;

export type StoreLoad = { kind: 'empty' } | { kind: 'ok'; envelope: Envelope } | { kind: 'corrupt'; result: Extract<DecodeResult, { ok: false }> };

export function loadStored(): StoreLoad {
  const s = storage();
  let text: string | null = null;
  try {
    text = s?.getItem(STORE_KEY) ?? null;
  } catch {
    return { kind: 'empty' };
  }
  if (text === null) return { kind: 'empty' };
  const r = decodeFragment(text);
  if (r.ok) return { kind: 'ok', envelope: r.envelope };
  clearStored();
  return { kind: 'corrupt', result: r };
}

export function clearStored(): void {
  try {
    storage()?.removeItem(STORE_KEY);
  } catch {
    /* nothing to clear */
  }
}

/** Save now (and cancel a pending save). Returns false when the browser refused. */
export function saveNow(env: Envelope): boolean {
  try {
    storage()?.setItem(STORE_KEY, encodeEnvelope(env));
    return true;
  } catch {
    return false;
  }
}

/** A debounced saver: `schedule(get)` saves `get()` a second after the last call. */
export class Saver {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private pending: (() => Envelope) | undefined;

  schedule(get: () => Envelope): void {
    this.pending = get;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), DEBOUNCE_MS);
  }

  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const get = this.pending;
    this.pending = undefined;
    if (get) saveNow(get());
  }
}

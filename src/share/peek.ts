/**
 * What the page can tell without the codec (fflate, loaded on demand): is there a share
 * link in the URL, or a lab saved in this browser, to decode?
 */
export const FRAGMENT_PREFIX = 'lab=';
export const STORE_KEY = 'lvs-lab:lab';

/** Whether a location hash is meant for us (`#lab=…`); other fragments are left alone. */
export function isShareFragment(hash: string): boolean {
  return hash.replace(/^#/, '').startsWith(FRAGMENT_PREFIX);
}

/** localStorage, or undefined where it is unavailable (private mode, file://) or refused. */
export function storage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}

/** Whether a lab is saved in this browser (it may still not decode). */
export function hasStored(): boolean {
  try {
    return (storage()?.getItem(STORE_KEY) ?? null) !== null;
  } catch {
    return false;
  }
}

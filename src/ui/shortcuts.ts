/**
 * Keyboard shortcuts for presenting: Space play/pause, ←/→ step back/step, 1/2/3 the modes
 * (NAT, DR, TUN), ? help, P presenter mode, H hide the panels, Esc closes help. They do
 * nothing while the learner types in a field or the terminal, or holds a modifier, so
 * browser and screen-reader keys keep working. Pure.
 */
import type { PresetName } from './scenario-edit';

export type Shortcut =
  | { kind: 'toggle' }
  | { kind: 'step' }
  | { kind: 'back' }
  | { kind: 'mode'; mode: PresetName }
  | { kind: 'help' }
  | { kind: 'presenter' }
  | { kind: 'panels' }
  | { kind: 'escape' };

export interface KeyLike {
  key: string;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  /** The focused element's tag (upper case), role and whether it is editable. */
  targetTag: string;
  targetRole: string | null;
  targetEditable: boolean;
}

const TYPING_TAGS = new Set(['INPUT', 'TEXTAREA', 'SELECT']);
/** Elements where Space/arrows already mean something. */
const OWN_KEYS_ROLES = new Set(['slider', 'tab', 'listbox', 'option', 'menuitem', 'spinbutton', 'textbox', 'combobox', 'switch', 'checkbox', 'radio']);

export const SHORTCUT_KEYS: readonly { keys: string; action: string }[] = [
  { keys: 'Space', action: 'help.toggle' },
  { keys: '→', action: 'help.step' },
  { keys: '←', action: 'help.back' },
  { keys: '1 / 2 / 3', action: 'help.modes' },
  { keys: '?', action: 'help.help' },
  { keys: 'P', action: 'help.presenter' },
  { keys: 'H', action: 'help.panels' },
  { keys: 'Esc', action: 'help.escape' },
];

export function shortcutFor(e: KeyLike): Shortcut | undefined {
  if (e.ctrlKey || e.metaKey || e.altKey) return undefined;
  if (e.key === 'Escape') return { kind: 'escape' };
  if (TYPING_TAGS.has(e.targetTag) || e.targetEditable) return undefined;
  const ownKeys = e.targetRole !== null && OWN_KEYS_ROLES.has(e.targetRole);
  switch (e.key) {
    case ' ':
      // A focused button clicks itself on Space; do not also toggle.
      return e.targetTag === 'BUTTON' || e.targetTag === 'SUMMARY' || ownKeys ? undefined : { kind: 'toggle' };
    case 'ArrowRight':
      return ownKeys ? undefined : { kind: 'step' };
    case 'ArrowLeft':
      return ownKeys ? undefined : { kind: 'back' };
    case '1':
      return { kind: 'mode', mode: 'nat' };
    case '2':
      return { kind: 'mode', mode: 'dr' };
    case '3':
      return { kind: 'mode', mode: 'tun' };
    case '?':
      return { kind: 'help' };
    case 'p':
    case 'P':
      return { kind: 'presenter' };
    case 'h':
    case 'H':
      return { kind: 'panels' };
  }
  return undefined;
}

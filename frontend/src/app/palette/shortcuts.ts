/** What a key press on the page asks the shell for: the command palette or the list of shortcuts. */
export type ShortcutAction = 'palette' | 'shortcuts';

/** Every keyboard shortcut of the dashboard, as the `?` dialog lists them. */
export const SHORTCUTS: readonly { keys: readonly string[]; alt?: readonly string[]; what: string }[] = [
  { keys: ['Ctrl', 'K'], alt: ['⌘', 'K'], what: 'Open the command palette (on every screen)' },
  { keys: ['?'], what: 'Show these shortcuts (outside a text field)' },
  { keys: ['↑', '↓'], what: 'In the palette: move between commands' },
  { keys: ['Enter'], what: 'In the palette: run the selected command' },
  { keys: ['Esc'], what: "Close the palette, a dialog or the generator's settings" },
];

/** The key event's fields the decision needs (a KeyboardEvent has them). */
export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  target: EventTarget | null;
}

/** Where typing `?` means the character, not the shortcut. */
function isTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && !['button', 'checkbox', 'radio', 'submit', 'reset', 'range'].includes(target.type);
}

/** Ctrl+K or ⌘K anywhere (even in a field, as in Linear); `?` only where it is not typed into a field. */
export function shortcutOf(press: KeyPress): ShortcutAction | null {
  if ((press.ctrlKey || press.metaKey) && !press.altKey && press.key.toLowerCase() === 'k') return 'palette';
  if (press.key === '?' && !press.ctrlKey && !press.metaKey && !press.altKey && !isTextField(press.target)) return 'shortcuts';
  return null;
}

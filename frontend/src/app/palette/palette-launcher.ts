import type { DialogRef } from '@angular/cdk/dialog';
import { Injectable, Injector, inject, type Type } from '@angular/core';
import { Notices } from '../core/notices';
import { shortcutOf, type ShortcutAction } from './shortcuts';

/** The palette stays where it opened, near the top: its list grows and shrinks below the field, nothing else moves. */
const PALETTE_TOP = '12vh';

/**
 * The shell's keyboard entry points: Ctrl+K / ⌘K opens the command palette, `?` the list of shortcuts.
 * Their code (and the CDK's dialogs) loads the first time one is asked for; one of them is open at a time.
 */
@Injectable({ providedIn: 'root' })
export class PaletteLauncher {
  private readonly injector = inject(Injector);
  private readonly notices = inject(Notices);
  private open: DialogRef<unknown, unknown> | 'opening' | null = null;

  /** The page's keydown: runs a shortcut, or leaves the key alone. */
  handle(event: KeyboardEvent): void {
    const action = shortcutOf(event);
    if (action === null) return;
    // The browser's own Ctrl+K (its search field) would take the focus away.
    event.preventDefault();
    void this.show(action);
  }

  async show(action: ShortcutAction): Promise<void> {
    if (this.open !== null) return;
    this.open = 'opening';
    try {
      const [{ Dialog }, { createGlobalPositionStrategy }, { component, titleId }] = await Promise.all([
        import('@angular/cdk/dialog'),
        import('@angular/cdk/overlay'),
        action === 'palette'
          ? import('./command-palette').then((m) => ({ component: m.CommandPalette, titleId: m.PALETTE_TITLE_ID }))
          : import('./shortcuts-dialog').then((m) => ({ component: m.ShortcutsDialog, titleId: m.SHORTCUTS_TITLE_ID })),
      ]);
      const ref = this.injector.get(Dialog).open<unknown, unknown, unknown>(component as Type<unknown>, {
        ariaLabelledBy: titleId,
        width: action === 'palette' ? '36rem' : '30rem',
        maxWidth: 'calc(100vw - 1.5rem)',
        backdropClass: 'sf-backdrop',
        positionStrategy:
          action === 'palette' ? createGlobalPositionStrategy(this.injector).centerHorizontally().top(PALETTE_TOP) : undefined,
      });
      this.open = ref;
      ref.closed.subscribe(() => (this.open = null));
    } catch {
      this.open = null;
      this.notices.show({ text: 'The command palette could not be loaded: is the server reachable?', tone: 'error' });
    }
  }
}

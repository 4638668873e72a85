import { DialogRef } from '@angular/cdk/dialog';
import { ChangeDetectionStrategy, Component, ElementRef, computed, inject, linkedSignal, signal } from '@angular/core';
import { SEARCH_QUERY_MAX_LENGTH } from '@storyflow/contracts/limits';
import type { PaletteCommand } from '../core/commands';
import { paletteCommands } from './palette-commands';

export const PALETTE_TITLE_ID = 'palette-title';

/**
 * The command palette (Ctrl+K / ⌘K, like Linear's and Oban Web's): a field and the commands that match what
 * is typed. The WAI-ARIA combobox with a listbox: the focus stays in the field, ↑/↓ move the active option
 * (aria-activedescendant), Enter runs it, Escape closes (CDK Dialog) and the focus returns where it was. The
 * pointer selects by moving, not by the list scrolling under it, and runs by clicking.
 */
@Component({
  selector: 'sf-command-palette',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'sf-dialog sf-palette', 'data-testid': 'command-palette' },
  template: `
    <h2 class="sr-only" [id]="titleId">Command palette</h2>
    <input
      #field
      type="text"
      role="combobox"
      aria-label="Command, story id or job id"
      aria-expanded="true"
      aria-autocomplete="list"
      [attr.aria-controls]="listboxId"
      [attr.aria-activedescendant]="activeId()"
      placeholder="Go to, pause, a story id or a job id…"
      autocomplete="off"
      spellcheck="false"
      [maxLength]="maxLength"
      [value]="query()"
      (input)="query.set(field.value)"
      (keydown)="onKey($event)"
    />
    <ul role="listbox" [id]="listboxId" aria-label="Commands">
      @for (command of results(); track command.id; let i = $index) {
        <li
          role="option"
          [id]="optionId(command)"
          [attr.aria-selected]="i === active()"
          [class.active]="i === active()"
          (mousedown)="$event.preventDefault()"
          (mousemove)="active.set(i)"
          (click)="run(command)"
        >
          <span class="label">{{ command.label }}</span><span class="group">{{ command.group }}</span>
        </li>
      }
    </ul>
    <p class="hint" aria-hidden="true"><kbd>↑</kbd> <kbd>↓</kbd> move · <kbd>Enter</kbd> run · <kbd>Esc</kbd> close</p>
    <p class="sr-only" role="status">{{ results().length === 1 ? '1 command' : results().length + ' commands' }}</p>
  `,
  styles: `
    :host {
      display: flex;
      flex-direction: column;
      padding: 0;
      overflow: hidden;
    }
    input {
      width: 100%;
      border: 0;
      border-bottom: 1px solid var(--line);
      border-radius: 0;
      background: transparent;
      padding: 0.9rem 1rem;
      font-size: 1.05rem;
    }
    input:focus-visible {
      outline-offset: -3px;
    }
    ul {
      list-style: none;
      margin: 0;
      padding: 0.4rem;
      /* A fixed height: typing changes the options, never the box (nothing moves under the pointer). */
      height: min(18rem, 45vh);
      overflow-y: auto;
    }
    li {
      display: flex;
      justify-content: space-between;
      align-items: baseline;
      gap: 1rem;
      padding: 0.55rem 0.75rem;
      border-radius: 6px;
      cursor: pointer;
    }
    li.active {
      background: var(--subtle);
      box-shadow: inset 3px 0 0 var(--accent);
    }
    .label {
      overflow-wrap: anywhere;
    }
    .group {
      flex: none;
      color: var(--muted);
      font-size: 0.8rem;
    }
    .hint {
      margin: 0;
      padding: 0.5rem 1rem;
      border-top: 1px solid var(--line);
      color: var(--muted);
      font-size: 0.8rem;
    }
    /* Keys a phone does not have. */
    @media (max-width: 720px) {
      .hint {
        display: none;
      }
    }
  `,
})
export class CommandPalette {
  private readonly ref = inject(DialogRef);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  protected readonly titleId = PALETTE_TITLE_ID;
  protected readonly listboxId = 'palette-listbox';
  protected readonly maxLength = SEARCH_QUERY_MAX_LENGTH;
  protected readonly query = signal('');
  protected readonly results = paletteCommands(this.query);
  /** The first option again whenever the options change. */
  protected readonly active = linkedSignal({ source: this.results, computation: () => 0 });
  protected readonly activeId = computed(() => {
    const command = this.results()[this.active()];
    return command ? this.optionId(command) : null;
  });

  protected optionId(command: PaletteCommand): string {
    return `palette-option-${command.id}`;
  }

  protected onKey(event: KeyboardEvent): void {
    const count = this.results().length;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (count === 0) return;
      this.active.set((this.active() + (event.key === 'ArrowDown' ? 1 : -1) + count) % count);
      const id = this.activeId();
      // The option is already rendered (only which one is active changed).
      if (id) this.host.nativeElement.querySelector(`#${id}`)?.scrollIntoView?.({ block: 'nearest' });
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const command = this.results()[this.active()];
      if (command) this.run(command);
    }
  }

  protected run(command: PaletteCommand): void {
    this.ref.close();
    command.run();
  }
}

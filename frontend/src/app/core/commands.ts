import { Injectable, computed, signal, type DestroyRef, type Signal } from '@angular/core';

/** Where a command shows in the palette (and what it is about). */
export type CommandGroup = 'Go to' | 'Story' | 'Processing' | 'Generator';

/** Something the command palette (Ctrl+K) offers to run. */
export interface PaletteCommand {
  /** Stable across renders: the palette's option ids and its tests use it. */
  readonly id: string;
  readonly label: string;
  readonly group: CommandGroup;
  /** Other words it is found by ("pause" finds "Resume processing" too). */
  readonly keywords?: string;
  run(): void;
}

/**
 * The commands parts of the dashboard contribute to the palette while they are on screen (the generator's
 * start and stop come with its panel, which only an operator has): the palette, in a lazy chunk of its own,
 * reads them without importing the parts.
 */
@Injectable({ providedIn: 'root' })
export class PaletteCommands {
  private readonly sources = signal<readonly Signal<readonly PaletteCommand[]>[]>([]);
  readonly all = computed(() => this.sources().flatMap((source) => source()));

  /** Offers `commands` (a signal: they follow their part's state) until `destroyRef` is destroyed. */
  provide(commands: Signal<readonly PaletteCommand[]>, destroyRef: DestroyRef): void {
    this.sources.update((sources) => [...sources, commands]);
    destroyRef.onDestroy(() => this.sources.update((sources) => sources.filter((s) => s !== commands)));
  }
}

import { DestroyRef, Injectable, inject, signal } from '@angular/core';

/**
 * Whether the system asks for dark mode, as a signal: the CSS follows it by itself, but canvas drawings
 * (the chart) read colors once and must draw again when it changes.
 */
@Injectable({ providedIn: 'root' })
export class ColorScheme {
  private readonly query = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
  private readonly state = signal(this.query?.matches ?? false);
  readonly dark = this.state.asReadonly();

  constructor() {
    const listener = (event: MediaQueryListEvent) => this.state.set(event.matches);
    this.query?.addEventListener('change', listener);
    inject(DestroyRef).onDestroy(() => this.query?.removeEventListener('change', listener));
  }

  /** The current value of a CSS custom property of the document, e.g. `--produced`. */
  cssVar(name: string, fallback: string): string {
    if (typeof getComputedStyle !== 'function') return fallback;
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
  }
}

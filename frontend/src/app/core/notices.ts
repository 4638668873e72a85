import { Injectable, signal } from '@angular/core';

export interface NoticeInput {
  text: string;
  tone?: 'info' | 'error';
  /** A link to what the notice is about (e.g. the created story), as router commands. */
  link?: { label: string; commands: readonly string[] };
  /** One action, e.g. Undo; running it dismisses the notice. */
  action?: { label: string; run: () => void };
  /** How long it stays, ms (longer for notices with an action). */
  durationMs?: number;
}

export interface Notice extends Required<Pick<NoticeInput, 'text' | 'tone'>>, Omit<NoticeInput, 'text' | 'tone' | 'durationMs'> {
  id: number;
}

export const NOTICE_MS = 6000;
export const NOTICE_WITH_ACTION_MS = 10_000;
/** After the pointer or focus leaves the notices, each stays at least this long. */
export const NOTICE_RESUME_MS = 3000;
const MAX_NOTICES = 3;

/**
 * Short-lived notices ("Deleted …", "Started a new run … Undo"). They dismiss themselves, except
 * while the user hovers or focuses them (time to read and to reach Undo), and can be dismissed at once.
 */
@Injectable({ providedIn: 'root' })
export class Notices {
  private readonly list = signal<readonly Notice[]>([]);
  readonly items = this.list.asReadonly();
  private readonly timers = new Map<number, ReturnType<typeof setTimeout>>();
  private held = false;
  private nextId = 1;

  show(input: NoticeInput): number {
    const id = this.nextId++;
    const { durationMs, ...rest } = input;
    const notice: Notice = { ...rest, tone: input.tone ?? 'info', id };
    const kept = this.list().slice(-(MAX_NOTICES - 1));
    for (const old of this.list()) if (!kept.includes(old)) this.clearTimer(old.id);
    this.list.set([...kept, notice]);
    if (!this.held) this.schedule(id, durationMs ?? (input.action ? NOTICE_WITH_ACTION_MS : NOTICE_MS));
    return id;
  }

  dismiss(id: number): void {
    this.clearTimer(id);
    this.list.update((items) => items.filter((n) => n.id !== id));
  }

  /** Runs a notice's action and dismisses it. */
  act(id: number): void {
    const notice = this.list().find((n) => n.id === id);
    this.dismiss(id);
    notice?.action?.run();
  }

  /** Pointer or focus on the notices: none dismisses itself meanwhile. */
  hold(): void {
    this.held = true;
    for (const id of [...this.timers.keys()]) this.clearTimer(id);
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    for (const notice of this.list()) this.schedule(notice.id, NOTICE_RESUME_MS);
  }

  private schedule(id: number, ms: number): void {
    this.clearTimer(id);
    this.timers.set(
      id,
      setTimeout(() => this.dismiss(id), ms),
    );
  }

  private clearTimer(id: number): void {
    const timer = this.timers.get(id);
    if (timer !== undefined) clearTimeout(timer);
    this.timers.delete(id);
  }
}

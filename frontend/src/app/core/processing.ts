import { Injectable, inject, signal } from '@angular/core';
import type { ProcessingDto } from '@storyflow/contracts/story';
import { toApiFailure } from './api-failure';
import { Notices } from './notices';
import { ServerApi } from './server-api';

/**
 * Pause and resume of the whole server's processing (operator only): running tasks finish, no new
 * ones start. `state` is the last answer of GET/PUT /api/processing (for "since when"); whether the
 * server is paused right now comes with every live sample (`StatsSample.paused`).
 */
@Injectable({ providedIn: 'root' })
export class Processing {
  private readonly api = inject(ServerApi);
  private readonly notices = inject(Notices);
  private readonly current = signal<ProcessingDto | null>(null);
  readonly state = this.current.asReadonly();
  readonly busy = signal(false);

  refresh(): void {
    this.api.processing().subscribe({ next: (state) => this.current.set(state), error: () => undefined });
  }

  setPaused(paused: boolean): void {
    if (this.busy()) return;
    this.busy.set(true);
    this.api.setPaused(paused).subscribe({
      next: (state) => {
        this.busy.set(false);
        this.current.set(state);
        this.notices.show({
          text: paused ? 'Processing paused: running tasks finish, no new ones start.' : 'Processing resumed.',
        });
      },
      error: (error: unknown) => {
        this.busy.set(false);
        this.notices.show({ text: `${paused ? 'Pause' : 'Resume'} failed: ${toApiFailure(error).message}`, tone: 'error' });
      },
    });
  }
}

import { Injectable, computed, inject } from '@angular/core';
import type { InfoDto } from '@storyflow/contracts/api';
import { TokenStore } from './access/token-store';
import { ServerApi } from './server-api';
import { ServerValue } from './server-value';

/**
 * What the server runs with (GET /api/info): database mode and the retention of Done stories, for
 * the explanations next to the list. Null until answered; fetched again with a new token and when
 * the live connection comes back (the server may have restarted with other settings).
 */
@Injectable({ providedIn: 'root' })
export class ServerInfo {
  private readonly api = inject(ServerApi);
  private readonly source = new ServerValue<InfoDto | null>(() => this.api.info(), null, { reloadOn: inject(TokenStore).changed$ });
  readonly info = this.source.value;
  /** Seconds after which Done stories are removed; 0 when they are kept. */
  readonly doneRetentionSec = computed(() => this.info()?.retention.doneSeconds ?? 0);

  load(): void {
    this.source.load();
  }

  reload(): void {
    this.source.reload();
  }

  ngOnDestroy(): void {
    this.source.destroy();
  }
}

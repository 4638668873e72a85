import { HttpErrorResponse } from '@angular/common/http';
import { Injectable, inject, signal } from '@angular/core';
import type { HealthDto } from '@storyflow/contracts';
import { ServerApi } from './server-api';

/** The backend's health for the shell's footer. */
@Injectable({ providedIn: 'root' })
export class HealthService {
  private readonly api = inject(ServerApi);
  private readonly state = signal<HealthDto | null>(null);
  readonly health = this.state.asReadonly();

  refresh(): void {
    this.api.health().subscribe({
      next: (h) => this.state.set(h),
      // A 503 still carries the health body (e.g. database disconnected).
      error: (err: unknown) => this.state.set(err instanceof HttpErrorResponse && isHealth(err.error) ? err.error : null),
    });
  }
}

function isHealth(value: unknown): value is HealthDto {
  return typeof value === 'object' && value !== null && 'db' in value && typeof (value as HealthDto).db === 'object';
}

export function describeDb(health: HealthDto | null): string {
  if (!health) return 'Server status unknown';
  const mode = health.db.mode === 'external' ? 'MongoDB' : health.db.mode === 'embedded-mongod' ? 'embedded MongoDB' : 'in-memory database';
  const state = health.db.state === 'connected' ? '' : ` (${health.db.state})`;
  return `Database: ${mode}${state}${health.db.durable ? '' : ' — data is lost on restart'}`;
}

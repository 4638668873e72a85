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

/** What the server says is wrong now, in an operator's words (null when nothing is). */
export function describeProblems(health: HealthDto | null): string | null {
  const problems = health?.problems ?? [];
  if (!problems.length) return null;
  return problems.map((p) => PROBLEMS[p] ?? p).join(' · ');
}

const PROBLEMS: Record<string, string> = {
  'redis: unavailable': 'Redis unavailable: new stories and pause are refused until it answers; live figures wait for it',
  'database: unavailable': 'Database unavailable: requests are refused until it answers',
  stopping: 'Server stopping',
};

import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject } from '@angular/core';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { HealthService, describeDb } from './core/health';
import { GeneratorPanel } from './simulator/generator-panel';

const HEALTH_REFRESH_MS = 30_000;

/** The shell: header with navigation, the generator panel, the routed screen and a status footer. */
@Component({
  selector: 'sf-root',
  imports: [RouterOutlet, RouterLink, RouterLinkActive, GeneratorPanel],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <a class="skip-link" href="#main">Skip to content</a>
    <header class="app-header">
      <div class="app-header-inner">
        <a class="brand" routerLink="/stats" aria-label="Storyflow home">
          <svg viewBox="0 0 32 32" width="24" height="24" aria-hidden="true">
            <rect width="32" height="32" rx="6" fill="currentColor" />
            <path d="M7 22h4V12H7zm7 0h4V8h-4zm7 0h4v-6h-4z" fill="#fff" />
          </svg>
          Storyflow
        </a>
        <nav aria-label="Main">
          <a routerLink="/stats" routerLinkActive="active" ariaCurrentWhenActive="page">Stats</a>
          <a routerLink="/stories" routerLinkActive="active" ariaCurrentWhenActive="page">Stories</a>
        </nav>
      </div>
    </header>
    <sf-generator-panel />
    <main id="main" tabindex="-1">
      <router-outlet />
    </main>
    <footer class="app-footer">
      <span data-testid="db-mode" [class.warn]="volatile()">{{ db() }}</span>
    </footer>
  `,
  styleUrl: './app.css',
})
export class App {
  private readonly health = inject(HealthService);
  protected readonly db = computed(() => describeDb(this.health.health()));
  protected readonly volatile = computed(() => this.health.health()?.db.durable === false);

  constructor() {
    this.health.refresh();
    const timer = setInterval(() => this.health.refresh(), HEALTH_REFRESH_MS);
    inject(DestroyRef).onDestroy(() => clearInterval(timer));
  }
}

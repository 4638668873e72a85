import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  type ElementRef,
  Injector,
  afterNextRender,
  computed,
  effect,
  inject,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { NavigationEnd, Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { filter } from 'rxjs';
import { AccessService } from './core/access/access';
import { AccessStatus } from './core/access/access-status';
import { OperatorNote } from './core/access/operator-note';
import { TokenPrompt } from './core/access/token-prompt';
import { TokenStore } from './core/access/token-store';
import { AlertBanner } from './core/alert-banner';
import { FirstScreen } from './core/first-screen';
import { HealthService, describeDb, describeProblems } from './core/health';
import { NoticeHost } from './core/notice-host';
import { PausedBanner } from './core/paused-banner';
import { Processing } from './core/processing';
import { ServerInfo } from './core/server-info';
import { StatsStream } from './realtime/stats-stream';
import { PaletteLauncher } from './palette/palette-launcher';
import { GeneratorPanel } from './simulator/generator-panel';

/** The footer says what the server reports wrong (Redis or the database away) within this long. */
const HEALTH_REFRESH_MS = 10_000;

/**
 * The shell: header with navigation and access, server-wide banners (token, paused), the generator
 * panel, the routed screen, notices and a status footer. As the composition root it also wires the
 * live connection to access (a refused socket means the token must be asked for again).
 */
@Component({
  selector: 'sf-root',
  imports: [RouterOutlet, RouterLink, RouterLinkActive, GeneratorPanel, AccessStatus, OperatorNote, AlertBanner, PausedBanner, NoticeHost],
  changeDetection: ChangeDetectionStrategy.OnPush,
  // Ctrl+K / ⌘K and ? on every screen (the palette's code loads when first asked for).
  host: { '(document:keydown)': 'launcher.handle($event)' },
  template: `
    <!-- A click handler, not the fragment: "#main" resolves against the base href, i.e. to another route. -->
    <a class="skip-link" href="#main" (click)="skipToMain($event)">Skip to content</a>
    <header class="app-header">
      <div class="app-header-inner">
        <a class="brand" routerLink="/stats" aria-label="Storyflow home">
          <svg viewBox="0 0 32 32" width="24" height="24" aria-hidden="true">
            <rect width="32" height="32" rx="6" fill="currentColor" />
            <path d="M7 22h4V12H7zm7 0h4V8h-4zm7 0h4v-6h-4z" fill="#fff" />
          </svg>
          <span class="brand-name">Storyflow</span>
        </a>
        <nav aria-label="Main">
          <a routerLink="/stats" routerLinkActive="active" ariaCurrentWhenActive="page">Stats</a>
          <a routerLink="/stories" routerLinkActive="active" ariaCurrentWhenActive="page">Stories</a>
          @if (access.canMutate()) {
            <a routerLink="/audit" routerLinkActive="active" ariaCurrentWhenActive="page">Audit log</a>
          }
        </nav>
        <button
          type="button"
          class="palette-open"
          aria-haspopup="dialog"
          aria-keyshortcuts="Control+K Meta+K"
          data-testid="palette-open"
          (click)="launcher.show('palette')"
        >
          <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
            <circle cx="7" cy="7" r="4.5" fill="none" stroke="currentColor" stroke-width="1.6" />
            <path d="M10.5 10.5 14 14" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" />
          </svg>
          <span class="palette-open-label">Commands</span><kbd class="palette-open-keys" aria-hidden="true">Ctrl K</kbd>
        </button>
        @if (alerts().length) {
          <sf-alert-banner [alerts]="alerts()" />
        }
        @if (paused()) {
          <sf-paused-banner />
        }
        <sf-access-status class="access" />
      </div>
    </header>
    @if (tokenNeeded(); as needed) {
      <div class="banner banner-bad" data-testid="token-banner">
        <div class="banner-inner">
          <span
            >{{ needed.invalid ? 'The server does not accept the stored token.' : 'This server needs a viewer or operator token.' }} Nothing
            here is live without it.</span
          >
          <button type="button" class="btn btn-small" (click)="askToken()">Enter token</button>
        </div>
      </div>
    }
    @if (access.canMutate()) {
      <!-- Its code loads once the first screen is live, into a bar of its own height (nothing moves). -->
      @defer (when firstScreenLive()) {
        <sf-generator-panel />
      } @placeholder {
        <div class="generator-placeholder" aria-hidden="true"></div>
      }
    } @else if (access.role() === 'viewer') {
      <div class="viewer-bar"><sf-operator-note text="The generator, creating, deleting and pausing need the operator token." /></div>
    }
    <main id="main" tabindex="-1" #main>
      <router-outlet />
    </main>
    <footer class="app-footer">
      <span data-testid="db-mode" [class.warn]="volatile()">{{ db() }}</span>
      @if (problems(); as problems) {
        <span class="warn problems" data-testid="health-problems" role="status">{{ problems }}</span>
      }
    </footer>
    <sf-notice-host />
  `,
  styleUrl: './app.css',
})
export class App {
  private readonly health = inject(HealthService);
  private readonly stream = inject(StatsStream);
  private readonly prompt = inject(TokenPrompt);
  private readonly info = inject(ServerInfo);
  private readonly processing = inject(Processing);
  protected readonly access = inject(AccessService);
  protected readonly launcher = inject(PaletteLauncher);
  private readonly main = viewChild.required<ElementRef<HTMLElement>>('main');

  protected readonly firstScreenLive = signal(false);
  /** Objectives breached as of the latest second (none while no figures come: stale figures claim nothing). */
  protected readonly alerts = computed(() => (this.stream.view().connection === 'live' ? (this.stream.view().figures?.alerts ?? []) : []));
  protected readonly db = computed(() => describeDb(this.health.health()));
  protected readonly problems = computed(() => describeProblems(this.health.health()));
  protected readonly volatile = computed(() => this.health.health()?.db.durable === false);
  protected readonly tokenNeeded = computed(() => {
    const state = this.access.state();
    return state.kind === 'token-needed' ? state : null;
  });
  /** Live from every sample; GET /api/info until the first one arrives. */
  protected readonly paused = computed(() => this.stream.view().figures?.paused ?? this.info.info()?.paused ?? false);

  constructor() {
    // The live feed serves every screen (figures, list activity, the generator's view of the server): it
    // starts first, its Web Worker's code loading beside the screen's own (live figures are what the stats
    // screen waits for). What no screen waits for (the generator's code, the footer's health, the server's
    // info) comes once the first screen is live.
    this.stream.start();
    const firstScreen = inject(FirstScreen);
    void firstScreen.live.then(() => {
      this.firstScreenLive.set(true);
      this.health.refresh();
      this.info.load();
    });
    const timer = setInterval(() => this.health.refresh(), HEALTH_REFRESH_MS);
    inject(DestroyRef).onDestroy(() => clearInterval(timer));

    const store = inject(TokenStore);
    const connection = computed(() => this.stream.view().connection);
    effect(() => {
      const state = connection();
      untracked(() => {
        // Connected, or not coming (refused, offline): the first screen has what it waited for.
        if (state !== 'connecting') firstScreen.reportLive();
        // The socket was refused: ask the server what this token may do (the answer opens the prompt).
        if (state === 'unauthorized') store.reportRefusal();
      });
    });
    // Back after an outage: the server may have restarted with other settings (counted comebacks: a short
    // outage between two renders is one too).
    const reconnects = computed(() => this.stream.view().reconnects);
    effect(() => {
      if (reconnects() > 0) untracked(() => this.info.reload());
    });
    // The prompt opens by itself when a token becomes needed (or the stored one is refused), once:
    // after Cancel the banner offers it again, and later refusals of the same kind stay quiet.
    let prompted: string | null = null;
    effect(() => {
      const needed = this.tokenNeeded();
      const key = needed ? (needed.invalid ? 'invalid' : 'required') : null;
      if (key !== null && key !== prompted && !this.prompt.isOpen) untracked(() => void this.prompt.open(key));
      prompted = key;
    });
    effect(() => {
      if (this.paused()) untracked(() => this.processing.refresh());
    });
    this.focusNewScreens();
  }

  /**
   * After moving to another screen, focus goes to its heading, as a page load would reset it (and a
   * screen reader reads where the user is). Not for changes of the query alone (filter, page,
   * search): those keep the focus where the user works.
   */
  private focusNewScreens(): void {
    const router = inject(Router);
    const injector = inject(Injector);
    let path: string | null = null;
    router.events
      .pipe(
        filter((event) => event instanceof NavigationEnd),
        takeUntilDestroyed(),
      )
      .subscribe((event) => {
        const next = event.urlAfterRedirects.split(/[?#]/)[0] ?? '';
        const first = path === null;
        const changed = next !== path;
        path = next;
        if (first || !changed) return;
        // Once the routed component has rendered.
        afterNextRender(
          () => {
            const heading = this.main().nativeElement.querySelector<HTMLElement>('h1');
            if (heading) {
              heading.tabIndex = -1;
              heading.focus();
            } else this.main().nativeElement.focus();
          },
          { injector },
        );
      });
  }

  protected askToken(): void {
    const needed = this.tokenNeeded();
    void this.prompt.open(needed?.invalid ? 'invalid' : 'required');
  }

  protected skipToMain(event: Event): void {
    event.preventDefault();
    this.main().nativeElement.focus();
  }
}

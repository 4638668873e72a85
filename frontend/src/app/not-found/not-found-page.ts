import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { Router, RouterLink } from '@angular/router';

/** Any unknown address: says so, rather than landing silently on another screen. */
@Component({
  selector: 'sf-not-found-page',
  imports: [RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h1>Page not found</h1>
    <p>
      There is no page at <code data-testid="not-found-path">{{ path }}</code>.
    </p>
    <p>Go to <a routerLink="/stats">live statistics</a> or the <a routerLink="/stories">list of stories</a>.</p>
  `,
  styles: `
    code {
      overflow-wrap: anywhere;
    }
  `,
})
export class NotFoundPage {
  protected readonly path = inject(Router).url.split(/[?#]/)[0];
}

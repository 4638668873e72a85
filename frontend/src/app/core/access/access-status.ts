import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { AccessService } from './access';
import { TokenPrompt } from './token-prompt';

/**
 * The header's account corner: the role this dashboard has (only where the server uses tokens), a
 * way to enter a token, and a way to forget the stored one.
 */
@Component({
  selector: 'sf-access-status',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (access.tokensInUse()) {
      @if (role(); as r) {
        <span class="role" data-testid="role">{{ r === 'operator' ? 'Operator' : 'Viewer' }}</span>
      }
      @if (access.role() !== 'operator') {
        <button type="button" class="btn btn-small btn-on-dark" (click)="enter()">
          {{ access.role() === 'viewer' ? 'Enter operator token' : 'Enter token' }}
        </button>
      }
      @if (access.hasToken()) {
        <button type="button" class="btn btn-small btn-on-dark" data-testid="forget-token" (click)="access.forgetToken()">
          Forget token
        </button>
      }
    }
  `,
  styles: `
    :host {
      display: flex;
      align-items: center;
      flex-wrap: wrap;
      gap: 0.5rem;
    }
    .role {
      font-size: 0.8rem;
      font-weight: 600;
      padding: 0.15rem 0.55rem;
      border-radius: 999px;
      background: rgba(255, 255, 255, 0.16);
      color: #fff;
    }
  `,
})
export class AccessStatus {
  protected readonly access = inject(AccessService);
  private readonly prompt = inject(TokenPrompt);
  protected readonly role = computed(() => this.access.role());

  protected enter(): void {
    const state = this.access.state();
    void this.prompt.open(state.kind === 'token-needed' ? (state.invalid ? 'invalid' : 'required') : 'operator');
  }
}

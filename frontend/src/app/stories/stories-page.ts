import { ChangeDetectionStrategy, Component, inject, signal, viewChild } from '@angular/core';
import { AccessService } from '../core/access/access';
import { StoryList } from './list/story-list';
import { RetentionNote } from './retention-note';
import { StoryForm } from './story-form';

/** Phones: the form starts folded, so the list is on the first screen. */
const NARROW = '(max-width: 720px)';

/** Create stories and follow them through to Done. */
@Component({
  selector: 'sf-stories-page',
  imports: [StoryForm, StoryList, RetentionNote],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="title-row">
      <h1>Stories</h1>
      @if (canMutate() && narrow) {
        <button
          type="button"
          class="btn btn-small"
          aria-controls="new-story"
          [attr.aria-expanded]="formOpen()"
          (click)="formOpen.set(!formOpen())"
        >
          {{ formOpen() ? 'Hide the form' : 'New story' }}
        </button>
      }
    </div>
    <sf-retention-note />
    <div class="layout">
      <!-- A viewer sees no form: the shell says why, once, for every screen. -->
      @if (canMutate() && formOpen()) {
        <!-- Your own new story is what you expect to see: load the newest page. The form (its checks
             bring zod) loads once the list is shown, into a box of the form's own height. -->
        @defer (on immediate) {
          <sf-story-form id="new-story" (storyCreated)="list().showNew()" />
        } @placeholder {
          <div class="form-placeholder card" aria-busy="true"></div>
        }
      }
      <sf-story-list />
    </div>
  `,
  styles: `
    .title-row {
      display: flex;
      align-items: center;
      justify-content: space-between;
      gap: 1rem;
      margin-bottom: 1rem;
    }
    .title-row h1 {
      margin: 0;
    }
    /* The form above the list: the list, with its live columns, needs the full width. */
    /* The form's height before it loads, so the list below it does not move when it comes. */
    .form-placeholder {
      height: 219.7px;
    }
    .layout {
      display: grid;
      grid-template-columns: minmax(0, 1fr);
      gap: 1rem;
    }
  `,
})
export class StoriesPage {
  protected readonly canMutate = inject(AccessService).canMutate;
  protected readonly list = viewChild.required(StoryList);
  protected readonly narrow = typeof matchMedia === 'function' && matchMedia(NARROW).matches;
  protected readonly formOpen = signal(!this.narrow);
}

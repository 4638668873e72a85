import { ChangeDetectionStrategy, Component, inject, viewChild } from '@angular/core';
import { AccessService } from '../core/access/access';
import { OperatorNote } from '../core/access/operator-note';
import { StoryList } from './list/story-list';
import { RetentionNote } from './retention-note';
import { StoryForm } from './story-form';

/** Create stories and follow them through to Done. */
@Component({
  selector: 'sf-stories-page',
  imports: [StoryForm, StoryList, RetentionNote, OperatorNote],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h1>Stories</h1>
    <sf-retention-note />
    <div class="layout">
      @if (canMutate()) {
        <!-- Your own new story is what you expect to see: load the newest page. -->
        <sf-story-form (storyCreated)="list().showNew()" />
      } @else {
        <sf-operator-note class="card" text="Creating and deleting stories needs the operator token." />
      }
      <sf-story-list />
    </div>
  `,
  styles: `
    .layout {
      display: grid;
      grid-template-columns: minmax(16rem, 21rem) minmax(0, 1fr);
      gap: 1rem;
      align-items: start;
    }
    @media (max-width: 1000px) {
      .layout {
        grid-template-columns: minmax(0, 1fr);
      }
    }
  `,
})
export class StoriesPage {
  protected readonly canMutate = inject(AccessService).canMutate;
  protected readonly list = viewChild.required(StoryList);
}

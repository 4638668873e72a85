import { ChangeDetectionStrategy, Component, viewChild } from '@angular/core';
import { StoryForm } from './story-form';
import { StoryList } from './story-list';

/** Create stories and follow them through to Done. */
@Component({
  selector: 'sf-stories-page',
  imports: [StoryForm, StoryList],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h1>Stories</h1>
    <div class="layout">
      <sf-story-form (storyCreated)="list().refresh()" />
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
  protected readonly list = viewChild.required(StoryList);
}

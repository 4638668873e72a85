import { computed, inject, type Signal } from '@angular/core';
import { Router } from '@angular/router';
import { PAGE_LIMIT_DEFAULT } from '@storyflow/contracts/limits';
import { AccessService } from '../core/access/access';
import { toApiFailure } from '../core/api-failure';
import { PaletteCommands, type PaletteCommand } from '../core/commands';
import { Notices } from '../core/notices';
import { Processing } from '../core/processing';
import { ServerInfo } from '../core/server-info';
import { StoriesApi } from '../core/stories-api';
import { StatsStream } from '../realtime/stats-stream';
import { classifyQuery, rankCommands } from './palette-query';

/**
 * What the palette offers for the text typed (`query`), best first: a story by its id or its job id
 * first, then the screens and actions that match, then a search of the stories. Needs an injection context.
 */
export function paletteCommands(query: Signal<string>): Signal<PaletteCommand[]> {
  const router = inject(Router);
  const access = inject(AccessService);
  const processing = inject(Processing);
  const stream = inject(StatsStream);
  const info = inject(ServerInfo);
  const contributed = inject(PaletteCommands).all;
  const jump = jumpToJob();
  // As the shell's banner: live from every sample, the server's info until the first one.
  const paused = computed(() => stream.view().figures?.paused ?? info.info()?.paused ?? false);
  const go = (url: string) => () => void router.navigateByUrl(url);

  const fixed = computed<PaletteCommand[]>(() => [
    { id: 'go-stats', label: 'Stats', group: 'Go to', keywords: 'figures charts throughput latency screen', run: go('/stats') },
    { id: 'go-stories', label: 'Stories', group: 'Go to', keywords: 'list screen', run: go('/stories') },
    { id: 'go-open', label: 'Open stories', group: 'Go to', keywords: 'list status waiting', run: go('/stories?status=Open') },
    { id: 'go-done', label: 'Done stories', group: 'Go to', keywords: 'list status finished', run: go('/stories?status=Done') },
    ...(access.canMutate()
      ? [
          {
            id: 'go-audit',
            label: 'Audit log',
            group: 'Go to' as const,
            keywords: 'operator actions history who deleted',
            run: go('/audit'),
          },
          paused()
            ? {
                id: 'resume',
                label: 'Resume processing',
                group: 'Processing' as const,
                keywords: 'pause start',
                run: () => processing.setPaused(false),
              }
            : {
                id: 'pause',
                label: 'Pause processing',
                group: 'Processing' as const,
                keywords: 'stop resume',
                run: () => processing.setPaused(true),
              },
        ]
      : []),
    ...contributed(),
  ]);

  return computed(() => {
    const typed = classifyQuery(query());
    switch (typed.kind) {
      case 'empty':
        return fixed();
      case 'story-id':
        return [{ id: `story-${typed.id}`, label: `Open story ${typed.id}`, group: 'Story', run: go(`/stories/${typed.id}`) }];
      case 'job-id':
        return [
          { id: `job-${typed.ref}`, label: `Open the story of job ${typed.ref}`, group: 'Story', run: () => jump(typed.ref) },
          ...rankCommands(fixed(), typed.text),
          searchFor(typed.text),
        ];
      case 'text':
        return [...rankCommands(fixed(), typed.text), searchFor(typed.text)];
    }
  });

  function searchFor(text: string): PaletteCommand {
    return {
      id: 'search',
      label: `Search stories for “${text}”`,
      group: 'Story',
      run: () => void router.navigate(['/stories'], { queryParams: { q: text } }),
    };
  }
}

/**
 * Opens the story the original client knows by `ref` (its job id, the story's `externalRef`): the stories
 * search matches a number against it. None found: the search's page, which says so.
 */
function jumpToJob(): (ref: number) => void {
  const api = inject(StoriesApi);
  const router = inject(Router);
  const notices = inject(Notices);
  return (ref) =>
    api.list({ status: null, page: 1, limit: PAGE_LIMIT_DEFAULT, q: String(ref) }).subscribe({
      next: ({ items }) => {
        const story = items.find((item) => item.externalRef === ref);
        if (story) void router.navigate(['/stories', story.id]);
        else {
          notices.show({ text: `No story has job id ${ref}.` });
          void router.navigate(['/stories'], { queryParams: { q: String(ref) } });
        }
      },
      error: (error: unknown) => notices.show({ text: `Looking up job ${ref} failed: ${toApiFailure(error).message}`, tone: 'error' }),
    });
}

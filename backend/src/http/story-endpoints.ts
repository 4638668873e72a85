import type {
  BulkActionRequest,
  BulkActionResultDto,
  CreateStoryRequest,
  DeleteResultDto,
  LegacyJobRequest,
  ListStoriesQuery,
  ProcessingDto,
  StoryDto,
  StoryListDto,
} from '@storyflow/contracts';

/** What the story routes call (the composition root adapts the story commands, queries and pause control). */
export interface StoryEndpoints {
  create(request: CreateStoryRequest): Promise<StoryDto>;
  createFromLegacyJob(job: LegacyJobRequest): Promise<StoryDto>;
  /** Throws OverloadedError while even the smallest story would be refused (checked before reading a body). */
  assertRoomFor(minTasks: number): void;
  list(query: ListStoriesQuery): Promise<StoryListDto>;
  get(id: string): Promise<StoryDto>;
  rerun(id: string): Promise<StoryDto>;
  bulk(request: BulkActionRequest): Promise<BulkActionResultDto>;
  deleteOne(id: string): Promise<DeleteResultDto>;
  deleteDone(): Promise<DeleteResultDto>;
  processing(): ProcessingDto;
  setPaused(paused: boolean): Promise<ProcessingDto>;
}

import type {
  BulkActionRequest,
  BulkActionResultDto,
  CreateStoryRequest,
  DeleteResultDto,
  HealthDto,
  HistoryRange,
  InfoDto,
  LegacyJobRequest,
  LivenessDto,
  ListStoriesQuery,
  ProcessingDto,
  StatsHistoryDto,
  StatsSnapshot,
  StoryDto,
  StoryListDto,
} from '@storyflow/contracts';
import type { AuditPageDto, AuditQuery } from '@storyflow/contracts';
import type { AuditedAction } from './route.js';
import type { BatchItem, BatchOutcome, Created, Idempotency } from '../shared/creates.js';

export type { BatchItem, BatchOutcome, Created, Idempotency } from '../shared/creates.js';

/** What the HTTP handlers call (the composition root passes it in); domain errors are thrown through to errors.ts. */
export interface StoryEndpoints {
  create(request: CreateStoryRequest, idempotency?: Idempotency): Promise<Created>;
  /** The valid stories of a batch: what became of each, by position (absent: not stored, not refused). */
  createBatch(items: BatchItem[], idempotency?: Idempotency): Promise<Map<number, BatchOutcome>>;
  createFromLegacyJob(job: LegacyJobRequest, idempotency?: Idempotency): Promise<Created>;
  list(query: ListStoriesQuery): Promise<StoryListDto>;
  /** Any string: one that is not a story id is a NotFoundError, like a missing story. */
  get(id: string): Promise<StoryDto>;
  rerun(id: string): Promise<StoryDto>;
  bulk(request: BulkActionRequest): Promise<BulkActionResultDto>;
  deleteOne(id: string): Promise<DeleteResultDto>;
  /** Every Done story. */
  deleteDone(): Promise<DeleteResultDto>;
  processing(): ProcessingDto;
  setPaused(paused: boolean): Promise<ProcessingDto>;
  /** Throws OverloadedError when a story of `minTasks` would not be admitted (checked before a body is read). */
  assertRoomFor(minTasks: number): void;
}

/** An operator action as answered, for the audit log (the composition adds the time and the instance). */
export interface AuditedEntry extends AuditedAction {
  /** An operator token was shown (false: a server open to all). */
  token: boolean;
  client: string;
  status: number;
}

/** The audit log: actions recorded as they are answered (never awaited by the request), read a page at a time. */
export interface AuditEndpoints {
  record(entry: AuditedEntry): void;
  page(query: AuditQuery): Promise<AuditPageDto>;
}

/** What the system endpoints report. */
export interface SystemState {
  health(): HealthDto;
  liveness(): LivenessDto;
  snapshot(): StatsSnapshot;
  info(): InfoDto;
  history(range: HistoryRange): Promise<StatsHistoryDto>;
}

import type { Attempt, FeedSeconds, HistoryEvent, Outcome } from './history.js';
import type { FaultWindow } from './nemesis.js';
import type { HealthSample } from './observe.js';

/** A story as the database holds it at the end (the chaos clients title each with its request's key). */
export interface StoredStory {
  id: string;
  title: string | null;
  status: 'Open' | 'Done';
  taskCount: number;
  /** Its tasks whose status is Done. */
  tasksDone: number;
}

/** The cumulative counters document at the end. */
export interface StoredCounters {
  deleted: number;
  purged: number;
  removedOpen: number;
  removedDone: number;
  /** Removals journaled and not finished. */
  pendingRemovals: number;
}

export interface CheckInput {
  seconds: number;
  seed: number;
  /** When the run began (the faults' times are reported from it). */
  startedAt: number;
  faults: FaultWindow[];
  history: HistoryEvent[];
  stored: StoredStory[];
  counters: StoredCounters;
  /** Each instance's newest published second (null: it had none). */
  published: ({ open: number; completed: number } | null)[];
  health: HealthSample[];
  peakRssMb: Record<string, number>;
  /** An instance's resident memory may not exceed this. */
  rssBoundMb: number;
  /** The feeds must have seen seconds after this (the last fault healed, plus a little). */
  feedsBackBy: number;
}

export interface ChaosResult {
  seconds: number;
  seed: number;
  faults: { kind: string; target?: number; atSec: number; durationSec: number; skipped?: string }[];
  accepted: number;
  doneExactlyOnce: number;
  lost: number;
  duplicated: number;
  countersExact: boolean;
  unexpected5xx: number;
  /** Share of the judged health samples that told the truth (database and Redis state as the nemesis made them). */
  healthAccurate: number;
  peakRssMb: Record<string, number>;
  /** What else was seen, for the reader (none of it is judged except as `failed` says). */
  details: Record<string, unknown>;
  /** The checks that failed (empty: the run passed). */
  failed: string[];
}

const HEALTH_ACCURACY_NEEDED = 0.95;

/** Jepsen's checker: judges the run from the database's end state and what the clients and observers saw. */
export function check(input: CheckInput): ChaosResult {
  const attempts = input.history.filter((e): e is Attempt => e.type === 'attempt');
  const outcomes = input.history.filter((e): e is Outcome => e.type === 'outcome');
  const stories = judgeStories(attempts, outcomes, input.stored);
  const counters = judgeCounters(input, stories.expectedDeleted);
  const answers = judgeAnswers(attempts, outcomes, input.faults);
  const health = judgeHealth(input.health, input.faults);
  const feeds = judgeFeeds(
    input.history.filter((e): e is FeedSeconds => e.type === 'feed'),
    input.feedsBackBy,
  );
  const failed = [
    ...stories.problems,
    ...counters.problems.map((p) => `counters: ${p}`),
    ...answers.problems,
    ...health.problems,
    ...(input.peakRssMb.instance! > input.rssBoundMb
      ? [`an instance's RSS reached ${input.peakRssMb.instance} MB (bound ${input.rssBoundMb})`]
      : []),
    ...feeds.problems,
  ];
  return {
    seconds: input.seconds,
    seed: input.seed,
    faults: input.faults.map((f) => ({
      kind: f.kind,
      ...(f.target === undefined ? {} : { target: f.target }),
      atSec: Math.round((f.start - input.startedAt) / 100) / 10,
      durationSec: Math.round((f.end - f.start) / 100) / 10,
      ...(f.skipped ? { skipped: f.skipped } : {}),
    })),
    accepted: stories.accepted,
    doneExactlyOnce: stories.doneExactlyOnce,
    lost: stories.lost,
    duplicated: stories.duplicated,
    countersExact: counters.problems.length === 0,
    unexpected5xx: answers.unexpected5xx,
    healthAccurate: Math.round(health.accuracy * 1000) / 1000,
    peakRssMb: input.peakRssMb,
    details: {
      deleted: stories.expectedDeleted,
      deletesAnsweredNotFound: stories.notFound,
      orphans: stories.orphans,
      stored: input.stored.length,
      requests: attempts.length,
      retried: outcomes.filter((o) => o.attempts > 1).length,
      statuses: countBy(attempts.map((a) => String(a.status))),
      healthSamples: {
        judged: health.judged,
        duringFaults: health.duringFaults,
        wrong: health.wrong,
        wrongDuringFaults: health.wrongDuringFaults,
      },
      feeds: feeds.summary,
      counters: counters.seen,
    },
    failed,
  };
}

/** The accepted story of each create request (its key), and any key answered with two different stories. */
function acceptedStories(attempts: Attempt[]) {
  const ids = new Map<string, string>();
  let answeredTwice = 0;
  for (const a of attempts) {
    if (a.op !== 'create' || !a.id) continue;
    const known = ids.get(a.key);
    if (known && known !== a.id) answeredTwice++;
    else ids.set(a.key, a.id);
  }
  return { ids, answeredTwice };
}

/** What became of every request to create or delete, and of every story the database holds. */
function judgeStories(attempts: Attempt[], outcomes: Outcome[], stored: StoredStory[]) {
  const { ids: acceptedIds, answeredTwice } = acceptedStories(attempts);
  const creates = outcomes.filter((o) => o.op === 'create');
  const deletes = outcomes.filter((o) => o.op === 'delete');
  const pauses = outcomes.filter((o) => o.op === 'pause');
  const askedToDelete = new Set(deletes.map((d) => d.key));
  const byId = new Map(stored.map((s) => [s.id, s]));
  // A request's key (the title) names one stored story, its accepted one: any other is a second story for it,
  // whether or not a client deleted one of the two since.
  const byTitle = new Map<string, string[]>();
  for (const s of stored) if (s.title) byTitle.set(s.title, [...(byTitle.get(s.title) ?? []), s.id]);
  let duplicated = answeredTwice;
  for (const [title, ids] of byTitle) {
    const accepted = acceptedIds.get(title);
    duplicated += accepted ? ids.filter((id) => id !== accepted).length : ids.length - 1;
  }
  const accepted = [...acceptedIds.values()];
  // Gone without a delete of ours. (A delete answered 404 may have been nginx retrying it on another instance
  // after the first one deleted it and died: the story is gone either way, and `deleted` must count it.)
  const lost = accepted.filter((id) => !byId.has(id) && !askedToDelete.has(id)).length;
  const acceptedStored = accepted.filter((id) => byId.has(id));
  const doneExactlyOnce = acceptedStored.filter(
    (id) => byId.get(id)!.status === 'Done' && byId.get(id)!.tasksDone === byId.get(id)!.taskCount,
  ).length;
  const deletedYetStored = deletes.filter((d) => d.result === 'deleted' && byId.has(d.key)).length;
  const count = (list: Outcome[], result: Outcome['result']) => list.filter((o) => o.result === result).length;
  const openAtEnd = stored.filter((s) => s.status !== 'Done').length;
  const problems = [
    ...(lost ? [`lost: ${lost}`] : []),
    ...(duplicated ? [`duplicated: ${duplicated}`] : []),
    ...(doneExactlyOnce !== acceptedStored.length ? [`doneExactlyOnce: ${doneExactlyOnce} of ${acceptedStored.length}`] : []),
    ...(openAtEnd ? [`open at the end: ${openAtEnd}`] : []),
    ...(count(creates, 'unresolved') ? [`creates never answered: ${count(creates, 'unresolved')}`] : []),
    ...(count(deletes, 'unresolved') ? [`deletes never answered: ${count(deletes, 'unresolved')}`] : []),
    ...(count(pauses, 'unresolved') ? [`pauses or resumes never answered: ${count(pauses, 'unresolved')}`] : []),
    ...(count(outcomes, 'refused') ? [`requests refused with a 4xx: ${count(outcomes, 'refused')}`] : []),
    ...(deletedYetStored ? [`deleted (200) yet still stored: ${deletedYetStored}`] : []),
  ];
  const acceptedKeys = new Set(acceptedIds.keys());
  return {
    accepted: acceptedIds.size,
    doneExactlyOnce,
    lost,
    duplicated,
    problems,
    notFound: count(deletes, 'not-found'),
    orphans: stored.filter((s) => s.title && !acceptedKeys.has(s.title)).length,
    expectedDeleted: [...askedToDelete].filter((id) => !byId.has(id)).length,
  };
}

/** The counters against the stored truth: published figures, the removal journal, nothing pending. */
function judgeCounters(input: CheckInput, expectedDeleted: number) {
  const done = input.stored.filter((s) => s.status === 'Done').length;
  const open = input.stored.length - done;
  const c = input.counters;
  const problems: string[] = [];
  input.published.forEach((p, i) => {
    if (!p) problems.push(`instance ${i} published no second`);
    else if (p.open !== open || p.completed !== done + c.removedDone)
      problems.push(`instance ${i} says open ${p.open}, completed ${p.completed}; stored: open ${open}, completed ${done + c.removedDone}`);
  });
  if (c.deleted !== expectedDeleted) problems.push(`deleted ${c.deleted}, but ${expectedDeleted} stories were deleted`);
  if (c.purged !== 0) problems.push(`purged ${c.purged} without retention`);
  if (c.removedOpen + c.removedDone !== c.deleted + c.purged)
    problems.push(`removed ${c.removedOpen} + ${c.removedDone} ≠ deleted + purged`);
  if (c.pendingRemovals) problems.push(`${c.pendingRemovals} removals left unfinished`);
  return { problems, seen: { ...c, storedOpen: open, storedDone: done, expectedDeleted } };
}

/**
 * Answers a client should never see. A 503 with Retry-After is a refusal the system documents (overloaded,
 * its database or Redis away, nginx finding no instance up): expected for a create or delete whose retry then
 * got through, and for a read only while the database is away (a listing is served through Redis trouble and
 * a lost instance). A 500, 502 or 504, a 503 without Retry-After, or no answer at all (a hang, 15 s) is not.
 */
function judgeAnswers(attempts: Attempt[], outcomes: Outcome[], faults: FaultWindow[]) {
  const resolved = new Set(outcomes.filter((o) => o.result !== 'unresolved').map((o) => `${o.op}:${o.key}`));
  const databaseAway = faults.filter((f) => f.kind === 'freeze-database' && !f.skipped);
  const duringDatabaseFault = (at: number) => databaseAway.some((f) => at >= f.start - 2000 && at <= f.end + RECOVER_MS);
  const unexpected5xx = attempts.filter((a) => {
    if (a.status < 500) return false;
    if (a.status !== 503 || !a.retryAfter) return true;
    if (a.op !== 'list') return !resolved.has(`${a.op}:${a.key}`);
    return !duringDatabaseFault(a.at);
  }).length;
  const unanswered = attempts.filter((a) => a.status === 0).length;
  return {
    unexpected5xx,
    problems: [
      ...(unexpected5xx ? [`unexpected 5xx: ${unexpected5xx}`] : []),
      ...(unanswered ? [`requests never answered (a hang or a refused connection): ${unanswered}`] : []),
    ],
  };
}

/**
 * How long an instance may take to notice a fault (Redis: a ping every 500 ms with a 1 s deadline; the
 * database: one a second with a 2 s deadline), and to see it healed (reconnecting, the next ping).
 */
const NOTICE_MS = { database: 3_500, redis: 2_500 } as const;
const RECOVER_MS = 3_000;

/** What each instance should have said at `at`, given the faults that touch it; not judged while it may still be noticing. */
export function truthAt(faults: FaultWindow[], instance: number, at: number): { judged: boolean; db: boolean; redis: boolean } {
  let judged = true;
  let db = true;
  let redis = true;
  for (const f of faults) {
    if (f.skipped) continue;
    if (f.kind === 'kill-instance' && f.target === instance && at >= f.start && at <= f.end + RECOVER_MS) judged = false;
    const hits =
      f.kind === 'freeze-database'
        ? 'database'
        : f.kind === 'freeze-redis' || f.kind === 'restart-redis-empty' || (f.kind === 'cut-redis' && f.target === instance)
          ? 'redis'
          : null;
    if (!hits) continue;
    if ((at >= f.start && at < f.start + NOTICE_MS[hits]) || (at >= f.end && at < f.end + RECOVER_MS)) judged = false;
    if (at >= f.start && at < f.end) {
      if (hits === 'database') db = false;
      else redis = false;
    }
  }
  return { judged, db, redis };
}

/** Health said what the nemesis made true, overall and (apart) during the faults themselves. */
function judgeHealth(samples: HealthSample[], faults: FaultWindow[]) {
  let judged = 0;
  let duringFaults = 0;
  let wrong = 0;
  let wrongDuringFaults = 0;
  for (const s of samples) {
    const truth = truthAt(faults, s.instance, s.at);
    if (!truth.judged) continue;
    const during = !truth.db || !truth.redis;
    const right =
      s.status === (truth.db ? 200 : 503) &&
      s.db === (truth.db ? 'connected' : 'disconnected') &&
      s.redis === (truth.redis ? 'connected' : 'unavailable');
    judged++;
    if (during) duringFaults++;
    if (!right) wrong++;
    if (!right && during) wrongDuringFaults++;
  }
  const accuracy = judged ? (judged - wrong) / judged : 0;
  const duringAccuracy = duringFaults ? (duringFaults - wrongDuringFaults) / duringFaults : 1;
  const touched = faults.some((f) => f.kind !== 'kill-instance' && f.kind !== 'socket-flood' && !f.skipped);
  const problems = [
    ...(accuracy < HEALTH_ACCURACY_NEEDED ? [`health accurate in ${(accuracy * 100).toFixed(1)} % of samples`] : []),
    ...(duringAccuracy < HEALTH_ACCURACY_NEEDED
      ? [`health accurate in ${(duringAccuracy * 100).toFixed(1)} % of the samples during faults`]
      : []),
    ...(touched && !duringFaults ? ['no health sample judged during a fault'] : []),
  ];
  return { judged, duringFaults, wrong, wrongDuringFaults, accuracy, problems };
}

/** Each feed saw seconds again after the last fault, and no second twice (each second reaches a dashboard once). */
function judgeFeeds(feeds: FeedSeconds[], backBy: number) {
  const after = Math.floor(backBy / 1000);
  const problems = [
    ...feeds
      .filter((f) => !f.seconds.some((s) => s >= after))
      .map((f) => `feed without seconds after the last fault: ${f.client} ${f.feed}`),
    ...feeds.filter((f) => f.repeats > 0).map((f) => `${f.client} ${f.feed} got ${f.repeats} seconds more than once`),
  ];
  const summary = feeds.map((f) => ({
    client: f.client,
    feed: f.feed,
    seconds: f.seconds.length,
    connects: f.connects,
    repeats: f.repeats,
    longestGapSec: longestGap(f.seconds),
  }));
  return { problems, summary };
}

function longestGap(seconds: number[]): number {
  let gap = 0;
  for (let i = 1; i < seconds.length; i++) gap = Math.max(gap, seconds[i]! - seconds[i - 1]!);
  return gap;
}

const countBy = (values: string[]) => values.reduce<Record<string, number>>((acc, v) => ((acc[v] = (acc[v] ?? 0) + 1), acc), {});

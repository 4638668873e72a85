/** Every Redis key the cluster uses, in one place (one prefix, so a shared Redis stays tidy). */
export const KEYS = {
  lease: (storyId: string) => `sf:lease:${storyId}`,
  /** An instance's heartbeat (expires when it dies) and its last figures. */
  heartbeat: (instance: string) => `sf:hb:${instance}`,
  instances: 'sf:instances',
  /** Per second: each instance's figures for that second (a hash, field = instance). */
  second: (t: number) => `sf:sec:${t}`,
  /** The instance that aggregates the cluster's figures. */
  leader: 'sf:leader',
  /** Cluster samples, published by the leader. */
  samples: 'sf:samples',
  /** Open tasks held, per instance (admission control counts the live ones). */
  held: 'sf:held',
  /** Open sockets per client address, per instance. */
  sockets: (client: string) => `sf:sockets:${client}`,
  /** Processing paused or not, and the channel that tells every instance. */
  paused: 'sf:paused',
  control: 'sf:control',
  /** Stories deleted by some instance: the one running them frees its workers. */
  deleted: 'sf:deleted',
  /** Stories some dashboard watches (score: until when). */
  watched: 'sf:watched',
  rateLimit: 'sf:rl:',
} as const;

/** Shared test helpers: the one place for ports, processes, waits and the reference workload. */
export { freePort } from '@storyflow/backend/free-port';
export { startBackend, waitForHealth, type BackendOptions, type BackendProcess } from './backend.js';
export { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumLaunchOptions, requireChromium } from './chromium.js';
export { startDatabase, uniqueDbName, type TestDatabase } from './database.js';
export { startDns, type DnsServer } from './dns.js';
export { NGINX_PATH, renderNginxConf, startNginx, type NginxProcess } from './nginx.js';
export { dashboardDir, nginxConfPath, repoRoot } from './paths.js';
export {
  PHONE_PROFILE,
  SCREEN_PATHS,
  timeScreen,
  timeScreenMedian,
  type NetworkProfile,
  type ScreenLoad,
  type ScreenName,
  type ScreenTime,
  type TimeScreenOptions,
} from './screen-time.js';
export { startProcess, type Exit, type ManagedProcess } from './process.js';
export { randomInt, seededRandom, type Random } from './random.js';
export { PROMETHEUS_PATH, prometheusConfig, startPrometheus, type PrometheusProcess } from './prometheus.js';
export { REDIS_SERVER_PATH, startRedis, type RedisProcess } from './redis.js';
export { roundTrips, startSocketFlooder, type FloodKind, type FloodOutcome, type SocketFlooder } from './socket-flood.js';
export { mean, percentile, round } from './stats.js';
export { startTcpProxy, type TcpProxy } from './tcp-proxy.js';
export { sleep, waitFor, type WaitOptions } from './wait.js';
export { LOAD_SHAPES, arrivalsOf, shapeLengthMs, type Arrival, type LoadPhase } from './load-shapes.js';
export { REFERENCE_WORKLOAD, referenceEstimates, referenceIntervalMs, referenceStory } from './workload.js';

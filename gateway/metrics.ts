// Prometheus metrics (prom-client, one registry per system): HTTP requests, bytes, latency, job queue, database commits.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { OutboxStats } from '../core/jobs/outbox.js';
import type { OutboxStore } from '../core/jobs/port.js';

/** One finished HTTP request, as the access log sees it. */
export interface RequestObservation {
  family: string;
  operation: string;
  status: number;
  seconds: number;
  bytesIn: number;
  bytesOut: number;
}

/** The system's metrics; `GET /metrics` renders `registry`. */
export interface GatewayMetrics {
  registry: Registry;
  observeRequest(r: RequestObservation): void;
  /** A group commit of the object store (seconds until durable, batch size). */
  observeCommit(seconds: number, batchSize: number): void;
  /** Counts the outcomes of the jobs the queue claims from this outbox (completed, retried, failed), by job name. */
  countOutcomes<T extends OutboxStore>(store: T): T;
}

/** Seconds: from a cached token check (sub-millisecond) to a large upload. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const COMMIT_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/** Builds the registry; `queueCounts` is read at each scrape (the outbox's jobs by name and status). */
export function createMetrics(queueCounts: OutboxStats['counts']): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'skybridge_http_requests_total',
    help: 'HTTP requests by API family, operation and status code',
    labelNames: ['family', 'operation', 'status'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'skybridge_http_request_duration_seconds',
    help: 'Time from the request reaching the gateway until its response headers, by API family and operation',
    labelNames: ['family', 'operation'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const bytesIn = new Counter({
    name: 'skybridge_http_request_bytes_total',
    help: 'Request body bytes (as declared by Content-Length) by API family',
    labelNames: ['family'],
    registers: [registry],
  });
  const bytesOut = new Counter({
    name: 'skybridge_http_response_bytes_total',
    help: 'Response body bytes (as declared by Content-Length) by API family',
    labelNames: ['family'],
    registers: [registry],
  });
  const commits = new Histogram({
    name: 'skybridge_db_commit_duration_seconds',
    help: 'Object store group commits: time from the transaction start until its writes are durable (WAL synced)',
    buckets: COMMIT_BUCKETS,
    registers: [registry],
  });
  const commitBatch = new Counter({
    name: 'skybridge_db_committed_writes_total',
    help: 'Write transactions committed by the object store group commit (divide by the commit count for the batch size)',
    registers: [registry],
  });
  const jobs = new Counter({
    name: 'skybridge_jobs_total',
    help: 'Background job deliveries by job name and outcome (completed, retried, failed)',
    labelNames: ['job', 'outcome'],
    registers: [registry],
  });
  new Gauge({
    name: 'skybridge_queue_jobs',
    help: 'Jobs in the outbox by job name and state (pending and running: the queue depth; done/failed/relayed rows are pruned after a day)',
    labelNames: ['job', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const c of await queueCounts()) this.set({ job: c.name, state: c.status }, c.count);
    },
  });

  return {
    registry,
    observeRequest(r) {
      requests.inc({ family: r.family, operation: r.operation, status: String(r.status) });
      latency.observe({ family: r.family, operation: r.operation }, r.seconds);
      if (r.bytesIn > 0) bytesIn.inc({ family: r.family }, r.bytesIn);
      if (r.bytesOut > 0) bytesOut.inc({ family: r.family }, r.bytesOut);
    },
    observeCommit(seconds, batchSize) {
      commits.observe(seconds);
      commitBatch.inc(batchSize);
    },
    countOutcomes(store) {
      // Outcome calls carry only the job id: the name is remembered from the claim.
      const names = new Map<string, string>();
      const outcome = (id: string, what: string) => {
        jobs.inc({ job: names.get(id) ?? 'unknown', outcome: what });
        names.delete(id);
      };
      return Object.assign(Object.create(store) as typeof store, {
        async claim(opts: Parameters<OutboxStore['claim']>[0]) {
          const claimed = await store.claim(opts);
          for (const j of claimed) names.set(j.id, j.name);
          return claimed;
        },
        async complete(id: string, attempt: number) {
          await store.complete(id, attempt);
          outcome(id, 'completed');
        },
        async retry(id: string, attempt: number, runAt: number, error: string) {
          await store.retry(id, attempt, runAt, error);
          outcome(id, 'retried');
        },
        async fail(id: string, attempt: number, error: string) {
          await store.fail(id, attempt, error);
          outcome(id, 'failed');
        },
      });
    },
  };
}

import { Injectable } from '@nestjs/common';
import { HealthQueries, streamOf, Subjects } from '@crm/contracts';
import { JetStreamPublisher, RpcClient } from '@crm/messaging';
import { HealthRegistry } from '@crm/service-kit';
import { GatewayConfig } from '../config/gateway.config';
import { GatewayRedis } from '../redis/gateway-redis';
import { appVersion } from './app-version';

/** The services /health reports on (api.md §2), in contract order. */
export const PROBED_SERVICES = [
  'leads',
  'scoring',
  'automation',
  'cituro',
  'moco',
  'slack',
  'mailer',
  'webhooks',
] as const;
type ProbedService = (typeof PROBED_SERVICES)[number];

const PROBE_TIMEOUT_MS = 1000;

export interface HealthReport {
  httpStatus: 200 | 503;
  body: {
    status: 'ok' | 'degraded' | 'error';
    timestamp: string;
    version: string;
    services: Record<'database' | 'nats' | 'redis' | ProbedService, boolean>;
  };
}

export interface ReadinessReport {
  httpStatus: 200 | 503;
  body:
    | { ready: true }
    | { ready: false; reason: string; checks: { database: boolean; nats: boolean; ingest_stream: boolean } };
}

@Injectable()
export class GatewayHealthService {
  private readonly version = appVersion();

  constructor(
    private readonly registry: HealthRegistry,
    private readonly publisher: JetStreamPublisher,
    private readonly rpc: RpcClient,
    private readonly config: GatewayConfig,
    private readonly redis: GatewayRedis,
  ) {}

  /** `/ready`: the gateway can accept ingest (its database, NATS and the INGEST stream work). */
  async readiness(): Promise<ReadinessReport> {
    const [own, ingestStream] = await Promise.all([
      this.registry.run(),
      this.publisher.streamReady(streamOf(Subjects.IngestEventReceived).name).catch(() => false),
    ]);
    const checks = { database: own.database === true, nats: own.nats === true, ingest_stream: ingestStream };
    const failing = Object.entries(checks)
      .filter(([, ok]) => !ok)
      .map(([name]) => name);
    if (failing.length === 0) return { httpStatus: 200, body: { ready: true } };
    return { httpStatus: 503, body: { ready: false, reason: `not ready: ${failing.join(', ')}`, checks } };
  }

  /**
   * `/health`: the gateway's own dependencies decide between up (200) and down (503 `error`); a service the
   * deployment expects (HEALTH_EXPECTED_SERVICES) that does not answer makes it `degraded`.
   */
  async health(): Promise<HealthReport> {
    const [own, ...answers] = await Promise.all([
      this.registry.run(),
      ...PROBED_SERVICES.map((service) => this.probe(service)),
    ]);
    const services = Object.fromEntries(PROBED_SERVICES.map((service, i) => [service, answers[i]])) as Record<
      ProbedService,
      boolean
    >;
    const database = own.database === true;
    const nats = own.nats === true;
    const expected = this.config.healthExpectedServices();
    // Without Redis the gateway still serves (rate limits off, idempotent POSTs refused): degraded, not down.
    const redis = this.redis.isUp();
    const status =
      !database || !nats
        ? 'error'
        : redis && expected.every((s) => services[s as ProbedService] !== false)
          ? 'ok'
          : 'degraded';
    return {
      httpStatus: status === 'error' ? 503 : 200,
      body: {
        status,
        timestamp: new Date().toISOString(),
        version: this.version,
        services: { database, nats, redis, ...services },
      },
    };
  }

  /** A service is up when its transport answers over NATS that its own database and broker checks pass. */
  private async probe(service: ProbedService): Promise<boolean> {
    try {
      const answer = await this.rpc.request<{ ready: boolean }>(
        HealthQueries.ready(service),
        {},
        { timeoutMs: PROBE_TIMEOUT_MS },
      );
      return answer.ready === true;
    } catch {
      return false;
    }
  }
}

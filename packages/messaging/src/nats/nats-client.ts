import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { AppLogger, BaseServiceConfig, HealthRegistry, SERVICE_NAME } from '@crm/service-kit';
import { Namespace } from './namespace';

/** The service's one NATS connection, with its JetStream client and manager. */
@Injectable()
export class NatsClient implements OnModuleInit {
  private connection?: NatsConnection;
  private jsClient?: JetStreamClient;
  private jsManager?: JetStreamManager;
  readonly namespace: Namespace;

  constructor(
    private readonly config: BaseServiceConfig,
    @Inject(SERVICE_NAME) private readonly service: string,
    private readonly health: HealthRegistry,
    private readonly logger: AppLogger,
  ) {
    this.namespace = new Namespace(config.NATS_NAMESPACE);
  }

  async onModuleInit(): Promise<void> {
    if (this.connection) return;
    const log = this.logger.child('nats');
    this.connection = await connect({
      servers: this.config.NATS_URL.split(','),
      name: this.service,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1000,
    });
    this.jsClient = jetstream(this.connection);
    this.jsManager = await jetstreamManager(this.connection);
    // Not ready while disconnected: a reconnecting client buffers publishes, but nothing reaches the server.
    let connected = true;
    this.health.register(
      'nats',
      async () => connected && !this.connection!.isClosed() && !this.connection!.isDraining(),
    );
    void (async () => {
      for await (const status of this.connection!.status()) {
        if (status.type === 'disconnect') connected = false;
        if (status.type === 'reconnect') connected = true;
        if (status.type === 'disconnect' || status.type === 'reconnect')
          log.warn({ status: status.type }, 'nats');
      }
    })();
    log.info({ server: this.connection!.getServer() }, 'connected to NATS');
  }

  get nc(): NatsConnection {
    if (!this.connection) throw new Error('NATS is not connected yet');
    return this.connection;
  }

  get js(): JetStreamClient {
    if (!this.jsClient) throw new Error('NATS is not connected yet');
    return this.jsClient;
  }

  get jsm(): JetStreamManager {
    if (!this.jsManager) throw new Error('NATS is not connected yet');
    return this.jsManager;
  }

  /** Flushes what is buffered and closes; the last step of shutdown. */
  async drain(): Promise<void> {
    if (this.connection && !this.connection.isClosed()) await this.connection.drain();
  }
}

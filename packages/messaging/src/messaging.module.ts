import { Global, Module, type DynamicModule } from '@nestjs/common';
import { consumersOf, type ConsumerDefinition, type ServiceName } from '@crm/contracts';
import { DeadLetterRepository } from './dead-letters/dead-letter.repository';
import { DeadLetterService } from './dead-letters/dead-letter.service';
import { InboxRepository } from './inbox/inbox.repository';
import { JetStreamPipeline } from './nats/jetstream-pipeline';
import { NatsClient } from './nats/nats-client';
import { Outbox } from './outbox/outbox';
import { OutboxRelay } from './outbox/outbox-relay';
import { OutboxRepository } from './outbox/outbox.repository';
import { StreamProvisioner } from './provisioning/stream-provisioner';
import { JetStreamPublisher } from './rpc/jetstream-publisher';
import { RpcClient } from './rpc/rpc-client';
import { ContractValidationPipe } from './transport/contract-validation.pipe';
import { CONSUMER_DEFINITIONS, MessagingTransport } from './transport/messaging-transport';

const providers = [
  NatsClient,
  JetStreamPipeline,
  StreamProvisioner,
  OutboxRepository,
  Outbox,
  OutboxRelay,
  InboxRepository,
  DeadLetterRepository,
  DeadLetterService,
  JetStreamPublisher,
  RpcClient,
  ContractValidationPipe,
  MessagingTransport,
];

/** Everything a service needs to talk over NATS; the service name comes from ConfigModule. */
@Global()
@Module({})
export class MessagingModule {
  /** `consumers` overrides the contract definitions; only tests use it (e.g. a short ack wait). */
  static forRoot(options: { service: ServiceName; consumers?: ConsumerDefinition[] }): DynamicModule {
    const definitions = {
      provide: CONSUMER_DEFINITIONS,
      useValue: options.consumers ?? consumersOf(options.service),
    };
    return { module: MessagingModule, providers: [...providers, definitions], exports: providers };
  }
}

export { FakeSlackServer } from './fake-slack/fake-slack.server';
export type {
  ClientErrorMode,
  FailOptions,
  FailureMode,
  FakeSlackConfig,
  FakeSlackStartOptions,
  RateLimitMode,
  ReceivedRequest,
  ServerErrorMode,
  SlackMessage,
  SlackRequestKind,
  SlowReplyMode,
} from './fake-slack/fake-slack.types';
export { FAKE_SLACK_IDENTITY } from './fake-slack/web-api-handler';

export { createTestDatabase, dropStaleTestDatabases, testDatabaseAdminUrl } from './db/test-database';
export type { TestDatabase } from './db/test-database';

export { deleteNamespaceStreams, uniqueNamespace } from './nats/test-namespace';

export { startServiceProcess } from './process/service-process';
export type { ProcessExit, ServiceProcess, ServiceProcessOptions } from './process/service-process';
export { freePort } from './process/free-port';
export { setProcessEnv } from './process/env';
export { prepareServiceEnvironment, startInProcessService } from './process/in-process-service';
export type {
  InProcessService,
  InProcessServiceOptions,
  ServiceEnvironment,
  ServiceEnvironmentOptions,
} from './process/in-process-service';
export { waitFor } from './process/wait-for';
export type { WaitForOptions } from './process/wait-for';
export * from './nats/nats-test-client';

export { FakeSmtpServer } from './fake-smtp/fake-smtp.server';
export type {
  FakeSmtpStartOptions,
  ReceivedEmail,
  SmtpFailureMode,
  SmtpSessionRecord,
} from './fake-smtp/fake-smtp.types';
export { FakeWebhookReceiver } from './fake-webhook-receiver/fake-webhook-receiver';
export type {
  FakeWebhookReceiverOptions,
  ReceivedWebhook,
  WebhookResponse,
} from './fake-webhook-receiver/fake-webhook-receiver.types';
export {
  verifyStandardWebhook,
  WEBHOOK_TOLERANCE_SECONDS,
} from './fake-webhook-receiver/standard-webhooks-verifier';
export type {
  WebhookVerification,
  WebhookVerificationFailure,
} from './fake-webhook-receiver/standard-webhooks-verifier';
export { FakeCituroServer, FAKE_CITURO_API_KEY } from './fake-cituro/fake-cituro.server';
export { cituroSignature, sendCituroWebhook } from './fake-cituro/webhook-sender';
export type {
  CituroCustomer,
  CituroFailureMode,
  CituroReceivedRequest,
  CituroWebhookDelivery,
  CituroWebhookResponse,
  FakeCituroStartOptions,
} from './fake-cituro/fake-cituro.types';
export { FakeMocoServer, FAKE_MOCO_API_KEY, FAKE_MOCO_SESSION } from './fake-moco/fake-moco.server';
export { FAKE_MOCO_DEAL_CATEGORIES, FAKE_MOCO_USERS } from './fake-moco/moco-store';
export { signMocoWebhook } from './fake-moco/moco-webhook-signature';
export type {
  FakeMocoConfig,
  FakeMocoStartOptions,
  MocoEntity,
  MocoFailOptions,
  MocoFailureMode,
  MocoReceivedRequest,
  MocoResource,
  MocoWebhookDelivery,
} from './fake-moco/fake-moco.types';

import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Queries, SlackFailureCodes, Subjects, type Page, type TriggerRunView } from '@crm/contracts';
import { FakeSlackServer, waitFor } from '@crm/testing';
import { bootstrap as bootstrapAutomation } from '../src/main';
import {
  newStage,
  saveTriggers,
  setServiceEnv,
  stageChanged,
  startInfra,
  type TestInfra,
} from './support/automation-harness';

// The slack app's own entry point and its test fault helper, loaded from its sources (a type-only view keeps
// this app's build separate).
/* eslint-disable @typescript-eslint/no-require-imports */
const { bootstrap: bootstrapSlack } = require('@crm/slack/src/main') as {
  bootstrap: () => Promise<NestFastifyApplication>;
};
const { injectMessageLogFault } = require('@crm/slack/test/support/message-log-faults') as {
  injectMessageLogFault: (databaseUrl: string, fault: { channel?: string }) => Promise<void>;
};
/* eslint-enable @typescript-eslint/no-require-imports */

describe('automation + slack in one process (real NATS + Postgres, fake Slack)', () => {
  let infra: TestInfra;
  let fake: FakeSlackServer;
  let automation: NestFastifyApplication;
  let slack: NestFastifyApplication;
  const from = newStage('Lead In');
  const to = newStage('Qualified', from.pipeline_id);

  beforeAll(async () => {
    fake = await FakeSlackServer.start();
    infra = await startInfra('both');
    setServiceEnv({
      SLACK_WEBHOOK_URL: fake.webhookUrl(),
      SLACK_BOT_TOKEN: undefined,
      SLACK_API_URL: undefined,
    });
    // Same database and namespace, different schemas: like the real deployment.
    automation = await bootstrapAutomation();
    slack = await bootstrapSlack();
    await saveTriggers(infra.nats, to, [
      {
        action: 'send_slack_message',
        name: 'Qualified deal',
        config: {
          channel: '#hot-leads',
          message: ':tada: {deal.name} is now {stage.name} ({pipeline.name})',
        },
      },
    ]);
  });
  afterAll(async () => {
    await infra?.cleanup([slack, automation]);
    await fake?.close();
  });
  beforeEach(() => fake.reset());

  async function moveDeal(dealName: string) {
    const event = stageChanged(from, to, { deal: { name: dealName } });
    await infra.nats.publish(
      Subjects.DealStageChanged,
      infra.nats.envelope(Subjects.DealStageChanged, event),
    );
    return event;
  }

  async function runOf(dealId: string, status: TriggerRunView['status'], timeoutMs = 20_000) {
    return waitFor(
      async () => {
        const page = await infra.nats.request<Page<TriggerRunView>>(Queries.AutomationListRuns, {
          deal_id: dealId,
        });
        return page.data.find((r) => r.status === status);
      },
      { message: `run ${status}`, timeoutMs },
    );
  }

  it('a stage change posts exactly one Slack message and the run succeeds', async () => {
    const event = await moveDeal(`Deal ${randomUUID().slice(0, 8)}`);
    const [message] = await fake.waitForMessages(1);
    expect(message.text).toBe(`:tada: ${event.deal.name} is now Qualified (B2B Lab Enablement)`);
    expect(message.blocks?.[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: event.deal.name, emoji: true },
    });

    const run = await runOf(event.deal_id, 'succeeded');
    expect(run).toMatchObject({
      attempts: 1,
      error: null,
      result: { slack_ts: null, channel: '#hot-leads' },
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(fake.received).toHaveLength(1);
  });

  it('429 with Retry-After 1 then 200: one message, run succeeded after two attempts', async () => {
    fake.fail({ kind: 'rate_limit', retryAfterSeconds: 1, times: 1 });
    const event = await moveDeal('Rate limited deal');
    const run = await runOf(event.deal_id, 'succeeded');
    expect(run.attempts).toBe(2);
    expect(fake.received.map((r) => r.status)).toEqual([429, 200]);
    expect(fake.received[1].at.getTime() - fake.received[0].at.getTime()).toBeGreaterThanOrEqual(950);
    expect(fake.deliveredMessages()).toHaveLength(1);
  });

  it('500 until max attempts fails the run with the vendor error; healed + retried, it posts once', async () => {
    fake.fail({ kind: 'server_error', status: 500 });
    const event = await moveDeal('Unlucky deal');
    const failed = await runOf(event.deal_id, 'failed', 30_000);
    expect(failed.error).toEqual({
      code: 'rollup_error',
      message: expect.stringContaining('500'),
      retryable: true,
    });
    expect(failed.attempts).toBe(5);
    expect(fake.received).toHaveLength(5);
    expect(fake.deliveredMessages()).toHaveLength(0);

    fake.heal();
    const retried = await infra.nats.request<{ data: TriggerRunView }>(Queries.AutomationRetryRun, {
      actor: { type: 'user', id: randomUUID() },
      run_id: failed.id,
      body: {},
    });
    expect(retried.data).toMatchObject({ status: 'running', idempotency_key: failed.idempotency_key });

    const succeeded = await runOf(event.deal_id, 'succeeded');
    expect(succeeded).toMatchObject({
      id: failed.id,
      attempts: 6,
      error: null,
      idempotency_key: failed.idempotency_key,
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(fake.deliveredMessages()).toHaveLength(1);
    expect(fake.deliveredMessages()[0].text).toContain('Unlucky deal');
    expect(fake.received).toHaveLength(6);
  });

  it('a Slack command that dies as a dead letter fails its run with dead_lettered and the reason', async () => {
    const doomed = newStage('Doomed', from.pipeline_id);
    await saveTriggers(infra.nats, doomed, [
      {
        action: 'send_slack_message',
        name: 'Doomed',
        config: { channel: '#doomed', message: '{deal.name}' },
      },
    ]);
    // The slack service's database refuses every message-log write for #doomed, so no delivery can commit.
    await injectMessageLogFault(infra.db.url, { channel: '#doomed' });
    const event = stageChanged(from, doomed);
    await infra.nats.publish(
      Subjects.DealStageChanged,
      infra.nats.envelope(Subjects.DealStageChanged, event),
    );

    const run = await runOf(event.deal_id, 'failed', 30_000);
    expect(run.error).toEqual({
      code: SlackFailureCodes.DeadLettered,
      message: expect.stringContaining('max_deliver_exceeded'),
      retryable: true,
    });
    expect(run.steps).toEqual([expect.objectContaining({ status: 'failed', error: run.error })]);
    expect(fake.received).toHaveLength(0);
  });
});

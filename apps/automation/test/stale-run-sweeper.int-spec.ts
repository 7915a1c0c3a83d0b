import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Queries, Subjects, type Page, type TriggerRunView } from '@crm/contracts';
import { waitFor } from '@crm/testing';
import { bootstrap } from '../src/main';
import {
  newStage,
  saveTriggers,
  setServiceEnv,
  stageChanged,
  startInfra,
  type TestInfra,
} from './support/automation-harness';

describe('automation: runs left running without a result are failed by the sweeper', () => {
  let infra: TestInfra;
  let app: NestFastifyApplication;
  const stage = newStage('Qualified');

  beforeAll(async () => {
    infra = await startInfra('sweep');
    // No slack service runs here: every Slack command stays unanswered and its run stays `running`.
    setServiceEnv({ STALE_RUN_SWEEP_INTERVAL_MS: '200' });
    app = await bootstrap();
    await saveTriggers(infra.nats, stage, [
      { action: 'send_slack_message', name: 'Tell sales', config: { channel: '#hot-leads', message: 'x' } },
    ]);
  });
  afterAll(async () => {
    await infra?.cleanup([app]);
  });

  async function runningRunOf() {
    const event = stageChanged(null, stage);
    await infra.nats.publish(
      Subjects.DealStageChanged,
      infra.nats.envelope(Subjects.DealStageChanged, event),
    );
    return waitFor(
      async () => {
        const page = await infra.nats.request<Page<TriggerRunView>>(Queries.AutomationListRuns, {
          deal_id: event.deal_id,
        });
        return page.data.find((r) => r.status === 'running');
      },
      { message: 'running run' },
    );
  }

  const getRun = (id: string) => infra.nats.request<TriggerRunView>(Queries.AutomationGetRun, { id });

  it('fails a run older than STALE_RUN_AFTER_MINUTES with stale_run and leaves a fresh one running', async () => {
    const stale = await runningRunOf();
    const fresh = await runningRunOf();
    // Three hours without a change: well past the default 120 minutes.
    await infra.query(
      `UPDATE automation.trigger_runs SET updated_at = now() - interval '3 hours' WHERE id = $1`,
      [stale.id],
    );

    const failed = await waitFor(
      async () => {
        const run = await getRun(stale.id);
        return run.status === 'failed' && run;
      },
      { message: 'stale run failed by the sweeper' },
    );
    expect(failed.error).toEqual({
      code: 'stale_run',
      message: expect.stringContaining('120 minutes'),
      retryable: true,
    });
    expect(failed.finished_at).not.toBeNull();
    expect(failed.steps).toEqual([
      expect.objectContaining({
        name: 'slack.post_message',
        status: 'failed',
        error: failed.error,
        finished_at: expect.any(String),
      }),
    ]);

    // The sweep that failed the stale run saw the fresh one too, and more sweeps have run since.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await getRun(fresh.id)).toMatchObject({ status: 'running', error: null });
  });

  it('a result that still arrives for a run failed as stale settles it after all', async () => {
    const run = await runningRunOf();
    await infra.query(
      `UPDATE automation.trigger_runs SET updated_at = now() - interval '3 hours' WHERE id = $1`,
      [run.id],
    );
    await waitFor(async () => (await getRun(run.id)).status === 'failed', { message: 'stale run failed' });

    await infra.nats.publish(
      Subjects.SlackMessagePosted,
      infra.nats.envelope(Subjects.SlackMessagePosted, {
        idempotency_key: run.idempotency_key,
        reference: run.id,
        channel: '#hot-leads',
        ts: '1796000000.000100',
        attempts: 1,
      }),
    );
    const settled = await waitFor(
      async () => {
        const current = await getRun(run.id);
        return current.status === 'succeeded' && current;
      },
      { message: 'late result applied' },
    );
    expect(settled).toMatchObject({ error: null, result: { slack_ts: '1796000000.000100' } });
    expect(settled.steps).toEqual([expect.objectContaining({ status: 'succeeded', error: null })]);
  });
});

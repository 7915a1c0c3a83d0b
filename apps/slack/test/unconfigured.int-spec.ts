import { randomUUID } from 'node:crypto';
import { Subjects, type SlackMessageFailedV1, type SlackMessagePostedV1 } from '@crm/contracts';
import { waitFor } from '@crm/testing';
import { SlackHarness } from './support/slack-harness';

describe('slack service without configuration', () => {
  let h: SlackHarness;

  beforeAll(async () => {
    h = await SlackHarness.start({ env: () => ({ SLACK_WEBHOOK_URL: undefined }) });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('fails the command with INTEGRATION_NOT_CONFIGURED and never reports success', async () => {
    const failed = h.nats.collect<SlackMessageFailedV1>(Subjects.SlackMessageFailed);
    const posted = h.nats.collect<SlackMessagePostedV1>(Subjects.SlackMessagePosted);
    const key = `key-${randomUUID()}`;
    const reference = randomUUID();
    const envelope = h.nats.envelope(
      Subjects.SlackPostMessage,
      { channel: '#hot-leads', text: 'hello', reference },
      { idempotencyKey: key },
    );
    await h.nats.publish(Subjects.SlackPostMessage, envelope);

    const [event] = await waitFor(async () => failed.length > 0 && failed, { message: 'SlackMessageFailed' });
    expect(event.data).toEqual({
      idempotency_key: key,
      reference,
      channel: '#hot-leads',
      error: {
        code: 'INTEGRATION_NOT_CONFIGURED',
        message: expect.any(String),
        retryable: false,
        vendor_status: null,
      },
      attempts: 1,
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(posted).toHaveLength(0);
    expect(h.fake.received).toHaveLength(0);
    expect(await h.messageLog(key)).toMatchObject({
      status: 'failed',
      error_code: 'INTEGRATION_NOT_CONFIGURED',
    });
  });
});

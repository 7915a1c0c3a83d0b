import type { ConsumerDefinition } from '@crm/contracts';
import { withScaledAckWait } from './messaging-transport';

describe('withScaledAckWait (MESSAGING_ACK_WAIT_SCALE)', () => {
  const definition = { durable: 'x-send', ackWaitSeconds: 60 } as ConsumerDefinition;

  it('leaves the definition as it is at scale 1', () => {
    expect(withScaledAckWait(definition, 1)).toBe(definition);
  });

  it('scales to whole seconds, never below one', () => {
    expect(withScaledAckWait(definition, 0.034).ackWaitSeconds).toBe(2);
    expect(withScaledAckWait(definition, 0.0001).ackWaitSeconds).toBe(1);
    expect(definition.ackWaitSeconds).toBe(60);
  });
});

import { intentDetectedOf, intentOf } from './intent.rules';

describe('intentOf (product.md, Intent)', () => {
  it('is none without points', () => {
    expect(intentOf({ research: 0, b2b: 0, co_creation: 0 })).toEqual({
      primary_intent: null,
      intent_confidence: null,
      intent_summary: { research: 0, b2b: 0, co_creation: 0 },
      conflict: false,
    });
  });

  it('gives the acceptance case b2b at 100: 110 points alone, +10 capped', () => {
    expect(intentOf({ research: 0, b2b: 110, co_creation: 0 })).toMatchObject({
      primary_intent: 'b2b',
      intent_confidence: 100,
      conflict: false,
    });
  });

  it.each([
    // share 60/90 = 67 %, leads by 30 → +10 → 77
    [{ research: 60, b2b: 30, co_creation: 0 }, 'research', 77, false],
    // share 50/90 = 56 %, leads by 10 (< 15) → no bonus, conflict
    [{ research: 0, b2b: 50, co_creation: 40 }, 'b2b', 56, true],
    // exactly 15 ahead: clear, bonus: 45/75 = 60 % + 10
    [{ research: 30, b2b: 0, co_creation: 45 }, 'co_creation', 70, false],
    // 25 points in all: 100 % + 10 (capped) − 20 = 80
    [{ research: 25, b2b: 0, co_creation: 0 }, 'research', 80, false],
    // 20 + 5 = 25 points: 80 %, leads by 15 → 90, thin → 70
    [{ research: 5, b2b: 20, co_creation: 0 }, 'b2b', 70, false],
    // a tie: the first intent is primary, and it is a conflict
    [{ research: 20, b2b: 20, co_creation: 0 }, 'research', 50, true],
  ])('%j → %s at %i, conflict %p', (summary, primary, confidence, conflict) => {
    expect(intentOf(summary)).toMatchObject({
      primary_intent: primary,
      intent_confidence: confidence,
      conflict,
    });
  });

  it('tells an intent change when the primary intent or the conflict changes, not the confidence alone', () => {
    const at = new Date('2026-12-03T10:00:00Z');
    const none = { research: 0, b2b: 0, co_creation: 0 };
    expect(intentDetectedOf('l', none, { ...none, b2b: 30 }, at)).toMatchObject({
      primary_intent: 'b2b',
      previous_primary_intent: null,
      conflict: false,
      detected_at: at.toISOString(),
    });
    expect(intentDetectedOf('l', { ...none, b2b: 30 }, { ...none, b2b: 60 }, at)).toBeNull();
    expect(intentDetectedOf('l', { ...none, b2b: 60 }, { ...none, b2b: 60, research: 50 }, at)).toMatchObject(
      {
        primary_intent: 'b2b',
        conflict: true,
      },
    );
    expect(intentDetectedOf('l', { ...none, b2b: 60 }, { ...none, b2b: 60, research: 70 }, at)).toMatchObject(
      {
        primary_intent: 'research',
        previous_primary_intent: 'b2b',
      },
    );
  });
});

import { tierFor } from './score-tier';

describe('tierFor', () => {
  it.each([
    [-25, 'cold'],
    [0, 'cold'],
    [39, 'cold'],
    [40, 'warm'],
    [79, 'warm'],
    [80, 'hot'],
    [82, 'hot'],
    [119, 'hot'],
    [120, 'very_hot'],
    [1000, 'very_hot'],
  ])('%p points → %p', (total, tier) => {
    expect(tierFor(total)).toBe(tier);
  });
});

import { LineRingBuffer, LineSplitter } from './line-ring-buffer';

describe('LineRingBuffer', () => {
  it('keeps only the last `capacity` lines', () => {
    const buffer = new LineRingBuffer(3);
    for (let i = 1; i <= 5; i++) buffer.push(`line ${i}`);
    expect(buffer.toString()).toBe('line 3\nline 4\nline 5');
  });
});

describe('LineSplitter', () => {
  it('joins lines split across chunks and flushes a trailing partial line', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    splitter.write('hel');
    splitter.write('lo\r\nwor');
    expect(lines).toEqual(['hello']);
    splitter.write('ld\nlast');
    splitter.flush();
    splitter.flush();
    expect(lines).toEqual(['hello', 'world', 'last']);
  });
});

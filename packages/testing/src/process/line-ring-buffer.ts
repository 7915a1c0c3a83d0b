/** Keeps the last `capacity` lines of a child's output; enough to diagnose a failure without unbounded memory. */
export class LineRingBuffer {
  private readonly lines: string[] = [];

  constructor(private readonly capacity = 500) {}

  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.capacity) this.lines.splice(0, this.lines.length - this.capacity);
  }

  toString(): string {
    return this.lines.join('\n');
  }
}

/** Splits a chunked stream into lines, holding back a trailing partial line until it is completed or flushed. */
export class LineSplitter {
  private partial = '';

  constructor(private readonly onLine: (line: string) => void) {}

  write(chunk: string): void {
    const parts = (this.partial + chunk).split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    for (const line of parts) this.onLine(line);
  }

  /** The partial line not yet terminated by a newline. */
  get pending(): string {
    return this.partial;
  }

  flush(): void {
    if (this.partial) this.onLine(this.partial);
    this.partial = '';
  }
}

/**
 * A daily time of day in a time zone (expiry runs at 02:00 Europe/Berlin): the instants it falls on, with the
 * zone's daylight-saving rules. On the day a local time does not exist (clocks jump over it), it falls on the
 * first instant after the gap; on the day it exists twice, on the second.
 */
export class DailyLocalTime {
  private readonly format: Intl.DateTimeFormat;

  constructor(
    readonly hour: number,
    readonly minute: number,
    readonly timeZone: string,
  ) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
  }

  /** `HH:MM` → a DailyLocalTime; throws for anything else or an unknown zone. */
  static parse(time: string, timeZone: string): DailyLocalTime {
    const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
    if (!match) throw new Error(`not a time of day (HH:MM): ${time}`);
    return new DailyLocalTime(Number(match[1]), Number(match[2]), timeZone);
  }

  /** The first instant strictly after `after` that falls on this time. */
  next(after: Date): Date {
    const today = this.localDate(after);
    const candidate = this.on(today);
    return candidate.getTime() > after.getTime() ? candidate : this.on(addDays(today, 1));
  }

  /** The last instant at or before `at` that falls on this time. */
  previous(at: Date): Date {
    const today = this.localDate(at);
    const candidate = this.on(today);
    return candidate.getTime() <= at.getTime() ? candidate : this.on(addDays(today, -1));
  }

  /** The local calendar date of an instant, `YYYY-MM-DD`. */
  localDateOf(instant: Date): string {
    const { year, month, day } = this.localDate(instant);
    return `${year}-${pad(month)}-${pad(day)}`;
  }

  private on(date: LocalDate): Date {
    const wall = Date.UTC(date.year, date.month - 1, date.day, this.hour, this.minute);
    // Two passes: the offset at the first guess may be the other side of a daylight-saving change.
    let instant = wall - this.offsetMs(new Date(wall));
    instant = wall - this.offsetMs(new Date(instant));
    return new Date(instant);
  }

  private localDate(instant: Date): LocalDate {
    const parts = this.parts(instant);
    return { year: parts.year, month: parts.month, day: parts.day };
  }

  /** Local wall time minus UTC at that instant. */
  private offsetMs(instant: Date): number {
    const p = this.parts(instant);
    const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
    return wall - Math.floor(instant.getTime() / 1000) * 1000;
  }

  private parts(instant: Date): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number> {
    const values = Object.fromEntries(
      this.format
        .formatToParts(instant)
        .filter((part) => part.type !== 'literal')
        .map((part) => [part.type, Number(part.value)]),
    );
    return values as Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number>;
  }
}

interface LocalDate {
  year: number;
  month: number;
  day: number;
}

function addDays(date: LocalDate, days: number): LocalDate {
  const shifted = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

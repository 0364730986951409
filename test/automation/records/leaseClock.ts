// A lease clock the test moves by hand: sleeping advances it, renewals run when the test says so.
import type { LeaseClock } from "../../../automation/records/dynamodb/lease";

export class ManualLeaseClock implements LeaseClock {
  elapsed = 0;
  /** Called after every sleep (the clock already advanced): what happens elsewhere meanwhile. */
  onSleep: (() => Promise<void> | void) | undefined;
  private readonly ticks = new Set<() => Promise<void>>();

  monotonic(): number {
    return this.elapsed;
  }

  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.elapsed += ms;
    await this.onSleep?.();
  }

  now(): number {
    return Date.parse("2026-12-03T00:00:00Z") + this.elapsed;
  }

  /** The period of every renewal timer started, in order. */
  readonly periods: number[] = [];
  /** Every sleep asked for, in order. */
  readonly sleeps: number[] = [];

  every(ms: number, tick: () => Promise<void>): () => void {
    this.periods.push(ms);
    this.ticks.add(tick);
    return () => void this.ticks.delete(tick);
  }

  /** Run every pending renewal once, as its timer would. */
  async renew(): Promise<void> {
    await Promise.all([...this.ticks].map((tick) => tick()));
  }

  get renewing(): number {
    return this.ticks.size;
  }
}

// Who may use the warehouse's data at once. Computations only read it, so several run side by side, each on
// a connection of its own (up to `readers` at a time); a load's writes (publishing, then rebuilding the kept
// rollups) change what they read, so a writer waits for the computations running to finish and holds back
// every one asked after it until it is done: no computation reads half a load. Work is admitted in the order
// it was asked, so a stream of computations cannot starve a load, and a load does not overtake computations
// asked before it.

interface Waiting {
  readonly write: boolean;
  readonly start: () => void;
}

export class ReadWriteGate {
  private reading = 0;
  private writing = false;
  private readonly queue: Waiting[] = [];

  constructor(
    /** The most readers that run at once (at least 1). */
    readonly readers: number,
  ) {
    if (!Number.isInteger(readers) || readers < 1)
      throw new RangeError(`readers must be ≥ 1, not ${readers}`);
  }

  /** Runs `work` beside other readers once no writer runs or waits before it, and a reader's place is free. */
  read<T>(work: () => Promise<T>): Promise<T> {
    return this.enter(false, work);
  }

  /** Runs `work` alone, once every reader and writer asked before it is done. */
  write<T>(work: () => Promise<T>): Promise<T> {
    return this.enter(true, work);
  }

  /** Readers running now, and whether a writer is: what the tests observe. */
  get running(): { readers: number; writer: boolean; waiting: number } {
    return { readers: this.reading, writer: this.writing, waiting: this.queue.length };
  }

  private async enter<T>(write: boolean, work: () => Promise<T>): Promise<T> {
    await new Promise<void>((start) => {
      this.queue.push({ write, start });
      this.admit();
    });
    try {
      return await work();
    } finally {
      if (write) this.writing = false;
      else this.reading -= 1;
      this.admit();
    }
  }

  /** Starts the work at the head of the queue for as long as it may start. */
  private admit(): void {
    for (let next = this.queue[0]; next !== undefined; next = this.queue[0]) {
      if (this.writing) return;
      if (next.write ? this.reading > 0 : this.reading >= this.readers) return;
      this.queue.shift();
      if (next.write) this.writing = true;
      else this.reading += 1;
      next.start();
    }
  }
}

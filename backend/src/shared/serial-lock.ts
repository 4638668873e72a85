/**
 * Runs async sections one at a time, in call order. The completion flush and deletes share one lock
 * so a story's status in the database cannot change between reading it and acting on it (the
 * in-memory server has no atomic claims). Retention purges need not: a Done story stays Done.
 */
export class SerialLock {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(section: () => Promise<T>): Promise<T> {
    const result = this.tail.then(section, section);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

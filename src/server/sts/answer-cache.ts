/**
 * Resolve answers remembered per tenant revision: an STS asks about the same users again and again
 * (every token refresh), and an answer with provenance costs a hundred times more to build than to
 * look up. Keyed by the tenant index it was built from (a new revision is a new index), subject type,
 * the exact subject list and the provenance flag; an entry also ends at the first mapping expiry
 * after it was built, since from then the same question has another answer. Bounded in bytes; least
 * recently used answers leave first.
 */
export interface CachedAnswer {
  body: Buffer;
  /** Epoch ms after which the answer may be wrong (a grant in it, or ruled out by it, expired). */
  validUntil: number;
}

export class AnswerCache {
  private readonly entries = new Map<string, CachedAnswer>();
  private bytes = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly now: () => number = Date.now,
  ) {}

  get enabled(): boolean {
    return this.maxBytes > 0;
  }

  /** The key of a question; subjects cannot hold control characters, so NUL separates them. */
  static key(
    indexGeneration: number,
    subjectType: string,
    subjects: readonly string[],
    provenance: boolean,
  ): string {
    return `${indexGeneration}\u0000${subjectType}\u0000${provenance ? 1 : 0}\u0000${subjects.join("\u0000")}`;
  }

  get(key: string): Buffer | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.validUntil <= this.now()) {
      this.bytes -= this.cost(key, entry);
      return undefined;
    }
    // Most recently used last: Map keeps insertion order.
    this.entries.set(key, entry);
    return entry.body;
  }

  set(key: string, answer: CachedAnswer): void {
    const cost = this.cost(key, answer);
    if (!this.enabled || cost > this.maxBytes / 4) return;
    const previous = this.entries.get(key);
    if (previous) {
      this.entries.delete(key);
      this.bytes -= this.cost(key, previous);
    }
    while (this.bytes + cost > this.maxBytes) {
      const [oldestKey, oldest] = this.entries.entries().next().value as [string, CachedAnswer];
      this.entries.delete(oldestKey);
      this.bytes -= this.cost(oldestKey, oldest);
    }
    this.entries.set(key, answer);
    this.bytes += cost;
  }

  get size(): number {
    return this.entries.size;
  }

  get usedBytes(): number {
    return this.bytes;
  }

  private cost(key: string, answer: CachedAnswer): number {
    return answer.body.length + key.length * 2 + 64;
  }
}

/**
 * Answers derived from a tenant index, remembered per question: an STS asks about the same users
 * again and again (every token refresh), and an answer costs far more to build than to look up.
 * Serves the resolve API (its JSON answers) and the token endpoint (the claims a group set grants).
 * Keyed by the tenant index the answer was built from (a new revision is a new index), subject type,
 * the exact subject list and the kind of answer; an entry also ends at the first mapping expiry after
 * it was built, since from then the same question has another answer. Bounded in bytes; least
 * recently used answers leave first.
 */
import { nextExpiry, type SubjectType, type TenantIndex } from "./tenant-index";

interface Entry<T> {
  value: T;
  /** Epoch ms after which the answer may be wrong (a grant in it, or ruled out by it, expired). */
  validUntil: number;
  cost: number;
}

export class AnswerCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private bytes = 0;

  constructor(
    private readonly maxBytes: number,
    /** Bytes an answer holds (its key and bookkeeping are added). */
    private readonly sizeOf: (value: T) => number,
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
    kind: string,
  ): string {
    return `${indexGeneration}\u0000${subjectType}\u0000${kind}\u0000${subjects.join("\u0000")}`;
  }

  /**
   * The answer to a question about `index`: the remembered one while it holds, else `build()`'s,
   * remembered until the index's next mapping expiry. Built every time when the cache is disabled.
   */
  answer(
    index: TenantIndex,
    subjectType: SubjectType,
    subjects: readonly string[],
    kind: string,
    now: number,
    build: () => T,
  ): T {
    if (!this.enabled) return build();
    const key = AnswerCache.key(index.generation, subjectType, subjects, kind);
    const known = this.get(key, now);
    if (known !== undefined) return known;
    const value = build();
    this.set(key, value, nextExpiry(index, now));
    return value;
  }

  /** The answer remembered for the question, if it still holds at `now`. */
  get(key: string, now = this.now()): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.validUntil <= now) {
      this.bytes -= entry.cost;
      return undefined;
    }
    // Most recently used last: Map keeps insertion order.
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: T, validUntil: number): void {
    const cost = this.sizeOf(value) + key.length * 2 + 64;
    if (!this.enabled || cost > this.maxBytes / 4) return;
    const previous = this.entries.get(key);
    if (previous) {
      this.entries.delete(key);
      this.bytes -= previous.cost;
    }
    while (this.bytes + cost > this.maxBytes) {
      const [oldestKey, oldest] = this.entries.entries().next().value as [string, Entry<T>];
      this.entries.delete(oldestKey);
      this.bytes -= oldest.cost;
    }
    this.entries.set(key, { value, validUntil, cost });
    this.bytes += cost;
  }

  get size(): number {
    return this.entries.size;
  }

  get usedBytes(): number {
    return this.bytes;
  }
}

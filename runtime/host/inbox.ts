/**
 * The inbox: a sink for trying REST calls offline. `POST /api/v1/inbox/{topic}` keeps any JSON
 * with the time and the caller; `GET /api/v1/inbox/{topic}` reads it back. Kept in memory and
 * bounded (the newest messages per topic, the most recently used topics), so it can never
 * fill a disk; a restart empties it.
 */

export interface InboxMessage {
  id: number;
  topic: string;
  receivedAt: string;
  user: string;
  asUser?: string;
  body: unknown;
}

export interface InboxOptions {
  maxMessagesPerTopic?: number;
  maxTopics?: number;
}

export const TOPIC_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$";

export class Inbox {
  private readonly topics = new Map<string, InboxMessage[]>();
  private nextId = 1;
  private readonly maxMessages: number;
  private readonly maxTopics: number;

  constructor(options: InboxOptions = {}) {
    this.maxMessages = options.maxMessagesPerTopic ?? 100;
    this.maxTopics = options.maxTopics ?? 100;
  }

  add(topic: string, message: Omit<InboxMessage, "id" | "topic">): InboxMessage {
    const stored: InboxMessage = { id: this.nextId++, topic, ...message };
    const list = this.topics.get(topic) ?? [];
    list.push(stored);
    if (list.length > this.maxMessages) list.splice(0, list.length - this.maxMessages);
    // Most recently used last, so the oldest topic is dropped first.
    this.topics.delete(topic);
    this.topics.set(topic, list);
    while (this.topics.size > this.maxTopics) this.topics.delete(this.topics.keys().next().value as string);
    return stored;
  }

  /** A topic's messages, oldest first. */
  list(topic: string): readonly InboxMessage[] {
    return this.topics.get(topic) ?? [];
  }
}

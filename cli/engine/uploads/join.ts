// Server log lines → uploads: each closed file joined to its session's
// CONNECTED entry by `session-id` (the address and user are only there:
// parse-log.ts). Lines are added as they are read, from any number of
// reads (the window, then the earlier CONNECTED entries of sessions that
// began before it: uploads.ts), in any order.
import { type CloseEntry, type ConnectedEntry, isUpload, parseLogLine } from './parse-log.js';

/** One log event as CloudWatch Logs returns it. */
export interface LogLine {
  message: string;
  /** Milliseconds since the epoch. */
  timestamp: number;
}

/** A file a user uploaded (complete) or that the session left open (partial). */
export interface Upload {
  /** When the file was closed: the CLOSE/PARTIAL_CLOSE event's time. */
  time: Date;
  sessionId: string;
  /** As the log has it: /<bucket>/<key>. */
  path: string;
  bytes?: number;
  complete: boolean;
  /** From the session's CONNECTED entry; undefined when it was not found. */
  user?: string;
  sourceIp?: string;
  client?: string;
  connectedAt?: Date;
}

/** At most this many reasons are kept for the warning; all are counted. */
const REASONS_KEPT = 3;

export class LogTally {
  private readonly connected = new Map<string, ConnectedEntry>();
  private readonly closes: CloseEntry[] = [];
  /** Lines that are not the entries they claim to be (parse-log.ts), counted with a few reasons. */
  unreadable = 0;
  readonly unreadableReasons: string[] = [];
  /** Entries of other activity types (OPEN, DISCONNECTED, …, and types not known yet). */
  other = 0;
  /** CLOSE entries that were not uploads (downloads, files closed unread). */
  notUploads = 0;

  add(line: LogLine): void {
    const parsed = parseLogLine(line.message, line.timestamp);
    if (!parsed.ok) {
      this.unreadable++;
      if (this.unreadableReasons.length < REASONS_KEPT) this.unreadableReasons.push(parsed.reason);
      return;
    }
    const e = parsed.entry;
    if (e.kind === 'other') this.other++;
    else if (e.kind === 'connected') {
      // a session connects once; should it appear twice (a read repeated), the first stays
      if (!this.connected.has(e.sessionId)) this.connected.set(e.sessionId, e);
    } else if (isUpload(e)) this.closes.push(e);
    else this.notUploads++;
  }

  /** Sessions with an upload whose CONNECTED entry has not been read. */
  sessionsWithoutConnection(): string[] {
    return [
      ...new Set(this.closes.map((c) => c.sessionId).filter((s) => !this.connected.has(s))),
    ].sort();
  }

  /** The uploads, oldest first; the same event read twice counts once. */
  uploads(): Upload[] {
    const seen = new Set<string>();
    const out: Upload[] = [];
    for (const c of this.closes) {
      const id = `${c.sessionId}\n${c.time.getTime()}\n${c.path}\n${c.complete}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const s = this.connected.get(c.sessionId);
      const user = s?.user ?? c.user;
      out.push({
        time: c.time,
        sessionId: c.sessionId,
        path: c.path,
        complete: c.complete,
        ...(c.bytesIn !== undefined ? { bytes: c.bytesIn } : {}),
        ...(user ? { user } : {}),
        ...(s?.sourceIp ? { sourceIp: s.sourceIp } : {}),
        ...(s?.client ? { client: s.client } : {}),
        ...(s ? { connectedAt: s.time } : {}),
      });
    }
    return out.sort(
      (a, b) => a.time.getTime() - b.time.getTime() || a.sessionId.localeCompare(b.sessionId),
    );
  }
}

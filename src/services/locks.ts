import { randomUUID } from "node:crypto";
import { link, mkdir, open, readFile, readdir, rename, rm, stat } from "node:fs/promises";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { OctoflowError } from "../model/errors.js";

/** What a lock file in LOCK_PATH holds (`<flow>.lock`, JSON). */
export interface LockRecord {
  readonly flow: string;
  readonly runId: number;
  /** `host:pid` of the process that took the lock. */
  readonly owner: string;
  readonly acquiredUtc: string;
}

/** A lock as `list()` shows it. A file that cannot be read has null fields. */
export interface LockInfo {
  readonly flow: string;
  readonly runId: number | null;
  readonly owner: string | null;
  readonly acquiredUtc: string | null;
  readonly ageMs: number;
  /** false when the owner is a process of this host that is gone; null when it cannot be told (another host). */
  readonly ownerAlive: boolean | null;
}

export interface LockManagerOptions {
  /** Written in every lock this manager takes (default `host:pid` of this process). */
  readonly owner?: string;
  /** How often `wait` looks at a lock another process holds (default 500 ms). */
  readonly pollMs?: number;
}

const FLOW_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$/;
/** A lock file still empty this long after it was created belongs to a process that died writing it. */
const UNWRITTEN_GRACE_MS = 10_000;

/**
 * One lock file per flow in LOCK_PATH, so a flow does not run twice at once (seed 003). A lock is
 * created with `open(…, "wx")`, which the file system grants to exactly one process.
 *
 * @example
 * const locks = new LockManager(settings.lockPath);
 * await locks.releaseDead(); // at start: only locks whose process is gone
 * if (await locks.acquire("jira-export", run.id)) { try { … } finally { await locks.release("jira-export", run.id); } }
 */
export class LockManager {
  readonly path: string;
  readonly owner: string;
  readonly #pollMs: number;
  /** Launches of this process waiting for a flow's lock, oldest first. */
  readonly #queues = new Map<string, Waiter[]>();

  constructor(lockPath: string, options: LockManagerOptions = {}) {
    this.path = resolve(lockPath);
    this.owner = options.owner ?? `${hostname()}:${process.pid}`;
    this.#pollMs = options.pollMs ?? 500;
  }

  /**
   * Takes the flow's lock for `runId`; false when someone holds it, or when launches of this
   * process already wait for it (they keep their turn). A lock whose owner is a dead process of
   * this host is broken first.
   */
  async acquire(flow: string, runId: number): Promise<boolean> {
    if (this.#queues.get(flow)?.length) return false;
    return this.#take(flow, runId);
  }

  /**
   * Waits until the flow's lock is free and takes it. Waiters of this process get it in the order
   * they called; another process's waiters compete by polling. Rejects with the signal's reason
   * when `signal` aborts.
   */
  async wait(flow: string, runId: number, signal?: AbortSignal): Promise<void> {
    const file = this.#file(flow);
    const queue = this.#queues.get(flow) ?? [];
    this.#queues.set(flow, queue);
    const waiter: Waiter = { wake: () => undefined };
    queue.push(waiter);
    try {
      for (;;) {
        signal?.throwIfAborted();
        if (queue[0] === waiter && (await this.#take(flow, runId, file))) return;
        await new Promise<void>((done) => {
          const timer = setTimeout(finish, this.#pollMs);
          function finish(): void {
            clearTimeout(timer);
            signal?.removeEventListener("abort", finish);
            done();
          }
          waiter.wake = finish;
          signal?.addEventListener("abort", finish, { once: true });
        });
      }
    } finally {
      queue.splice(queue.indexOf(waiter), 1);
      if (queue.length === 0) this.#queues.delete(flow);
      else queue[0]?.wake();
    }
  }

  /** Removes the lock if `runId` holds it; returns false when it does not (or nothing is locked). */
  async release(flow: string, runId: number): Promise<boolean> {
    const file = this.#file(flow);
    const held = await readLock(file);
    if (held?.record?.runId !== runId) return false;
    const removed = await removeIfUnchanged(file, held.text);
    this.#wakeQueue(flow);
    return removed;
  }

  /** The lock of one flow, or undefined when it is free. */
  async get(flow: string): Promise<LockInfo | undefined> {
    const file = this.#file(flow);
    const held = await readLock(file);
    return held ? this.#info(flow, held) : undefined;
  }

  /** Every lock in LOCK_PATH, by flow name. */
  async list(): Promise<LockInfo[]> {
    const locks: LockInfo[] = [];
    for (const name of (await this.#entries()).sort()) {
      const flow = name.slice(0, -".lock".length);
      const held = await readLock(join(this.path, name));
      if (held) locks.push(this.#info(flow, held));
    }
    return locks;
  }

  /** Removes a flow's lock whoever holds it (seed 003's DELETE /api/locks/{flow_name}); false when there was none. */
  async remove(flow: string): Promise<boolean> {
    const file = this.#file(flow);
    const existed = (await readLock(file)) !== undefined;
    await rm(file, { force: true });
    this.#wakeQueue(flow);
    return existed;
  }

  /** Removes every lock (seed 003's DELETE /api/locks); returns the flows that were locked. */
  async removeAll(): Promise<string[]> {
    const flows: string[] = [];
    for (const name of await this.#entries()) {
      const flow = name.slice(0, -".lock".length);
      if (await this.remove(flow)) flows.push(flow);
    }
    return flows;
  }

  /**
   * At start: removes the locks whose owner is a process of this host that no longer runs (or
   * that died before writing its lock). Locks of live processes, and of other hosts, stay: two
   * servers sharing one data directory keep each other's locks.
   */
  async releaseDead(): Promise<LockInfo[]> {
    const released: LockInfo[] = [];
    for (const name of await this.#entries()) {
      const flow = name.slice(0, -".lock".length);
      const file = join(this.path, name);
      const held = await readLock(file);
      if (!held || !this.#isDead(held)) continue;
      if (await removeIfUnchanged(file, held.text)) released.push(this.#info(flow, held));
      this.#wakeQueue(flow);
    }
    return released;
  }

  async #take(flow: string, runId: number, file = this.#file(flow)): Promise<boolean> {
    await mkdir(this.path, { recursive: true });
    for (let attempt = 0; attempt < 2; attempt++) {
      const record: LockRecord = { flow, runId, owner: this.owner, acquiredUtc: new Date().toISOString() };
      try {
        const handle = await open(file, "wx");
        try {
          await handle.writeFile(`${JSON.stringify(record)}\n`);
        } finally {
          await handle.close();
        }
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST")
          throw lockError(`cannot create the lock ${file}`, error);
      }
      const held = await readLock(file);
      if (held && !this.#isDead(held)) return false;
      if (held) await removeIfUnchanged(file, held.text);
    }
    return false;
  }

  #isDead(held: ReadLock): boolean {
    if (!held.record) return held.ageMs > UNWRITTEN_GRACE_MS;
    return ownerAlive(held.record.owner) === false;
  }

  #info(flow: string, held: ReadLock): LockInfo {
    const record = held.record;
    return {
      flow,
      runId: record?.runId ?? null,
      owner: record?.owner ?? null,
      acquiredUtc: record?.acquiredUtc ?? null,
      ageMs: record ? Math.max(0, Date.now() - Date.parse(record.acquiredUtc)) : held.ageMs,
      ownerAlive: record ? ownerAlive(record.owner) : null,
    };
  }

  #wakeQueue(flow: string): void {
    this.#queues.get(flow)?.[0]?.wake();
  }

  async #entries(): Promise<string[]> {
    try {
      return (await readdir(this.path)).filter(
        (name) => name.endsWith(".lock") && FLOW_NAME.test(name.slice(0, -5)),
      );
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw lockError(`cannot read LOCK_PATH ${this.path}`, error);
    }
  }

  /** The lock file of a flow; the name rules keep it inside LOCK_PATH. */
  #file(flow: string): string {
    if (typeof flow !== "string" || !FLOW_NAME.test(flow)) {
      throw new OctoflowError("INPUT_INVALID", `"${String(flow).slice(0, 80)}" is not a flow name`, {
        hint: "flow names use letters, digits, '.', '_' and '-', start with a letter or digit, and are at most 200 long",
      });
    }
    return join(this.path, `${flow}.lock`);
  }
}

interface Waiter {
  wake(): void;
}

interface ReadLock {
  readonly text: string;
  readonly record: LockRecord | undefined;
  readonly ageMs: number;
}

async function readLock(file: string): Promise<ReadLock | undefined> {
  let text: string;
  let ageMs: number;
  try {
    [text, ageMs] = await Promise.all([
      readFile(file, "utf8"),
      stat(file).then((s) => Date.now() - s.mtimeMs),
    ]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw lockError(`cannot read the lock ${file}`, error);
  }
  return { text, record: parseLock(text), ageMs };
}

function parseLock(text: string): LockRecord | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockRecord>;
    const valid =
      typeof value.flow === "string" && typeof value.runId === "number" && typeof value.owner === "string";
    return valid && typeof value.acquiredUtc === "string" ? (value as LockRecord) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Removes a lock only if it still holds `text`: it is moved aside first, so a lock that another
 * process took in the meantime is put back instead of being deleted.
 */
async function removeIfUnchanged(file: string, text: string): Promise<boolean> {
  const aside = `${file}.${randomUUID()}.removing`;
  try {
    await rename(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw lockError(`cannot remove the lock ${file}`, error);
  }
  try {
    if ((await readFile(aside, "utf8")) === text) return true;
    await link(aside, file).catch(() => undefined); // EEXIST: a third process took it; its lock stands
    return false;
  } finally {
    await rm(aside, { force: true });
  }
}

/** Whether the `host:pid` owner still runs: null when it is on another host. */
export function ownerAlive(owner: string): boolean | null {
  const at = owner.lastIndexOf(":");
  const pid = Number(owner.slice(at + 1));
  if (at <= 0 || owner.slice(0, at) !== hostname() || !Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function lockError(message: string, cause: unknown): OctoflowError {
  return new OctoflowError("INTERNAL", `${message}: ${(cause as Error).message}`, {
    hint: "check that LOCK_PATH exists and this process may write to it",
    cause,
  });
}

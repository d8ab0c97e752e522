import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LockManager } from "./locks.js";

let dir: string;
let lockPath: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "octoflow-locks-"));
  lockPath = join(dir, "locks");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A real process that is alive until killed, and its `host:pid`. */
async function childProcess(): Promise<{ owner: string; kill(): Promise<void> }> {
  const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 1e6)"], { stdio: "ignore" });
  await new Promise((resolve, reject) => child.once("spawn", resolve).once("error", reject));
  return {
    owner: `${hostname()}:${child.pid}`,
    kill: () =>
      new Promise((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGKILL");
      }),
  };
}

describe("LockManager", () => {
  it("lets exactly one of two managers take a flow's lock at once", async () => {
    const a = new LockManager(lockPath);
    const b = new LockManager(lockPath);
    const results = await Promise.all([
      a.acquire("daily", 1),
      b.acquire("daily", 2),
      a.acquire("daily", 3),
      b.acquire("daily", 4),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results.indexOf(true) + 1;
    const record = JSON.parse(readFileSync(join(lockPath, "daily.lock"), "utf8")) as Record<string, unknown>;
    expect(record).toMatchObject({ flow: "daily", runId: winner, owner: `${hostname()}:${process.pid}` });
    expect(record.acquiredUtc).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
  });

  it("releases only the holder's lock, then lets another take it", async () => {
    const locks = new LockManager(lockPath);
    expect(await locks.acquire("daily", 1)).toBe(true);
    expect(await locks.release("daily", 2)).toBe(false);
    expect(await locks.acquire("daily", 2)).toBe(false);
    expect(await locks.release("daily", 1)).toBe(true);
    expect(await locks.acquire("daily", 2)).toBe(true);
    expect(readdirSync(lockPath)).toEqual(["daily.lock"]);
  });

  it("lists locks with owner, run, age and whether the owner is alive", async () => {
    const locks = new LockManager(lockPath);
    await locks.acquire("b-flow", 7);
    await new LockManager(lockPath, { owner: "elsewhere:123" }).acquire("a-flow", 8);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const listed = await locks.list();
    expect(listed.map((l) => [l.flow, l.runId, l.owner, l.ownerAlive])).toEqual([
      ["a-flow", 8, "elsewhere:123", null],
      ["b-flow", 7, locks.owner, true],
    ]);
    expect(listed[1]?.ageMs).toBeGreaterThanOrEqual(15);
    expect(await locks.get("c-flow")).toBeUndefined();
  });

  it("removes one lock or all of them by hand", async () => {
    const locks = new LockManager(lockPath);
    await locks.acquire("one", 1);
    await locks.acquire("two", 2);
    await locks.acquire("three", 3);
    expect(await locks.remove("one")).toBe(true);
    expect(await locks.remove("one")).toBe(false);
    expect((await locks.removeAll()).sort()).toEqual(["three", "two"]);
    expect(await locks.list()).toEqual([]);
  });

  it("at start releases locks of dead processes and keeps those of live ones and other hosts", async () => {
    const alive = await childProcess();
    const dead = await childProcess();
    try {
      await new LockManager(lockPath, { owner: alive.owner }).acquire("alive", 1);
      await new LockManager(lockPath, { owner: dead.owner }).acquire("dead", 2);
      await new LockManager(lockPath, { owner: "another-host:1" }).acquire("remote", 3);
      await new LockManager(lockPath).acquire("mine", 4);
      const locks = new LockManager(lockPath);
      expect((await locks.list()).every((l) => l.flow === "remote" || l.ownerAlive === true)).toBe(true);
      await dead.kill();
      expect((await locks.get("dead"))?.ownerAlive).toBe(false);
      const released = await locks.releaseDead();
      expect(released.map((l) => [l.flow, l.runId, l.owner])).toEqual([["dead", 2, dead.owner]]);
      expect((await locks.list()).map((l) => l.flow)).toEqual(["alive", "mine", "remote"]);
    } finally {
      await alive.kill();
    }
  });

  it("breaks a dead process's lock when taking it, and leaves a lock still being written", async () => {
    const dead = await childProcess();
    await new LockManager(lockPath, { owner: dead.owner }).acquire("daily", 1);
    await dead.kill();
    const locks = new LockManager(lockPath);
    expect(await locks.acquire("daily", 2)).toBe(true);
    expect((await locks.get("daily"))?.runId).toBe(2);
    writeFileSync(join(lockPath, "fresh.lock"), "");
    expect(await locks.acquire("fresh", 3)).toBe(false);
    expect(await locks.releaseDead()).toEqual([]);
  });

  it("refuses flow names that would leave LOCK_PATH", async () => {
    const locks = new LockManager(lockPath);
    for (const name of ["../escape", "a/b", "", ".hidden", "x\0y", "..", `${"a".repeat(201)}`]) {
      await expect(locks.acquire(name, 1)).rejects.toThrow(/is not a flow name/);
      await expect(locks.remove(name)).rejects.toMatchObject({
        code: "INPUT_INVALID",
        hint: expect.stringContaining("letters, digits"),
      });
    }
    expect(existsSync(join(dir, "escape.lock"))).toBe(false);
    expect(existsSync(lockPath)).toBe(false);
  });

  it("hands a lock to waiters in the order they came, and lets a waiter give up", async () => {
    const locks = new LockManager(lockPath, { pollMs: 1000 });
    await locks.acquire("daily", 1);
    const order: number[] = [];
    const cancel = new AbortController();
    const second = locks.wait("daily", 2).then(() => order.push(2));
    const gaveUp = locks.wait("daily", 9, cancel.signal).catch((error: unknown) => error);
    const third = locks.wait("daily", 3).then(() => order.push(3));
    expect(await locks.acquire("daily", 4)).toBe(false); // waiters keep their turn
    cancel.abort(new Error("cancelled"));
    expect(await gaveUp).toMatchObject({ message: "cancelled" });
    const started = Date.now();
    await locks.release("daily", 1);
    await second;
    expect(Date.now() - started).toBeLessThan(500); // woken at once, not at the next poll
    await locks.release("daily", 2);
    await third;
    expect(order).toEqual([2, 3]);
    expect((await locks.get("daily"))?.runId).toBe(3);
  });

  it("sees a lock another process released by polling", async () => {
    const other = new LockManager(lockPath);
    const locks = new LockManager(lockPath, { pollMs: 30 });
    await other.acquire("daily", 1);
    const waiting = locks.wait("daily", 2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await other.release("daily", 1);
    await waiting;
    expect((await locks.get("daily"))?.runId).toBe(2);
  });
});

// Postgres refuses to start while postmaster.pid names a live process. After the owning Node process
// was killed the file can stay behind; when its pid is dead, or has been reused by something that is
// not Postgres (common in containers with small pid numbers), the file is stale and is removed.
// A Postgres that outlived its Node parent (kill -9 of the parent; it is then re-parented to pid 1)
// is shut down cleanly, since nothing else will ever stop it.
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Linux only; elsewhere the name is unknown and a live pid is taken at its word. */
async function processName(pid: number): Promise<string | undefined> {
  return readFile(`/proc/${pid}/comm`, "utf8").then(
    (name) => name.trim(),
    () => undefined,
  );
}

/**
 * State and parent pid from /proc/<pid>/stat; the command name (field 2) may contain spaces, so
 * parsing starts after its closing ")".
 */
async function processStat(pid: number): Promise<{ state: string; ppid: number } | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => undefined);
  if (stat === undefined) return undefined;
  const [state = "", ppid = ""] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { state, ppid: Number.parseInt(ppid, 10) };
}

/** SIGINT = Postgres "fast shutdown": disconnects clients, checkpoints, exits. */
async function shutDown(pid: number, log: (message: string) => void): Promise<void> {
  log(`Stopping orphaned Postgres (pid ${pid})`);
  process.kill(pid, "SIGINT");
  for (let waited = 0; waited < 15_000; waited += 100) {
    if (!isAlive(pid)) return;
    await sleep(100);
  }
  throw new Error(`Orphaned Postgres (pid ${pid}) did not stop within 15 s`);
}

export async function clearStalePostmasterPid(
  dataDir: string,
  log: (message: string) => void,
): Promise<void> {
  const pidFile = path.join(dataDir, "postmaster.pid");
  let text: string;
  try {
    text = await readFile(pidFile, "utf8");
  } catch {
    return;
  }
  const pid = Number.parseInt(text.split("\n")[0] ?? "", 10);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
    const [name, stat] = await Promise.all([processName(pid), processStat(pid)]);
    const postgres = name === undefined || name.startsWith("postgres");
    // A zombie has exited already; only its exit status is waiting to be collected.
    if (postgres && stat?.state !== "Z" && stat?.ppid === 1) {
      await shutDown(pid, log);
      // Postgres removes its own pid file on a clean shutdown.
      return;
    }
    if (postgres && stat?.state !== "Z") {
      throw new Error(
        `Postgres (pid ${pid}) is already running on ${dataDir}. Stop it first (kill -INT ${pid}) ` +
          `or use another data directory.`,
      );
    }
  }
  log(`Removing stale ${pidFile} (pid ${Number.isNaN(pid) ? "unreadable" : pid} is not a running Postgres)`);
  await rm(pidFile, { force: true });
}

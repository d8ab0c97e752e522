import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { App } from "../cli/app.js";
import type { FlowLauncher } from "../services/launcher.js";
import type { LockManager } from "../services/locks.js";
import type { Scheduler } from "../services/scheduler.js";
import type { FlowCatalog } from "./flow-catalog.js";
import type { ReportCache } from "./report-cache.js";
import type { RunListStreams } from "./run-list-stream.js";
import type { EventStreams } from "./sse.js";

/** The scheduler the schedules routes drive. */
export type ScheduleApi = Pick<Scheduler, "add" | "remove" | "list">;

/** The lock manager the locks routes drive. */
export type LockApi = Pick<LockManager, "list" | "remove" | "removeAll">;

/** What every route handler works with. */
export interface ServerContext {
  readonly app: App;
  readonly flows: FlowCatalog;
  readonly streams: EventStreams;
  /** The stream of every run's state changes, for live lists. */
  readonly runList: RunListStreams;
  readonly log: FastifyBaseLogger;
  /** Launches under each flow's lock policy. */
  readonly launcher: Pick<FlowLauncher, "launch" | "resume">;
  readonly scheduler: ScheduleApi | undefined;
  readonly locks: LockApi | undefined;
  /** Reports of ended runs, served again without reading them again. */
  readonly reports: ReportCache<unknown>;
  /** Set once shutdown starts: new runs are refused with 503. */
  readonly state: { shuttingDown: boolean };
}

/** The fastify instance routes are added to, typed by the zod schemas of each route. */
export type ZodServer = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

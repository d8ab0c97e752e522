import fastifySwagger from "@fastify/swagger";
import Fastify, { LogController } from "fastify";
import type { FastifyBaseLogger, FastifyInstance, FastifyReply } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { jsonSchemaTransform, validatorCompiler } from "fastify-type-provider-zod";
import type { App } from "../cli/app.js";
import { authHook, bearerChecker, isPublicRequest } from "./auth.js";
import { FlowLauncher } from "../services/launcher.js";
import { LockManager } from "../services/locks.js";
import { Scheduler } from "../services/scheduler.js";
import type { ServerContext, ZodServer } from "./context.js";
import { ApiError, toApiError } from "./errors.js";
import { FlowCatalog } from "./flow-catalog.js";
import { registerAssetRoutes } from "./routes/assets.js";
import { registerCatalogRoutes } from "./routes/catalog.js";
import { registerConnectionRoutes } from "./routes/connections.js";
import { registerFlowInputRoutes } from "./routes/flow-inputs.js";
import { registerFlowRoutes } from "./routes/flows.js";
import { registerHealthRoute } from "./routes/health.js";
import { registerLockRoutes } from "./routes/locks.js";
import { registerRunRoutes } from "./routes/runs.js";
import { registerScheduleRoutes } from "./routes/schedules.js";
import { registerStepRunRoutes } from "./routes/step-runs.js";
import { ReportCache } from "./report-cache.js";
import { runDetail } from "./run-operations.js";
import { registerSeedRoutes } from "./seed-routes.js";
import { RunListStreams } from "./run-list-stream.js";
import { EventStreams } from "./sse.js";
import { followRunEvents } from "./service-log.js";
import { registerUiAssets } from "./ui-assets.js";

export const VERSION = "0.1.0";

export interface ServerOptions {
  /** The opened store and services (cli/app.ts `openApp`). */
  readonly app: App;
  /** The bearer token every route but health needs. */
  readonly token: string;
  /** The service log (default: silent). */
  readonly logger?: FastifyBaseLogger;
  /** Largest request body in bytes (default 1 MiB); larger ones get 413. */
  readonly bodyLimit?: number;
  /** Default: a LockManager over LOCK_PATH. */
  readonly locks?: LockManager;
  /** Default: a FlowLauncher over the App's runs and `locks`. */
  readonly launcher?: Pick<FlowLauncher, "launch" | "resume">;
  /** Default: a Scheduler over the store with config.yml's `autostart`; `false` for none. */
  readonly scheduler?: Scheduler | false;
  /** TLS key and certificate (PEM) to serve HTTPS instead of HTTP. */
  readonly https?: { readonly key: string | Buffer; readonly cert: string | Buffer };
}

export interface OctoflowServer {
  readonly http: FastifyInstance;
  readonly context: ServerContext;
  /**
   * Releases the locks of dead processes, starts listening, then starts the scheduler; resolves
   * with the address, e.g. `http://127.0.0.1:5000`.
   */
  listen(port: number, host: string): Promise<string>;
  /** Stops the scheduler (waits for a tick in progress); runs it started go on. */
  stopScheduler(): Promise<void>;
  /** Stops listening for new connections; requests and event streams in flight go on. */
  stopAccepting(): void;
  /** Ends the event streams and closes the HTTP side; the App is closed by whoever opened it. */
  close(): Promise<void>;
}

/**
 * Builds the REST API server over an opened App: zod schemas validate every request and are the
 * OpenAPI document at /api/v1/openapi.json; every route but health needs the bearer token.
 *
 * @example
 * const server = await createServer({ app: await openApp(), token });
 * console.log(await server.listen(5000, "127.0.0.1"));
 */
export async function createServer(options: ServerOptions): Promise<OctoflowServer> {
  const { app } = options;
  const checkToken = bearerChecker(options.token);
  const http = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    ...(options.https ? { https: { key: options.https.key, cert: options.https.cert } } : {}),
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    // Requests are logged once, by the onResponse hook below.
    logController: new LogController({ disableRequestLogging: true }),
    // No per-request child logger: nothing logs through request.log, and making one per request is not free.
    childLoggerFactory: (logger) => logger,
    requestTimeout: 30_000,
    // A URL the router cannot read (bad percent-encoding) is answered before any hook runs: check
    // the token here too, and answer in the API's error shape.
    frameworkErrors: (error, request, reply) => {
      const refused =
        !isPublicRequest(request.method, request.raw.url ?? "") && !checkToken(request.headers.authorization);
      const { status, body } = toApiError(
        refused
          ? new ApiError(401, "UNAUTHORIZED", "this route needs an API token", {
              hint: "send Authorization: Bearer <API_TOKEN>",
            })
          : error,
        app.secrets.redact,
      );
      void (reply as unknown as FastifyReply).code(status).send(body);
    },
    return503OnClosing: true,
  }) as unknown as FastifyInstance;
  const server = http.withTypeProvider<ZodTypeProvider>() as unknown as ZodServer;
  server.setValidatorCompiler(validatorCompiler);
  // Response schemas document the answers (OpenAPI) and type the handlers; the tests hold the
  // answers to them, so they are not checked again on every response.
  server.setSerializerCompiler(() => (data) => JSON.stringify(data));

  const log = server.log;
  const locks = options.locks ?? new LockManager(app.settings.lockPath);
  const launcher = options.launcher ?? new FlowLauncher({ runs: app.runs, locks });
  const scheduler =
    options.scheduler === false
      ? undefined
      : (options.scheduler ??
        new Scheduler({
          store: app.store,
          launcher,
          registry: app.registry,
          flowsPath: app.settings.flowsPath,
          autostart: app.config.autostart,
          log: ({ level, message, ...fields }) => log[level](fields, message),
        }));
  const streams = new EventStreams(app, async (run) => {
    const { data: _data, ...rest } = await runDetail(context, run);
    return rest;
  });
  const runList = new RunListStreams(app);
  const context: ServerContext = {
    app,
    flows: new FlowCatalog(app),
    streams,
    runList,
    log,
    launcher,
    scheduler,
    locks,
    reports: new ReportCache(),
    state: { shuttingDown: false },
  };

  // The web UI's files need no token; its hook answers before the auth hook is reached.
  registerUiAssets(server);
  server.addHook("onRequest", authHook(options.token));
  server.addHook("onResponse", async (request, reply) => {
    const fields = {
      method: request.method,
      url: request.url,
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
    };
    if (reply.statusCode >= 500) log.error(fields, "request failed");
    else if (request.method !== "GET" || reply.statusCode >= 400) log.info(fields, "request");
    else log.debug(fields, "request");
  });
  server.setErrorHandler((error, request, reply) => {
    const { status, body, internal } = toApiError(error, app.secrets.redact);
    if (internal)
      log.error(
        {
          method: request.method,
          url: request.url,
          err: app.secrets.redact(String((error as Error).stack ?? error)),
        },
        "request error",
      );
    return reply.code(status).send(body);
  });
  server.setNotFoundHandler((request) => {
    throw new ApiError(404, "NOT_FOUND", `there is no route ${request.method} ${request.url.split("?")[0]}`, {
      hint: "the routes are listed in /api/v1/openapi.json",
    });
  });
  // YAML may be posted as is to /api/v1/flows/validate.
  server.addContentTypeParser(
    ["application/yaml", "application/x-yaml", "text/yaml", "text/plain"],
    { parseAs: "string" },
    (_request, text, done) => done(null, { text }),
  );

  await server.register(fastifySwagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "octoflow",
        version: VERSION,
        description:
          "Launch, follow and cancel runs of data flows; schedules, locks and the seeds' own routes.",
      },
      components: {
        securitySchemes: {
          bearer: { type: "http", scheme: "bearer", description: "Authorization: Bearer <API_TOKEN>" },
        },
      },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });

  registerHealthRoute(server, context, VERSION);
  registerFlowRoutes(server, context);
  registerFlowInputRoutes(server, context);
  registerRunRoutes(server, context);
  registerScheduleRoutes(server, context);
  registerLockRoutes(server, context);
  registerCatalogRoutes(server, context);
  registerConnectionRoutes(server, context);
  registerAssetRoutes(server, context);
  registerStepRunRoutes(server, context);
  registerSeedRoutes(server, context);
  server.get("/api/v1/openapi.json", { schema: { hide: true } }, async () => server.swagger());

  const stopFollowing = followRunEvents(app, log);
  let closing: Promise<void> | undefined;
  const stopAccepting = (): Promise<void> => (closing ??= server.close().then(() => undefined));
  return {
    http,
    context,
    async listen(port, host) {
      const released = await locks.releaseDead();
      if (released.length > 0)
        log.warn({ flows: released.map((l) => l.flow) }, "released the locks of processes that are gone");
      const address = await server.listen({ port, host });
      if (scheduler) {
        const { entries, problems } = await scheduler.start();
        log.info({ entries: entries.length, problems: problems.length }, "scheduler started");
      }
      return address;
    },
    async stopScheduler() {
      await scheduler?.stop();
    },
    stopAccepting() {
      void stopAccepting();
    },
    async close() {
      await scheduler?.stop();
      const closed = stopAccepting();
      streams.closeAll("the server is shutting down");
      runList.closeAll("the server is shutting down");
      await closed;
      stopFollowing();
    },
  };
}

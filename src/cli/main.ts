import { Command, Option } from "commander";
import { loadSettings } from "../services/settings.js";
import type { App } from "./app.js";
import { createConfiguredRegistry, openApp } from "./app.js";
import { loadConfigFile } from "../services/config-file.js";
import {
  graphCommand,
  planCommand,
  schemaCommand,
  stepTypesCommand,
  validateCommand,
} from "./commands/inspect.js";
import { resumeCommand, runCommand } from "./commands/run.js";
import { listRunsCommand, runLogsCommand, showRunCommand } from "./commands/runs.js";
import { connectionsCommand } from "./commands/connections.js";
import {
  remoteListRunsCommand,
  remoteRunCommand,
  remoteRunLogsCommand,
  remoteShowRunCommand,
} from "./commands/remote.js";
import type { ServeOptions } from "./commands/serve.js";
import { EXIT, parseId, reportError } from "./output.js";

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Settings and step types (with configured plugins) for commands that need no store. */
async function offline() {
  const settings = loadSettings();
  return {
    settings,
    registry: await createConfiguredRegistry(settings, loadConfigFile(settings.configFile)),
  };
}

const ENVIRONMENT_HELP = `
Environment (all optional, seed 003):
  DATA_PATH        root of octoflow's files (default: data/)
  FLOWS_PATH       flow files (default: DATA_PATH/flows); FLOW arguments are also looked up here
  TEMPLATES_PATH   Jinja templates (default: DATA_PATH/templates)
  SECRETS_PATH     secrets file (default: DATA_PATH/secrets.yml)
  CONFIG_FILE      configuration (default: DATA_PATH/config.yml)
  LOCK_PATH, LOG_PATH, API_PORT (5000), API_PROTOCOL (http), API_TOKEN
  OCTOFLOW_DATABASE  the SQLite run store (default: DATA_PATH/octoflow.db)

Exit codes: 0 completed, 1 failed, 2 invalid flow or arguments, 3 not found,
  75 skipped (the flow is already running and its lock policy is skip), 130 cancelled.`;

/** Builds the command line; each action returns its exit code through `setCode`. */
export function buildProgram(setCode: (code: number) => void): Command {
  const program = new Command("octoflow")
    .description("Run data flows written in YAML: read files, call APIs, query databases, transform, loop.")
    .version("0.1.0")
    .showHelpAfterError("(add --help for usage)")
    .addHelpText("after", ENVIRONMENT_HELP);

  const withApp =
    (action: (app: App, ...args: never[]) => Promise<number>) =>
    async (...args: unknown[]): Promise<void> => {
      const app = await openApp();
      try {
        setCode(await (action as (app: App, ...rest: unknown[]) => Promise<number>)(app, ...args));
      } finally {
        await app.close();
      }
    };
  const withoutStore =
    (action: (...args: never[]) => Promise<number> | number) =>
    async (...args: unknown[]): Promise<void> => {
      setCode(await (action as (...rest: unknown[]) => Promise<number> | number)(...args));
    };
  /** With `--server URL` a command talks to a running server instead of opening the local store. */
  type Remote = (server: string, ...args: unknown[]) => Promise<number>;
  const orServer =
    (
      local: (...args: never[]) => Promise<void>,
      remote: (server: string, ...args: never[]) => Promise<number>,
    ) =>
    async (...args: unknown[]): Promise<void> => {
      const { server } = args[args.length - 2] as { server?: string };
      if (server === undefined) return (local as (...rest: unknown[]) => Promise<void>)(...args);
      setCode(await (remote as Remote)(server, ...args));
    };
  const serverOption = "--server <url>";
  const serverHelp = "talk to the octoflow server at this URL (token from API_TOKEN)";
  const selection = (o: { only?: string[]; withUpstream?: boolean; withDownstream?: boolean }) => ({
    ...(o.only?.length ? { only: o.only } : {}),
    ...(o.withUpstream ? { withUpstream: true } : {}),
    ...(o.withDownstream ? { withDownstream: true } : {}),
  });

  program
    .command("run")
    .description("run a flow here and show its progress; exits 0 when the run COMPLETED")
    .argument("<flow>", "a flow file, or a name or path under FLOWS_PATH")
    .option("-i, --input <key=value>", "an input argument (repeatable)", collect)
    .option("--input-file <file>", "input arguments from a JSON or YAML file")
    .option("--only <step...>", "run only these steps")
    .option("--with-upstream", "with --only: also run the steps they depend on")
    .option("--with-downstream", "with --only: also run the steps that depend on them")
    .option("--json", "print the final run as JSON on stdout")
    .option("-q, --quiet", "print nothing but errors")
    .option(serverOption, "run it on the octoflow server at this URL (token from API_TOKEN)")
    .action(
      orServer(
        withApp((app: App, flow: string, options: Parameters<typeof runCommand>[2]) =>
          runCommand(app, flow, options),
        ),
        (server: string, flow: string, options: Parameters<typeof runCommand>[2]) =>
          remoteRunCommand(server, flow, options),
      ),
    );

  program
    .command("resume")
    .description("go on with a FAILED or CANCELLED run from its completed steps")
    .argument("<run>", "run id")
    .option("--json", "print the final run as JSON on stdout")
    .option("-q, --quiet", "print nothing but errors")
    .action(
      withApp((app: App, run: string, options: { json?: boolean; quiet?: boolean }) =>
        resumeCommand(app, parseId(run), options),
      ),
    );

  program
    .command("validate")
    .description("check flow files and report every problem with file, line and column")
    .argument("<flow...>", "flow files")
    .option("--json", "print the diagnostics as JSON")
    .action(
      withoutStore(async (flows: string[], options: { json?: boolean }) =>
        validateCommand(await offline(), flows, options),
      ),
    );

  program
    .command("plan")
    .description("print what a run would do, in order and in parallel groups, without running anything")
    .argument("<flow>", "a flow file")
    .option("--only <step...>", "plan only these steps")
    .option("--with-upstream", "with --only: add the steps they depend on")
    .option("--with-downstream", "with --only: add the steps that depend on them")
    .option("--json", "print the plan as JSON")
    .action(
      withApp(
        (
          app: App,
          flow: string,
          options: { json?: boolean; only?: string[]; withUpstream?: boolean; withDownstream?: boolean },
        ) => planCommand(app, flow, selection(options), options),
      ),
    );

  program
    .command("graph")
    .description("draw a flow, or a run with each step coloured by its state")
    .argument("[flow]", "a flow file")
    .addOption(new Option("--format <format>", "output format").choices(["dot", "mermaid"]).default("dot"))
    .option("--run <id>", "draw this run instead of a flow file")
    .action(
      withApp((app: App, flow: string | undefined, options: { format: string; run?: string }) =>
        graphCommand(app, flow, {
          format: options.format,
          ...(options.run === undefined ? {} : { run: parseId(options.run) }),
        }),
      ),
    );

  program
    .command("schema")
    .description("print the JSON Schema of flow files (for editors)")
    .action(withoutStore(async () => schemaCommand(await offline())));

  program
    .command("step-types")
    .description("list the step types that flows can use")
    .option("--json", "print as JSON")
    .action(withoutStore(async (options: { json?: boolean }) => stepTypesCommand(await offline(), options)));

  const runs = program.command("runs").description("look at runs kept in the store");
  runs
    .command("list")
    .description("list runs, newest first")
    .option("--flow <name>", "only runs of this flow")
    .option("--state <state>", "only runs in this state")
    .option("--limit <n>", "how many (default 20)")
    .option("--before <id>", "runs older than this id (next page)")
    .option("--json", "print as JSON")
    .option(serverOption, serverHelp)
    .action(
      orServer(
        withApp((app: App, options: Parameters<typeof listRunsCommand>[1]) => listRunsCommand(app, options)),
        (server: string, options: Parameters<typeof listRunsCommand>[1]) =>
          remoteListRunsCommand(server, options),
      ),
    );
  runs
    .command("show")
    .description("show a run: its steps, attempts, errors and sub-runs")
    .argument("<run>", "run id")
    .option("--json", "print as JSON")
    .option(serverOption, serverHelp)
    .action(
      orServer(
        withApp((app: App, run: string, options: { json?: boolean }) =>
          showRunCommand(app, parseId(run), options),
        ),
        (server: string, run: string, options: { json?: boolean }) =>
          remoteShowRunCommand(server, parseId(run), options),
      ),
    );
  runs
    .command("logs")
    .description("print a run's log lines")
    .argument("<run>", "run id")
    .option("-f, --follow", "keep printing until the run ends")
    .option("--json", "one JSON object per line")
    .option(serverOption, serverHelp)
    .action(
      orServer(
        withApp((app: App, run: string, options: { follow?: boolean; json?: boolean }) =>
          runLogsCommand(app, parseId(run), options),
        ),
        (server: string, run: string, options: { follow?: boolean; json?: boolean }) =>
          remoteRunLogsCommand(server, parseId(run), options),
      ),
    );

  program
    .command("serve")
    .description("serve the REST API, live run events and the scheduler on API_PORT until SIGTERM or SIGINT")
    .option("--port <port>", "port to listen on (default API_PORT, 5000; 0 picks a free one)")
    .option("--host <host>", "address to listen on (default API_HOST, else 127.0.0.1)")
    .option(
      "--grace-period <seconds>",
      "on SIGTERM, how long running runs may finish before they are cancelled",
      "10",
    )
    // The server and its framework load only for `serve`: other commands start faster without them.
    .action(
      withoutStore(async (options: ServeOptions) =>
        (await import("./commands/serve.js")).serveCommand(options),
      ),
    );

  program.addCommand(connectionsCommand(setCode));

  return program;
}

/** Runs the CLI with `argv` and resolves with the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram((c) => (code = c));
  program.exitOverride();
  try {
    await program.parseAsync(argv as string[]);
    return code;
  } catch (error) {
    const commanderCode = (error as { code?: string }).code;
    if (typeof commanderCode === "string" && commanderCode.startsWith("commander.")) {
      return commanderCode === "commander.helpDisplayed" ||
        commanderCode === "commander.version" ||
        commanderCode === "commander.help"
        ? EXIT.ok
        : EXIT.usage;
    }
    return reportError(error);
  }
}

import { OctoflowError } from "../model/errors.js";
import type { ConnectorKind } from "../connectors/connector.js";
import type { OctoflowPlugin, StepType } from "./step-type.js";

/**
 * The step types available to flows. Built-ins arrive through the same `register` call as
 * third-party plugins.
 *
 * @example
 * const registry = new PluginRegistry().register(builtinPlugin).register(myPlugin);
 */
export class PluginRegistry {
  readonly #stepTypes = new Map<string, StepType>();
  readonly #connectors = new Map<string, ConnectorKind>();
  readonly #plugins: OctoflowPlugin[] = [];

  register(plugin: OctoflowPlugin): this {
    for (const stepType of plugin.stepTypes ?? []) {
      if (!/^[a-z][a-z0-9_]*$/.test(stepType.name)) {
        throw new OctoflowError(
          "PLUGIN_INVALID",
          `plugin ${plugin.name}: step type name "${stepType.name}" is not valid`,
          {
            hint: "use lower-case letters, digits and underscores, starting with a letter",
          },
        );
      }
      const existing = this.#stepTypes.get(stepType.name);
      if (existing) {
        throw new OctoflowError(
          "PLUGIN_INVALID",
          `plugin ${plugin.name}: step type "${stepType.name}" is already registered`,
          {
            hint: "give the step type another name",
          },
        );
      }
      this.#stepTypes.set(stepType.name, stepType as StepType);
    }
    for (const connector of plugin.connectors ?? []) {
      if (this.#connectors.has(connector.kind)) {
        throw new OctoflowError(
          "PLUGIN_INVALID",
          `plugin ${plugin.name}: connection type "${connector.kind}" is already registered`,
          { hint: "give the connector another kind name" },
        );
      }
      this.#connectors.set(connector.kind, connector as ConnectorKind);
    }
    this.#plugins.push(plugin);
    return this;
  }

  connector(kind: string): ConnectorKind | undefined {
    return this.#connectors.get(kind);
  }

  connectorKinds(): string[] {
    return [...this.#connectors.keys()].sort();
  }

  stepType(name: string): StepType | undefined {
    return this.#stepTypes.get(name);
  }

  stepTypeNames(): string[] {
    return [...this.#stepTypes.keys()].sort();
  }

  stepTypes(): StepType[] {
    return this.stepTypeNames().map((name) => this.#stepTypes.get(name) as StepType);
  }

  plugins(): readonly OctoflowPlugin[] {
    return this.#plugins;
  }
}

import { parse as parseYamlText } from "yaml";
import { z } from "zod";
import { NonRetriableError } from "../model/errors.js";
import { checkTemplate, fileTemplateLoader, renderTemplate } from "../model/template.js";
import { defineStepType } from "../plugins/step-type.js";

/**
 * Seed 003's jinja step: renders a template from TEMPLATES_PATH (include, import and extends
 * resolve there too) with the run's data; the picked value is `data`, and when it is a mapping its
 * keys are also at the top level. `parse: json|yaml` turns the text into data.
 */
export const jinjaStep = defineStepType({
  name: "jinja",
  description: "Renders a Jinja2 template from TEMPLATES_PATH with the run's data.",
  options: z
    .strictObject({
      path: z.string().min(1).optional().meta({ description: "The template, relative to TEMPLATES_PATH." }),
      template: z.string().optional().meta({ description: "An inline template, instead of path." }),
      data_key: z.string().optional().meta({ description: "The run data to render (as `data`)." }),
      parse: z
        .enum(["json", "yaml"])
        .optional()
        .meta({ description: "Parse the rendered text as JSON or YAML." }),
    })
    .refine((o) => (o.path === undefined) !== (o.template === undefined), {
      message: "give exactly one of path or template",
    }),
  rawOptions: ["template"],
  check: (options) => {
    const problem =
      options.template === undefined ? undefined : checkTemplate(options.template, "inline template");
    return problem ? [{ path: ["template"], message: `template does not parse: ${problem}` }] : [];
  },
  run: ({ options, input, context }) => {
    const loader = fileTemplateLoader(context.paths.templates);
    const name = options.path ?? "inline template";
    const source = options.path === undefined ? (options.template as string) : loader.load(options.path);
    if (source === undefined) {
      throw new NonRetriableError(
        `template ${options.path} not found in TEMPLATES_PATH (${context.paths.templates})`,
        {
          hint: "the path is relative to TEMPLATES_PATH",
        },
      );
    }
    const picked =
      input !== null && typeof input === "object" && !Array.isArray(input)
        ? (input as Record<string, unknown>)
        : {};
    const text = renderTemplate(
      source,
      { ...context.data, run: context.run, ...picked, data: input ?? null },
      { name, loader },
    );
    if (options.parse === undefined) return text;
    try {
      return options.parse === "json" ? JSON.parse(text) : parseYamlText(text, { maxAliasCount: 100 });
    } catch (error) {
      throw new NonRetriableError(
        `the output of ${name} is not valid ${options.parse}: ${(error as Error).message.split("\n")[0]}`,
        {
          hint: `the text starts with: ${text.slice(0, 120)}`,
        },
      );
    }
  },
});

import * as fs from "fs";
import { Command, Option } from "commander";
import { envName, outputFile } from "../arguments";
import { PavedError } from "../../components/errors";
import { buildGraph, renderHtml, renderMermaid, renderSvg } from "../graph";
import { PROJECT_DIR, planEnvironment } from "../plan";

export type GraphFormat = "mermaid" | "html" | "svg";
const FORMATS: GraphFormat[] = ["mermaid", "html", "svg"];

export interface GraphCommandOptions {
    /** @default "mermaid" */
    format?: string;
    /** Show every resource instead of collapsing big sibling sets. */
    detail?: boolean;
    projectDir?: string;
}

/** Plans `env` offline and renders its architecture. */
export async function graphEnvironment(env: string, options: GraphCommandOptions = {}): Promise<string> {
    const format = (options.format ?? "mermaid") as GraphFormat;
    if (!FORMATS.includes(format)) throw new PavedError(`--format ${JSON.stringify(options.format)}: must be one of ${FORMATS.join(", ")}`);
    const result = await planEnvironment(env, { projectDir: options.projectDir ?? PROJECT_DIR });
    const graph = buildGraph(result.resources, { detail: options.detail });
    const title = `${result.project}/${result.stack}`;
    return format === "mermaid" ? renderMermaid(graph, title) : format === "svg" ? `${renderSvg(graph, title)}\n` : renderHtml(graph, title);
}

/** `paved graph <env> [--format mermaid|html|svg] [--out file] [--detail]`. */
export function registerGraphCommand(program: Command, projectDir?: () => string): void {
    program
        .command("graph")
        .description("draw an environment's architecture offline: components, resources and what uses what")
        .argument("<env>", "environment (stack) name, e.g. dev", envName)
        .addOption(new Option("--format <format>", "mermaid, html (self-contained page) or svg").choices(FORMATS).default("mermaid"))
        .option("--out <file>", "write to a file instead of stdout", outputFile)
        .option("--detail", "show every resource (default: siblings of one type beyond 3 collapse into one node)")
        .action(async (env: string, opts: { format: string; out?: string; detail?: boolean }) => {
            const text = await graphEnvironment(env, { ...opts, projectDir: projectDir?.() });
            if (opts.out) {
                fs.writeFileSync(opts.out, text);
                console.log(`wrote ${opts.out}`);
            } else process.stdout.write(text);
        });
}

import { Command } from "commander";
import { envName, existingFile } from "../arguments";
import { estimate } from "../cost/estimate";
import { loadAssumptions, loadPrices } from "../cost/inputs";
import { inventoryOf } from "../cost/inventory";
import { renderEstimate } from "../cost/render";
import { PlanOptions, planEnvironment } from "../plan";

interface CostOptions {
    assumptions?: string;
    prices?: string;
    json?: boolean;
    config?: string;
}

/**
 * `paved cost <env>`: a monthly estimate of an environment from its offline plan, the usage
 * assumptions and the committed price table (both overridable), with every line item.
 */
export function registerCostCommand(program: Command, projectDir: () => string, print: (text: string) => void = (t) => console.log(t)): Command {
    return program
        .command("cost")
        .description("estimate an environment's monthly AWS bill from its offline plan, stated usage assumptions and a price table")
        .argument("<env>", "environment (stack) name, e.g. dev", envName)
        .option("--assumptions <file>", "YAML or JSON usage assumptions merged over the defaults (builds, traffic, storage, jobs, logs ...)", existingFile("a YAML or JSON assumptions file"))
        .option("--prices <file>", "YAML or JSON prices merged over the committed table (cli/cost/prices.json)", existingFile("a YAML or JSON prices file"))
        .option("--config <file>", "plan this stack config file instead of Pulumi.<env>.yaml", existingFile("a stack config file, e.g. Pulumi.dev.yaml"))
        .option("--json", "print the estimate as JSON")
        .action(async (env: string, opts: CostOptions) => {
            // Files first: a typo in them fails before the plan runs.
            const assumptions = loadAssumptions(opts.assumptions);
            const prices = loadPrices(opts.prices);
            const planOptions: PlanOptions = { projectDir: projectDir(), configFile: opts.config };
            const plan = await planEnvironment(env, planOptions);
            const result = estimate(env, inventoryOf(plan.resources), assumptions, prices);
            print(opts.json ? JSON.stringify(result, null, 2) : renderEstimate(result, opts.assumptions));
        });
}

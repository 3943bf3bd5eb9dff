import { Paved } from "../../automation";
import { PavedConfig } from "../../components/config";
import { PavedError } from "../../components/errors";
import { AwsClients } from "./clients";
import { Clock, systemClock } from "./clock";
import { OutputsSource } from "./outputs-source";

// The outputs rules live with the automation API; re-exported for code that imported them from here.
export { checkNames, entryOf, fromOutputs } from "../../automation/paved";

/** What the AWS-facing commands need from outside; every field has a production default. */
export interface AwsCommandDeps {
    /** The deployed environment's stack outputs (the CLI backs it with the Automation API). */
    outputs?: OutputsSource;
    /** @default loadEnvironmentConfig (Pulumi.<env>.yaml, offline) */
    loadConfig?: (env: string) => PavedConfig;
    /** @default SDK clients for the region with the default credential chain */
    clients?: (region: string) => AwsClients;
    /** @default the system clock */
    clock?: Clock;
    /** Where output lines go. @default console.log */
    print?: (line: string) => void;
    /** Live redrawing progress; plain lines otherwise. @default stdout is a TTY and CI is unset */
    interactive?: boolean;
}

/** The automation API the command runs, and how the command renders. */
export interface ResolvedDeps {
    paved: Paved;
    clock: Clock;
    print: (line: string) => void;
    interactive: boolean;
}

export function resolveDeps(d: AwsCommandDeps = {}): ResolvedDeps {
    const outputs: OutputsSource = d.outputs ?? {
        outputs: async (env) => {
            throw new PavedError(`this command needs the outputs of the deployed "${env}" stack, and no outputs source is configured`);
        },
    };
    const clock = d.clock ?? systemClock;
    return {
        paved: new Paved({ outputs, loadConfig: d.loadConfig, clients: d.clients, clock }),
        clock,
        print: d.print ?? ((line) => console.log(line)),
        interactive: d.interactive ?? (Boolean(process.stdout.isTTY) && !process.env.CI),
    };
}

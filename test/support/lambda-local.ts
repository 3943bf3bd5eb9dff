import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { MOTO_CREDENTIALS } from "./moto";

export type LocalHandler = (event: unknown) => Promise<unknown>;

/**
 * A LambdaClient whose synchronous `Invoke` runs handlers in this process, answering as the Lambda
 * service does: status 200 with the JSON result as the payload, or, when the handler throws, status
 * 200 with `FunctionError: "Unhandled"` and `{errorType, errorMessage, trace}` as the payload.
 * Unknown functions get Lambda's ResourceNotFoundException.
 */
export function localLambda(functions: Record<string, LocalHandler>) {
    const client = new LambdaClient({ region: "eu-west-1", credentials: MOTO_CREDENTIALS });
    const mock = mockClient(client);
    const invocations: { functionName: string; event: unknown }[] = [];
    mock.on(InvokeCommand).callsFake(async (input) => {
        const fn = functions[input.FunctionName];
        if (!fn) throw Object.assign(new Error(`Function not found: ${input.FunctionName}`), { name: "ResourceNotFoundException", $metadata: { httpStatusCode: 404 } });
        const event = JSON.parse(new TextDecoder().decode(input.Payload ?? new Uint8Array()) || "null");
        invocations.push({ functionName: input.FunctionName!, event });
        const encode = (v: unknown) => new TextEncoder().encode(JSON.stringify(v ?? null));
        try {
            return { StatusCode: 200, ExecutedVersion: "$LATEST", Payload: encode(await fn(event)) };
        } catch (e) {
            const err = e as Error;
            return { StatusCode: 200, ExecutedVersion: "$LATEST", FunctionError: "Unhandled", Payload: encode({ errorType: err.name, errorMessage: err.message, trace: String(err.stack ?? "").split("\n") }) };
        }
    });
    return { client, mock, invocations };
}

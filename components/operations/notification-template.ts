import { PavedError } from "../errors";
import { CUSTOM_NOTIFICATION } from "./alerts";

/**
 * EventBridge input transformers that turn an AWS event into one Paved notification: an AWS
 * Chatbot custom notification (https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html),
 * which Slack renders through Chatbot and email shows as readable JSON.
 *
 * EventBridge's template rules (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html):
 * `<var>` outside quotes becomes the value's JSON; inside a JSON string it becomes the value's
 * text, NOT escaped. So a field may sit inside a string only when its values can never need
 * escaping (enums, ids, ARNs, numbers); free text (a stop reason) is always placed as a whole
 * JSON value. `renderInputTransformer` enforces that.
 */

/** A value of the event, by JSON path. */
export interface EventField {
    /** EventBridge JSON path in dot notation, e.g. `$.detail.project-name`. */
    path: string;
    /** Values never contain `"`, `\` or control characters, so the field may sit inside a string. */
    plain: boolean;
}

/** A reference to a field inside a string. */
export interface FieldRef {
    field: string;
}

/** A field placed as a whole JSON value (EventBridge inserts its JSON, escaped). */
export interface RawField {
    raw: string;
}

/** Text of a string: literal pieces and plain fields. */
export type Text = string | FieldRef | (string | FieldRef)[];

export const f = (field: string): FieldRef => ({ field });
export const raw = (field: string): RawField => ({ raw: field });

/** One notification, as the fields of a Chatbot custom notification. */
export interface NotificationTemplate {
    /** The event's id, for de-duplication. */
    id: Text;
    title: Text;
    /** Markdown (`client-markdown`). */
    description: Text;
    nextSteps: Text[];
    keywords: Text[];
    /** One line, shown where the message is previewed. */
    summary: Text;
    /** What happened, e.g. `paved.build.failed`. */
    eventType: string;
    /** Notifications with the same thread id are threaded in Slack. */
    threadId: Text;
    relatedResources: (Text | RawField)[];
    /** Every value a string: environment, kind, names, and free text placed whole. */
    additionalContext: Record<string, Text | RawField>;
}

/** The transformer of one EventBridge target. */
export interface InputTransformerSpec {
    inputPathsMap: Record<string, string>;
    inputTemplate: string;
}

/** EventBridge allows at most 100 variables per transformer. */
export const MAX_INPUT_PATHS = 100;

/** EventBridge's variable names: no reserved `aws.` prefix, and nothing that would end the placeholder. */
const VARIABLE = /^(?!aws\.)[A-Za-z0-9_-]+$/;

/**
 * The input transformer that renders `template` from events with `fields`. Literal text is JSON-
 * escaped; fields in strings must be `plain`; every field used must be declared; literal text may
 * not contain `<` or `>` (EventBridge would read a placeholder).
 */
export function renderInputTransformer(fields: Record<string, EventField>, template: NotificationTemplate): InputTransformerSpec {
    const used = new Set<string>();
    const use = (name: string, inString: boolean): string => {
        const field = fields[name];
        if (!field) throw new PavedError(`notification template: field "${name}" is not declared; declare its JSON path`);
        if (!VARIABLE.test(name)) throw new PavedError(`notification template: field name "${name}" must be letters, digits, "_" and "-", not starting with "aws."`);
        if (inString && !field.plain) {
            throw new PavedError(`notification template: field "${name}" (${field.path}) may hold free text; place it as a whole value (raw), not inside a string`);
        }
        used.add(name);
        return `<${name}>`;
    };
    const literal = (s: string): string => {
        if (/[<>]/.test(s)) throw new PavedError(`notification template: literal text ${JSON.stringify(s)} contains "<" or ">", which EventBridge reads as a placeholder`);
        return JSON.stringify(s).slice(1, -1);
    };
    const str = (t: Text): string => {
        const parts = Array.isArray(t) ? t : [t];
        return `"${parts.map((p) => (typeof p === "string" ? literal(p) : use(p.field, true))).join("")}"`;
    };
    const value = (v: Text | RawField): string => (typeof v === "object" && !Array.isArray(v) && "raw" in v ? use(v.raw, false) : str(v as Text));
    const obj = (entries: [string, string][]) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(",")}}`;

    const inputTemplate = obj([
        ["version", JSON.stringify(CUSTOM_NOTIFICATION.version)],
        ["source", JSON.stringify(CUSTOM_NOTIFICATION.source)],
        ["id", str(template.id)],
        [
            "content",
            obj([
                ["textType", JSON.stringify("client-markdown")],
                ["title", str(template.title)],
                ["description", str(template.description)],
                ["nextSteps", `[${template.nextSteps.map(str).join(",")}]`],
                ["keywords", `[${template.keywords.map(str).join(",")}]`],
            ]),
        ],
        [
            "metadata",
            obj([
                ["threadId", str(template.threadId)],
                ["summary", str(template.summary)],
                ["eventType", str(template.eventType)],
                ["relatedResources", `[${template.relatedResources.map(value).join(",")}]`],
                ["additionalContext", obj(Object.entries(template.additionalContext).map(([k, v]) => [k, value(v)]))],
            ]),
        ],
    ]);
    const inputPathsMap = Object.fromEntries([...used].sort().map((name) => [name, fields[name].path]));
    if (Object.keys(inputPathsMap).length > MAX_INPUT_PATHS) throw new PavedError(`notification template uses ${used.size} fields; EventBridge allows ${MAX_INPUT_PATHS}`);
    return { inputPathsMap, inputTemplate };
}

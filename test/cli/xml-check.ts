/**
 * A small XML well-formedness checker (no XML parser ships with the project): one root element,
 * tags nested and closed in order, attributes quoted and unique, only the predefined entities or
 * character references, no stray `<` or `&` in text. Returns the problem, or undefined if well-formed.
 * Also returns the element names it saw, for assertions.
 */
export function checkXml(text: string): { error?: string; elements: string[] } {
    const elements: string[] = [];
    const stack: string[] = [];
    let roots = 0;
    let i = 0;
    const NAME = /^[A-Za-z_:][A-Za-z0-9_:.-]*/;
    const badEntity = (s: string) => /&(?!(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);)/.test(s);
    const fail = (msg: string) => ({ error: `${msg} at offset ${i}`, elements });
    if (text.startsWith("<?xml")) i = text.indexOf("?>") + 2;
    while (i < text.length) {
        const lt = text.indexOf("<", i);
        const chunk = text.slice(i, lt === -1 ? text.length : lt);
        if (badEntity(chunk)) return fail("bad entity in text");
        if (stack.length === 0 && chunk.trim()) return fail("text outside the root element");
        if (lt === -1) break;
        i = lt;
        if (text.startsWith("<!--", i)) {
            const end = text.indexOf("-->", i);
            if (end === -1) return fail("unclosed comment");
            i = end + 3;
            continue;
        }
        if (text.startsWith("<![CDATA[", i)) {
            const end = text.indexOf("]]>", i);
            if (end === -1) return fail("unclosed CDATA");
            i = end + 3;
            continue;
        }
        const gt = findTagEnd(text, i);
        if (gt === -1) return fail("unclosed tag");
        const tag = text.slice(i + 1, gt);
        i = gt + 1;
        if (tag.startsWith("/")) {
            const name = tag.slice(1).trim();
            const open = stack.pop();
            if (open !== name) return fail(`</${name}> closes <${open ?? "nothing"}>`);
            continue;
        }
        const selfClosing = tag.endsWith("/");
        const body = selfClosing ? tag.slice(0, -1) : tag;
        const name = NAME.exec(body)?.[0];
        if (!name) return fail(`bad tag name in <${tag.slice(0, 20)}>`);
        let rest = body.slice(name.length);
        const seen = new Set<string>();
        while (rest.trim()) {
            const m = /^\s+([A-Za-z_:][A-Za-z0-9_:.-]*)\s*=\s*("([^"<]*)"|'([^'<]*)')/.exec(rest);
            if (!m) return fail(`bad attribute syntax in <${name}${rest.slice(0, 30)}>`);
            if (seen.has(m[1])) return fail(`duplicate attribute ${m[1]} on <${name}>`);
            seen.add(m[1]);
            if (badEntity(m[3] ?? m[4] ?? "")) return fail(`bad entity in attribute ${m[1]}`);
            rest = rest.slice(m[0].length);
        }
        if (stack.length === 0) {
            roots++;
            if (roots > 1) return fail("more than one root element");
        }
        elements.push(name);
        if (!selfClosing) stack.push(name);
    }
    if (stack.length) return { error: `unclosed <${stack[stack.length - 1]}>`, elements };
    if (roots !== 1) return { error: "no root element", elements };
    return { elements };
}

/** The `>` ending the tag that starts at `start`, skipping quoted attribute values. */
function findTagEnd(text: string, start: number): number {
    let quote: string | undefined;
    for (let j = start + 1; j < text.length; j++) {
        const c = text[j];
        if (quote) {
            if (c === quote) quote = undefined;
        } else if (c === '"' || c === "'") quote = c;
        else if (c === "<") return -1;
        else if (c === ">") return j;
    }
    return -1;
}

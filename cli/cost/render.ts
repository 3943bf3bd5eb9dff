import { Estimate } from "./estimate";

const usd = (n: number) => `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const num = (n: number) => n.toLocaleString("en-US", { maximumFractionDigits: 2 });
const unitPrice = (n: number) => `$${n.toLocaleString("en-US", { maximumFractionDigits: 6 })}`;

/** `a.b.c = value` lines for every assumption: the keys an --assumptions file sets. */
function flatten(value: unknown, prefix: string, out: string[]): string[] {
    if (value !== null && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length > 0) {
        for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
    } else {
        out.push(`  ${prefix} = ${JSON.stringify(value)}`);
    }
    return out;
}

function table(rows: string[][], right: number[]): string[] {
    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
    return rows.map((r) => r.map((cell, c) => (right.includes(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join("  ").trimEnd());
}

/** The estimate as text: prices' date and caveat, every assumption, every line item, the total and the build comparison. */
export function renderEstimate(e: Estimate, assumptionsFile?: string): string {
    const rows = [
        ["area", "item", "quantity", "unit price", "monthly"],
        ...e.lineItems.map((i) => [i.area, i.item, `${num(i.quantity)} ${i.unit}`, `${unitPrice(i.unitPrice)}/${i.unit}`, usd(i.monthly)]),
        ["", "total", "", "", usd(e.total)],
    ];
    const c = e.comparison;
    const lines = [
        `paved cost ${e.environment}: a monthly estimate in USD, ${e.region} prices as of ${e.prices.asOf}`,
        `Prices: ${e.prices.note}`,
        "",
        `Assumptions (${assumptionsFile ? `defaults with ${assumptionsFile} over them` : "defaults; override any with --assumptions <file>"}):`,
        ...flatten(e.assumptions, "", []),
        "",
        ...table(rows, [2, 3, 4]),
        "",
        "Details:",
        ...e.lineItems.filter((i) => i.detail).map((i) => `  ${i.item}: ${i.detail}`),
    ];
    if (e.clusterRange) {
        const r = e.clusterRange;
        lines.push(`  cluster at its minimum (${r.minInstances} instances) ${usd(r.atMin)}, at its maximum (${r.maxInstances}) ${usd(r.atMax)} a month`);
    }
    lines.push(
        "",
        `Builds: CodeBuild vs always-on build servers reaching the same full rebuild (${c.apps} apps at once, ${num(c.buildsPerDay)} builds a day):`,
        ...c.formula.map((f) => `  ${f}`),
        `  CodeBuild ${usd(c.codebuildMonthly)} vs servers ${usd(c.serversMonthly)} a month (servers: EC2 on-demand only; their disks, images and upkeep not counted;`,
        `  CodeBuild reaches the same full rebuild only if the account's concurrent-build quota is at least ${c.apps})`,
    );
    return lines.join("\n");
}

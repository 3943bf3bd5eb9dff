/** Policy rules for EC2 launch templates and Auto Scaling (see `./index.ts` for the pack). */
import { Rule, T } from "./types";
import { truthy } from "./helpers";
import { asArray, isRecord } from "../documents";

export const imdsv2: Rule = {
    name: "ec2-imdsv2-required",
    control: "EC2.170, AutoScaling.3",
    description: "Launch templates (EC2.170) and launch configurations (AutoScaling.3) require IMDSv2 session tokens.",
    enforcementLevel: "mandatory",
    resourceTypes: [T.launchTemplate, T.launchConfiguration],
    scope: "resource",
    validate(r) {
        const tokens = r.props.metadataOptions?.httpTokens;
        return tokens === "required" ? [] : [`${r.name} allows IMDSv1 (metadataOptions.httpTokens is ${JSON.stringify(tokens)}); set it to "required"`];
    },
};

export const instancesNoPublicIp: Rule = {
    name: "ec2-no-public-ip",
    control: "EC2.25, AutoScaling.5",
    description: "Launch templates (EC2.25) and launch configurations (AutoScaling.5) give instances no public IP address.",
    enforcementLevel: "mandatory",
    resourceTypes: [T.launchTemplate, T.launchConfiguration],
    scope: "resource",
    validate(r) {
        if (r.type === T.launchConfiguration) {
            return truthy(r.props.associatePublicIpAddress) ? [`launch configuration ${r.name} assigns public IPs; set associatePublicIpAddress to false`] : [];
        }
        return asArray(r.props.networkInterfaces)
            .map((n, i) => ({ n, i }))
            .filter(({ n }) => isRecord(n) && truthy(n.associatePublicIpAddress))
            .map(({ i }) => `launch template ${r.name} networkInterfaces[${i}] assigns a public IP; set associatePublicIpAddress to "false"`);
    },
};

/** Policy rules for IAM (see `./index.ts` for the pack). */
import { Rule, T } from "./types";
import { str, allowStatements, IDENTITY_POLICY_TYPES } from "./helpers";
import { asArray, conditionValues, iamMatch, policyStatements, servicePrincipals } from "../documents";
import { SERVICES_WITHOUT_SOURCE_KEYS } from "../../components/trust-policy";

export const iamNoAdmin: Rule = {
    name: "iam-no-admin-wildcard",
    control: "IAM.1",
    description:
        'No policy document (managed, inline, role, bucket, queue, key...) allows Action "*" on Resource "*", and no role gets AdministratorAccess.',
    enforcementLevel: "mandatory",
    resourceTypes: [],
    scope: "resource",
    validate(r) {
        const out: string[] = [];
        for (const { label, statement: s } of allowStatements(r)) {
            if (s.actions.some((a) => a === "*" || a === "*:*") && s.resources.includes("*")) {
                out.push(`${label} allows "*" on "*"; list the actions and resources it needs`);
            }
        }
        const managed = [r.props.policyArn, ...asArray(r.props.managedPolicyArns)].filter(str);
        for (const arn of managed) {
            if (/:policy\/AdministratorAccess$/.test(arn)) out.push(`${r.name} attaches AdministratorAccess; attach a policy scoped to what it needs`);
        }
        return out;
    },
};

export const iamNoServiceWildcard: Rule = {
    name: "iam-no-service-wildcard",
    control: "IAM.21",
    description: 'Identity policies (managed, inline and role policies) allow no "<service>:*" actions.',
    enforcementLevel: "mandatory",
    resourceTypes: IDENTITY_POLICY_TYPES,
    scope: "resource",
    validate(r) {
        const out: string[] = [];
        // assumeRolePolicy is a trust policy, not an identity policy: policyDocuments skips it.
        for (const { label, statement: s } of allowStatements(r)) {
            for (const a of s.actions.filter((x) => /^[a-z0-9-]+:\*$/i.test(x))) {
                out.push(`${label} allows ${a}; list the ${a.split(":")[0]} actions it needs`);
            }
        }
        return out;
    },
};

export const iamTrustSourceAccount: Rule = {
    name: "iam-trust-source-account",
    control: "Paved rule",
    description:
        "Every role an AWS service assumes trusts it for this account only: a StringEquals aws:SourceAccount condition (confused-deputy guard). EC2 and Lambda set no source keys and are exempt.",
    enforcementLevel: "mandatory",
    resourceTypes: [T.role],
    scope: "resource",
    validate(role) {
        const out: string[] = [];
        policyStatements(role.props.assumeRolePolicy).forEach((s, i) => {
            if (s.effect !== "Allow") return;
            const services = servicePrincipals(s.principals).filter((p) => !SERVICES_WITHOUT_SOURCE_KEYS.includes(p));
            if (services.length === 0) return;
            const accounts = conditionValues(s.condition, "aws:SourceAccount", ["StringEquals"]).filter(str);
            if (accounts.length === 0) {
                out.push(`role ${role.name} trust statement ${s.sid ?? i} lets ${services.join(", ")} assume it for any account; add Condition StringEquals aws:SourceAccount (and aws:SourceArn where the service sets it)`);
            }
        });
        return out;
    },
};

/** Actions that read a secret value, by service. */
const SECRET_READ_ACTIONS = ["ssm:getparameter", "ssm:getparameters", "ssm:getparametersbypath", "secretsmanager:getsecretvalue"];

export const iamExactSecrets: Rule = {
    name: "iam-exact-secrets",
    control: "Paved rule",
    description:
        "Identity policies grant secret reads (ssm:GetParameter(s), GetParametersByPath, secretsmanager:GetSecretValue) on named parameters and secrets only: no \"*\" in the resource, and \"?\" only as a Secrets Manager ARN's random -?????? suffix.",
    enforcementLevel: "mandatory",
    resourceTypes: IDENTITY_POLICY_TYPES,
    scope: "resource",
    validate(r) {
        const out: string[] = [];
        for (const { label, statement: s } of allowStatements(r)) {
            if (!s.actions.some((a) => SECRET_READ_ACTIONS.some((x) => iamMatch(a.toLowerCase(), x)))) continue;
            for (const resource of s.resources) {
                const wild = resource.includes("*") || resource.replace(/-\?{6}$/, "").includes("?");
                if (wild) out.push(`${label} reads secrets on ${resource}; name each parameter or secret (no wildcards)`);
            }
        }
        return out;
    },
};

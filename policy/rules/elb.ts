/** Policy rules for Elastic Load Balancing (application load balancers) (see `./index.ts` for the pack). */
import { ResourceView, Rule, T } from "./types";
import { truthy, refersTo, ofType } from "./helpers";
import { asArray, isRecord } from "../documents";

export const albDropInvalidHeaders: Rule = {
    name: "alb-drop-invalid-headers",
    control: "ELB.4",
    description: "Application Load Balancers drop invalid HTTP headers.",
    enforcementLevel: "mandatory",
    resourceTypes: [...T.loadBalancer],
    scope: "resource",
    validate(lb) {
        if ((lb.props.loadBalancerType ?? "application") !== "application") return [];
        return truthy(lb.props.dropInvalidHeaderFields) ? [] : [`load balancer ${lb.name} forwards invalid HTTP headers; set dropInvalidHeaderFields: true`];
    },
};

/** Whether every action of a listener or rule is a redirect to HTTPS. */
function onlyRedirectsToHttps(actions: unknown): boolean {
    const list = asArray(actions).filter(isRecord);
    return list.length > 0 && list.every((a) => a.type === "redirect" && String(a.redirect?.protocol ?? "").toUpperCase() === "HTTPS");
}

export const albHttpRedirectsToHttps: Rule = {
    name: "alb-http-redirects-to-https",
    control: "ELB.1",
    description: "HTTP listeners of Application Load Balancers only redirect to HTTPS: their default actions and every rule on them are HTTPS redirects.",
    enforcementLevel: "mandatory",
    resourceTypes: [...T.listener, ...T.listenerRule],
    scope: "stack",
    validate(r, stack) {
        const http = (l: ResourceView) => String(l.props.protocol ?? "").toUpperCase() === "HTTP";
        const application = (l: ResourceView) => {
            const lb = ofType(stack, T.loadBalancer).find((x) => refersTo(l.props.loadBalancerArn, x, l));
            return !lb || (lb.props.loadBalancerType ?? "application") === "application";
        };
        if ((T.listener as readonly string[]).includes(r.type)) {
            if (!http(r) || !application(r) || onlyRedirectsToHttps(r.props.defaultActions)) return [];
            return [`listener ${r.name} serves plain HTTP; make its default action a redirect to HTTPS (port 443, HTTP_301) and serve on an HTTPS listener`];
        }
        const listener = ofType(stack, T.listener).find((l) => refersTo(r.props.listenerArn, l, r));
        if (!listener || !http(listener) || !application(listener) || onlyRedirectsToHttps(r.props.actions)) return [];
        return [`listener rule ${r.name} forwards plain HTTP on listener ${listener.name}; attach it to the HTTPS listener`];
    },
};

// Changes made by hand in the AWS console, as the drift and heal tests simulate them on the in-memory engine.
import assert from "assert";
import { APP, ENV, type Harness } from "./harness";

const NETWORK = `${APP}-${ENV}-network`;
const ROUTER = `${APP}-${ENV}-router`;
const SG = "aws:ec2/securityGroup:SecurityGroup";
const SSH = { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] };

/** The name of the first resource of `type` in `stack` whose name matches `pattern`. */
export function resourceOf(h: Harness, stack: string, type: string, pattern = /./): string {
  const found = h.engine.inspect(stack)?.resources.find((r) => r.type === type && pattern.test(r.name));
  assert.ok(found, `${stack} has a ${type} matching ${pattern}`);
  return found.name;
}

/** Someone adds ingress rules to the fleet security group in the console; returns the group. */
export function addIngressRules(h: Harness, rules: object[]): string {
  const group = resourceOf(h, NETWORK, SG, /fleet/);
  const live = h.engine.liveOutputs(NETWORK, group)!;
  h.engine.simulateDrift(NETWORK, group, {
    ingress: [...(Array.isArray(live.ingress) ? live.ingress : []), ...rules],
  });
  return group;
}

/** Someone adds SSH from anywhere to the fleet security group; returns the group. */
export const addSshRule = (h: Harness): string => addIngressRules(h, [SSH]);

/** Someone edits the listener's forward action (the weights) in the console; returns the listener. */
export function editListener(h: Harness): string {
  const listener = resourceOf(h, ROUTER, "aws:lb/listener:Listener");
  h.engine.simulateDrift(ROUTER, listener, {
    defaultActions: [{ type: "forward", weights: "50/50 by hand" }],
  });
  return listener;
}

/** Engine updates and destroys, and security group revokes, so far: what a refusal must not have made. */
export const changingCalls = (h: Harness): number =>
  h.engine.calls.filter((c) => c.method === "up" || c.method === "destroy").length +
  h.probe.calls.filter((c) => c.method === "revokeSecurityGroupRules").length;

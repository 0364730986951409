// Route53Router: two weighted alias records under one name, one per colour (set identifiers `blue` and
// `green`), each pointing at its colour's own load balancer and carrying a Route 53 health check of it. A swap
// is a change of the two weights: an in-place update of both records (Route 53 can take both in one change
// batch; Pulumi sends one per resource, so a step is two record updates). While no release is live (0/0) no
// record exists: Route 53 answers an all-zero weighted group with every record at equal odds, which would
// send traffic to a colour that was deployed but never swapped live.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { resolveRoute53RouterSettings } from "./route53RouterSettings";

/** Where a colour's record points: its load balancer's DNS name and canonical hosted zone. */
export interface AliasTarget {
  dnsName: pulumi.Input<string>;
  zoneId: pulumi.Input<string>;
}

export interface Route53RouterArgs {
  /** Id of an existing Route 53 hosted zone that holds the records (`Z0123456789ABC`, no `/hostedzone/`). */
  zoneId: pulumi.Input<string>;
  /** The name clients resolve, inside the zone, lower case (`shop.example.com`). */
  recordName: string;
  /** Each colour's load balancer (usually `Network.colourEndpoints`): the targets of the alias records. */
  loadBalancers: { blue: AliasTarget; green: AliasTarget };
  /**
   * Percent of DNS answers for each colour: integers from 0 to 100 that sum to 100, or both 0 while no
   * release is live (then no record exists and the name does not resolve).
   */
  weights: { blue: number; green: number };
  /**
   * The Route 53 health check of each colour's load balancer. Route 53 leaves an unhealthy colour out of its
   * answers; when every colour with weight is unhealthy it answers with the weight-0 records too.
   * @default { path: "/health", protocol: "HTTP", port: 80 (443 for HTTPS), failureThreshold: 3, requestInterval: 30 }
   */
  healthCheck?: {
    path?: pulumi.Input<string>;
    protocol?: pulumi.Input<"HTTP" | "HTTPS">;
    port?: pulumi.Input<number>;
    /** Consecutive failures before unhealthy (1–10). */
    failureThreshold?: number;
    /** Seconds between checks: 30, or 10 (fast, billed extra). Changing it replaces the health check. */
    requestInterval?: number;
  };
  /**
   * Tags of the health checks.
   * @default {}
   */
  tags?: Record<string, string>;
}

/** Weighted alias records that split the traffic of one name between the blue and green load balancers. */
export class Route53Router extends pulumi.ComponentResource {
  /** One health check per colour, of its load balancer. */
  readonly healthChecks: { readonly blue: aws.route53.HealthCheck; readonly green: aws.route53.HealthCheck };
  /** One weighted alias record per colour; absent while no release is live (weights 0/0). */
  readonly records?: { readonly blue: aws.route53.Record; readonly green: aws.route53.Record };
  /** The name the records answer for. */
  readonly recordName: string;
  /** The weights this router was given. */
  readonly weights: { readonly blue: number; readonly green: number };

  constructor(name: string, args: Route53RouterArgs, opts?: pulumi.ComponentResourceOptions) {
    // Checked before super(): invalid arguments register nothing, not even the component itself.
    const settings = resolveRoute53RouterSettings<pulumi.Input<string | number>>(name, args);
    super("phoenix:aws:Route53Router", name, {}, opts);
    this.weights = settings.weights;
    this.recordName = settings.recordName;
    const check = settings.healthCheck;
    const protocol = pulumi.output(check.protocol) as pulumi.Output<"HTTP" | "HTTPS">;
    const port =
      check.port !== undefined
        ? (pulumi.output(check.port) as pulumi.Output<number>)
        : protocol.apply((p) => (p === "HTTPS" ? 443 : 80));
    const healthCheck = (colour: "blue" | "green") =>
      new aws.route53.HealthCheck(
        `${name}-${colour}-health`,
        {
          type: protocol,
          fqdn: args.loadBalancers[colour].dnsName,
          port,
          resourcePath: check.path as pulumi.Input<string>,
          failureThreshold: check.failureThreshold,
          requestInterval: check.requestInterval,
          tags: { ...args.tags, Name: `${name}-${colour}`, "phoenix:colour": colour },
        },
        { parent: this },
      );
    this.healthChecks = { blue: healthCheck("blue"), green: healthCheck("green") };
    const record = (colour: "blue" | "green") =>
      new aws.route53.Record(
        `${name}-${colour}`,
        {
          zoneId: args.zoneId,
          name: settings.recordName,
          type: "A",
          setIdentifier: colour,
          weightedRoutingPolicies: [{ weight: settings.weights[colour] }],
          // An alias has no TTL of its own: resolvers cache the answer for the target's TTL (60 s for a load
          // balancer), which is why each swap step waits before it verifies (docs/route53.md).
          aliases: [
            {
              name: args.loadBalancers[colour].dnsName,
              zoneId: args.loadBalancers[colour].zoneId,
              evaluateTargetHealth: true,
            },
          ],
          healthCheckId: this.healthChecks[colour].id,
        },
        { parent: this },
      );
    if (settings.records) this.records = { blue: record("blue"), green: record("green") };
    this.registerOutputs({
      healthChecks: this.healthChecks,
      records: this.records,
      recordName: this.recordName,
      weights: this.weights,
    });
  }
}

// BlueGreenRouter: the one listener whose forward action weights the blue and green target groups. A swap
// is a change of weights, which is an in-place update of this listener and of nothing else. Before the first
// release (weights 0/0) the listener's one default action is a fixed 503 response instead of the forward.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { listenerDefaultAction, resolveRouterSettings } from "./routerSettings";

export interface BlueGreenRouterArgs {
  /** The application load balancer the listener belongs to (usually `Network.loadBalancer.arn`). */
  loadBalancerArn: pulumi.Input<string>;
  /** The blue and the green target groups (usually `Network.targetGroups`). */
  targetGroupArns: { blue: pulumi.Input<string>; green: pulumi.Input<string> };
  /**
   * Percent of requests to each colour: integers from 0 to 100 that sum to 100. `{ blue: 100, green: 0 }`
   * sends everything to blue; `{ blue: 90, green: 10 }` is a canary of green. `{ blue: 0, green: 0 }` means
   * no release is live yet: the listener answers every request with a fixed 503 (text/plain) and forwards
   * nothing, so an empty target group never gets traffic.
   */
  weights: { blue: number; green: number };
  /**
   * Listener port. 443 needs `certificateArn`.
   * @default 80, or 443 when `certificateArn` is given
   */
  port?: number;
  /**
   * ACM certificate: makes the listener HTTPS.
   * @default - an HTTP listener
   */
  certificateArn?: pulumi.Input<string>;
  /**
   * TLS policy of an HTTPS listener; only with `certificateArn`.
   * @default "ELBSecurityPolicy-TLS13-1-2-2021-06"
   */
  sslPolicy?: string;
  /**
   * Keep a client on the colour it first reached for this many seconds (1–604800), so a canary does not
   * flip a user between releases; 0 turns stickiness off.
   * @default 0
   */
  stickinessSeconds?: number;
}

/** The listener of an existing ALB that splits traffic between the blue and green target groups by weight. */
export class BlueGreenRouter extends pulumi.ComponentResource {
  /** The listener (its default action forwards to both target groups by weight, or answers 503 at 0/0). */
  readonly listener: aws.lb.Listener;
  /** ARN of the listener. */
  readonly listenerArn: pulumi.Output<string>;
  /** The weights this router was given. */
  readonly weights: { readonly blue: number; readonly green: number };

  constructor(name: string, args: BlueGreenRouterArgs, opts?: pulumi.ComponentResourceOptions) {
    // Checked before super(): invalid arguments register nothing, not even the component itself.
    const settings = resolveRouterSettings(name, args);
    super("phoenix:aws:BlueGreenRouter", name, {}, opts);
    this.weights = settings.weights;
    this.listener = new aws.lb.Listener(
      `${name}-listener`,
      {
        loadBalancerArn: args.loadBalancerArn,
        port: settings.port,
        protocol: settings.protocol,
        ...(settings.protocol === "HTTPS"
          ? { certificateArn: args.certificateArn, sslPolicy: settings.sslPolicy }
          : {}),
        defaultActions: [
          listenerDefaultAction(args.targetGroupArns, settings.weights, settings.stickinessSeconds),
        ],
      },
      { parent: this },
    );
    this.listenerArn = this.listener.arn;
    this.registerOutputs({ listener: this.listener, listenerArn: this.listenerArn, weights: this.weights });
  }
}

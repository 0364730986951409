// Network: what the blue and green fleets share and outlive them — the VPC, the load balancer, the security
// groups (no SSH anywhere) and one target group per colour.
import * as aws from "@pulumi/aws";
import type * as awsx from "@pulumi/awsx";
import { loadPeer } from "./peers";
import * as pulumi from "@pulumi/pulumi";
import { hashProjection } from "./immutability/identity";
import {
  ALB_LISTENER_PORTS,
  elbName,
  isIpv6,
  resolveNetworkSettings,
  type HealthCheckSettings,
  type NatGatewayStrategy,
} from "./networkSettings";

export interface NetworkArgs {
  /**
   * CIDR block of the VPC Phoenix creates (/16 to /24). Not with `vpcId`.
   * @default "10.0.0.0/16"
   */
  vpcCidr?: string;
  /**
   * Number of availability zones of the VPC Phoenix creates (2–6). Not with `vpcId`.
   * @default 2
   */
  availabilityZones?: number;
  /**
   * NAT gateways of the VPC Phoenix creates, for the private subnets' egress: "Single" (cheapest),
   * "OnePerAz" (survives a zone outage) or "None". Not with `vpcId`.
   * @default "Single"
   */
  natGateways?: NatGatewayStrategy;
  /**
   * An existing VPC to use instead of creating one; needs `publicSubnetIds` and `privateSubnetIds` too.
   * @default - a new VPC (awsx) with public and private subnets
   */
  vpcId?: pulumi.Input<string>;
  /**
   * Public subnets of the existing VPC, for the load balancer; required with `vpcId`.
   * @default - the public subnets of the VPC Phoenix creates
   */
  publicSubnetIds?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Private subnets of the existing VPC, for the fleets; required with `vpcId`.
   * @default - the private subnets of the VPC Phoenix creates
   */
  privateSubnetIds?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Port the application listens on; the only port the fleet security group admits, and only from the load
   * balancer. Never a remote-access port (22, 3389).
   * @default 8080
   */
  appPort?: number;
  /**
   * The target groups' health check. Each field defaults on its own.
   * @default { path: "/health", matcher: "200-399", interval: 15, healthyThreshold: 2, unhealthyThreshold: 3, timeout: 5 }
   */
  healthCheck?: Partial<HealthCheckSettings>;
  /**
   * Seconds a target drains before it is deregistered (0–3600).
   * @default 30
   */
  deregistrationDelay?: number;
  /**
   * CIDR blocks (IPv4 or IPv6) allowed to reach the load balancer on ports 80 and 443.
   * @default ["0.0.0.0/0"]
   */
  albIngressCidrs?: string[];
  /**
   * Tags of every resource.
   * @default {}
   */
  tags?: Record<string, string>;
  /**
   * How traffic reaches the colours. "alb": one load balancer; a BlueGreenRouter's listener weights the two
   * target groups. "route53": one load balancer per colour, each with a listener forwarding to its colour's
   * target group; a Route53Router's weighted alias records split the traffic between them.
   * @default "alb"
   */
  router?: "alb" | "route53";
  /**
   * The colours' listeners in route53 mode (only then). `port` 80 or 443; `certificateArn` makes them HTTPS;
   * `sslPolicy` only with a certificate.
   * @default { port: 80 } (443 with `certificateArn`)
   */
  colourListener?: { port?: number; certificateArn?: pulumi.Input<string>; sslPolicy?: string };
}

/** A colour's own entry point in route53 mode: its load balancer and the listener forwarding to its target group. */
export interface ColourEndpoint {
  readonly loadBalancer: aws.lb.LoadBalancer;
  readonly listener: aws.lb.Listener;
}

/** The shared network of one app/env: VPC, ALB, security groups and the blue and green target groups. */
export class Network extends pulumi.ComponentResource {
  /** The VPC Phoenix created (absent with an existing `vpcId`). */
  readonly vpc?: awsx.ec2.Vpc;
  /** Id of the VPC. */
  readonly vpcId: pulumi.Output<string>;
  /** Public subnets (the load balancer's). */
  readonly publicSubnetIds: pulumi.Output<string[]>;
  /** Private subnets (the fleets'). */
  readonly privateSubnetIds: pulumi.Output<string[]>;
  /** The internet-facing application load balancer (in route53 mode: the blue colour's, see `colourEndpoints`). */
  readonly loadBalancer: aws.lb.LoadBalancer;
  /** Route53 mode: each colour's load balancer and listener. */
  readonly colourEndpoints?: { readonly blue: ColourEndpoint; readonly green: ColourEndpoint };
  /** Security group of the load balancer: 80 and 443 in from `albIngressCidrs`, out to the fleet only. */
  readonly albSecurityGroup: aws.ec2.SecurityGroup;
  /** Security group of the fleets: `appPort` in from the load balancer only (never SSH); all egress. */
  readonly fleetSecurityGroup: aws.ec2.SecurityGroup;
  /** One target group per colour, with the same health check. */
  readonly targetGroups: { readonly blue: aws.lb.TargetGroup; readonly green: aws.lb.TargetGroup };
  /** Port the application listens on. */
  readonly appPort: number;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    // Checked before super(): invalid arguments register nothing, not even the component itself.
    const settings = resolveNetworkSettings(name, args);
    super("phoenix:aws:Network", name, {}, opts);
    const tags = settings.tags;
    this.appPort = settings.appPort;

    if (settings.mode === "create") {
      const { ec2 } = loadPeer<typeof awsx>(
        "@pulumi/awsx",
        "A Network that creates its own VPC (without `vpcId`)",
      );
      this.vpc = new ec2.Vpc(
        `${name}-vpc`,
        {
          cidrBlock: settings.vpcCidr,
          numberOfAvailabilityZones: settings.availabilityZones,
          natGateways: { strategy: settings.natGateways },
          enableDnsHostnames: true,
          tags,
        },
        { parent: this },
      );
      this.vpcId = this.vpc.vpcId;
      this.publicSubnetIds = this.vpc.publicSubnetIds;
      this.privateSubnetIds = this.vpc.privateSubnetIds;
    } else {
      this.vpcId = pulumi.output(args.vpcId!);
      this.publicSubnetIds = pulumi.output(args.publicSubnetIds!);
      this.privateSubnetIds = pulumi.output(args.privateSubnetIds!);
    }

    this.albSecurityGroup = new aws.ec2.SecurityGroup(
      `${name}-alb-sg`,
      { description: `Load balancer of ${name}: HTTP(S) in, the fleet port out`, vpcId: this.vpcId, tags },
      { parent: this },
    );
    this.fleetSecurityGroup = new aws.ec2.SecurityGroup(
      `${name}-fleet-sg`,
      {
        description: `Fleets of ${name}: the app port from the load balancer only, no SSH`,
        vpcId: this.vpcId,
        tags,
      },
      { parent: this },
    );
    // Rules are separate resources (never inline), so each is one reviewable, policy-checked resource.
    settings.albIngressCidrs.forEach((cidr, i) => {
      for (const port of ALB_LISTENER_PORTS) {
        new aws.vpc.SecurityGroupIngressRule(
          `${name}-alb-in-${port}-${i}`,
          {
            securityGroupId: this.albSecurityGroup.id,
            description: `Clients to the load balancer on ${port}`,
            ipProtocol: "tcp",
            fromPort: port,
            toPort: port,
            ...(isIpv6(cidr) ? { cidrIpv6: cidr } : { cidrIpv4: cidr }),
            tags,
          },
          { parent: this },
        );
      }
    });
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-alb-out-fleet`,
      {
        securityGroupId: this.albSecurityGroup.id,
        description: "Load balancer to the fleet's app port (traffic and health checks)",
        ipProtocol: "tcp",
        fromPort: settings.appPort,
        toPort: settings.appPort,
        referencedSecurityGroupId: this.fleetSecurityGroup.id,
        tags,
      },
      { parent: this },
    );
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-fleet-in-alb`,
      {
        securityGroupId: this.fleetSecurityGroup.id,
        description: "The load balancer to the app port: the only way in",
        ipProtocol: "tcp",
        fromPort: settings.appPort,
        toPort: settings.appPort,
        referencedSecurityGroupId: this.albSecurityGroup.id,
        tags,
      },
      { parent: this },
    );
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-fleet-out`,
      {
        securityGroupId: this.fleetSecurityGroup.id,
        description: "Fleet egress (AWS APIs, CloudWatch, the app's dependencies) through the NAT",
        ipProtocol: "-1",
        cidrIpv4: "0.0.0.0/0",
        tags,
      },
      { parent: this },
    );

    const loadBalancer = (logical: string, suffix: string) =>
      new aws.lb.LoadBalancer(
        logical,
        {
          name: elbName(name, suffix),
          loadBalancerType: "application",
          internal: false,
          subnets: this.publicSubnetIds,
          securityGroups: [this.albSecurityGroup.id],
          dropInvalidHeaderFields: true,
          tags,
        },
        { parent: this },
      );
    const perColour =
      settings.router === "route53"
        ? {
            blue: loadBalancer(`${name}-alb-blue`, "alb-blue"),
            green: loadBalancer(`${name}-alb-green`, "alb-green"),
          }
        : undefined;
    this.loadBalancer = perColour ? perColour.blue : loadBalancer(`${name}-alb`, "alb");

    const targetGroup = (colour: "blue" | "green") =>
      new aws.lb.TargetGroup(
        `${name}-${colour}`,
        {
          // The name carries a hash of the inputs that force a replacement, so the replacement can be
          // created before the old group is deleted without a name clash.
          name: this.vpcId.apply((vpcId) =>
            elbName(`${name}-${colour}`, hashProjection({ vpcId, port: settings.appPort }).slice(0, 5)),
          ),
          port: settings.appPort,
          protocol: "HTTP",
          targetType: "instance",
          vpcId: this.vpcId,
          deregistrationDelay: settings.deregistrationDelay,
          healthCheck: {
            enabled: true,
            protocol: "HTTP",
            port: "traffic-port",
            path: settings.healthCheck.path,
            matcher: settings.healthCheck.matcher,
            interval: settings.healthCheck.interval,
            healthyThreshold: settings.healthCheck.healthyThreshold,
            unhealthyThreshold: settings.healthCheck.unhealthyThreshold,
            timeout: settings.healthCheck.timeout,
          },
          tags: { ...tags, "phoenix:colour": colour },
        },
        { parent: this },
      );
    this.targetGroups = { blue: targetGroup("blue"), green: targetGroup("green") };
    if (perColour) {
      const listener = settings.colourListener!;
      const endpoint = (colour: "blue" | "green"): ColourEndpoint => ({
        loadBalancer: perColour[colour],
        listener: new aws.lb.Listener(
          `${name}-${colour}-listener`,
          {
            loadBalancerArn: perColour[colour].arn,
            port: listener.port,
            protocol: listener.protocol,
            ...(listener.protocol === "HTTPS"
              ? { certificateArn: args.colourListener!.certificateArn, sslPolicy: listener.sslPolicy }
              : {}),
            // A fixed forward: the colours' shares are the Route 53 records' weights, not this listener's.
            defaultActions: [{ type: "forward", targetGroupArn: this.targetGroups[colour].arn }],
          },
          { parent: this },
        ),
      });
      this.colourEndpoints = { blue: endpoint("blue"), green: endpoint("green") };
    }

    this.registerOutputs({
      vpcId: this.vpcId,
      publicSubnetIds: this.publicSubnetIds,
      privateSubnetIds: this.privateSubnetIds,
      loadBalancer: this.loadBalancer,
      colourEndpoints: this.colourEndpoints,
      albSecurityGroup: this.albSecurityGroup,
      fleetSecurityGroup: this.fleetSecurityGroup,
      targetGroups: this.targetGroups,
      appPort: this.appPort,
    });
  }
}

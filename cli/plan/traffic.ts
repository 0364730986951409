// The traffic path of a planned (or live) app/env: ALB → listener weights → blue and green fleets, or in
// route53 mode Route 53 → record weights → each colour's ALB → its fleet. One model, two drawings: terminal
// text and Mermaid.
import { COLOURS, type Colour } from "../../programs/contract";
import type { Plan } from "../../programs/offline/planner";

export interface FleetView {
  release: string;
  imageId?: string;
  instanceType?: string;
  capacity?: number;
  autoScalingGroupName?: string;
  /** e.g. "2/2 healthy" (status) or "planned" (plan). */
  health?: string;
}

/** Route53 mode: the weighted records' name and zone, and each colour's load balancer. */
export interface DnsView {
  recordName: string;
  zoneId?: string;
  loadBalancers: Partial<Record<Colour, string>>;
}

export interface TrafficView {
  albDnsName?: string;
  /** Route53 mode (then `listener` and `albDnsName` are not drawn). */
  dns?: DnsView;
  listener: string;
  weights: Record<Colour, number>;
  fleets: Partial<Record<Colour, FleetView>>;
}

export function trafficOfPlan(plan: Plan): TrafficView {
  const network = plan.stacks.find((s) => s.role === "network");
  const router = plan.stacks.find((s) => s.role === "router");
  const fleets: Partial<Record<Colour, FleetView>> = {};
  for (const stack of plan.stacks.filter((s) => s.role === "fleet")) {
    const template = stack.resources.find((r) => r.type === "aws:ec2/launchTemplate:LaunchTemplate");
    fleets[stack.outputs.colour as Colour] = {
      release: String(stack.outputs.release),
      imageId: String(stack.outputs.imageId),
      instanceType: template ? String(template.inputs.instanceType) : undefined,
      capacity: Number(stack.outputs.desiredCapacity),
      autoScalingGroupName: String(stack.outputs.autoScalingGroupName),
      health: "planned",
    };
  }
  const weights = (router?.outputs.weights as Record<Colour, number> | undefined) ?? { blue: 0, green: 0 };
  const listenerPort = router?.resources.find((r) => r.type === "aws:lb/listener:Listener")?.inputs.port;
  const colourLoadBalancers = network?.outputs.colourLoadBalancers as
    Record<Colour, { dnsName: string }> | undefined;
  const dns: DnsView | undefined =
    plan.route53 && colourLoadBalancers
      ? {
          recordName: plan.route53.recordName,
          zoneId: plan.route53.zoneId,
          loadBalancers: {
            blue: colourLoadBalancers.blue.dnsName,
            green: colourLoadBalancers.green.dnsName,
          },
        }
      : undefined;
  if (dns) return { dns, listener: "weighted alias records", weights, fleets };
  return {
    albDnsName: network?.outputs.albDnsName as string | undefined,
    listener: `listener :${listenerPort ?? "?"}`,
    weights,
    fleets,
  };
}

function describeFleet(fleet: FleetView | undefined): string {
  if (!fleet) return "(no fleet)";
  const size =
    fleet.capacity !== undefined ? `${fleet.capacity} × ${fleet.instanceType ?? "?"}` : fleet.instanceType;
  return [`release ${fleet.release}`, size, fleet.imageId, fleet.health].filter(Boolean).join(" · ");
}

/** Terminal drawing. */
export function drawTraffic(view: TrafficView): string {
  if (view.dns) return drawDnsTraffic(view, view.dns);
  const lines = [
    `  clients ──▶ ALB ${view.albDnsName ?? ""}`.trimEnd(),
    `               └─ ${view.listener}`,
  ];
  COLOURS.forEach((colour, i) => {
    const branch = i === COLOURS.length - 1 ? "└" : "├";
    const weight = `${String(view.weights[colour]).padStart(3)}%`;
    lines.push(
      `                   ${branch}── ${weight} ──▶ ${colour.padEnd(5)}  ${describeFleet(view.fleets[colour])}`,
    );
  });
  return lines.join("\n");
}

/** Route53 mode: the weights are the records', each colour has its own load balancer. */
function drawDnsTraffic(view: TrafficView, dns: DnsView): string {
  const zone = dns.zoneId ? ` (zone ${dns.zoneId})` : "";
  const lines = [
    `  clients ──▶ Route 53 ${dns.recordName}${zone}`,
    `               └─ ${view.listener}: set identifiers blue, green, each health-checked`,
  ];
  COLOURS.forEach((colour, i) => {
    const last = i === COLOURS.length - 1;
    const weight = `${String(view.weights[colour]).padStart(3)}%`;
    lines.push(
      `                   ${last ? "└" : "├"}── ${weight} ──▶ ${colour.padEnd(5)}  ALB ${dns.loadBalancers[colour] ?? `of ${colour}`}`,
      `                   ${last ? " " : "│"}                       └─ ${describeFleet(view.fleets[colour])}`,
    );
  });
  return lines.join("\n");
}

/** Mermaid drawing of the same path. */
export function mermaidTraffic(view: TrafficView): string[] {
  if (view.dns) {
    const dns = view.dns;
    const lines = [
      `  clients((clients)) --> dns{{"Route 53 ${escape(dns.recordName)}: ${escape(view.listener)}"}}`,
    ];
    for (const colour of COLOURS) {
      lines.push(
        `  dns -- "${view.weights[colour]}%" --> ${colour}Alb["ALB ${escape(dns.loadBalancers[colour] ?? `of ${colour}`)}"]`,
        `  ${colour}Alb --> ${colour}["${colour}: ${escape(describeFleet(view.fleets[colour]))}"]`,
      );
    }
    return lines;
  }
  const lines = [
    `  clients((clients)) --> alb["ALB ${escape(view.albDnsName ?? "")}"]`,
    `  alb --> listener{{"${escape(view.listener)}"}}`,
  ];
  for (const colour of COLOURS) {
    lines.push(
      `  listener -- "${view.weights[colour]}%" --> ${colour}["${colour}: ${escape(describeFleet(view.fleets[colour]))}"]`,
    );
  }
  return lines;
}

export function escape(text: string): string {
  return text.replace(/"/g, "#quot;");
}

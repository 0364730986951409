// aws:lb/listener:Listener: the router's weighted forward (or fixed 503) lives in its default action.
import type { Action, Listener } from "@aws-sdk/client-elastic-load-balancing-v2";
import { aws, isAwsError, region, sdk } from "../context";
import type { ResourceType } from "../resourceType";
import { compact, num, str, tagList, type Props } from "../values";
import { elbTags, syncElbTags } from "./elbv2Tags";

function action(a: Props, index: number): Action {
  const forward = a.forward as Props | undefined;
  const fixed = a.fixedResponse as Props | undefined;
  const redirect = a.redirect as Props | undefined;
  const stickiness = forward?.stickiness as Props | undefined;
  return {
    Type: String(a.type) as never,
    Order: num(a.order) ?? index + 1,
    TargetGroupArn: str(a.targetGroupArn),
    ForwardConfig: forward
      ? {
          TargetGroups: ((forward.targetGroups ?? []) as Props[]).map((t) => ({
            TargetGroupArn: String(t.arn),
            Weight: num(t.weight) ?? 1,
          })),
          TargetGroupStickinessConfig: stickiness
            ? { Enabled: String(stickiness.enabled) === "true", DurationSeconds: num(stickiness.duration) }
            : undefined,
        }
      : undefined,
    FixedResponseConfig: fixed
      ? {
          ContentType: str(fixed.contentType),
          MessageBody: str(fixed.messageBody),
          StatusCode: String(fixed.statusCode),
        }
      : undefined,
    RedirectConfig: redirect
      ? {
          Host: str(redirect.host),
          Path: str(redirect.path),
          Port: str(redirect.port),
          Protocol: str(redirect.protocol),
          Query: str(redirect.query),
          StatusCode: String(redirect.statusCode) as never,
        }
      : undefined,
  };
}

/** Default actions as pulumi-aws shows them (listener.go flattenLbListenerActions). */
function flattenAction(a: Action): Props {
  const forward = a.ForwardConfig;
  const single = forward?.TargetGroups?.length === 1 ? forward.TargetGroups[0].TargetGroupArn : undefined;
  return compact({
    type: a.Type,
    order: a.Order,
    targetGroupArn: a.TargetGroupArn ?? single,
    forward:
      forward && (forward.TargetGroups?.length ?? 0) > 1
        ? {
            targetGroups: (forward.TargetGroups ?? []).map((t) => ({
              arn: t.TargetGroupArn,
              weight: t.Weight ?? 1,
            })),
            stickiness: {
              enabled: forward.TargetGroupStickinessConfig?.Enabled ?? false,
              duration: forward.TargetGroupStickinessConfig?.DurationSeconds ?? 0,
            },
          }
        : undefined,
    fixedResponse: a.FixedResponseConfig
      ? compact({
          contentType: a.FixedResponseConfig.ContentType,
          messageBody: a.FixedResponseConfig.MessageBody,
          statusCode: a.FixedResponseConfig.StatusCode,
        })
      : undefined,
    redirect: a.RedirectConfig
      ? compact({
          host: a.RedirectConfig.Host,
          path: a.RedirectConfig.Path,
          port: a.RedirectConfig.Port,
          protocol: a.RedirectConfig.Protocol,
          query: a.RedirectConfig.Query,
          statusCode: a.RedirectConfig.StatusCode,
        })
      : undefined,
  });
}

async function describe(arn: string): Promise<Listener | undefined> {
  try {
    const { Listeners = [] } = await aws
      .elbv2()
      .send(new (sdk.elbv2().DescribeListenersCommand)({ ListenerArns: [arn] }));
    return Listeners[0];
  } catch (error) {
    if (isAwsError(error, "ListenerNotFound", "ListenerNotFoundException", "LoadBalancerNotFound"))
      return undefined;
    throw error;
  }
}

function listenerRequest(inputs: Props) {
  // Terraform keeps "the previous default of HTTP for Application Load Balancers" (listener.go, create).
  const protocol =
    str(inputs.protocol) ??
    (String(inputs.loadBalancerArn).includes("loadbalancer/app/") ? "HTTP" : undefined);
  return {
    Port: num(inputs.port),
    Protocol: protocol as never,
    SslPolicy: str(inputs.sslPolicy),
    Certificates: inputs.certificateArn ? [{ CertificateArn: String(inputs.certificateArn) }] : undefined,
    DefaultActions: ((inputs.defaultActions ?? []) as Props[]).map(action),
  };
}

export const listener: ResourceType = {
  token: "aws:lb/listener:Listener",

  async create(inputs) {
    const { Listeners = [] } = await aws.elbv2().send(
      new (sdk.elbv2().CreateListenerCommand)({
        LoadBalancerArn: String(inputs.loadBalancerArn),
        ...listenerRequest(inputs),
        Tags: inputs.tags ? tagList(inputs.tags) : undefined,
      }),
    );
    const arn = Listeners[0]!.ListenerArn!;
    return { id: arn, outs: (await listener.read(arn, inputs))! };
  },

  async read(id) {
    const l = await describe(id);
    if (!l) return undefined;
    const tags = await elbTags(id);
    return compact({
      arn: id,
      certificateArn: l.Certificates?.[0]?.CertificateArn,
      defaultActions: (l.DefaultActions ?? []).map(flattenAction),
      loadBalancerArn: l.LoadBalancerArn,
      port: l.Port,
      protocol: l.Protocol,
      region: region(),
      sslPolicy: l.SslPolicy,
      tags,
      tagsAll: tags,
    });
  },

  async update(id, olds, news) {
    await aws
      .elbv2()
      .send(new (sdk.elbv2().ModifyListenerCommand)({ ListenerArn: id, ...listenerRequest(news) }));
    await syncElbTags(id, olds, news);
    return (await listener.read(id, news))!;
  },

  async delete(id) {
    if (!(await describe(id))) return;
    await aws.elbv2().send(new (sdk.elbv2().DeleteListenerCommand)({ ListenerArn: id }));
  },
};

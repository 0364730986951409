// The data sources Phoenix's programs call (see programs/offline/fakeCloud.ts INVOKES), answered from the
// provider's configuration and the emulator, shaped like pulumi-aws's results (node_modules/@pulumi/aws
// getRegion.d.ts, getCallerIdentity.d.ts, getPartition.d.ts, getAvailabilityZones.d.ts, iam/getPolicyDocument.d.ts).
import { accountId, aws, PARTITION, region, sdk } from "./context";
import type { Props } from "./values";

type Invoke = (inputs: Props) => Promise<Props>;

const INVOKES: Record<string, Invoke> = {
  "aws:index/getRegion:getRegion": async () => {
    const name = region();
    return { id: name, name, region: name, description: name, endpoint: `ec2.${name}.amazonaws.com` };
  },
  "aws:index/getCallerIdentity:getCallerIdentity": async () => {
    const identity = await aws.sts().send(new (sdk.sts().GetCallerIdentityCommand)({}));
    const account = identity.Account ?? (await accountId());
    return { id: account, accountId: account, arn: identity.Arn ?? "", userId: identity.UserId ?? "" };
  },
  "aws:index/getPartition:getPartition": async () => ({
    id: PARTITION,
    partition: PARTITION,
    dnsSuffix: "amazonaws.com",
    reverseDnsPrefix: "com.amazonaws",
  }),
  "aws:index/getAvailabilityZones:getAvailabilityZones": async () => {
    const { AvailabilityZones = [] } = await aws
      .ec2()
      .send(new (sdk.ec2().DescribeAvailabilityZonesCommand)({}));
    const available = AvailabilityZones.filter((z) => (z.State ?? "available") === "available");
    return {
      id: region(),
      names: available.map((z) => z.ZoneName ?? ""),
      zoneIds: available.map((z) => z.ZoneId ?? ""),
      groupNames: [...new Set(available.map((z) => z.GroupName ?? region()))],
    };
  },
  "aws:iam/getPolicyDocument:getPolicyDocument": async (inputs) => {
    const json = JSON.stringify(policyDocument(inputs), null, 2);
    return { id: String(hash(json)), json, minifiedJson: JSON.stringify(JSON.parse(json)) };
  },
};

export async function invoke(token: string, inputs: Props): Promise<Props> {
  const answer = INVOKES[token];
  if (!answer) throw new Error(`the rig's aws provider does not serve the invoke ${token}`);
  return answer(inputs);
}

interface StatementInput {
  sid?: string;
  effect?: string;
  actions?: string[];
  notActions?: string[];
  resources?: string[];
  notResources?: string[];
  principals?: { type: string; identifiers: string[] }[];
  conditions?: { test: string; variable: string; values: string[] }[];
}

/** The IAM JSON of aws.iam.getPolicyDocument's statements (single values unwrapped, as the provider does). */
function policyDocument(inputs: Props): Props {
  const one = (values: string[] | undefined) => (values && values.length === 1 ? values[0] : values);
  const statements = ((inputs.statements as StatementInput[] | undefined) ?? []).map((s) => {
    const principals: Record<string, unknown> = {};
    for (const p of s.principals ?? []) principals[p.type] = one(p.identifiers);
    const conditions: Record<string, Record<string, unknown>> = {};
    for (const c of s.conditions ?? []) (conditions[c.test] ??= {})[c.variable] = one(c.values);
    return Object.fromEntries(
      Object.entries({
        Sid: s.sid,
        Effect: s.effect ?? "Allow",
        Action: one(s.actions),
        NotAction: one(s.notActions),
        Resource: one(s.resources),
        NotResource: one(s.notResources),
        Principal: s.principals?.length ? principals : undefined,
        Condition: s.conditions?.length ? conditions : undefined,
      }).filter(([, v]) => v !== undefined),
    );
  });
  return { Version: (inputs.version as string | undefined) ?? "2012-10-17", Statement: statements };
}

function hash(text: string): number {
  let h = 0;
  for (const c of text) h = (h * 31 + c.charCodeAt(0)) | 0;
  return h >>> 0;
}

// aws:route53/record:Record and aws:route53/healthCheck:HealthCheck, kept in moto's Route 53. The record
// follows the Terraform provider (internal/service/route53/record.go): its id is zone_name_type_setidentifier,
// its name is kept lower-case without the trailing dot, an update is an UPSERT unless the type or the set
// identifier changes (then DELETE and CREATE in one change batch), a create is a CREATE unless allowOverwrite.
import type { ResourceRecordSet } from "@aws-sdk/client-route-53";
import { aws, isAwsError, sdk } from "../context";
import type { ResourceType } from "../resourceType";
import { compact, num, str, tagList, tagMap, type Props } from "../values";

/** Lower case, no trailing dot: the provider's StateFunc for names and NormalizeAliasName for alias targets. */
function normalize(name: unknown): string {
  return String(name).replace(/\.$/, "").toLowerCase();
}

async function zoneName(zoneId: string): Promise<string> {
  const { HostedZone } = await aws.route53().send(new (sdk.route53().GetHostedZoneCommand)({ Id: zoneId }));
  return normalize(HostedZone?.Name ?? "");
}

/** The record's full name: the given name, with the zone's name appended when it is not already in it. */
async function fullName(zoneId: string, name: unknown): Promise<string> {
  const zone = await zoneName(zoneId);
  const given = normalize(name);
  return given === zone || given.endsWith(`.${zone}`) ? given : `${given}.${zone}`;
}

function recordSet(inputs: Props, name: string): ResourceRecordSet {
  const alias = (inputs.aliases as Props[] | undefined)?.[0];
  const weight = (inputs.weightedRoutingPolicies as Props[] | undefined)?.[0]?.weight;
  const records = inputs.records as string[] | undefined;
  return {
    Name: name,
    Type: String(inputs.type) as never,
    SetIdentifier: str(inputs.setIdentifier),
    Weight: num(weight),
    HealthCheckId: str(inputs.healthCheckId),
    TTL: alias ? undefined : num(inputs.ttl),
    ResourceRecords: alias || !records ? undefined : records.map((Value) => ({ Value })),
    AliasTarget: alias
      ? {
          DNSName: String(alias.name),
          HostedZoneId: String(alias.zoneId),
          EvaluateTargetHealth: String(alias.evaluateTargetHealth) === "true",
        }
      : undefined,
  };
}

async function change(zoneId: string, changes: { Action: string; set: ResourceRecordSet }[]): Promise<void> {
  await aws.route53().send(
    new (sdk.route53().ChangeResourceRecordSetsCommand)({
      HostedZoneId: zoneId,
      ChangeBatch: {
        Comment: "Managed by Pulumi (Phoenix rig)",
        Changes: changes.map((c) => ({ Action: c.Action as never, ResourceRecordSet: c.set })),
      },
    }),
  );
}

/** The live record set of a record's zone, name, type and set identifier. */
async function findRecord(
  zoneId: string,
  name: string,
  type: string,
  setIdentifier: string | undefined,
): Promise<ResourceRecordSet | undefined> {
  let start: { name?: string; type?: string } = { name, type };
  for (;;) {
    const page = await aws.route53().send(
      new (sdk.route53().ListResourceRecordSetsCommand)({
        HostedZoneId: zoneId,
        StartRecordName: start.name,
        StartRecordType: start.type as never,
      }),
    );
    for (const set of page.ResourceRecordSets ?? []) {
      if (normalize(set.Name) !== name || set.Type !== type) {
        if (normalize(set.Name) !== name) return undefined;
        continue;
      }
      if ((set.SetIdentifier ?? undefined) === setIdentifier) return set;
    }
    if (!page.IsTruncated) return undefined;
    start = { name: page.NextRecordName, type: page.NextRecordType };
  }
}

function recordId(zoneId: string, inputs: Props): string {
  return [zoneId, normalize(inputs.name), String(inputs.type), str(inputs.setIdentifier)]
    .filter((p) => p !== undefined && p !== "")
    .join("_");
}

export const record: ResourceType = {
  token: "aws:route53/record:Record",

  async create(inputs) {
    const zoneId = String(inputs.zoneId);
    const name = await fullName(zoneId, inputs.name);
    const action = String(inputs.allowOverwrite) === "true" ? "UPSERT" : "CREATE";
    await change(zoneId, [{ Action: action, set: recordSet(inputs, name) }]);
    const id = recordId(zoneId, inputs);
    return { id, outs: (await record.read(id, inputs))! };
  },

  async read(_id, previous) {
    const zoneId = String(previous.zoneId);
    let name: string;
    try {
      name = await fullName(zoneId, previous.name);
    } catch (error) {
      if (isAwsError(error, "NoSuchHostedZone")) return undefined;
      throw error;
    }
    const set = await findRecord(zoneId, name, String(previous.type), str(previous.setIdentifier));
    if (!set) return undefined;
    return compact({
      allowOverwrite: previous.allowOverwrite ?? false,
      aliases: set.AliasTarget
        ? [
            {
              name: normalize(set.AliasTarget.DNSName),
              zoneId: set.AliasTarget.HostedZoneId,
              evaluateTargetHealth: set.AliasTarget.EvaluateTargetHealth ?? false,
            },
          ]
        : undefined,
      fqdn: name,
      healthCheckId: set.HealthCheckId,
      name: normalize(previous.name),
      records: set.ResourceRecords?.length ? set.ResourceRecords.map((r) => r.Value ?? "") : undefined,
      setIdentifier: set.SetIdentifier,
      ttl: set.TTL,
      type: set.Type,
      weightedRoutingPolicies: set.Weight === undefined ? undefined : [{ weight: set.Weight }],
      zoneId,
    });
  },

  async update(_id, olds, news) {
    const zoneId = String(news.zoneId);
    const name = await fullName(zoneId, news.name);
    if (olds.type === news.type && olds.setIdentifier === news.setIdentifier) {
      await change(zoneId, [{ Action: "UPSERT", set: recordSet(news, name) }]);
    } else {
      // resourceRecordUpdate: the old record set deleted and the new one created in one change batch.
      await change(zoneId, [
        { Action: "DELETE", set: recordSet(olds, name) },
        { Action: "CREATE", set: recordSet(news, name) },
      ]);
    }
    return (await record.read(recordId(zoneId, news), news))!;
  },

  async delete(_id, olds) {
    const zoneId = String(olds.zoneId);
    const name = await fullName(zoneId, olds.name);
    // A DELETE must repeat every value of the record set as it is now.
    const live = await findRecord(zoneId, name, String(olds.type), str(olds.setIdentifier));
    if (!live) return;
    await change(zoneId, [{ Action: "DELETE", set: live }]);
  },
};

async function healthCheckTags(id: string, previous: Props): Promise<Record<string, string>> {
  try {
    const { ResourceTagSet } = await aws
      .route53()
      .send(new (sdk.route53().ListTagsForResourceCommand)({ ResourceType: "healthcheck", ResourceId: id }));
    return tagMap(ResourceTagSet?.Tags);
  } catch {
    // Tags are best effort: the emulator may not list them.
    return (previous.tags as Record<string, string> | undefined) ?? {};
  }
}

async function setHealthCheckTags(id: string, olds: Props, news: Props): Promise<void> {
  const before = (olds.tags ?? {}) as Record<string, string>;
  const after = (news.tags ?? {}) as Record<string, string>;
  const removed = Object.keys(before).filter((key) => !(key in after));
  const changed = Object.entries(after).filter(([key, value]) => before[key] !== value);
  if (removed.length === 0 && changed.length === 0) return;
  await aws.route53().send(
    new (sdk.route53().ChangeTagsForResourceCommand)({
      ResourceType: "healthcheck",
      ResourceId: id,
      AddTags: changed.length > 0 ? tagList(Object.fromEntries(changed)) : undefined,
      RemoveTagKeys: removed.length > 0 ? removed : undefined,
    }),
  );
}

export const healthCheck: ResourceType = {
  token: "aws:route53/healthCheck:HealthCheck",
  defaults: { disabled: false, measureLatency: false },

  async create(inputs) {
    const { HealthCheck } = await aws.route53().send(
      new (sdk.route53().CreateHealthCheckCommand)({
        // resource.UniqueId() in the Terraform provider, prefixed by reference_name when given.
        CallerReference: `${str(inputs.referenceName) ?? "phoenix"}-${Date.now()}-${Math.random().toString(16).slice(2)}`,
        HealthCheckConfig: {
          Type: String(inputs.type).toUpperCase() as never,
          FullyQualifiedDomainName: str(inputs.fqdn),
          IPAddress: str(inputs.ipAddress),
          Port: num(inputs.port),
          ResourcePath: str(inputs.resourcePath),
          SearchString: str(inputs.searchString),
          FailureThreshold: num(inputs.failureThreshold),
          RequestInterval: num(inputs.requestInterval),
          MeasureLatency:
            inputs.measureLatency === undefined ? undefined : String(inputs.measureLatency) === "true",
          Inverted:
            inputs.invertHealthcheck === undefined ? undefined : String(inputs.invertHealthcheck) === "true",
          Disabled: inputs.disabled === undefined ? undefined : String(inputs.disabled) === "true",
          EnableSNI: inputs.enableSni === undefined ? undefined : String(inputs.enableSni) === "true",
        },
      }),
    );
    const id = HealthCheck!.Id!;
    await setHealthCheckTags(id, {}, inputs);
    return { id, outs: (await healthCheck.read(id, inputs))! };
  },

  async read(id, previous) {
    let config;
    try {
      const { HealthCheck } = await aws
        .route53()
        .send(new (sdk.route53().GetHealthCheckCommand)({ HealthCheckId: id }));
      config = HealthCheck?.HealthCheckConfig;
    } catch (error) {
      if (isAwsError(error, "NoSuchHealthCheck")) return undefined;
      throw error;
    }
    if (!config) return undefined;
    const tags = await healthCheckTags(id, previous);
    return compact({
      arn: `arn:aws:route53:::healthcheck/${id}`,
      disabled: config.Disabled ?? false,
      enableSni: config.EnableSNI,
      failureThreshold: config.FailureThreshold,
      fqdn: config.FullyQualifiedDomainName,
      invertHealthcheck: config.Inverted ?? false,
      ipAddress: config.IPAddress,
      measureLatency: config.MeasureLatency ?? false,
      port: config.Port,
      referenceName: previous.referenceName,
      requestInterval: config.RequestInterval,
      resourcePath: config.ResourcePath,
      searchString: config.SearchString,
      tags,
      tagsAll: tags,
      type: config.Type,
    });
  },

  async update(id, olds, news) {
    // resourceHealthCheckUpdate: only what changed (type, interval, latency, reference name replace instead).
    const changed = (key: string) => JSON.stringify(olds[key]) !== JSON.stringify(news[key]);
    const bool = (key: string) => (changed(key) ? String(news[key]) === "true" : undefined);
    await aws.route53().send(
      new (sdk.route53().UpdateHealthCheckCommand)({
        HealthCheckId: id,
        FullyQualifiedDomainName: changed("fqdn") ? str(news.fqdn) : undefined,
        IPAddress: changed("ipAddress") ? str(news.ipAddress) : undefined,
        Port: changed("port") ? num(news.port) : undefined,
        ResourcePath: changed("resourcePath") ? str(news.resourcePath) : undefined,
        SearchString: changed("searchString") ? str(news.searchString) : undefined,
        FailureThreshold: changed("failureThreshold") ? num(news.failureThreshold) : undefined,
        Inverted: bool("invertHealthcheck"),
        Disabled: bool("disabled"),
        EnableSNI: bool("enableSni"),
      }),
    );
    await setHealthCheckTags(id, olds, news);
    return (await healthCheck.read(id, news))!;
  },

  async delete(id) {
    try {
      await aws.route53().send(new (sdk.route53().DeleteHealthCheckCommand)({ HealthCheckId: id }));
    } catch (error) {
      if (!isAwsError(error, "NoSuchHealthCheck")) throw error;
    }
  },
};

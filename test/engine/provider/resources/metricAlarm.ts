// aws:cloudwatch/metricAlarm:MetricAlarm (the tests create alarms; moto never evaluates them).
import type { PutMetricAlarmCommandInput } from "@aws-sdk/client-cloudwatch";
import { aws, region, sdk } from "../context";
import type { ResourceType } from "../resourceType";
import { compact, num, str, strings, tagList, tagMap, type Props } from "../values";

function request(inputs: Props): PutMetricAlarmCommandInput {
  return {
    AlarmName: String(inputs.name),
    AlarmDescription: str(inputs.alarmDescription),
    ActionsEnabled:
      inputs.actionsEnabled === undefined ? undefined : String(inputs.actionsEnabled) === "true",
    AlarmActions: strings(inputs.alarmActions),
    OKActions: strings(inputs.okActions),
    InsufficientDataActions: strings(inputs.insufficientDataActions),
    ComparisonOperator: str(inputs.comparisonOperator) as never,
    EvaluationPeriods: num(inputs.evaluationPeriods),
    DatapointsToAlarm: num(inputs.datapointsToAlarm),
    MetricName: str(inputs.metricName),
    Namespace: str(inputs.namespace),
    Period: num(inputs.period),
    Statistic: str(inputs.statistic) as never,
    ExtendedStatistic: str(inputs.extendedStatistic),
    Threshold: num(inputs.threshold),
    TreatMissingData: str(inputs.treatMissingData),
    Unit: str(inputs.unit) as never,
    Dimensions: Object.entries((inputs.dimensions ?? {}) as Record<string, string>).map(([Name, Value]) => ({
      Name,
      Value,
    })),
    Tags: inputs.tags ? tagList(inputs.tags) : undefined,
  };
}

async function describe(name: string) {
  const { MetricAlarms = [] } = await aws
    .cloudwatch()
    .send(new (sdk.cloudwatch().DescribeAlarmsCommand)({ AlarmNames: [name] }));
  return MetricAlarms.find((a) => a.AlarmName === name);
}

export const metricAlarm: ResourceType = {
  token: "aws:cloudwatch/metricAlarm:MetricAlarm",
  autoName: { maxLength: 255 },
  defaults: { actionsEnabled: true, treatMissingData: "missing" },

  async create(inputs) {
    await aws.cloudwatch().send(new (sdk.cloudwatch().PutMetricAlarmCommand)(request(inputs)));
    const id = String(inputs.name);
    return { id, outs: (await metricAlarm.read(id, inputs))! };
  },

  async read(id, previous) {
    const a = await describe(id);
    if (!a) return undefined;
    let tags: Record<string, string> = (previous.tags as Record<string, string> | undefined) ?? {};
    try {
      const { Tags } = await aws
        .cloudwatch()
        .send(new (sdk.cloudwatch().ListTagsForResourceCommand)({ ResourceARN: a.AlarmArn }));
      tags = tagMap(Tags);
    } catch {
      // Tags are best effort: the emulator may not list them.
    }
    return compact({
      actionsEnabled: a.ActionsEnabled,
      alarmActions: a.AlarmActions ?? [],
      alarmDescription: a.AlarmDescription,
      arn: a.AlarmArn,
      comparisonOperator: a.ComparisonOperator,
      datapointsToAlarm: a.DatapointsToAlarm,
      dimensions: Object.fromEntries((a.Dimensions ?? []).map((d) => [d.Name ?? "", d.Value ?? ""])),
      evaluationPeriods: a.EvaluationPeriods,
      extendedStatistic: a.ExtendedStatistic,
      insufficientDataActions: a.InsufficientDataActions ?? [],
      metricName: a.MetricName,
      name: a.AlarmName,
      namespace: a.Namespace,
      okActions: a.OKActions ?? [],
      period: a.Period,
      region: region(),
      statistic: a.Statistic,
      tags,
      tagsAll: tags,
      threshold: a.Threshold,
      treatMissingData: a.TreatMissingData ?? "missing",
      unit: a.Unit,
    });
  },

  async update(id, _olds, news) {
    // PutMetricAlarm replaces the alarm's definition and resets its state (moto: back to OK).
    await aws.cloudwatch().send(new (sdk.cloudwatch().PutMetricAlarmCommand)(request(news)));
    return (await metricAlarm.read(id, news))!;
  },

  async delete(id) {
    await aws.cloudwatch().send(new (sdk.cloudwatch().DeleteAlarmsCommand)({ AlarmNames: [id] }));
  },
};

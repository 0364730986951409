// The AWS CloudProbe against the real AWS SDK v3 clients, with no network:
// - aws-sdk-client-mock replaces `client.send` to script answers (states, pages, errors, hangs);
// - a scripted HTTP handler under the full SDK middleware stack (signing, retry strategy, XML parsing)
//   proves that throttling is retried with backoff by the SDK itself, as configured.
import * as assert from "assert";
import { Readable } from "stream";
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  type DescribeAlarmsCommandInput,
} from "@aws-sdk/client-cloudwatch";
import {
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  TargetGroupNotFoundException,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import type { MetadataBearer } from "@smithy/types";
import { mockClient, type AwsStub } from "aws-sdk-client-mock";
import { AwsCloudProbe, type AwsCloudProbeOptions } from "../../../automation/aws/cloudProbe";
import {
  AlarmsNotFoundError,
  AutoScalingGroupNotFoundError,
  InvalidProbeInputError,
  ProbeConfigurationError,
  ProbeRequestError,
  ProbeThrottledError,
  ProbeTimeoutError,
  TargetGroupNotFoundError,
} from "../../../automation/aws/errors";
import { onFakeTime } from "../../helpers/fakeTime";

const TG = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/shop-prod-blue/0123456789abcdef";
// Static region and credentials: the default provider chain would look for an instance role (network).
const OFFLINE: AwsCloudProbeOptions = {
  region: "eu-west-1",
  credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "not-a-secret" },
};

type Stub = AwsStub<object, MetadataBearer, object>;

function throttling(): Error {
  return Object.assign(new Error("Rate exceeded"), {
    name: "ThrottlingException",
    $fault: "client",
    $metadata: { httpStatusCode: 400, attempts: 5 },
  });
}

/** The options object the SDK received with the n-th `send` (aws-sdk-client-mock types only the command). */
function sendOptions(stub: Stub, n: number): { abortSignal?: AbortSignal } {
  return (stub.send.getCall(n).args as unknown[])[1] as { abortSignal?: AbortSignal };
}

describe("AWS CloudProbe (SDK v3 clients)", function () {
  this.timeout(20_000);

  describe("scripted with aws-sdk-client-mock", () => {
    let probe: AwsCloudProbe;
    let elbv2: Stub;
    let autoScaling: Stub;
    let cloudWatch: Stub;

    beforeEach(() => {
      probe = new AwsCloudProbe({ ...OFFLINE, callTimeoutMs: 2_000 });
      elbv2 = mockClient(probe.elbv2) as unknown as Stub;
      autoScaling = mockClient(probe.autoScaling) as unknown as Stub;
      cloudWatch = mockClient(probe.cloudWatch) as unknown as Stub;
    });
    afterEach(() => {
      elbv2.restore();
      autoScaling.restore();
      cloudWatch.restore();
    });

    describe("targetGroupHealth", () => {
      it("counts targets by state and reports the healthy ones", async () => {
        elbv2.on(DescribeTargetHealthCommand, { TargetGroupArn: TG }).resolves({
          TargetHealthDescriptions: [
            { Target: { Id: "i-1" }, TargetHealth: { State: "healthy" } },
            { Target: { Id: "i-2" }, TargetHealth: { State: "healthy" } },
            {
              Target: { Id: "i-3" },
              TargetHealth: { State: "initial", Reason: "Elb.RegistrationInProgress" },
            },
            { Target: { Id: "i-4" }, TargetHealth: { State: "unhealthy" } },
            { Target: { Id: "i-5" } },
          ],
        });
        const health = await probe.targetGroupHealth(TG);
        assert.deepStrictEqual(health, {
          targetGroupArn: TG,
          healthy: 2,
          byState: { healthy: 2, initial: 1, unhealthy: 1, unknown: 1 },
        });
        assert.strictEqual(elbv2.commandCalls(DescribeTargetHealthCommand, { TargetGroupArn: TG }).length, 1);
      });

      it("reports zero healthy for a target group without targets", async () => {
        elbv2.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: [] });
        assert.deepStrictEqual(await probe.targetGroupHealth(TG), {
          targetGroupArn: TG,
          healthy: 0,
          byState: {},
        });
      });

      it("turns TargetGroupNotFoundException into a TargetGroupNotFoundError naming the ARN", async () => {
        elbv2.on(DescribeTargetHealthCommand).rejects(
          new TargetGroupNotFoundException({
            message: "One or more target groups not found",
            $metadata: {},
          }),
        );
        await assert.rejects(probe.targetGroupHealth(TG), (error: unknown) => {
          assert.ok(error instanceof TargetGroupNotFoundError);
          assert.strictEqual(error.targetGroupArn, TG);
          assert.strictEqual(error.retryable, false);
          assert.match(error.message, /does not exist/);
          return true;
        });
      });

      it("refuses something that is not a target group ARN without calling AWS", async () => {
        await assert.rejects(
          probe.targetGroupHealth("shop-prod-blue"),
          (error: unknown) =>
            error instanceof InvalidProbeInputError &&
            /`targetGroupArn` \("shop-prod-blue"\) must be an ELBv2 target group ARN/.test(error.message),
        );
        assert.strictEqual(elbv2.send.callCount, 0);
      });

      it("throttling that outlived the SDK's retries is a retryable ProbeThrottledError; the next poll succeeds", async () => {
        elbv2
          .on(DescribeTargetHealthCommand)
          .rejectsOnce(throttling())
          .resolves({ TargetHealthDescriptions: [{ TargetHealth: { State: "healthy" } }] });
        await assert.rejects(probe.targetGroupHealth(TG), (error: unknown) => {
          assert.ok(error instanceof ProbeThrottledError);
          assert.strictEqual(error.retryable, true);
          assert.strictEqual(error.attempts, 5);
          assert.match(error.message, /throttled ELBv2 DescribeTargetHealth after 5 attempts/);
          return true;
        });
        assert.strictEqual((await probe.targetGroupHealth(TG)).healthy, 1);
        assert.strictEqual(elbv2.send.callCount, 2);
      });
    });

    describe("desiredCapacity", () => {
      it("reads the group's desired capacity", async () => {
        autoScaling
          .on(DescribeAutoScalingGroupsCommand, { AutoScalingGroupNames: ["shop-prod-blue-asg-3f9a2c"] })
          .resolves({
            AutoScalingGroups: [
              {
                AutoScalingGroupName: "shop-prod-blue-asg-3f9a2c",
                DesiredCapacity: 3,
                MinSize: 1,
                MaxSize: 4,
                DefaultCooldown: 300,
                AvailabilityZones: ["eu-west-1a"],
                HealthCheckType: "ELB",
                CreatedTime: new Date(),
              },
            ],
          });
        assert.strictEqual(await probe.desiredCapacity("shop-prod-blue-asg-3f9a2c"), 3);
      });

      it("an unknown group is an AutoScalingGroupNotFoundError", async () => {
        autoScaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [] });
        await assert.rejects(
          probe.desiredCapacity("gone-asg"),
          (error: unknown) =>
            error instanceof AutoScalingGroupNotFoundError && error.autoScalingGroupName === "gone-asg",
        );
      });

      it("an empty name is refused before any call", async () => {
        await assert.rejects(
          probe.desiredCapacity(""),
          /`autoScalingGroupName` \(""\) must be 1 to 255 characters/,
        );
        assert.strictEqual(autoScaling.send.callCount, 0);
      });
    });

    describe("alarmsInAlarm", () => {
      it("follows NextToken across pages and returns the alarms in ALARM, metric and composite", async () => {
        cloudWatch
          .on(DescribeAlarmsCommand)
          .resolvesOnce({
            MetricAlarms: [
              { AlarmName: "shop-5xx", StateValue: "ALARM" },
              { AlarmName: "shop-latency", StateValue: "OK" },
            ],
            NextToken: "page-2",
          })
          .resolvesOnce({
            MetricAlarms: [{ AlarmName: "shop-cpu", StateValue: "INSUFFICIENT_DATA" }],
            CompositeAlarms: [{ AlarmName: "shop-slo", StateValue: "ALARM" }],
          });
        const names = ["shop-slo", "shop-latency", "shop-5xx", "shop-cpu"];
        assert.deepStrictEqual(await probe.alarmsInAlarm(names), ["shop-slo", "shop-5xx"]);
        const inputs = cloudWatch.commandCalls(DescribeAlarmsCommand).map((call) => call.args[0].input);
        assert.strictEqual(inputs.length, 2);
        assert.deepStrictEqual(
          inputs.map((input: DescribeAlarmsCommandInput) => input.NextToken),
          [undefined, "page-2"],
        );
        assert.deepStrictEqual(inputs[0].AlarmTypes, ["MetricAlarm", "CompositeAlarm"]);
        assert.deepStrictEqual(inputs[0].AlarmNames, names);
      });

      it("asks for at most 100 names per request", async () => {
        const names = Array.from({ length: 150 }, (_, i) => `alarm-${i}`);
        cloudWatch.on(DescribeAlarmsCommand).callsFake((input: DescribeAlarmsCommandInput) => ({
          MetricAlarms: (input.AlarmNames ?? []).map((name) => ({
            AlarmName: name,
            StateValue: name === "alarm-120" ? "ALARM" : "OK",
          })),
        }));
        assert.deepStrictEqual(await probe.alarmsInAlarm(names), ["alarm-120"]);
        const sizes = cloudWatch
          .commandCalls(DescribeAlarmsCommand)
          .map((call) => call.args[0].input.AlarmNames?.length);
        assert.deepStrictEqual(sizes, [100, 50]);
      });

      it("an alarm CloudWatch does not know fails the check instead of passing it forever", async () => {
        cloudWatch
          .on(DescribeAlarmsCommand)
          .resolves({ MetricAlarms: [{ AlarmName: "shop-5xx", StateValue: "OK" }] });
        await assert.rejects(probe.alarmsInAlarm(["shop-5xx", "shop-5xxx"]), (error: unknown) => {
          assert.ok(error instanceof AlarmsNotFoundError);
          assert.deepStrictEqual(error.alarmNames, ["shop-5xxx"]);
          return true;
        });
      });

      it("no names, no call", async () => {
        assert.deepStrictEqual(await probe.alarmsInAlarm([]), []);
        assert.strictEqual(cloudWatch.send.callCount, 0);
      });

      it("refuses empty names", async () => {
        await assert.rejects(
          probe.alarmsInAlarm(["ok", ""]),
          /`alarmNames` must be a list of alarm names.*received \[""\]/s,
        );
      });
    });

    describe("deadlines and signals", () => {
      it("a call that never answers ends at its deadline with a ProbeTimeoutError, and the SDK request is aborted", async () => {
        const slow = new AwsCloudProbe({ ...OFFLINE, callTimeoutMs: 60 });
        const stub = mockClient(slow.elbv2) as unknown as Stub;
        try {
          stub.on(DescribeTargetHealthCommand).callsFake(() => new Promise(() => undefined));
          const { settled, elapsedMs } = await onFakeTime(() => slow.targetGroupHealth(TG), { stepMs: 5 });
          assert.ok(settled && "error" in settled, "it ended");
          const error = settled.error;
          assert.ok(error instanceof ProbeTimeoutError, String(error));
          assert.strictEqual(error.code, "PROBE_TIMEOUT");
          assert.match(error.message, /ELBv2 DescribeTargetHealth did not answer within 60 ms/);
          assert.strictEqual(elapsedMs, 60, "at its deadline, on fake time");
          assert.strictEqual(sendOptions(stub, 0).abortSignal?.aborted, true);
        } finally {
          stub.restore();
        }
      });

      it("the caller's abort rejects at once with the caller's reason and aborts the SDK request", async () => {
        autoScaling.on(DescribeAutoScalingGroupsCommand).callsFake(() => new Promise(() => undefined));
        const controller = new AbortController();
        const pending = probe.desiredCapacity("shop-prod-blue-asg", controller.signal);
        // Aborted once the call is under way (the SDK has the request), not before.
        await new Promise((resolve) => setImmediate(resolve));
        assert.strictEqual(autoScaling.send.callCount, 1, "the call is under way");
        controller.abort(new Error("deploy cancelled"));
        await assert.rejects(pending, /deploy cancelled/);
        assert.strictEqual(sendOptions(autoScaling, 0).abortSignal?.aborted, true);
      });

      it("an already aborted signal makes no call", async () => {
        const controller = new AbortController();
        controller.abort();
        await assert.rejects(probe.alarmsInAlarm(["shop-5xx"], controller.signal), { name: "AbortError" });
        assert.strictEqual(cloudWatch.send.callCount, 0);
      });
    });

    describe("other AWS failures", () => {
      it("missing credentials say how to configure them", async () => {
        cloudWatch.on(DescribeAlarmsCommand).rejects(
          Object.assign(new Error("Could not load credentials from any providers"), {
            name: "CredentialsProviderError",
          }),
        );
        await assert.rejects(
          probe.alarmsInAlarm(["shop-5xx"]),
          (error: unknown) =>
            error instanceof ProbeConfigurationError && /no credentials/.test(error.message),
        );
      });

      it("access denied keeps the service's error name and is not retryable", async () => {
        elbv2.on(DescribeTargetHealthCommand).rejects(
          Object.assign(
            new Error("User is not authorized to perform: elasticloadbalancing:DescribeTargetHealth"),
            {
              name: "AccessDenied",
              $fault: "client",
              $metadata: { httpStatusCode: 403 },
            },
          ),
        );
        await assert.rejects(probe.targetGroupHealth(TG), (error: unknown) => {
          assert.ok(error instanceof ProbeRequestError);
          assert.strictEqual(error.awsErrorName, "AccessDenied");
          assert.strictEqual(error.retryable, false);
          assert.match(
            error.message,
            /ELBv2 DescribeTargetHealth failed: AccessDenied: User is not authorized/,
          );
          return true;
        });
      });
    });
  });

  describe("options", () => {
    it("builds clients with the adaptive retry strategy, 5 attempts and per-attempt timeouts by default", async () => {
      const probe = new AwsCloudProbe(OFFLINE);
      for (const client of [probe.elbv2, probe.autoScaling, probe.cloudWatch] as Array<
        ElasticLoadBalancingV2Client | AutoScalingClient | CloudWatchClient
      >) {
        const strategy = (await client.config.retryStrategy()) as { mode?: string };
        assert.strictEqual(strategy.mode, "adaptive");
        assert.strictEqual(await client.config.maxAttempts(), 5);
        assert.strictEqual(await client.config.region(), "eu-west-1");
      }
      const handler = probe.elbv2.config.requestHandler as unknown as {
        configProvider: Promise<Record<string, unknown>>;
      };
      const handlerConfig = await handler.configProvider;
      assert.strictEqual(handlerConfig.requestTimeout, 5_000);
      assert.strictEqual(handlerConfig.connectionTimeout, 3_000);
      assert.strictEqual(handlerConfig.throwOnRequestTimeout, true);
    });

    it("names every bad option at once", () => {
      assert.throws(
        () => new AwsCloudProbe({ maxAttempts: 0, callTimeoutMs: 1.5, retryMode: "fast" as never }),
        (error: unknown) => {
          assert.ok(error instanceof InvalidProbeInputError);
          assert.strictEqual(error.problems.length, 3, error.message);
          assert.match(error.message, /`maxAttempts` \(0\) must be an integer from 1 to 20/);
          assert.match(error.message, /`callTimeoutMs` \(1.5\) must be an integer/);
          assert.match(error.message, /`retryMode` \("fast"\) must be "standard" or "adaptive"/);
          return true;
        },
      );
    });
  });

  describe("through the SDK's middleware (signing, retries, XML), with a scripted HTTP handler", () => {
    const XMLNS = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/";
    const throttled = `<ErrorResponse xmlns="${XMLNS}"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`;
    const healthy = `<DescribeTargetHealthResponse xmlns="${XMLNS}"><DescribeTargetHealthResult><TargetHealthDescriptions><member><Target><Id>i-1</Id><Port>8080</Port></Target><TargetHealth><State>healthy</State></TargetHealth></member><member><Target><Id>i-2</Id><Port>8080</Port></Target><TargetHealth><State>draining</State></TargetHealth></member></TargetHealthDescriptions></DescribeTargetHealthResult><ResponseMetadata><RequestId>r-2</RequestId></ResponseMetadata></DescribeTargetHealthResponse>`;

    interface SeenRequest {
      method: string;
      hostname: string;
      body: string;
      authorization: string;
    }

    /** An HTTP handler answering each attempt from a script (the last answer repeats). */
    function scriptedHandler(answers: Array<{ status: number; body: string }>) {
      const seen: SeenRequest[] = [];
      const handler = {
        async handle(
          request: { method: string; hostname: string; body: unknown; headers: Record<string, string> },
          options?: { abortSignal?: AbortSignal },
        ) {
          // Like the SDK's Node handler: an aborted request is never sent.
          if (options?.abortSignal?.aborted) {
            throw Object.assign(new Error("Request aborted"), { name: "AbortError" });
          }
          seen.push({
            method: request.method,
            hostname: request.hostname,
            body: String(request.body),
            authorization: request.headers.authorization ?? "",
          });
          const answer = answers[Math.min(seen.length - 1, answers.length - 1)];
          return {
            response: {
              statusCode: answer.status,
              headers: { "content-type": "text/xml" },
              body: Readable.from([Buffer.from(answer.body)]),
            },
          };
        },
        updateHttpClientConfig: () => undefined,
        httpHandlerConfigs: () => ({}),
      };
      return { handler, seen };
    }

    it("retries a Throttling answer with backoff and returns the next success", async () => {
      const { handler, seen } = scriptedHandler([
        { status: 400, body: throttled },
        { status: 200, body: healthy },
      ]);
      const probe = new AwsCloudProbe({ ...OFFLINE, requestHandler: handler as never });
      // On fake time: the SDK's backoff moves it, no wall-clock wait.
      const { settled, elapsedMs } = await onFakeTime(() => probe.targetGroupHealth(TG));
      assert.ok(settled && "value" in settled, `it answered: ${JSON.stringify(settled)}`);
      assert.ok(elapsedMs > 0, "the retry waited for a backoff");
      const health = settled.value;
      assert.deepStrictEqual(health, {
        targetGroupArn: TG,
        healthy: 1,
        byState: { healthy: 1, draining: 1 },
      });
      assert.strictEqual(seen.length, 2, "one throttled attempt, one retry");
      for (const request of seen) {
        assert.strictEqual(request.method, "POST");
        assert.strictEqual(request.hostname, "elasticloadbalancing.eu-west-1.amazonaws.com");
        assert.match(
          request.body,
          /^Action=DescribeTargetHealth&Version=2015-12-01&TargetGroupArn=arn%3Aaws/,
        );
        assert.match(request.authorization, /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\//);
      }
    });

    it("gives up after maxAttempts with a ProbeThrottledError that counts them", async () => {
      const { handler, seen } = scriptedHandler([{ status: 400, body: throttled }]);
      const probe = new AwsCloudProbe({ ...OFFLINE, maxAttempts: 2, requestHandler: handler as never });
      const { settled } = await onFakeTime(() => probe.targetGroupHealth(TG));
      assert.ok(settled && "error" in settled, "it gave up");
      const error = settled.error;
      assert.ok(error instanceof ProbeThrottledError, String(error));
      assert.strictEqual(error.attempts, 2);
      assert.strictEqual(seen.length, 2);
    });

    it("an abort during the SDK's backoff rejects at once and stops retrying", async () => {
      const { handler, seen } = scriptedHandler([{ status: 400, body: throttled }]);
      const probe = new AwsCloudProbe({ ...OFFLINE, maxAttempts: 10, requestHandler: handler as never });
      const controller = new AbortController();
      let afterAbort = 0;
      const { settled, elapsedMs } = await onFakeTime(
        () => {
          const pending = probe.targetGroupHealth(TG, controller.signal);
          // Aborted as soon as the first request was answered: inside the SDK's backoff.
          const abortOnFirst = setInterval(() => {
            if (seen.length > 0) {
              clearInterval(abortOnFirst);
              controller.abort(new Error("stop polling"));
            }
          }, 1);
          return pending;
        },
        {
          stepMs: 1,
          // Unaborted, the first retry would have gone out within 1 s (throttling backoff: up to 2 × 500 ms).
          after: async (tick) => {
            afterAbort = seen.length;
            await tick(1_500);
          },
        },
      );
      assert.ok(settled && "error" in settled, "it rejected");
      assert.match(String(settled.error), /stop polling/);
      assert.ok(elapsedMs <= 5, `it did not wait for the backoff to end (${elapsedMs} ms)`);
      assert.strictEqual(afterAbort, 1);
      assert.strictEqual(seen.length, 1, "the SDK saw the abort and sent no retry");
    });
  });
});

// Network's router mode and the colours' own listeners (route53 mode): defaults, each refusal word for word.
import { strict as assert } from "assert";
import type { NetworkArgs } from "../../components/network";
import { resolveNetworkSettings } from "../../components/networkSettings";
import { ComponentArgsError } from "../../components/validation";

function problemsOf(args: NetworkArgs | Record<string, unknown>): string[] {
  try {
    resolveNetworkSettings("n", args as NetworkArgs);
  } catch (e) {
    assert.ok(e instanceof ComponentArgsError);
    return [...e.problems];
  }
  return [];
}

const route53 = (colourListener?: NetworkArgs["colourListener"]): NetworkArgs => ({
  router: "route53",
  colourListener,
});

describe("Network router settings", () => {
  it("alb by default, with no colour listeners", () => {
    const settings = resolveNetworkSettings("n", {});
    assert.equal(settings.router, "alb");
    assert.equal(settings.colourListener, undefined);
    assert.equal(resolveNetworkSettings("n", { router: "alb" }).router, "alb");
  });

  it("route53 mode: each colour listens on HTTP 80 unless given a certificate", () => {
    assert.deepEqual(resolveNetworkSettings("n", route53()).colourListener, {
      port: 80,
      protocol: "HTTP",
      sslPolicy: undefined,
    });
    assert.equal(resolveNetworkSettings("n", route53()).router, "route53");
    assert.deepEqual(
      resolveNetworkSettings("n", route53({ certificateArn: "arn:aws:acm:c", port: 80 })).colourListener,
      {
        port: 80,
        protocol: "HTTPS",
        sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
      },
    );
    assert.deepEqual(
      resolveNetworkSettings(
        "n",
        route53({ certificateArn: "arn:aws:acm:c", sslPolicy: "ELBSecurityPolicy-2016-08" }),
      ).colourListener,
      { port: 443, protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-2016-08" },
    );
  });

  it("refuses, word for word", () => {
    const cases: [string, NetworkArgs | Record<string, unknown>, string[]][] = [
      ["another router", { router: "nlb" }, ['`router` ("nlb") must be "alb" or "route53"']],
      [
        "colour listeners in alb mode",
        { colourListener: {} },
        [
          '`colourListener` applies only with `router: "route53"`: in alb mode the BlueGreenRouter owns the listener',
        ],
      ],
      [
        "a port the security group does not admit",
        route53({ port: 8080 }),
        [
          "`colourListener.port` (8080) must be 80 or 443: the load balancers' security group admits only those",
        ],
      ],
      ["port 0", route53({ port: 0 }), ["`colourListener.port` (0) must be an integer from 1 to 65535"]],
      [
        "port 65536",
        route53({ port: 65536 }),
        ["`colourListener.port` (65536) must be an integer from 1 to 65535"],
      ],
      [
        "443 without a certificate",
        route53({ port: 443 }),
        ["`colourListener.port` (443) needs `colourListener.certificateArn`"],
      ],
      [
        "an SSL policy without a certificate",
        route53({ sslPolicy: "ELBSecurityPolicy-2016-08" }),
        [
          '`colourListener.sslPolicy` ("ELBSecurityPolicy-2016-08") applies only to HTTPS: give `colourListener.certificateArn` too',
        ],
      ],
    ];
    for (const [what, args, expected] of cases) assert.deepEqual(problemsOf(args), expected, what);
  });
});

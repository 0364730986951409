// The router mode's rules, pure: which stack gets which config in each mode, the refusal to change the mode of
// an app/env (and none when the same mode is asked for), every problem of a router choice named with its value,
// and what each router reports about a change of weights (resources, settle time, what a heal may change).
import assert from "assert";
import { albRouter } from "../../automation/routers/alb";
import { assertRouterMode, routerStackValues, RouterModeError } from "../../automation/routers/bootstrap";
import { trafficRouterOf } from "../../automation/routers";
import { LIBRARY_ROUTER_NAMES, routerChoiceProblems } from "../../automation/routers/options";
import { route53Router } from "../../automation/routers/route53";

const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/abc";

describe("router mode rules", () => {
  describe("routerStackValues", () => {
    it("alb: the listener settings go to the router stack, nothing to the network", () => {
      assert.deepStrictEqual(routerStackValues({ listenerPort: 8443, certificateArn: CERT }), {
        network: {},
        router: { listenerPort: 8443, certificateArn: CERT },
      });
      assert.deepStrictEqual(routerStackValues(), { network: {}, router: {} });
    });

    it("route53: each colour's listener in the network stack, the zone and record in the router stack", () => {
      assert.deepStrictEqual(
        routerStackValues({
          mode: "route53",
          zoneId: "Z0123456789ABC",
          recordName: "shop.example.com",
          listenerPort: 443,
          certificateArn: CERT,
        }),
        {
          network: { router: "route53", listenerPort: 443, certificateArn: CERT },
          router: { router: "route53", zoneId: "Z0123456789ABC", recordName: "shop.example.com" },
        },
      );
    });
  });

  describe("assertRouterMode", () => {
    it("accepts the deployed mode asked for again, and no mode at all", () => {
      assertRouterMode("shop-prod-network", { routerMode: { value: "route53", secret: false } }, "route53");
      assertRouterMode("shop-prod-network", {}, "alb");
      assertRouterMode("shop-prod-network", { routerMode: { value: "route53", secret: false } }, undefined);
    });

    it("refuses another mode, naming the stack, both modes and the way out", () => {
      assert.throws(
        () => assertRouterMode("shop-prod-network", {}, "route53"),
        (e: unknown) =>
          e instanceof RouterModeError &&
          e.problems.length === 1 &&
          e.problems[0] ===
            "`router.mode` (route53) differs from the mode shop-prod-network was bootstrapped with (alb): the " +
              "router mode is fixed for the life of the app/env (another mode replaces the load balancers). " +
              "Bootstrap with router mode alb, or create a new env in route53 mode and move to it.",
      );
    });
  });

  describe("routerChoiceProblems", () => {
    it("an unknown mode, with what is allowed", () => {
      assert.deepStrictEqual(routerChoiceProblems({ mode: "nlb" as never }, LIBRARY_ROUTER_NAMES), [
        '`router.mode` ("nlb") must be one of alb, route53',
      ]);
    });

    it("a record name that is no lower-case DNS name", () => {
      assert.deepStrictEqual(
        routerChoiceProblems(
          { mode: "route53", zoneId: "Z0123456789ABC", recordName: "Shop.example.com." },
          LIBRARY_ROUTER_NAMES,
        ),
        [
          '`router.recordName` ("Shop.example.com.") must be a lower-case DNS name inside the zone, without ' +
            "the trailing dot (shop.example.com)",
        ],
      );
    });

    it("route53 needs a zone id without /hostedzone/ and a record name", () => {
      assert.deepStrictEqual(
        routerChoiceProblems({ mode: "route53", zoneId: "/hostedzone/Z0123456789ABC" }, LIBRARY_ROUTER_NAMES),
        [
          '`router.zoneId` ("/hostedzone/Z0123456789ABC") must be a Route 53 hosted zone id: upper-case letters ' +
            "and digits, without /hostedzone/ (Z0123456789ABC)",
          "`router.recordName` is required with router.mode route53: the name clients resolve (shop.example.com)",
        ],
      );
    });

    it("a good route53 choice and a plain alb one have no problem", () => {
      assert.deepStrictEqual(
        routerChoiceProblems(
          { mode: "route53", zoneId: "Z0123456789ABC", recordName: "shop.example.com" },
          LIBRARY_ROUTER_NAMES,
        ),
        [],
      );
      assert.deepStrictEqual(
        routerChoiceProblems({ mode: "alb", stickinessSeconds: 60 }, LIBRARY_ROUTER_NAMES),
        [],
      );
    });
  });

  describe("the routers", () => {
    it("alb: one listener per change, applied at the next request, a heal changes exactly it", () => {
      assert.strictEqual(trafficRouterOf(undefined), albRouter);
      assert.deepStrictEqual(
        [albRouter.mode, albRouter.resourcesPerChange, albRouter.resources, albRouter.settleMs({})],
        ["alb", 1, "the listener", 0],
      );
      assert.deepStrictEqual([0, 1, 2].map(albRouter.restoreChangeOk), [false, true, false]);
    });

    it("route53: two records per change, the resolvers' 60 s unless told, a heal changes one or both", () => {
      assert.strictEqual(trafficRouterOf({ routerMode: "route53" } as never), route53Router);
      assert.deepStrictEqual(
        [route53Router.mode, route53Router.resourcesPerChange, route53Router.resources],
        ["route53", 2, "the two weighted records"],
      );
      assert.deepStrictEqual(
        [route53Router.settleMs({}), route53Router.settleMs({ dnsSettleMs: 90_000 })],
        [60_000, 90_000],
      );
      assert.deepStrictEqual([0, 1, 2, 3].map(route53Router.restoreChangeOk), [false, true, true, false]);
    });
  });
});

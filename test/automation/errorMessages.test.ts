// The typed errors' messages, word for word: what the CLI prints and a deploy bot logs. Each says what went
// wrong and what to do next; each branch of a message (a lock holder known or not, a VPC or only subnets
// differing, traffic restored or not) is pinned here.
import { strict as assert } from "assert";
import {
  AbortedError,
  ColourInUseError,
  ColourMissingError,
  DeployFailedError,
  errorMessage,
  ImmutableUpdateError,
  InvalidInputError,
  KeepWarmError,
  LockedError,
  NetworkMismatchError,
  NothingLiveError,
  NotBootstrappedError,
  ProbeFailedError,
  RecordStoreError,
  RollbackRefusedError,
  SwapFailedError,
  TrafficRestoreError,
  UnhealthyError,
  WorkflowError,
} from "../../automation/errors";

describe("workflow error messages", () => {
  it("names each error by its class", () => {
    assert.equal(new NothingLiveError("x").name, "NothingLiveError");
    assert.ok(new NothingLiveError("x") instanceof WorkflowError);
  });

  it("lists every input problem on its own line", () => {
    const error = new InvalidInputError(["`a` (1) is bad", "`b` (2) is bad"]);
    assert.equal(error.message, "Invalid input:\n  - `a` (1) is bad\n  - `b` (2) is bad");
    assert.deepEqual(error.problems, ["`a` (1) is bad", "`b` (2) is bad"]);
  });

  it("names the lock holder with its user, without one, or says it is unknown", () => {
    const holder = { pid: 42, host: "ci-1", workflow: "swap", since: "2026-01-01T00:00:00.000Z" };
    const tail =
      ": wait for it to finish and retry. A lock whose holder died is recognised as stale and taken over automatically.";
    assert.equal(
      new LockedError("/p/.phoenix/lock", { ...holder, user: "ana" }).message,
      "`swap` (pid 42 of ana on ci-1, since 2026-01-01T00:00:00.000Z) holds the lock /p/.phoenix/lock" + tail,
    );
    assert.equal(
      new LockedError("/p/.phoenix/lock", holder).message,
      "`swap` (pid 42 on ci-1, since 2026-01-01T00:00:00.000Z) holds the lock /p/.phoenix/lock" + tail,
    );
    assert.equal(
      new LockedError("/p/.phoenix/lock", undefined).message,
      "another workflow (holder unknown) holds the lock /p/.phoenix/lock" + tail,
    );
  });

  it("says which stacks a missing bootstrap lacks and the command to run", () => {
    assert.equal(
      new NotBootstrappedError("shop", "prod", ["shop-prod-network", "shop-prod-router"]).message,
      "shop/prod is not bootstrapped (missing stacks: shop-prod-network, shop-prod-router): run `phoenix bootstrap --app shop --env prod` first",
    );
  });

  it("explains a VPC mismatch, and a subnet mismatch in the same VPC", () => {
    const deployed = { vpcId: "vpc-1", publicSubnetIds: ["s-a", "s-b"], privateSubnetIds: ["s-c", "s-d"] };
    assert.equal(
      new NetworkMismatchError("shop-prod-network", deployed, { ...deployed, vpcId: "vpc-2" }).message,
      "shop-prod-network uses VPC vpc-1, not vpc-2: nothing was changed. Bootstrap never moves an existing network, " +
        "since another VPC would replace its load balancer, security groups, target groups and every fleet. " +
        "Leave out the VPC options (or give vpc-1) to keep it; to move, bootstrap a new env in vpc-2, release there " +
        "and destroy the old stacks.",
    );
    assert.equal(
      new NetworkMismatchError("shop-prod-network", deployed, {
        vpcId: "vpc-1",
        publicSubnetIds: ["s-e"],
        privateSubnetIds: ["s-f", "s-g"],
      }).message,
      "shop-prod-network uses VPC vpc-1 with public subnets s-a, s-b; private subnets s-c, s-d; bootstrap was given " +
        "public subnets s-e; private subnets s-f, s-g: nothing was changed. Bootstrap never changes an existing " +
        "network: set phoenix:publicSubnetIds and phoenix:privateSubnetIds on shop-prod-network and run `pulumi up` " +
        "on it (fleets move at their next `phoenix up`), or leave out the subnet options.",
    );
  });

  it("lists each refused in-place update with its keys, or says they are unknown", () => {
    const error = new ImmutableUpdateError([
      { urn: "urn:a", type: "aws:ec2/launchTemplate:LaunchTemplate", keys: ["imageId", "userData"] },
      { urn: "urn:b", type: "aws:autoscaling/group:Group", keys: [] },
    ]);
    assert.equal(
      error.message,
      "Refusing an in-place update of immutable resources:\n" +
        "  - urn:a (aws:ec2/launchTemplate:LaunchTemplate): imageId, userData\n" +
        "  - urn:b (aws:autoscaling/group:Group): unknown keys\n" +
        "Nothing was changed. Give the release a new identity (its name must change with its AMI, instance type or " +
        "user data) so the engine replaces the fleet instead of mutating it.",
    );
  });

  it("gives the keep-warm time left in whole minutes, rounded up", () => {
    assert.equal(
      new KeepWarmError("green", "v1", 60_001).message,
      "The green colour (release v1) is the rollback target for another 2 min (keep-warm window): wait, or pass " +
        "`force` (`--force`) to give up the rollback.",
    );
  });

  it("says a colour in use must lose its traffic first, and a missing colour how to deploy one", () => {
    assert.equal(
      new ColourInUseError("blue", 100).message,
      "The blue colour has 100 % of the traffic: swap the traffic away first (`phoenix swap` or `phoenix rollback`), then destroy it.",
    );
    assert.equal(
      new ColourMissingError("green", "there is nothing to swap to").message,
      "The green colour has no fleet, so there is nothing to swap to: deploy one with `phoenix up --release <name> --image <ami>`.",
    );
  });

  it("shows health with the targets per state, or without states when none were seen", () => {
    const next = "Check the instances' health check endpoint and boot logs (console output) before retrying.";
    assert.equal(
      new UnhealthyError("green", 1, 3, { healthy: 1, unhealthy: 2 }, "timed out after 60 s").message,
      `The green colour is not healthy (1/3 healthy targets: 1 healthy, 2 unhealthy; timed out after 60 s). ${next}`,
    );
    assert.equal(
      new UnhealthyError("green", 0, 2, {}, "timed out after 60 s").message,
      `The green colour is not healthy (0/2 healthy targets; timed out after 60 s). ${next}`,
    );
  });

  it("says the health wait stopped at once when the probe cannot be retried", () => {
    assert.equal(
      new ProbeFailedError("blue", 3, new Error("target group tg-1 not found")).message,
      "Cannot check the health of the blue colour: target group tg-1 not found (the probe says retrying cannot help, " +
        "so the health wait stopped at check 3 instead of polling until its timeout)",
    );
  });

  it("says where a failed swap left the traffic: on the old colour, at 0/0, or untouched", () => {
    const next = "Fix the new colour and run `phoenix swap` again, or destroy it.";
    assert.equal(
      new SwapFailedError(2, 50, "green is unhealthy", "blue").message,
      `Swap failed at step 2 (50 %): green is unhealthy. Traffic is back at 100 % on blue. ${next}`,
    );
    assert.equal(
      new SwapFailedError(1, 10, "verify failed", "none").message,
      `Swap failed at step 1 (10 %): verify failed. The router is back at 0/0: no colour serves, as before the swap. ${next}`,
    );
    assert.equal(
      new SwapFailedError(1, 10, "verify failed", undefined).message,
      `Swap failed at step 1 (10 %): verify failed. ${next}`,
    );
  });

  it("says whether a failed deploy was cleaned up", () => {
    assert.equal(
      new DeployFailedError("green", "v2", "unhealthy", true).message,
      "Deploying v2 to green failed: unhealthy. Traffic was not touched. What this call created was destroyed; fix " +
        "the cause and run `phoenix up` again.",
    );
    assert.equal(
      new DeployFailedError("green", "v2", "unhealthy", false).message,
      "Deploying v2 to green failed: unhealthy. Traffic was not touched. Cleaning up failed too: the next workflow " +
        "(or `phoenix destroy --colour green`) removes the green stack.",
    );
  });

  it("says which restore of the traffic failed and that the next workflow finishes it", () => {
    const next =
      "Run `phoenix status` then any workflow (`phoenix rollback`): it finishes the restore from the journal.";
    assert.equal(
      new TrafficRestoreError("blue", new Error("throttled")).message,
      `Could not put 100 % of the traffic back on blue: throttled. ${next}`,
    );
    assert.equal(
      new TrafficRestoreError(undefined, "socket closed").message,
      `Could not put the router back at 0/0 (no release live, as before): socket closed. ${next}`,
    );
  });

  it("refuses a rollback naming both releases and the way to put the other one live", () => {
    const message = (liveRelease: string | undefined) =>
      new RollbackRefusedError(
        "never-served",
        "blue",
        liveRelease,
        "green",
        "v2",
        "v2 has never served traffic",
      ).message;
    assert.equal(
      message("v1"),
      "Refusing to roll back to v2 on green: v2 has never served traffic. A rollback moves all the traffic at once, " +
        "so it only goes back to the very fleet that served before the live release (v1 on blue). To put v2 live, " +
        "use `phoenix swap` (for example `--steps 10,50,100`): it checks health before every step and puts the " +
        "traffic back on blue at the first failure. Nothing was changed.",
    );
    assert.match(message(undefined), /before the live release \(none on blue\)/);
  });

  it("says nothing is live yet, a workflow was aborted, and quotes any thrown value", () => {
    assert.equal(
      new NothingLiveError("there is nothing to roll back").message,
      "No release is live yet (the router is at 0/0 and answers 503), so there is nothing to roll back: deploy " +
        "with `phoenix up` and put it live with `phoenix swap` first.",
    );
    assert.equal(
      new AbortedError("swap step 2").message,
      "Aborted during swap step 2; what this workflow had started was undone. Run it again when ready.",
    );
    assert.equal(errorMessage(new Error("boom")), "boom");
    assert.equal(errorMessage("plain"), "plain");
  });

  it("points a record store denial at the IAM permissions, and anything else at phoenix status", () => {
    const denied = Object.assign(new Error("not allowed"), { name: "AccessDeniedException" });
    assert.equal(
      new RecordStoreError("dynamodb://records", "write the journal", denied).message,
      "The record store dynamodb://records could not write the journal (AccessDeniedException: not allowed). " +
        "Check the credentials and the IAM permissions listed in docs/records.md.",
    );
    assert.equal(
      new RecordStoreError("dynamodb://records", "read the lock", "timeout").message,
      "The record store dynamodb://records could not read the lock (timeout). Run `phoenix status` once it is " +
        "reachable: the next workflow completes or undoes this one.",
    );
  });
});
